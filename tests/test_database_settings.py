"""PostgreSQL connections bind parameters on the server and prepare repeated statements (the reception's
statements are planned once per worker, not once per dossier); an operator behind a transaction-mode
pooler can turn preparation off."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection


def _options(**env: str) -> dict:
    """The database OPTIONS that the settings build from this environment (in a fresh interpreter)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_PG_", "DJANGO_SETTINGS"))}
    environ |= {"DATABASE_URL": "postgresql://hoso@db.example:5432/hoso", **env}
    code = "import json; from hoso import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    result = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_postgresql_binds_on_the_server_and_prepares_from_the_second_run():
    assert _options() == {"server_side_binding": True, "prepare_threshold": 2}


@pytest.mark.parametrize("value", ["off", "OFF", "none", ""])
def test_preparation_can_be_turned_off_for_a_pooler(value):
    assert _options(HOSO_PG_PREPARE_THRESHOLD=value)["prepare_threshold"] is None


def test_options_given_in_the_database_url_are_kept():
    options = _options(DATABASE_URL="postgresql://hoso@db:5432/hoso?sslmode=require")
    assert options == {"server_side_binding": True, "prepare_threshold": 2, "sslmode": "require"}


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_in_the_session():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    sql = "SELECT count(*) AS prepared_probe FROM reference_office WHERE code <> %s"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        before = cursor.fetchone()[0]
        for _ in range(3):
            cursor.execute(sql, ["00"])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%prepared_probe%"])
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] > before
