"""Starting the gateway for real: several `hoso init` at once on one database, `hoso serve` refusing a
database that is behind (and never migrating it), and the trusted proxies on gunicorn's command line.

The database tests run on SQLite always and on PostgreSQL when DATABASE_URL is set, each in a data
directory (and a PostgreSQL database) of their own, created and dropped here.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from hoso.operations.startup import (
    INIT_LOCK_FILE,
    INIT_LOCK_KEY,
    WAITING_MESSAGE,
    forwarded_allow_ips,
    gunicorn_command,
)

COUNT_ROWS = """
import json
from hoso import django_setup
django_setup()
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in sorted(connection.introspection.table_names()):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""


def _hoso(*args: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoso", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _postgres(url: str, statement: str):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else None


@dataclass
class Site:
    """A fresh, uninitialised gateway: its data directory and environment (and PostgreSQL database)."""

    backend: str
    data_dir: Path
    env: dict
    database_url: str | None = None

    def row_counts(self) -> dict[str, int]:
        result = subprocess.run(
            [sys.executable, "-c", COUNT_ROWS], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    @contextmanager
    def init_lock_held(self):
        """The lock `hoso init` takes, held by this test process (as another init would hold it)."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                conn.execute("SELECT pg_advisory_lock(%s)", [INIT_LOCK_KEY])
                yield
                conn.execute("SELECT pg_advisory_unlock(%s)", [INIT_LOCK_KEY])
        else:
            with (self.data_dir / INIT_LOCK_FILE).open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                yield
                fcntl.flock(handle, fcntl.LOCK_UN)


def _environment(data_dir: Path) -> dict:
    ours = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "HOSO_TRUSTED_PROXIES")
    env = {k: v for k, v in os.environ.items() if k not in ours}
    return env | {"HOSO_DATA_DIR": str(data_dir)}


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = _environment(data_dir)
    if request.param == "sqlite":
        yield Site("sqlite", data_dir, env)
        return
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL variant: set DATABASE_URL=postgresql://… to run it (CI does: .ci/run)")
    name = f"hoso_startup_{uuid.uuid4().hex[:12]}"
    admin_url = _with_database(server_url, "postgres")
    _postgres(admin_url, f'CREATE DATABASE "{name}"')
    url = _with_database(server_url, name)
    try:
        yield Site("postgresql", data_dir, env | {"DATABASE_URL": url}, url)
    finally:
        _postgres(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def one_init_counts(tmp_path_factory) -> dict[str, int]:
    """The rows of every table after a single `hoso init` on a fresh SQLite data directory."""
    data_dir = tmp_path_factory.mktemp("single")
    site = Site("sqlite", data_dir, _environment(data_dir))
    result = _hoso("init", env=site.env)
    assert result.returncode == 0, result.stderr
    return site.row_counts()


# --- `hoso init`, four at once ------------------------------------------------------------------------


@pytest.mark.slow
def test_four_inits_at_once_one_prepares_the_database_the_others_wait_then_succeed(
    site, one_init_counts, tmp_path
):
    processes = []
    try:
        with site.init_lock_held():  # so that all four are surely started and waiting before any begins
            for n in range(4):
                out, err = tmp_path / f"init{n}.out", tmp_path / f"init{n}.err"
                with out.open("w") as stdout, err.open("w") as stderr:
                    command = [sys.executable, "-m", "hoso", "init"]
                    processes.append(
                        (subprocess.Popen(command, env=site.env, stdout=stdout, stderr=stderr), out, err)
                    )
            deadline = time.monotonic() + 120
            while not all(WAITING_MESSAGE in err.read_text() for _p, _o, err in processes):
                for process, _out, err in processes:
                    assert process.poll() is None, f"init ended before the lock was free:\n{err.read_text()}"
                assert time.monotonic() < deadline, "the inits did not all report waiting within 120 s"
                time.sleep(0.1)
            released = time.monotonic()
        codes = [process.wait(timeout=300) for process, _out, _err in processes]
    finally:
        for process, _out, _err in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    seconds = time.monotonic() - released
    outputs = [(out.read_text(), err.read_text()) for _p, out, err in processes]
    assert codes == [0, 0, 0, 0], outputs
    for _stdout, stderr in outputs:
        assert stderr.count(WAITING_MESSAGE) == 1  # one line while waiting, however long the wait
        assert "Traceback" not in stderr and "IntegrityError" not in stderr
    # One of them seeded the calendar (and loaded everything); the others found it done.
    seeded = [int(re.search(r"calendar_entries_added: (\d+)", stdout)[1]) for stdout, _err in outputs]
    assert sorted(seeded)[:3] == [0, 0, 0] and max(seeded) > 0
    # The schema is complete, and every table holds what one init alone leaves: nothing twice.
    assert _hoso("manage", "migrate", "--check", env=site.env).returncode == 0
    assert site.row_counts() == one_init_counts
    print(f"\n{site.backend}: four `hoso init` at once took {seconds:.1f} s once the lock was free")


def test_the_init_lock_key_is_fixed():
    # A running older version and this one must exclude each other: the key never changes.
    assert INIT_LOCK_KEY == int.from_bytes(b"hosoinit", "big") < 2**63


# --- `hoso serve` refuses a database that is behind ---------------------------------------------------


def _assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "`hoso init`" in result.stderr and all(word in result.stderr for word in words), result.stderr
    output = result.stdout + result.stderr
    assert "Cổng hoso đang chạy" not in output  # gunicorn never started
    assert "gunicorn" not in output.lower() and "Booting worker" not in output and "Listening" not in output


def test_serve_refuses_a_database_never_initialised(site):
    from hoso.testing.loadtest import free_port

    started = time.monotonic()
    result = _hoso("serve", "--port", str(free_port()), env=site.env, timeout=120)
    seconds = time.monotonic() - started
    _assert_refused(result, "chưa được khởi tạo", "has not been initialised")
    if site.backend == "sqlite":
        assert not (site.data_dir / "hoso.sqlite3").exists()  # not even an empty database made
    else:
        tables = _postgres(site.database_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables == [(0,)]
    print(f"\n{site.backend}: `hoso serve` refused an uninitialised database in {seconds:.2f} s")


@pytest.mark.slow
def test_serve_refuses_a_database_behind_never_migrates_it_and_starts_after_init(site):
    from hoso.testing.loadtest import free_port

    assert _hoso("init", env=site.env).returncode == 0
    back = _hoso("manage", "migrate", "reports", "0002_rollups", env=site.env)
    assert back.returncode == 0, back.stderr

    started = time.monotonic()
    result = _hoso("serve", "--port", str(free_port()), env=site.env, timeout=120)
    seconds = time.monotonic() - started
    _assert_refused(result, "reports.0003_unit_switch", "chưa được cập nhật", "is behind")
    assert _hoso("manage", "migrate", "--check", env=site.env).returncode != 0  # still behind: not migrated
    print(f"\n{site.backend}: `hoso serve` refused a database one migration behind in {seconds:.2f} s")

    assert _hoso("init", env=site.env).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hoso", "serve", "--port", str(port), "--workers", "1"],
        env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
                    assert response.status == 200
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.2)
        cmdline = Path(f"/proc/{server.pid}/cmdline")  # execv kept the pid: this is gunicorn's master
        if cmdline.exists():
            argv = cmdline.read_bytes().split(b"\0")
            assert argv[argv.index(b"--forwarded-allow-ips") + 1] == b""  # nobody trusted by default
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Booting worker" in output


# --- the gunicorn command line: trusted proxies -------------------------------------------------------


def _gunicorn_config(command: list[str]):
    """What gunicorn makes of the command line, parsed by gunicorn itself as its application does."""
    from gunicorn.config import Config

    config = Config()
    parsed = config.parser().parse_args(command[command.index("hoso.wsgi:application") :])
    for name, value in vars(parsed).items():
        if value is not None and name in config.settings:
            config.set(name.lower(), value)
    return config


def _trusted(config, address: str) -> bool:
    from gunicorn.http.message import _ip_in_allow_list

    return _ip_in_allow_list(address, config.forwarded_allow_ips, config.forwarded_allow_networks())


def test_trusted_proxies_reach_gunicorn_as_forwarded_allow_ips():
    command = gunicorn_command(
        host="10.20.0.1",
        port=8000,
        workers=2,
        trusted_proxies=["10.20.0.5", " 192.168.0.0/16", "fd00::/8", ""],
    )
    value = command[command.index("--forwarded-allow-ips") + 1]
    assert value == "10.20.0.5,192.168.0.0/16,fd00::/8"
    config = _gunicorn_config(command)
    assert config.forwarded_allow_ips == ["10.20.0.5", "192.168.0.0/16", "fd00::/8"]
    assert _trusted(config, "192.168.7.9") and _trusted(config, "fd00::1") and _trusted(config, "10.20.0.5")
    assert not _trusted(config, "10.20.0.6") and not _trusted(config, "127.0.0.1")
    assert config.workers == 2 and config.bind == ["10.20.0.1:8000"]


def test_no_trusted_proxy_configured_trusts_nobody_not_even_loopback(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # gunicorn's own variable does not apply either
    command = gunicorn_command(host="127.0.0.1", port=8000, workers=1, trusted_proxies=[])
    assert command[command.index("--forwarded-allow-ips") + 1] == ""
    config = _gunicorn_config(command)
    assert config.forwarded_allow_ips == []
    assert not _trusted(config, "127.0.0.1") and not _trusted(config, "::1")
    # Loopback is trusted only when the setting says so (a reverse proxy on the same machine).
    config = _gunicorn_config(
        gunicorn_command(host="127.0.0.1", port=8000, workers=1, trusted_proxies=["127.0.0.1"])
    )
    assert _trusted(config, "127.0.0.1") and not _trusted(config, "::1")


def test_a_proxy_setting_gunicorn_would_refuse_stops_serve_with_a_message():
    for bad in (["10.0.0.1/8"], ["proxy.example"], "10.0.0.0/8,300.1.1.1"):
        with pytest.raises(SystemExit, match="HOSO_TRUSTED_PROXIES") as refused:
            forwarded_allow_ips(bad)
        assert "không phải địa chỉ IP" in str(refused.value) and "is not an IP address" in str(refused.value)
    assert forwarded_allow_ips("10.0.0.0/8, 127.0.0.1") == "10.0.0.0/8,127.0.0.1"  # a comma-separated text
    assert forwarded_allow_ips(None) == ""


def test_serve_builds_its_command_from_the_setting(settings):
    from hoso.commands import server_command

    args = argparse.Namespace(host="10.1.2.3", port=8123, workers=3)
    settings.HOSO_TRUSTED_PROXIES = ["10.1.2.0/24", "127.0.0.1"]
    command = server_command(args)
    assert command[command.index("--forwarded-allow-ips") + 1] == "10.1.2.0/24,127.0.0.1"
    assert (
        command[command.index("--bind") + 1] == "10.1.2.3:8123"
        and command[command.index("--workers") + 1] == "3"
    )
    del settings.HOSO_TRUSTED_PROXIES  # before the setting exists (or when removed): nobody trusted
    command = server_command(args)
    assert command[command.index("--forwarded-allow-ips") + 1] == ""
