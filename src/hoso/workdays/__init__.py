"""Working days: the Vietnamese lunar calendar, the legal holiday rules and working-day arithmetic.

Pure package (no Django). The calendar itself is *data* (the ``reference`` app stores it, editable per
year); this package only seeds it from the rules and computes with it.
"""

from hoso.workdays.calendar import WorkingCalendar
from hoso.workdays.lunar import lunar_to_solar, solar_to_lunar
from hoso.workdays.rules import CalendarDay, DayKind, seed_year

__all__ = ["CalendarDay", "DayKind", "WorkingCalendar", "lunar_to_solar", "seed_year", "solar_to_lunar"]
