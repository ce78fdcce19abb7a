"""Days and months as people type them on the pages: dd/mm/yyyy (d/m/yyyy too) and mm/yyyy. The ISO
forms (yyyy-mm-dd, yyyy-mm) are still read, so that links and bookmarks made before keep working.

Pure: no Django. A text that is no real day is a coded error in Vietnamese and English, never Python's
"day is out of range for month"."""

from __future__ import annotations

import re
from datetime import date

from hoso.errors import CodedError

_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH = re.compile(r"(\d{1,2})[/.-](\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


class DateInputError(CodedError):
    pass


def parse_day(text: str, *, label: str = "Ngày", label_en: str = "Date") -> date:
    """A day typed as dd/mm/yyyy (or yyyy-mm-dd); ``DATE_INVALID`` for anything else."""
    value = (text or "").strip()
    if m := _DAY.fullmatch(value):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO_DAY.fullmatch(value):
        year, month, day = (int(g) for g in m.groups())
    else:
        raise _invalid(value, label, label_en, "dd/mm/yyyy")
    try:
        return date(year, month, day)
    except ValueError:
        raise _invalid(value, label, label_en, "dd/mm/yyyy") from None


def parse_month(text: str, *, label: str = "Tháng", label_en: str = "Month") -> tuple[int, int]:
    """A month typed as mm/yyyy (or yyyy-mm), as (year, month); ``DATE_INVALID`` for anything else."""
    value = (text or "").strip()
    if m := _MONTH.fullmatch(value):
        month, year = int(m.group(1)), int(m.group(2))
    elif m := _ISO_MONTH.fullmatch(value):
        year, month = int(m.group(1)), int(m.group(2))
    else:
        raise _invalid(value, label, label_en, "mm/yyyy")
    if not 1 <= month <= 12 or year < 1:
        raise _invalid(value, label, label_en, "mm/yyyy")
    return year, month


def show_month(year: int, month: int) -> str:
    """A month as people read it: mm/yyyy."""
    return f"{month:02d}/{year:04d}"


def show_iso_month(text: str) -> str:
    """A month stored as ``yyyy-mm`` (report rows, JSON) as people read it: ``mm/yyyy``; anything else
    as it is."""
    m = _ISO_MONTH.fullmatch(text or "")
    return show_month(int(m.group(1)), int(m.group(2))) if m else (text or "")


def _invalid(value: str, label: str, label_en: str, shape: str) -> DateInputError:
    return DateInputError(
        "DATE_INVALID",
        f"{label} “{value}” không phải một ngày có thật; nhập theo dạng {shape}, ví dụ "
        f"{'05/01/2016' if shape == 'dd/mm/yyyy' else '01/2016'}.",
        f"{label_en} “{value}” is not a real date; type it as {shape}, e.g. "
        f"{'05/01/2016' if shape == 'dd/mm/yyyy' else '01/2016'}.",
    )
