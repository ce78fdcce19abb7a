"""PostgreSQL connections bind parameters on the server and prepare a statement from its third run (the
reception's statements are planned once per worker, not once per dossier); an operator behind a
transaction-mode pooler can turn preparation off."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection


def _settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with this environment; print the database OPTIONS."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_PG_", "DJANGO_SETTINGS"))}
    environ |= {"DATABASE_URL": "postgresql://hoso@db.example:5432/hoso", **env}
    code = "import json; from hoso import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True)


def _options(**env: str) -> dict:
    result = _settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


BASE = {"connect_timeout": 5}  # issue 18: no connection attempt hangs


def test_postgresql_binds_on_the_server_and_prepares_from_the_second_run():
    assert _options() == {"server_side_binding": True, "prepare_threshold": 2, **BASE}


def test_the_connect_timeout_is_a_setting():
    assert _options(HOSO_DB_CONNECT_TIMEOUT="12")["connect_timeout"] == 12


@pytest.mark.parametrize("value", ["off", "OFF", "none", "", "0", "no", "false"])
def test_preparation_can_be_turned_off_for_a_pooler(value):
    assert _options(HOSO_PG_PREPARE_THRESHOLD=value)["prepare_threshold"] is None


def test_another_number_of_runs_can_be_given_and_nonsense_is_refused():
    assert _options(HOSO_PG_PREPARE_THRESHOLD=" 5 ")["prepare_threshold"] == 5
    for nonsense in ("-1", "yes", "2.5"):
        refused = _settings(HOSO_PG_PREPARE_THRESHOLD=nonsense)
        assert refused.returncode != 0 and "HOSO_PG_PREPARE_THRESHOLD" in refused.stderr


def test_other_databases_get_no_postgresql_options():
    assert "server_side_binding" not in _options(DATABASE_URL="sqlite:////tmp/hoso-settings-test.sqlite3")


def test_options_given_in_the_database_url_are_kept():
    options = _options(DATABASE_URL="postgresql://hoso@db:5432/hoso?sslmode=require")
    assert options == {"server_side_binding": True, "prepare_threshold": 2, "sslmode": "require", **BASE}


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_in_the_session():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    sql = "SELECT count(*) AS prepared_probe FROM reference_office WHERE code <> %s"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        before = cursor.fetchone()[0]
        probe = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
        for expected in (0, 0, 1):  # prepared on its third run
            cursor.execute(sql, ["00"])
            cursor.execute(probe, ["%prepared_probe%"])
            assert cursor.fetchone()[0] == expected
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] > before
