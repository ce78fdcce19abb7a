"""The seed of the working-day calendar, derived from the legal holiday rules of Vietnam.

Labour Code 2012 (art. 115) and 2019 (art. 112): 1/1; Tết — the last day of the lunar year and the
first four days of the new one (five days); Hùng Kings' day, 10th of the 3rd lunar month (from 2007);
30/4; 1/5; 2/9, plus one adjacent day from 2021. A holiday falling on a weekly rest day gives a
compensatory day off on the next working day. Each year the government also swaps days; those are not
derivable and are entered as data. The seed is a starting point: the stored calendar is what counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from hoso.workdays.lunar import lunar_new_year, lunar_to_solar

SEED_FIRST_YEAR = 2014
SEED_LAST_YEAR = 2027


class DayKind(enum.StrEnum):
    HOLIDAY = "holiday"  # public holiday
    COMPENSATORY = "compensatory"  # day off because a holiday fell on a weekend
    DAY_OFF = "day_off"  # weekday given off by a government swap
    WORKING = "working"  # weekend day worked in exchange (the other half of a swap)

    @property
    def is_day_off(self) -> bool:
        return self is not DayKind.WORKING


@dataclass(frozen=True, order=True)
class CalendarDay:
    day: date
    kind: DayKind
    name_vi: str
    name_en: str


def _independence_day_extra(year: int) -> date:
    """The day added to 2/9 from 2021: the neighbour that joins the break to a weekend [assumed rule,
    matching 2021–2025 decisions]; the stored calendar is corrected when the government decides."""
    national_day = date(year, 9, 2)
    # Monday/Thursday/Wednesday -> 3/9; Tuesday/Friday/Saturday/Sunday -> 1/9.
    if national_day.weekday() in (0, 2, 3):
        return national_day + timedelta(days=1)
    return national_day - timedelta(days=1)


def public_holidays(year: int) -> list[CalendarDay]:
    h = DayKind.HOLIDAY
    days = [CalendarDay(date(year, 1, 1), h, "Tết Dương lịch", "New Year's Day")]
    new_year = lunar_new_year(year)
    days.append(
        CalendarDay(new_year - timedelta(days=1), h, "Tết Nguyên đán (ngày cuối năm)", "Lunar New Year's Eve")
    )
    for i in range(4):
        days.append(
            CalendarDay(
                new_year + timedelta(days=i),
                h,
                f"Tết Nguyên đán (mùng {i + 1})",
                f"Lunar New Year (day {i + 1})",
            )
        )
    if year >= 2007:
        days.append(
            CalendarDay(lunar_to_solar(year, 3, 10), h, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hung Kings' Day")
        )
    days.append(
        CalendarDay(
            date(year, 4, 30), h, "Ngày Giải phóng miền Nam, thống nhất đất nước", "Reunification Day"
        )
    )
    days.append(CalendarDay(date(year, 5, 1), h, "Ngày Quốc tế Lao động", "International Labour Day"))
    days.append(CalendarDay(date(year, 9, 2), h, "Quốc khánh", "National Day"))
    if year >= 2021:
        days.append(
            CalendarDay(
                _independence_day_extra(year), h, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"
            )
        )
    return sorted(days)


def seed_year(year: int) -> list[CalendarDay]:
    """Public holidays of ``year`` and the compensatory days they give, in date order."""
    holidays = public_holidays(year)
    taken = {d.day for d in holidays}
    result = list(holidays)
    for holiday in holidays:
        if holiday.day.weekday() < 5:
            continue
        compensation = holiday.day + timedelta(days=1)
        while compensation.weekday() >= 5 or compensation in taken:
            compensation += timedelta(days=1)
        taken.add(compensation)
        result.append(
            CalendarDay(
                compensation,
                DayKind.COMPENSATORY,
                f"Nghỉ bù {holiday.name_vi} ({holiday.day:%d/%m/%Y})",
                f"Day off in lieu of {holiday.name_en} ({holiday.day.isoformat()})",
            )
        )
    return sorted(result)
