"""Contract testing: schemathesis drives a live `hoso serve` from the committed OpenAPI file (bounded
examples, fixed seed): no answer is a server error, and every answer — status code, content type and
body — is one the document declares."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hoso.api.loadtest import Server, prepare

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_the_live_api_keeps_the_committed_contract(tmp_path):
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    if st is None:
        pytest.skip("schemathesis is not installed (make test installs the dev extra)")
    site = prepare(tmp_path / "site", database_url=os.environ.get("DATABASE_URL"))
    try:
        with Server(site, workers=2) as server:
            result = subprocess.run(
                [st, "run", str(ROOT / "docs" / "openapi.json"), "--url", f"http://127.0.0.1:{server.port}",
                 "-H", f"Authorization: Bearer {site.key}", "--max-examples", "15", "--checks", CHECKS,
                 "--request-timeout", "30", "--seed", "2671", "--generation-deterministic"],
                capture_output=True, text=True, timeout=900, cwd=tmp_path,
            )  # fmt: skip
    finally:
        site.close()
    assert result.returncode == 0, result.stdout[-6000:]
    assert "passed" in result.stdout
