"""Each atheris target runs a few seconds in the suite (longer runs: fuzz/README.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_fuzz_targets_find_no_crash_in_a_short_run():
    pytest.importorskip("atheris", reason="atheris not installed (make test installs the dev extra)")
    result = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "run.py"), "all", "--seconds", "4"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "no crash found" in result.stdout
