"""WSGI entry point (served by gunicorn through `hoso serve`).

Each worker imports this module once. After the application and its URLconf (every view module) are
loaded, the garbage collector's generations are tuned and the loaded objects frozen (`hoso.gc_tuning`):
otherwise the collector keeps rescanning Django's hundreds of thousands of long-lived objects, a pause
of tens of milliseconds every few hundred requests (bench/intake.py, issue 5).

The web's PostgreSQL connections get a statement timeout (``HOSO_PG_STATEMENT_TIMEOUT``, issue 18): a
request never waits on a runaway statement or a lock for ever. Commands (`hoso init`, backups, reports)
connect without it. Behind a transaction-mode pooler (``HOSO_PG_POOL_MODE=transaction``) no startup option
is sent — PgBouncer refuses the connection that carries one, and a session ``SET`` would stay on a server
session that other clients then use — so the timeout is the database role's there
(``ALTER ROLE … SET statement_timeout``, docs/operations.md).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
application = get_wsgi_application()


def _limit_statements() -> None:
    """Before any connection is opened: PostgreSQL's ``statement_timeout`` for this web process."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    timeout_ms = int(settings.HOSO_PG_STATEMENT_TIMEOUT * 1000)
    pooled = getattr(settings, "HOSO_PG_POOL_MODE", "session") == "transaction"
    if database["ENGINE"] == "django.db.backends.postgresql" and timeout_ms and not pooled:
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c statement_timeout={timeout_ms}".strip()


_limit_statements()

from hoso.gc_tuning import settle_after_startup  # noqa: E402 — needs the settings above

settle_after_startup()
