"""WSGI entry point (served by gunicorn through `hoso serve`).

Each worker imports this module once. After the application and its URLconf (every view module) are
loaded, the garbage collector's generations are tuned and the loaded objects frozen (`hoso.gc_tuning`):
otherwise the collector keeps rescanning Django's hundreds of thousands of long-lived objects, a pause
of tens of milliseconds every few hundred requests (bench/intake.py, issue 5).

The web's PostgreSQL connections get a statement timeout (``HOSO_PG_STATEMENT_TIMEOUT``, issue 18): a
request never waits on a runaway statement or a lock for ever. Commands (`hoso init`, backups, reports)
connect without it.
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
    if database["ENGINE"] == "django.db.backends.postgresql" and timeout_ms:
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c statement_timeout={timeout_ms}".strip()


_limit_statements()

from hoso.gc_tuning import settle_after_startup  # noqa: E402 — needs the settings above

settle_after_startup()
