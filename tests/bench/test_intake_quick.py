"""bench/intake.py still runs (its --quick mode: a few dozen requests to a real `hoso serve`), so that a
change of the schema, the API or the load generator that breaks the benchmark breaks the build. No
figure is asserted: they are meaningless at this size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_intake_benchmark_runs_in_its_quick_mode():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    database = ["--db", "postgresql"] if os.environ.get("DATABASE_URL") else ["--db", "sqlite"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "intake.py"), "--quick", *database],
        capture_output=True, text=True, env=env, timeout=540, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "{201: 40}" in result.stdout, result.stdout
    assert "CPU ms per dossier" in result.stdout
