"""Working-day arithmetic over a calendar of exceptions.

A day is a working day when it is Monday–Friday and not declared a day off (public holiday,
compensatory day, a day moved by a swap), or when it is a weekend day declared a working day (the other
half of a swap). Deadlines of procedures count working days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)
_MAX_SPAN_DAYS = 366 * 50


class WorkingCalendar:
    """Immutable set of exceptions to the Monday–Friday week."""

    def __init__(self, days_off: Iterable[date] = (), working_weekend_days: Iterable[date] = ()) -> None:
        self._days_off = frozenset(days_off)
        self._working_weekend_days = frozenset(working_weekend_days)

    def is_working_day(self, day: date) -> bool:
        if day in self._working_weekend_days:
            return True
        return day.weekday() < 5 and day not in self._days_off

    def next_working_day(self, day: date) -> date:
        """``day`` itself when it is a working day, otherwise the first working day after it."""
        for _ in range(_MAX_SPAN_DAYS):
            if self.is_working_day(day):
                return day
            day += _ONE_DAY
        raise ValueError("no working day within 50 years")

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (before it when n < 0); n = 0 gives ``start`` rolled
        forward to a working day. ``start`` itself is never counted."""
        if n == 0:
            return self.next_working_day(start)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        day = start
        for _ in range(_MAX_SPAN_DAYS):
            day += step
            if self.is_working_day(day):
                remaining -= 1
                if remaining == 0:
                    return day
        raise ValueError("working-day span over 50 years")

    def count_working_days(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start.

        ``count_working_days(d, add_working_days(d, n)) == n`` for every n ≥ 1.
        """
        if end < start:
            return -self.count_working_days(end, start)
        if (end - start).days > _MAX_SPAN_DAYS:
            raise ValueError("working-day span over 50 years")
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count
