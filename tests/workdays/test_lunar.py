from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.workdays.lunar import LunarDate, lunar_new_year, lunar_to_solar, solar_to_lunar

# Mùng 1 Tết, from the government's announcements of each year.
KNOWN_TET = {
    2014: date(2014, 1, 31), 2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28),
    2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12),
    2022: date(2022, 2, 1), 2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
    2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
}  # fmt: skip


@pytest.mark.parametrize("year", sorted(KNOWN_TET))
def test_lunar_new_year_matches_the_announced_dates(year):
    assert lunar_new_year(year) == KNOWN_TET[year]


def test_vietnamese_calendar_differs_from_the_chinese_one_in_2007():
    # Vietnam (UTC+7) celebrated Tết on 17/02/2007, China (UTC+8) on 18/02/2007.
    assert lunar_new_year(2007) == date(2007, 2, 17)


@pytest.mark.parametrize("year", range(2014, 2028))
def test_tet_and_hung_kings_day_agree_with_an_independent_implementation(year):
    named = {name: day for day, name in holidays.VN(years=year, language="en_US").items()}
    assert lunar_new_year(year) == named["Lunar New Year"]
    assert lunar_to_solar(year, 3, 10) == named["Hung Kings' Commemoration Day"]


def test_a_leap_month_is_recognised():
    # 2020 had a leap 4th month (23/05/2020 is the 1st of the leap month).
    assert solar_to_lunar(date(2020, 5, 23)) == LunarDate(2020, 4, 1, leap=True)
    assert lunar_to_solar(2020, 4, 1, leap=True) == date(2020, 5, 23)
    with pytest.raises(ValueError):
        lunar_to_solar(2020, 5, 1, leap=True)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_solar_to_lunar_and_back_is_the_identity(day):
    lunar = solar_to_lunar(day)
    assert 1 <= lunar.day <= 30 and 1 <= lunar.month <= 12
    assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == day


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 30)))
def test_lunar_days_advance_by_one_or_start_a_new_month(day):
    today, tomorrow = solar_to_lunar(day), solar_to_lunar(day + timedelta(days=1))
    assert tomorrow.day == today.day + 1 or (tomorrow.day == 1 and today.day in (29, 30))
