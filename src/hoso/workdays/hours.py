"""Working-hour arithmetic: the office hours of working days, as data (pure).

A clock in working hours (Decree 45/2020: a receipt or supplement request within 8 working hours)
runs only during the office's opening periods on working days of the calendar; it stops at night, at
lunch, on weekends, holidays and Tết, and resumes at the next opening. Times are naive Vietnam local
time; an aware datetime is converted first. The office hours are dated (``valid_from``) so that a
change of opening hours does not alter the clocks of earlier days.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from hoso.workdays.calendar import WorkingCalendar

VN_TZ = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
_ONE_DAY = timedelta(days=1)
_MAX_DAYS = 366 * 50


class OfficeHoursError(ValueError):
    """Office hours that cannot be used: periods out of order, overlapping or empty."""


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """The opening periods of every working day from ``valid_from`` (until the next schedule)."""

    valid_from: date
    periods: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise OfficeHoursError("office hours need at least one period")
        previous_end: time | None = None
        for start, end in self.periods:
            if not start < end:
                raise OfficeHoursError(f"period {start}–{end} ends before it starts")
            if previous_end is not None and start < previous_end:
                raise OfficeHoursError(f"period {start}–{end} overlaps or precedes the one before")
            previous_end = end

    @property
    def minutes_a_day(self) -> int:
        return sum(_minutes(start, end) for start, end in self.periods)


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def local(moment: datetime) -> datetime:
    """``moment`` as naive Vietnam local time."""
    return moment.astimezone(VN_TZ).replace(tzinfo=None) if moment.tzinfo else moment


class WorkingClock:
    """Working days of a :class:`WorkingCalendar` and dated :class:`OfficeHours`."""

    def __init__(self, calendar: WorkingCalendar, schedules: Iterable[OfficeHours]) -> None:
        ordered = sorted(schedules, key=lambda s: s.valid_from)
        if not ordered:
            raise OfficeHoursError("no office hours")
        if len({s.valid_from for s in ordered}) != len(ordered):
            raise OfficeHoursError("two office-hour schedules start on the same day")
        self.calendar = calendar
        self._schedules = tuple(ordered)
        self._starts = [s.valid_from for s in ordered]

    def hours_on(self, day: date) -> OfficeHours:
        """The schedule in force on ``day`` (the first one also before its date)."""
        index = bisect.bisect_right(self._starts, day) - 1
        return self._schedules[max(index, 0)]

    def periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening periods of ``day``; none when it is not a working day."""
        if not self.calendar.is_working_day(day):
            return []
        return [
            (datetime.combine(day, start), datetime.combine(day, end))
            for start, end in self.hours_on(day).periods
        ]

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` is inside an opening period (start included, end excluded)."""
        moment = local(moment)
        return any(start <= moment < end for start, end in self.periods_on(moment.date()))

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """The moment ``minutes`` working minutes after ``start`` (naive local time).

        Time outside the opening periods does not count: a clock started at night, on a holiday or
        during lunch starts at the next opening. A clock that ends exactly at a closing time ends then
        (17:00), not at the next opening. ``minutes == 0`` gives ``start``.
        """
        if minutes < 0:
            raise ValueError("working minutes must not be negative")
        cursor = local(start)
        if minutes == 0:
            return cursor
        remaining = timedelta(minutes=minutes)
        day = cursor.date()
        for _ in range(_MAX_DAYS):
            for opening, closing in self.periods_on(day):
                begin = max(opening, cursor)
                if begin >= closing:
                    continue
                available = closing - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += _ONE_DAY
        raise ValueError("working-hour span over 50 years")

    def add_working_hours(self, start: datetime, hours: int) -> datetime:
        return self.add_working_minutes(start, hours * 60)

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Working minutes in [start, end) (negative when ``end`` is before ``start``).

        ``working_minutes_between(s, add_working_minutes(s, m)) == m`` for every m ≥ 0.
        """
        start, end = local(start), local(end)
        if end < start:
            return -self.working_minutes_between(end, start)
        if (end.date() - start.date()).days > _MAX_DAYS:
            raise ValueError("working-hour span over 50 years")
        total = timedelta()
        day = start.date()
        while day <= end.date():
            for opening, closing in self.periods_on(day):
                begin, finish = max(opening, start), min(closing, end)
                if finish > begin:
                    total += finish - begin
            day += _ONE_DAY
        return int(total.total_seconds() // 60)
