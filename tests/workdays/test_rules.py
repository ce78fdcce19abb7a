from datetime import date

import pytest

from hoso.workdays import DayKind, seed_year
from hoso.workdays.rules import public_holidays


def days_of(year, kind=None):
    return {d.day for d in seed_year(year) if kind is None or d.kind == kind}


def test_2016_seed_has_the_legal_holidays_and_their_compensations():
    holidays_2016 = days_of(2016, DayKind.HOLIDAY)
    assert {date(2016, 1, 1), date(2016, 4, 30), date(2016, 5, 1), date(2016, 9, 2)} <= holidays_2016
    # Tết: last day of the lunar year and mùng 1–4 (lunar new year 08/02/2016).
    assert {date(2016, 2, d) for d in range(7, 12)} <= holidays_2016
    assert date(2016, 4, 16) in holidays_2016  # Hùng Kings, 10/3 lunar, a Saturday
    compensatory = days_of(2016, DayKind.COMPENSATORY)
    # 07/02 (Sun) -> 12/02; 16/04 (Sat) -> 18/04; 30/04 (Sat) and 01/05 (Sun) -> 02/05 and 03/05.
    assert compensatory == {date(2016, 2, 12), date(2016, 4, 18), date(2016, 5, 2), date(2016, 5, 3)}


def test_national_day_has_two_days_from_2021():
    assert len([d for d in public_holidays(2020) if d.name_en.startswith("National Day")]) == 1
    for year in range(2021, 2028):
        national = sorted(d.day for d in public_holidays(year) if d.name_en.startswith("National Day"))
        assert len(national) == 2 and date(year, 9, 2) in national
        assert abs((national[0] - national[1]).days) == 1


@pytest.mark.parametrize("year", range(2014, 2028))
def test_compensatory_days_are_weekdays_and_one_per_weekend_holiday(year):
    seed = seed_year(year)
    weekend_holidays = [d for d in seed if d.kind == DayKind.HOLIDAY and d.day.weekday() >= 5]
    compensatory = [d for d in seed if d.kind == DayKind.COMPENSATORY]
    assert len(compensatory) == len(weekend_holidays)
    assert all(d.day.weekday() < 5 for d in compensatory)
    assert len({d.day for d in seed}) == len(seed)  # no day twice
    assert all(d.name_vi and d.name_en for d in seed)
