"""Small SQL helpers shared by the report queries: the local (Hanoi) month and day of a timestamp, for
SQLite and PostgreSQL, and running a query into dictionaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local_month(column: str) -> str:
    """SQL for the Hanoi-time month ``YYYY-MM`` of a timestamp column (UTC+7, no daylight saving)."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column}, '+7 hours')"


def local_day(column: str) -> str:
    """SQL for the Hanoi-time day ``YYYY-MM-DD`` of a timestamp column."""
    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')"
    return f"strftime('%%Y-%%m-%%d', {column}, '+7 hours')"


def seconds_between(later: str, earlier: str) -> str:
    """SQL for the seconds from timestamp ``earlier`` to ``later``."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def rows(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def start_of(day: date) -> datetime:
    """The first instant of a Hanoi day, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=HANOI).astimezone(UTC)


def end_of(day: date) -> datetime:
    """The first instant after a Hanoi day."""
    return start_of(day + timedelta(days=1))


def month_start(text: str) -> date:
    """``YYYY-MM`` → the first day of that month."""
    year, month = text.split("-")[:2]
    return date(int(year), int(month), 1)


def month_end(text: str) -> date:
    """``YYYY-MM`` → the last day of that month."""
    first = month_start(text)
    return date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)


def months_between(first: date, last: date) -> list[str]:
    out, day = [], date(first.year, first.month, 1)
    while day <= last:
        out.append(f"{day.year:04d}-{day.month:02d}")
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def office_like(office: str | None) -> str:
    """LIKE pattern of an office and the offices under it (the City office 001 covers 001xx)."""
    return f"{office}%" if office else "%"


def month_date(column: str) -> str:
    """SQL for the first day of the Hanoi month of a timestamp column, as a date."""
    if connection.vendor == "postgresql":
        return f"(date_trunc('month', {column} AT TIME ZONE 'Asia/Ho_Chi_Minh'))::date"
    return f"strftime('%%Y-%%m-01', {column}, '+7 hours')"


def day_date(column: str) -> str:
    """SQL for the Hanoi day of a timestamp column, as a date."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    return f"date({column}, '+7 hours')"


def first_month(day: date) -> date:
    return date(day.year, day.month, 1)
