"""Issue 18, item 4: after PostgreSQL drops every connection (a restart, a failover: here
``pg_terminate_backend`` on all of the gateway's sessions), the next requests are answered normally —
each worker's kept connection is checked before reuse and replaced — and a statement timeout is set.
PostgreSQL only: the embedded SQLite has no server to lose."""

from __future__ import annotations

import json
import os

import pytest

from hoso.testing.loadtest import Server, make_envelopes, request
from tests.api.conftest import live_site  # noqa: F401 — the real-server gateway

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL only: the embedded SQLite has no server connection to lose (CI runs both)",
)

WORKERS = 2


def _terminate_sessions(site) -> int:
    import psycopg

    with psycopg.connect(site.admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [site.database],
        ).fetchall()
    return len(rows)


def test_requests_after_the_database_dropped_every_connection_succeed(live_site):  # noqa: F811
    envelopes = make_envelopes(live_site, 4 * WORKERS)
    with Server(live_site, workers=WORKERS) as server:
        for raw in envelopes[:WORKERS]:  # every worker holds a connection
            status, _, body = request(server.port, "POST", "/api/v1/dossiers", key=live_site.key, body=raw)
            assert status == 201, body[:300]
        assert _terminate_sessions(live_site) >= 1
        statuses = []
        for raw in envelopes[WORKERS:]:
            status, _, body = request(server.port, "POST", "/api/v1/dossiers", key=live_site.key, body=raw)
            statuses.append(status)
            assert status == 201, (statuses, body[:500])
        status, _, body = request(server.port, "GET", "/api/v1/ping", key=live_site.key)
        assert status == 200 and json.loads(body)["ivan"] == "00030"


def test_the_webs_connections_have_a_statement_timeout_and_commands_none(live_site):  # noqa: F811
    """The web (hoso.wsgi) runs statements for HOSO_PG_STATEMENT_TIMEOUT seconds at most (default 30);
    a command such as `hoso init` may run a long migration."""
    import subprocess
    import sys

    show = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])\n"
    )
    web, command = "import hoso.wsgi\n" + show, "from hoso import django_setup; django_setup()\n" + show
    for script, value, expected in (
        (web, "30", "30s"),
        (web, "2.5", "2500ms"),
        (web, "0", "0"),
        (command, "30", "0"),
    ):
        env = {**live_site.env, "HOSO_PG_STATEMENT_TIMEOUT": value}
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr[-1500:]
        assert result.stdout.strip() == expected, (script, value)


def test_while_the_database_refuses_connections_the_api_answers_503_with_retry_after(live_site):  # noqa: F811
    """Nothing is acknowledged while the database is out of reach, and the I-VAN is told to come back
    (503 + Retry-After, a coded reason), not a 500 that looks like the gateway's fault."""
    import psycopg

    envelopes = make_envelopes(live_site, 2)

    def allow(flag: bool) -> None:
        with psycopg.connect(live_site.admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{live_site.database}" ALLOW_CONNECTIONS {str(flag).lower()}')

    with Server(live_site, workers=1) as server:
        allow(False)
        try:
            _terminate_sessions(live_site)
            status, headers, body = request(
                server.port, "POST", "/api/v1/dossiers", key=live_site.key, body=envelopes[0]
            )
            assert status == 503, body[:500]
            assert json.loads(body)["code"] == "API_DATABASE_UNAVAILABLE"
            assert int(headers["Retry-After"]) > 0
        finally:
            allow(True)
        status, _, body = request(
            server.port, "POST", "/api/v1/dossiers", key=live_site.key, body=envelopes[0]
        )
        assert status == 201, body[:500]
