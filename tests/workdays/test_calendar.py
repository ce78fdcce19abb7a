from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from hoso.workdays import WorkingCalendar, seed_year

SEEDED = WorkingCalendar(
    days_off=[d.day for year in range(2014, 2028) for d in seed_year(year)],
    working_weekend_days=[date(2016, 2, 13)],  # a swapped Saturday, as a government decision would make
)
days = st.dates(min_value=date(2014, 1, 1), max_value=date(2027, 6, 30))
counts = st.integers(min_value=1, max_value=60)


def test_the_examples_of_the_issue():
    assert SEEDED.add_working_days(date(2015, 12, 31), 1) == date(2016, 1, 4)
    assert SEEDED.add_working_days(date(2016, 4, 29), 1) == date(2016, 5, 4)
    assert not SEEDED.is_working_day(date(2016, 2, 9))


def test_report_increase_received_13_01_2026_is_due_20_01_2026():
    assert SEEDED.add_working_days(date(2026, 1, 13), 5) == date(2026, 1, 20)


def test_a_swapped_saturday_is_a_working_day_and_weekends_are_not():
    assert SEEDED.is_working_day(date(2016, 2, 13))
    assert not SEEDED.is_working_day(date(2016, 2, 14))
    assert SEEDED.next_working_day(date(2016, 2, 6)) == date(2016, 2, 13)


def test_zero_and_negative_steps():
    assert SEEDED.add_working_days(date(2016, 1, 2), 0) == date(2016, 1, 4)
    assert SEEDED.add_working_days(date(2016, 1, 4), -1) == date(2015, 12, 31)
    assert SEEDED.count_working_days(date(2016, 1, 4), date(2015, 12, 31)) == -1


@given(days, counts)
def test_adding_always_lands_on_a_working_day(start, n):
    assert SEEDED.is_working_day(SEEDED.add_working_days(start, n))


@given(days, counts, counts)
def test_adding_is_monotone(start, a, b):
    earlier, later = sorted((a, b))
    assert SEEDED.add_working_days(start, earlier) <= SEEDED.add_working_days(start, later)
    if earlier < later:
        assert SEEDED.add_working_days(start, earlier) < SEEDED.add_working_days(start, later)


@given(days, st.integers(min_value=0, max_value=30))
def test_adding_is_monotone_in_the_start_day(start, shift):
    assert SEEDED.add_working_days(start, 5) <= SEEDED.add_working_days(start + timedelta(days=shift), 5)


@given(days, counts)
def test_counting_inverts_adding(start, n):
    assert SEEDED.count_working_days(start, SEEDED.add_working_days(start, n)) == n


@given(days, days)
def test_counting_is_additive(a, b):
    middle = a + (b - a) / 2
    assert SEEDED.count_working_days(a, b) == SEEDED.count_working_days(
        a, middle
    ) + SEEDED.count_working_days(middle, b)
