"""Issue 23, item 2: a clock in working hours — office hours of working days, across weekends, holidays
and Tết (hypothesis), with dated office hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso.workdays import WorkingCalendar, lunar_to_solar, seed_year
from hoso.workdays.hours import OfficeHours, OfficeHoursError, WorkingClock

SEEDED = WorkingCalendar(
    days_off=[d.day for year in range(2014, 2028) for d in seed_year(year)],
    working_weekend_days=[date(2016, 2, 13)],  # a swapped Saturday
)
DAY = ((time(8), time(12)), (time(13), time(17)))  # 8 working hours a day
CLOCK = WorkingClock(SEEDED, [OfficeHours(date(2014, 1, 1), DAY)])
moments = st.datetimes(min_value=datetime(2014, 1, 1), max_value=datetime(2027, 6, 30))
tet_moments = st.builds(
    lambda year, offset, seconds: (
        datetime.combine(lunar_to_solar(year, 1, 1), time()) + timedelta(days=offset, seconds=seconds)
    ),
    st.integers(min_value=2015, max_value=2027),
    st.integers(min_value=-4, max_value=6),
    st.integers(min_value=0, max_value=86399),
)
any_moment = st.one_of(moments, tet_moments)
minutes = st.integers(min_value=0, max_value=8 * 60 * 25)


def test_eight_working_hours_of_the_decree():
    # received Tuesday 10:00 → Wednesday 10:00
    assert CLOCK.add_working_hours(datetime(2025, 7, 8, 10), 8) == datetime(2025, 7, 9, 10)
    # received Friday 16:00 → Monday 16:00 (the weekend does not count)
    assert CLOCK.add_working_hours(datetime(2025, 7, 11, 16), 8) == datetime(2025, 7, 14, 16)
    # received on Saturday night → the clock starts on Monday at 08:00 and ends at 17:00
    assert CLOCK.add_working_hours(datetime(2025, 7, 12, 22), 8) == datetime(2025, 7, 14, 17)
    # received at lunch → starts at 13:00
    assert CLOCK.add_working_hours(datetime(2025, 7, 8, 12, 15), 1) == datetime(2025, 7, 8, 14)


def test_tet_and_a_holiday_stop_the_clock():
    # Tết 2026: 16/02 (last day of the year) to 20/02 are off; Friday 13/02 16:00 + 8 h → Monday 23/02 16:00
    assert not SEEDED.is_working_day(date(2026, 2, 16)) and not SEEDED.is_working_day(date(2026, 2, 20))
    assert CLOCK.add_working_hours(datetime(2026, 2, 13, 16), 8) == datetime(2026, 2, 23, 16)
    # 30/4 and 1/5 2025 (Wednesday, Thursday): Tuesday 29/04 17:00 + 4 h → Friday 02/05 12:00
    assert CLOCK.add_working_hours(datetime(2025, 4, 29, 17), 4) == datetime(2025, 5, 2, 12)


def test_a_swapped_saturday_counts():
    assert CLOCK.add_working_hours(datetime(2016, 2, 12, 17), 2) == datetime(2016, 2, 13, 10)


def test_an_aware_moment_is_read_in_hanoi_time():
    assert CLOCK.add_working_hours(datetime(2025, 7, 8, 3, tzinfo=UTC), 1) == datetime(2025, 7, 8, 11)
    assert CLOCK.is_open(datetime(2025, 7, 8, 1, tzinfo=UTC)) and not CLOCK.is_open(datetime(2025, 7, 8, 5))


def test_office_hours_are_dated():
    clock = WorkingClock(
        SEEDED,
        [OfficeHours(date(2014, 1, 1), DAY), OfficeHours(date(2025, 7, 1), ((time(7, 30), time(16, 30)),))],
    )
    assert clock.add_working_hours(datetime(2025, 6, 30, 16), 2) == datetime(2025, 7, 1, 8, 30)
    assert clock.hours_on(date(2013, 5, 1)).valid_from == date(2014, 1, 1)
    assert clock.working_minutes_between(datetime(2025, 6, 30, 16), datetime(2025, 7, 1, 8, 30)) == 120


@pytest.mark.parametrize(
    "periods",
    [(), ((time(12), time(8)),), ((time(8), time(12)), (time(11), time(17))), ((time(8), time(8)),)],
)
def test_impossible_office_hours_are_refused(periods):
    with pytest.raises(OfficeHoursError):
        OfficeHours(date(2025, 1, 1), periods)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError):
        CLOCK.add_working_minutes(datetime(2025, 7, 8, 9), -1)


@given(any_moment, minutes)
@settings(max_examples=500, deadline=None)
def test_the_minutes_added_are_the_minutes_counted(start, m):
    end = CLOCK.add_working_minutes(start, m)
    assert end >= start
    assert CLOCK.working_minutes_between(start, end) == m
    assert CLOCK.working_minutes_between(end, start) == -m


@given(any_moment, st.integers(min_value=1, max_value=8 * 60 * 25))
@settings(max_examples=500, deadline=None)
def test_a_clock_ends_inside_office_hours_of_a_working_day(start, m):
    end = CLOCK.add_working_minutes(start, m)
    assert SEEDED.is_working_day(end.date())
    assert any(opening < end <= closing for opening, closing in CLOCK.periods_on(end.date()))


@given(any_moment, minutes, minutes)
@settings(max_examples=300, deadline=None)
def test_adding_is_additive_and_monotone(start, a, b):
    then = CLOCK.add_working_minutes(start, a)
    assert CLOCK.add_working_minutes(then, b) == CLOCK.add_working_minutes(start, a + b)
    if a <= b:
        assert CLOCK.add_working_minutes(start, a) <= CLOCK.add_working_minutes(start, b)


@given(any_moment, st.integers(min_value=1, max_value=30))
@settings(max_examples=300, deadline=None)
def test_whole_working_days_of_hours_land_on_the_working_day_count(start, days):
    """With 8-hour days, 8·n working hours from an opening moment end n working days later, same time."""
    opening = datetime.combine(SEEDED.next_working_day(start.date()), time(9))
    end = CLOCK.add_working_hours(opening, 8 * days)
    assert end == datetime.combine(SEEDED.add_working_days(opening.date(), days), time(9))


@given(any_moment, any_moment)
@settings(max_examples=300, deadline=None)
def test_counted_minutes_never_exceed_the_elapsed_time(a, b):
    start, end = min(a, b), max(a, b)
    counted = CLOCK.working_minutes_between(start, end)
    assert 0 <= counted <= (end - start).total_seconds() / 60
