"""The national dossier code of a dossier: its office's agency identifier code, the layout in force on
its day of reception (:class:`~hoso.reference.models.NationalCodeLayout`) and the sequence of its local
number (hoso.identifiers.national).

Every reception asks, so the layouts (a handful of rows) are read once a minute per process; an edit in
this process clears them at once, other processes see it within the minute. The office comes with its
agency code in the query the reception makes anyway: the code costs the reception no statement."""

from __future__ import annotations

import logging
import threading
import time
from datetime import date, datetime

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from hoso.identifiers import IdentifierError, format_national_code
from hoso.reference.models import NationalCodeLayout

log = logging.getLogger(__name__)
_CACHE_SECONDS = 60.0
_layouts: tuple[float, list[tuple[date, str]]] | None = None
_lock = threading.Lock()


def layouts() -> list[tuple[date, str]]:
    """(valid from, template) of every stored layout, oldest first."""
    global _layouts
    now = time.monotonic()
    with _lock:
        cached = _layouts
    if cached is not None and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    rows = list(NationalCodeLayout.objects.order_by("valid_from").values_list("valid_from", "template"))
    with _lock:
        _layouts = (now, rows)
    return rows


def layout_on(day: date) -> str | None:
    """The template in force on ``day`` (None before the first layout)."""
    found = None
    for valid_from, template in layouts():
        if valid_from > day:
            break
        found = template
    return found


def national_dossier_code(office, received_at: datetime, sequence: int) -> str:
    """The code of dossier ``sequence`` of ``office`` received at ``received_at``; empty when the office
    has no agency identifier code yet or no layout was in force (the dossier keeps its local number)."""
    day = timezone.localtime(received_at).date()
    template = layout_on(day)
    if not office.agency_code or template is None:
        return ""
    try:
        return format_national_code(
            template, agency=office.agency_code, office=office.code, day=day, sequence=sequence
        )
    except IdentifierError:  # a layout written past the admin's check: never a reason to refuse a dossier
        log.exception("national dossier code: the layout in force on %s cannot be used", day)
        return ""


def forget_layouts() -> None:
    global _layouts
    with _lock:
        _layouts = None


@receiver(post_save, sender=NationalCodeLayout)
@receiver(post_delete, sender=NationalCodeLayout)
def _layout_changed(**_kwargs) -> None:
    forget_layouts()
