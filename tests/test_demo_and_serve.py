"""`hoso demo --no-serve` and `hoso serve` as a user runs them: real processes, a real HTTP server."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"HOSO_DATA_DIR": str(data_dir)}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "hoso", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return data_dir, env, result.stdout, time.monotonic() - started


def test_demo_prepares_the_embedded_database_and_prints_the_logins(demo_dir):
    data_dir, _env, out, _seconds = demo_dir
    assert "motcua.badinh" in out and "hoso-demo-2015" in out
    with sqlite3.connect(data_dir / "hoso.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("select count(*) from reference_office").fetchone()[0] == 31
    assert (data_dir / "secret_key").stat().st_mode & 0o077 == 0


def test_init_is_safe_to_run_again(demo_dir):
    _data_dir, env, _out, _seconds = demo_dir
    result = subprocess.run(
        [sys.executable, "-m", "hoso", "init"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "calendar_entries_added: 0" in result.stdout


def test_serve_runs_a_multi_process_server(demo_dir):
    _data_dir, env, _out, _seconds = demo_dir
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hoso", "serve", "--port", str(port)],
        env=env | {"HOSO_WORKERS": "3"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "server did not answer within 60 s"
                time.sleep(0.3)
        assert "BHXH quận Hoàn Kiếm" in page
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/admin/login/", headers={"Accept-Language": "en"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "gunicorn" in output.lower() or "Booting worker" in output
    assert output.count("Booting worker") == 3  # HOSO_WORKERS, with no --workers given
    assert "Bộ chạy công việc định kỳ đã khởi động" in output  # the job worker runs beside them


def test_workers_follow_the_cores_unless_the_evidence_store_is_remote():
    from hoso.commands import default_workers, usable_cores

    assert default_workers({}, cores=2) == 2
    assert default_workers({"HOSO_BLOB_STORE": "/srv/hoso/blobs"}, cores=4) == 4
    assert default_workers({"HOSO_BLOB_STORE": "s3://hoso-evidence/2026"}, cores=2) == 5
    assert default_workers({"HOSO_WORKERS": "7", "HOSO_BLOB_STORE": "s3://b"}, cores=2) == 7
    assert default_workers({"HOSO_WORKERS": "0"}, cores=2) == 1
    assert default_workers({}) == usable_cores() >= 1
    with pytest.raises(SystemExit, match="HOSO_WORKERS"):
        default_workers({"HOSO_WORKERS": "many"})
