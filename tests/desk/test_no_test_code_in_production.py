"""Issue 20, item 3: production code never imports ``hoso.testing`` (whose builders make up names,
birth certificates and household codes for tests). An AST scan of every module under ``src/hoso``: an
import of ``hoso.testing`` anywhere — at module level or inside a function — fails, except in the
tool listed below, which only the ``hoso demo`` command reaches; and it may itself be imported only by
the command line, never by a module a request reaches. (The load generator of the benchmarks and HTTP
tests is ``hoso.testing.loadtest``: test code.)
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import hoso

PACKAGE = Path(hoso.__file__).parent
# Tools that build made-up dossiers on purpose, and who may import them.
TOOLS = {
    "hoso.reports.demo": "the demo history of `hoso demo` (hoso.commands._demo)",
}
TOOL_IMPORTERS = {"hoso.commands"}  # the `hoso` command line: not reachable from a web request


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts).removesuffix(".__init__")
        if name == "hoso.testing" or name.startswith("hoso.testing."):
            continue
        yield name, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.AST, module: str):
    """Every module ``tree`` imports, absolute names (``from hoso import testing`` included)."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def _is(name: str, target: str) -> bool:
    return name == target or name.startswith(target + ".")


def test_no_production_module_imports_hoso_testing():
    offenders = [
        f"{module}:{line} imports {name}"
        for module, tree in _modules()
        if module not in TOOLS
        for name, line in _imports(tree, module)
        if _is(name, "hoso.testing")
    ]
    assert not offenders, "production code imports test builders:\n" + "\n".join(offenders)


def test_the_tools_that_may_are_reached_only_from_the_command_line():
    offenders = [
        f"{module}:{line} imports {name}"
        for module, tree in _modules()
        if module not in TOOLS and module not in TOOL_IMPORTERS
        for name, line in _imports(tree, module)
        for tool in TOOLS
        if _is(name, tool)
    ]
    assert not offenders, "a module a request may reach imports a demo or bench tool:\n" + "\n".join(
        offenders
    )


def test_serving_every_url_loads_no_test_code():
    """In a fresh interpreter (this one has the test plugin loaded): the URL configuration with every
    view module, and the WSGI application, leave ``hoso.testing`` and the tools unloaded."""
    script = (
        "import sys, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'hoso.settings')\n"
        "from hoso.wsgi import application\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        f"bad = sorted(m for m in sys.modules if m.startswith('hoso.testing') or m in {sorted(TOOLS)!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", f"loaded when serving: {result.stdout.strip()}"
