"""The deployment files of deploy/ on their own (no cluster; SQLite or PostgreSQL alike): every variable
of the environment file is one hoso accepts, the units are valid systemd units that never migrate, nginx
accepts its configuration, and the settings a transaction-mode pooler needs are what hoso configures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from hoso import config
from tests.cluster.harness import DEPLOY, UNIT_VENV, VENV, Nginx, read_env_file, render_env_file, unit_service


def test_every_variable_of_the_environment_file_is_accepted():
    env = read_env_file(DEPLOY / "hoso.env.example")
    values = config.read(env)  # an unknown or malformed HOSO_* variable raises ConfigError
    assert values["HOSO_API_RATE_BACKEND"] == "database" and values["HOSO_PG_POOL_MODE"] == "transaction"
    assert values["HOSO_TRUSTED_PROXIES"] and values["HOSO_BLOB_STORE"].startswith("s3://")
    assert env["DATABASE_URL"].endswith(":6432/hoso")  # PgBouncer's port
    assert values["HOSO_PG_PREPARE_THRESHOLD"] is None


def test_the_rendered_environment_file_keeps_the_example_and_puts_values_in():
    text = render_env_file({"HOSO_SERVER_NAME": "app7", "HOSO_S3_ENDPOINT_URL": None, "HOSO_WORKERS": "3"})
    env = {
        k: v
        for k, v in (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    }
    assert (
        env["HOSO_SERVER_NAME"] == "app7" and env["HOSO_WORKERS"] == "3" and "HOSO_S3_ENDPOINT_URL" not in env
    )


@pytest.mark.parametrize("unit", ["hoso-web.service", "hoso-worker.service"])
def test_the_units_start_hoso_from_its_environment_file_and_never_migrate(unit, tmp_path):
    service = unit_service(DEPLOY / "systemd" / unit)
    assert service["EnvironmentFile"] == ["/etc/hoso/hoso.env"]
    (command,) = service["ExecStart"]
    assert command.startswith(f"{UNIT_VENV}/bin/hoso ")
    assert "ExecStartPre" not in service  # `hoso init` is the administrator's step, once per release
    assert not any(word in " ".join(sum(service.values(), [])) for word in ("init", "migrate"))
    assert service["KillMode"] == ["mixed"] and service["Restart"] == ["on-failure"]
    assert service["ProtectSystem"] == ["strict"] and service["ReadWritePaths"] == ["/var/lib/hoso"]
    assert service["NoNewPrivileges"] == ["yes"] and service["PrivateTmp"] == ["yes"]
    if unit == "hoso-web.service":
        # gunicorn's graceful stop (--graceful-timeout 20) fits in TimeoutStopSec before the SIGKILL.
        assert "--no-worker" in command and int(service["TimeoutStopSec"][0]) > 20
    if shutil.which("systemd-analyze") is None:
        return
    rendered = tmp_path / unit
    rendered.write_text((DEPLOY / "systemd" / unit).read_text().replace(UNIT_VENV, str(VENV)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(rendered)], capture_output=True, text=True, timeout=60
    )
    problems = [line for line in result.stderr.splitlines() if unit in line]
    assert problems == [], result.stderr


@pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is absent (make system-deps installs nginx-light)"
)
def test_nginx_accepts_the_configuration(tmp_path):
    Nginx(tmp_path / "nginx", [8001, 8002], tmp_path).configure()  # runs `nginx -t`
    text = (DEPLOY / "nginx" / "hoso.conf").read_text()
    upload = config.read({})["HOSO_MAX_UPLOAD_BYTES"]
    assert "client_max_body_size 21m;" in text and upload + 2**20 == 21 * 2**20
    assert "proxy_read_timeout 65s;" in text  # above gunicorn's --timeout 60


def _database_settings(**env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_PG_", "DJANGO_SETTINGS"))}
    environ |= {"DATABASE_URL": "postgresql://hoso@db.example:6432/hoso", **env}
    code = (
        "import json, hoso.wsgi; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(json.dumps({'options': d['OPTIONS'], 'cursors': d['DISABLE_SERVER_SIDE_CURSORS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_behind_a_transaction_pooler_no_prepared_statement_cursor_or_startup_option():
    """PgBouncer 1.18 in transaction mode refuses a connection carrying `options` ("unsupported startup
    parameter"), knows no prepared statement, and passes a session on after each transaction."""
    pooled = _database_settings(HOSO_PG_POOL_MODE="transaction")
    assert pooled["options"]["prepare_threshold"] is None and pooled["cursors"] is True
    assert "options" not in pooled["options"]  # the web's statement timeout is the role's there
    # PgBouncer ≥ 1.22 with max_prepared_statements: an operator may still ask for preparation.
    assert (
        _database_settings(HOSO_PG_POOL_MODE="transaction", HOSO_PG_PREPARE_THRESHOLD="3")["options"][
            "prepare_threshold"
        ]
        == 3
    )
    direct = _database_settings()
    assert direct["options"]["options"] == "-c statement_timeout=30000" and direct["cursors"] is False
    assert direct["options"]["prepare_threshold"] == 2
