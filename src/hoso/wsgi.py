"""WSGI entry point (served by gunicorn through `hoso serve`).

Each worker imports this module once. After the application and its URLconf (every view module) are
loaded, the garbage collector's generations are tuned and the loaded objects frozen (`hoso.gc_tuning`):
otherwise the collector keeps rescanning Django's hundreds of thousands of long-lived objects, a pause
of tens of milliseconds every few hundred requests (bench/intake.py, issue 5).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
application = get_wsgi_application()

from hoso.gc_tuning import settle_after_startup  # noqa: E402 — needs the settings above

settle_after_startup()
