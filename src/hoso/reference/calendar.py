"""The stored working-day calendar as a :class:`hoso.workdays.WorkingCalendar`, with its seeding, and
with the stored office hours as a :class:`hoso.workdays.hours.WorkingClock` (working hours)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from hoso.caching import ExpiringCache
from hoso.reference.models import CalendarEntry, CalendarYear, OfficeHours
from hoso.workdays import WorkingCalendar, seed_year
from hoso.workdays.hours import WorkingClock
from hoso.workdays.rules import SEED_FIRST_YEAR, SEED_LAST_YEAR

#: Every due date asks for the calendar: it is read once per HOSO_CACHE_SECONDS per process. An edit in
#: this process clears it at once (``hoso.reference.signals``); the other workers see it within the expiry.
_calendar: ExpiringCache[None, WorkingCalendar] = ExpiringCache(
    "working calendar", seconds=lambda: settings.HOSO_CACHE_SECONDS, max_entries=1
)


def working_calendar() -> WorkingCalendar:
    """The calendar as stored (at most HOSO_CACHE_SECONDS old)."""
    return _calendar.get(None, _read_calendar)


def _read_calendar() -> WorkingCalendar:
    days_off, working = [], []
    for day, kind in CalendarEntry.objects.values_list("day", "kind"):
        (working if kind == CalendarEntry.Kind.WORKING else days_off).append(day)
    return WorkingCalendar(days_off, working)


_clock: ExpiringCache[None, WorkingClock] = ExpiringCache(
    "working clock", seconds=lambda: settings.HOSO_CACHE_SECONDS, max_entries=1
)


def working_clock() -> WorkingClock:
    """The calendar and the office hours as stored (at most HOSO_CACHE_SECONDS old): working hours."""
    return _clock.get(None, _read_clock)


def _read_clock() -> WorkingClock:
    return WorkingClock(working_calendar(), [row.as_value() for row in OfficeHours.objects.all()])


def forget_working_calendar() -> None:
    _calendar.clear()
    _clock.clear()


def seed_calendar(first_year: int = SEED_FIRST_YEAR, last_year: int = SEED_LAST_YEAR) -> int:
    """Seed every year of the range not seeded before; returns how many entries were added.

    A year is seeded once: what an administrator changed or deleted afterwards stays as they left it,
    and a day they entered by hand is never overwritten.
    """
    added = 0
    with transaction.atomic():
        done = set(CalendarYear.objects.values_list("year", flat=True))
        for year in range(first_year, last_year + 1):
            if year in done:
                continue
            existing = set(CalendarEntry.objects.filter(day__year=year).values_list("day", flat=True))
            new = [
                CalendarEntry(
                    day=d.day,
                    kind=d.kind.value,
                    name_vi=d.name_vi,
                    name_en=d.name_en,
                    source=CalendarEntry.Source.SEED,
                )
                for d in seed_year(year)
                if d.day not in existing
            ]
            CalendarEntry.objects.bulk_create(new)
            CalendarYear.objects.create(year=year)
            added += len(new)
    forget_working_calendar()
    return added
