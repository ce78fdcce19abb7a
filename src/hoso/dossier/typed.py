"""Lists typed at the desk from a paper dossier. Pure: no Django.

A typed list holds exactly what the officer typed, column by column, and nothing else: a column not
typed stays empty in the form (no default province, change type or household made up here). What the
dossier is (the submitter's code and name) comes from the officer's form too.

Before a list is built, what the officer typed is checked as a form (:func:`check_typed_lines`): dates
as people write them (12/5/1993) are put in the form's format (12/05/1993), a date that does not exist
(31/02/1991) is named with its line, so that a typing mistake is corrected at the desk and never
becomes a refusal of the submitter.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hoso.dossier.children import Child, build_children_list
from hoso.dossier.forms import D02Row, build_d02

#: the columns of one typed line of an under-6 list, in the order they are typed
CHILD_COLUMNS = (
    "ho_ten",
    "ngay_sinh",
    "gioi_tinh",
    "so_giay_khai_sinh",
    "ho_ten_cha_me",
    "chu_ho",
    "ma_ho_gia_dinh",
)
#: the columns of one typed line of a D02-TS list
D02_COLUMNS = ("ho_ten", "ngay_sinh", "gioi_tinh", "ma_so_bhxh")

# Child's defaults that would otherwise be written without being typed.
_CHILD_UNTYPED = {"ma_tinh": "", "ma_tinh_benh_vien": "", "pa": ""}


def _columns(names: Sequence[str], row: Sequence[str]) -> dict[str, str]:
    if len(row) > len(names):
        raise ValueError(f"a typed line has {len(row)} columns, at most {len(names)} are known")
    return {name: value.strip() for name, value in zip(names, row, strict=False)}


def typed_children_list(*, commune_code: str, commune_name: str, rows: Sequence[Sequence[str]]) -> bytes:
    """An unsigned under-6 list (D03-TS) of typed lines, each in the order of :data:`CHILD_COLUMNS`
    (trailing columns may be left out). The commune's name as typed, with or without "UBND"."""
    name = commune_name.strip()
    if name[:5].upper() == "UBND ":
        name = name[5:].strip()  # build_children_list writes "UBND <name>"
    return build_children_list(
        commune_code=commune_code,
        commune_name=name,
        province_code="",
        children=[Child(**{**_CHILD_UNTYPED, **_columns(CHILD_COLUMNS, row)}) for row in rows],
    )


def typed_d02(*, unit_code: str, unit_name: str, rows: Sequence[Sequence[str]]) -> bytes:
    """An unsigned D02-TS list of typed lines, each in the order of :data:`D02_COLUMNS`."""
    return build_d02(
        {"MaDonVi": unit_code, "TenDonVi": unit_name},
        [D02Row(stt=str(i), **_columns(D02_COLUMNS, row)) for i, row in enumerate(rows, start=1)],
    )


# --- what people write, checked before anything is built ------------------------------------------

#: columns of a typed line the officer must fill
_REQUIRED = ("ho_ten", "ngay_sinh", "gioi_tinh")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{2,4})$")
_YEAR = re.compile(r"^(\d{2,4})$")
_SI_NUMBER = re.compile(r"^\d{10}$")
_SEX = {"1": "1", "nam": "1", "0": "0", "nữ": "0", "nu": "0"}
_COLUMN_VI = {
    "ho_ten": "họ tên",
    "ngay_sinh": "ngày sinh",
    "gioi_tinh": "giới tính",
    "ma_so_bhxh": "mã số BHXH",
}
_COLUMN_EN = {
    "ho_ten": "full name",
    "ngay_sinh": "date of birth",
    "gioi_tinh": "sex",
    "ma_so_bhxh": "social-insurance number",
}
EARLIEST_YEAR = 1900


class TypedValueError(ValueError):
    """A typed value that is not what the paper can mean, said in Vietnamese and English."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(vi)
        self.vi = vi
        self.en = en


def _year(text: str, typed: str) -> int:
    if len(text) != 4:
        raise TypedValueError(
            f"“{typed}”: ghi năm đủ 4 chữ số (ví dụ 1993).",
            f"“{typed}”: write the year with 4 digits (e.g. 1993).",
        )
    year = int(text)
    if year < EARLIEST_YEAR:
        raise TypedValueError(
            f"“{typed}”: năm {year} trước {EARLIEST_YEAR} — kiểm tra lại trên giấy.",
            f"“{typed}”: the year {year} is before {EARLIEST_YEAR} — check the paper.",
        )
    return year


def _month(text: str, typed: str) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise TypedValueError(
            f"“{typed}”: không có tháng {month} (tháng từ 1 đến 12).",
            f"“{typed}”: there is no month {month} (months are 1 to 12).",
        )
    return month


def parse_typed_date(text: str) -> str:
    """A date as people write it — 12/5/1993, 12/05/1993, 12-05-1993, 12.5.1993; or only the month
    (5/1993) or the year (1993) when the paper gives no day — in the form's own format: dd/mm/yyyy,
    mm/yyyy or yyyy. A date that does not exist (31/02/1991) raises :class:`TypedValueError`."""
    typed = (text or "").strip()
    if match := _DATE.match(typed):
        day, month = int(match.group(1)), _month(match.group(2), typed)
        year = _year(match.group(3), typed)
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise TypedValueError(
                f"Không có ngày {typed}: tháng {month}/{year} có {last} ngày.",
                f"There is no day {typed}: month {month}/{year} has {last} days.",
            )
        return f"{day:02d}/{month:02d}/{year:04d}"
    if match := _MONTH_YEAR.match(typed):
        month, year = _month(match.group(1), typed), _year(match.group(2), typed)
        return f"{month:02d}/{year:04d}"
    if match := _YEAR.match(typed):
        return f"{_year(match.group(1), typed):04d}"
    raise TypedValueError(
        f"“{typed}” không phải là ngày: ghi ngày/tháng/năm, ví dụ 12/05/1993.",
        f"“{typed}” is not a date: write day/month/year, e.g. 12/05/1993.",
    )


def first_day(written: str) -> date:
    """The first day a date in :func:`parse_typed_date`'s format can mean (a month: its first day)."""
    parts = [int(p) for p in written.split("/")]
    while len(parts) < 3:
        parts.insert(0, 1)
    day, month, year = parts
    return date(year, month, day)


def parse_typed_period(text: str) -> str:
    """A declared period as people write it (3/2026, 03/2026, 03-2026) as mm/yyyy."""
    typed = (text or "").strip()
    match = _MONTH_YEAR.match(typed)
    if not match:
        raise TypedValueError(
            f"“{typed}”: ghi kỳ kê khai là tháng/năm, ví dụ 03/2026.",
            f"“{typed}”: write the period as month/year, e.g. 03/2026.",
        )
    return f"{_month(match.group(1), typed):02d}/{_year(match.group(2), typed):04d}"


@dataclass(frozen=True)
class LineProblem:
    """What is wrong on one typed line (1-based), and which part (0-based) it is."""

    line: int
    part: int
    vi: str
    en: str


def _check_value(column: str, value: str, today: date) -> str:
    """``value`` of ``column`` in the form's format, or :class:`TypedValueError`."""
    if column == "ngay_sinh":
        written = parse_typed_date(value)
        if first_day(written) > today:
            raise TypedValueError(
                f"Ngày sinh {written} sau hôm nay ({today:%d/%m/%Y}).",
                f"The date of birth {written} is after today ({today:%d/%m/%Y}).",
            )
        return written
    if column == "gioi_tinh":
        sex = _SEX.get(value.lower())
        if sex is None:
            raise TypedValueError(
                f"Giới tính “{value}”: ghi 1 (nam) hoặc 0 (nữ).",
                f"Sex “{value}”: write 1 (male) or 0 (female).",
            )
        return sex
    if column == "ma_so_bhxh" and value:
        number = value.replace(" ", "").replace(".", "")
        if not _SI_NUMBER.match(number):
            raise TypedValueError(
                f"Mã số BHXH “{value}” phải gồm đúng 10 chữ số.",
                f"The social-insurance number “{value}” must have exactly 10 digits.",
            )
        return number
    return value


def check_typed_lines(
    columns: Sequence[str], lines: Sequence[Sequence[str]], *, today: date
) -> tuple[list[list[str]], list[LineProblem]]:
    """The typed lines with each value in the form's format (a date as dd/mm/yyyy, the sex as 1/0, a
    social-insurance number without spaces), and what is wrong on each line — every problem, in order.
    Nothing is added: a value not typed stays empty."""
    checked: list[list[str]] = []
    problems: list[LineProblem] = []
    for number, line in enumerate(lines, start=1):
        values = [value.strip() for value in line]
        if len(values) > len(columns):
            problems.append(
                LineProblem(
                    number,
                    len(columns),
                    f"Dòng {number} có {len(values)} phần; danh sách này có nhiều nhất {len(columns)}.",
                    f"Line {number} has {len(values)} parts; this list has at most {len(columns)}.",
                )
            )
            checked.append(values)
            continue
        for part, column in enumerate(columns):
            value = values[part] if part < len(values) else ""
            if not value:
                if column in _REQUIRED:
                    problems.append(
                        LineProblem(
                            number,
                            part,
                            f"Dòng {number}: thiếu {_COLUMN_VI[column]}.",
                            f"Line {number}: the {_COLUMN_EN[column]} is missing.",
                        )
                    )
                continue
            try:
                values[part] = _check_value(column, value, today)
            except TypedValueError as error:
                problems.append(
                    LineProblem(
                        number,
                        part,
                        f"Dòng {number}: {_lower(error.vi)}",
                        f"Line {number}: {_lower(error.en)}",
                    )
                )
        checked.append(values)
    return checked, problems


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]
