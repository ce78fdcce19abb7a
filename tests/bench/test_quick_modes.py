"""Every benchmark under bench/ still runs, in its quick mode (small sizes), so that a change of the schema,
the API or a package that breaks a benchmark breaks the build. No figure is asserted: at these sizes they
mean nothing, and timings are not tested. bench/intake.py has its own test (test_intake_quick.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

# benchmark: (its quick command line, a line every run prints with its figures)
QUICK = {
    "barcode.py": (["--quick"], "goal conditions below 100 %"),
    "import_units.py": (["--quick", "--rows", "500"], "import / reference:"),
    "memory.py": (["--quick"], "worst:"),
    "verify.py": (["--quick"], "full µs/kB"),
    "reports.py": (["--quick"], "slowest (warm):"),
}
OWN_TEST = {"intake.py": "test_intake_quick.py"}


def test_every_benchmark_has_a_quick_run_in_the_suite():
    benchmarks = {path.name for path in (ROOT / "bench").glob("*.py")}
    assert benchmarks == set(QUICK) | set(OWN_TEST)
    assert all((Path(__file__).parent / test).exists() for test in OWN_TEST.values())


@pytest.mark.parametrize("benchmark", sorted(QUICK))
def test_the_benchmark_runs_in_its_quick_mode(benchmark):
    if benchmark == "reports.py" and not POSTGRESQL:
        pytest.skip(
            "bench/reports.py generates its data in PostgreSQL: set DATABASE_URL=postgresql://… (CI does)"
        )
    arguments, figures = QUICK[benchmark]
    # Its data in the run's throw-away data directory, or in a database of its own beside DATABASE_URL's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / benchmark), *arguments],
        capture_output=True, text=True, env=env, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert figures in result.stdout, result.stdout[-2000:]
