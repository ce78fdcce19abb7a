"""Template filters that show stored values as people read them in Vietnam: months mm/yyyy, times
dd/mm/yyyy HH:MM (Hanoi), outcomes in words. Report rows keep ISO strings (they are also JSON)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from hoso.dates import show_iso_month
from hoso.intake.models import Submission

register = template.Library()


@register.filter
def vn_month(value) -> str:
    """``2016-01`` (as stored) → ``01/2016``; anything else as it is."""
    return show_iso_month(str(value or ""))


@register.filter
def vn_time(value) -> str:
    """An ISO date-time (string or object) → ``dd/mm/yyyy HH:MM`` in Hanoi time; '' for nothing."""
    if not value:
        return ""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%d/%m/%Y %H:%M")


@register.filter
def outcome_label(value) -> str:
    """A submission's outcome (accepted, refused, pending) in words."""
    try:
        return str(Submission.Outcome(value).label)
    except ValueError:
        return str(value or "")
