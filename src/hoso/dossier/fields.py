"""What each field of a form may hold: its XML name, its label as the printed form names it, its kind.

Pure: no Django. A form's dataclass states each field once, with :func:`xml_field`; the XML-name map
that reads and writes the form and the checks of its values are derived from that one statement
(:func:`xml_names`, :func:`check_record`). A kind says in one sentence, Vietnamese and English, what
it allows: that sentence is what a refusal quotes.

Kinds follow DOMAIN.md §4–§5 where it is verified (dates dd/mm/yyyy, months MM/yyyy, sex 1/0, the
10-digit social-insurance number, the change types of D02-TS); ranges beyond it (the largest salary,
the length of a name) are [assumed] bounds wide enough for any real declaration, here in one place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache

from hoso.identifiers import IdentifierError, validate_tax_code

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
MAX_AMOUNT = 10_000_000_000  # đồng a month: [assumed], far above any insured salary


@dataclass(frozen=True)
class Kind:
    """What a field may hold: ``accepts(value, today)`` for a non-empty, stripped value."""

    name: str
    allowed_vi: str
    allowed_en: str
    accepts: Callable[[str, date], bool] = field(repr=False, compare=False)


def _pattern(regex: str) -> Callable[[str, date], bool]:
    compiled = re.compile(regex)
    return lambda value, today: compiled.fullmatch(value) is not None


def _text(limit: int) -> Callable[[str, date], bool]:
    def accepts(value: str, today: date) -> bool:
        return len(value) <= limit and not any(unicodedata.category(c) == "Cc" for c in value)

    return accepts


# letters (any script, precomposed or with combining marks), spaces, apostrophes, hyphens, dots; one letter
_NAME = re.compile(r"(?=.*[^\W\d_])(?:[^\W\d_]|[\u0300-\u036f '\-.])+")


def _name(value: str, today: date) -> bool:
    return len(value) <= 100 and _NAME.fullmatch(value) is not None


_DAY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_MONTH = re.compile(r"(\d{2})/(\d{4})")


def parse_day(value: str) -> date | None:
    """dd/mm/yyyy, a real calendar day; None otherwise."""
    if (m := _DAY.fullmatch(value.strip())) is None:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def parse_month(value: str) -> tuple[int, int] | None:
    """MM/yyyy as (year, month); None otherwise."""
    if (m := _MONTH.fullmatch(value.strip())) is None or not 1 <= int(m.group(1)) <= 12:
        return None
    return int(m.group(2)), int(m.group(1))


def parse_birth_date(value: str) -> date | None:
    """dd/mm/yyyy; a form may give only mm/yyyy or yyyy when the day is unknown (taken as the first)."""
    text = (value or "").strip()
    if (day := parse_day(text)) is not None:
        return day
    if (month := parse_month(text)) is not None:
        return date(month[0], month[1], 1)
    if re.fullmatch(r"\d{4}", text) and int(text) >= 1:
        return date(int(text), 1, 1)
    return None


def _birth_date(value: str, today: date) -> bool:
    born = parse_birth_date(value)
    return born is not None and EARLIEST_YEAR <= born.year and born <= today


def _day(value: str, today: date) -> bool:
    day = parse_day(value)
    return day is not None and EARLIEST_YEAR <= day.year <= LATEST_YEAR


def _month(value: str, today: date) -> bool:
    month = parse_month(value)
    return month is not None and EARLIEST_YEAR <= month[0] <= LATEST_YEAR


def _amount(value: str, today: date) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 11 and int(value) <= MAX_AMOUNT


_RATE = re.compile(r"\d{1,3}(?:[.,]\d{1,2})?")


def _rate(value: str, today: date) -> bool:
    return _RATE.fullmatch(value) is not None and float(value.replace(",", ".")) <= 100


def _tax_code(value: str, today: date) -> bool:
    try:
        validate_tax_code(value)
    except IdentifierError:
        return False
    return True


#: The change types (phương án) of D02-TS and D03-TS rows [verified, today's list, DOMAIN.md §4].
CHANGE_TYPES = {
    "TM": ("tăng mới", "new"),
    "TD": ("chuyển từ đơn vị khác đến", "from another unit"),
    "TC": ("chuyển từ tỉnh khác đến", "from another province"),
    "ON": ("đi làm lại", "back to work"),
    "GH": ("nghỉ việc", "leaves for good"),
    "GD": ("chuyển sang đơn vị khác", "to another unit"),
    "GC": ("chuyển sang tỉnh khác", "to another province"),
    "KL": ("nghỉ không lương", "unpaid leave"),
    "TS": ("nghỉ thai sản", "maternity leave"),
    "DC": ("điều chỉnh mức lương", "salary change"),
}

TEXT = Kind("text", "văn bản tối đa 500 ký tự", "text of at most 500 characters", _text(500))
NAME = Kind(
    "name",
    "họ tên bằng chữ (chữ cái, dấu cách, dấu nháy, gạch nối), tối đa 100 ký tự",
    "a name in letters (letters, spaces, apostrophes, hyphens), at most 100 characters",
    _name,
)
ORDINAL = Kind("ordinal", "số thứ tự, từ 1 đến 999999", "an ordinal number from 1 to 999999",
               _pattern(r"[1-9]\d{0,5}"))  # fmt: skip
SI_NUMBER = Kind("si_number", "mã số BHXH gồm đúng 10 chữ số", "a social-insurance number of exactly 10 digits",
                 _pattern(r"\d{10}"))  # fmt: skip
SEX = Kind("sex", "1 (nam) hoặc 0 (nữ)", "1 (male) or 0 (female)", _pattern(r"[01]"))
BIRTH_DATE = Kind(
    "birth_date",
    f"ngày dạng dd/mm/yyyy (hoặc mm/yyyy, yyyy khi không rõ ngày), từ năm {EARLIEST_YEAR} đến ngày nộp",
    f"a date dd/mm/yyyy (or mm/yyyy, yyyy when the day is unknown), from {EARLIEST_YEAR} to the filing day",
    _birth_date,
)
DAY = Kind("day", f"ngày có thật dạng dd/mm/yyyy, năm {EARLIEST_YEAR}–{LATEST_YEAR}",
           f"a real day dd/mm/yyyy, year {EARLIEST_YEAR}–{LATEST_YEAR}", _day)  # fmt: skip
MONTH = Kind("month", f"tháng dạng MM/yyyy, năm {EARLIEST_YEAR}–{LATEST_YEAR}",
             f"a month MM/yyyy, year {EARLIEST_YEAR}–{LATEST_YEAR}", _month)  # fmt: skip
AMOUNT = Kind(
    "amount",
    "số tiền bằng đồng, chỉ gồm chữ số, từ 0 đến " + f"{MAX_AMOUNT:,}".replace(",", "."),
    f"an amount in đồng, digits only, from 0 to {MAX_AMOUNT:,}",
    _amount,
)
RATE = Kind(
    "rate",
    "tỷ lệ phần trăm từ 0 đến 100, tối đa 2 chữ số thập phân (ví dụ 32 hoặc 32,5)",
    "a percentage from 0 to 100 with at most 2 decimals (e.g. 32 or 32.5)",
    _rate,
)
CHANGE_TYPE = Kind(
    "change_type",
    "một mã phương án: " + ", ".join(f"{c} ({vi})" for c, (vi, _) in CHANGE_TYPES.items()),
    "a change-type code: " + ", ".join(f"{c} ({en})" for c, (_, en) in CHANGE_TYPES.items()),
    lambda value, today: value in CHANGE_TYPES,
)
ID_CARD = Kind(
    "id_card",
    "số CMND (9 chữ số), CCCD (12 chữ số) hoặc hộ chiếu (1–2 chữ cái và 7 chữ số)",
    "an identity card (9 digits), citizen card (12 digits) or passport (1–2 letters and 7 digits) number",
    _pattern(r"\d{9}|\d{12}|[A-Z]{1,2}\d{7}"),
)
PROVINCE = Kind("province", "mã tỉnh gồm 2 chữ số", "a province code of 2 digits", _pattern(r"\d{2}"))
DISTRICT = Kind("district", "mã huyện gồm 3 chữ số", "a district code of 3 digits", _pattern(r"\d{3}"))
COMMUNE = Kind("commune", "mã xã gồm 5 chữ số", "a commune code of 5 digits", _pattern(r"\d{5}"))
HOSPITAL = Kind("hospital", "mã cơ sở khám chữa bệnh gồm 3 đến 5 chữ số",
                "a health-care provider code of 3 to 5 digits", _pattern(r"\d{3,5}"))  # fmt: skip
UNIT_CODE = Kind("unit_code", "mã đơn vị gồm đúng 7 chữ cái hoặc chữ số (ví dụ TA0100A)",
                 "a unit code of exactly 7 letters or digits (e.g. TA0100A)", _pattern(r"[A-Z0-9]{7}"))  # fmt: skip
TAX_CODE = Kind("tax_code", "mã số thuế 10 chữ số đúng chữ số kiểm tra (chi nhánh thêm -NNN)",
                "a 10-digit tax code with a right check digit (a branch adds -NNN)", _tax_code)  # fmt: skip
PHONE = Kind("phone", "số điện thoại, 8 đến 15 chữ số (có thể bắt đầu bằng +)",
             "a telephone number of 8 to 15 digits (may start with +)", _pattern(r"\+?\d{8,15}"))  # fmt: skip
EMAIL = Kind("email", "địa chỉ thư điện tử dạng ten@mien", "an e-mail address name@domain",
             _pattern(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+"))  # fmt: skip
ROWS = Kind("rows", "ít nhất một dòng", "at least one row", lambda value, today: bool(value))


@dataclass(frozen=True)
class FieldSpec:
    """One field: its XML element name, its label on the printed form, its kind."""

    xml: str
    label_vi: str
    label_en: str
    kind: Kind = TEXT
    required: bool = False


def xml_field(xml: str, label_vi: str, label_en: str, kind: Kind = TEXT, *, required: bool = False):
    """A dataclass field (a string, empty by default) read from and written to element ``xml``."""
    return field(default="", metadata={"spec": FieldSpec(xml, label_vi, label_en, kind, required)})


@cache
def field_specs(cls: type) -> tuple[tuple[str, FieldSpec], ...]:
    """(attribute, spec) of every XML field of ``cls``, in the order of the form."""
    return tuple((f.name, f.metadata["spec"]) for f in fields(cls) if "spec" in f.metadata)


@cache
def xml_names(cls: type) -> dict[str, str]:
    """XML element name -> attribute, for every XML field of ``cls``."""
    return {spec.xml: attr for attr, spec in field_specs(cls)}


@dataclass(frozen=True)
class FieldProblem:
    """A field whose value its kind does not allow. ``row`` is 1-based, None for a declaration."""

    form: str
    row: int | None
    spec: FieldSpec
    value: str
    allowed_vi: str = ""
    allowed_en: str = ""

    @property
    def code(self) -> str:
        if self.spec.kind is ROWS:
            return "FORM_NO_ROWS"
        return "FORM_ROW_INVALID" if self.row is not None else "FORM_FIELD_INVALID"

    @property
    def message_vi(self) -> str:
        where = f"{self.form}, dòng {self.row}" if self.row is not None else self.form
        allowed = self.allowed_vi or self.spec.kind.allowed_vi
        if self.spec.kind is ROWS:
            return f"{where}, {self.spec.label_vi}: không có dòng nào — cần {allowed}."
        if not self.value:
            return f"{where}, {self.spec.label_vi}: bỏ trống — bắt buộc, {allowed}."
        return f"{where}, {self.spec.label_vi}: “{_shown(self.value)}” — phải là {allowed}."

    @property
    def message_en(self) -> str:
        where = f"{self.form}, row {self.row}" if self.row is not None else self.form
        allowed = self.allowed_en or self.spec.kind.allowed_en
        if self.spec.kind is ROWS:
            return f"{where}, {self.spec.label_en}: no row — {allowed} is needed."
        if not self.value:
            return f"{where}, {self.spec.label_en}: empty — required, {allowed}."
        return f"{where}, {self.spec.label_en}: “{_shown(self.value)}” — must be {allowed}."


def _shown(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


def check_record(record, *, form: str, row: int | None, today: date) -> list[FieldProblem]:
    """The fields of ``record`` (a row or a declaration) its kinds do not allow."""
    problems: list[FieldProblem] = []
    for attr, spec in field_specs(type(record)):
        value = (getattr(record, attr) or "").strip()
        if not value:
            if spec.required:
                problems.append(FieldProblem(form, row, spec, value))
        elif not spec.kind.accepts(value, today):
            problems.append(FieldProblem(form, row, spec, value))
    return problems
