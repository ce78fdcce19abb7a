"""hoso — the electronic-dossier gateway of a Vietnamese social-insurance office."""

from __future__ import annotations

__version__ = "0.1.0"


def django_setup() -> None:
    """Configure Django for a command-line handler (idempotent)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
