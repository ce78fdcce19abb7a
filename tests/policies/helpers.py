from __future__ import annotations

from datetime import date, datetime, time

from hoso.policy import VN_TZ

from ..policy.helpers import draft_text

__all__ = ["at", "draft_text"]


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN_TZ)
