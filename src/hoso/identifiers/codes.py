"""Formats of the identifiers (DOMAIN.md §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hoso.errors import CodedError

_TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_UNIT_CODE = re.compile(r"^[A-Z0-9]{7}$")
_SI_NUMBER = re.compile(r"^\d{10}$")
_OFFICE_CODE = re.compile(r"^\d{3}(?:\d{2})?$")
_DOSSIER_NUMBER = re.compile(r"^(\d{5})/(\d{4})/(\d{3}|\d{5})$")
_HEALTH_CARD = re.compile(r"^([A-Z]{2})([1-5])(\d{2})(\d{10})$")


class IdentifierError(CodedError):
    """An identifier that does not have its legal form."""


def _fail(code: str, vi: str, en: str, value: object) -> IdentifierError:
    return IdentifierError(code, vi, en, value=str(value)[:64])


# --- Tax code (mã số thuế, MST) ------------------------------------------------------------------


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit of a tax code; None when no digit can complete these nine (never issued)."""
    total = sum(int(c) * w for c, w in zip(first_nine, _TAX_CODE_WEIGHTS, strict=True))
    check = 10 - total % 11
    return check if check < 10 else None


def validate_tax_code(value: str) -> str:
    """A 10-digit tax code (``-NNN`` for a branch) with a correct check digit; returns it normalised."""
    text = (value or "").strip()
    match = _TAX_CODE.match(text)
    if not match:
        raise _fail(
            "ID_TAX_CODE_FORMAT",
            "Mã số thuế phải gồm 10 chữ số (chi nhánh thêm -NNN).",
            "A tax code has 10 digits (a branch adds -NNN).",
            value,
        )
    digits = match.group(1)
    if tax_code_check_digit(digits[:9]) != int(digits[9]):
        raise _fail(
            "ID_TAX_CODE_CHECK",
            f"Mã số thuế {text} sai chữ số kiểm tra.",
            f"Tax code {text} has a wrong check digit.",
            value,
        )
    if match.group(2) == "000":
        raise _fail(
            "ID_TAX_CODE_BRANCH",
            "Mã số thuế chi nhánh không được có đuôi -000.",
            "A branch suffix cannot be 000.",
            value,
        )
    return text


# --- Unit, office, social-insurance number ------------------------------------------------------


def validate_unit_code(value: str) -> str:
    text = (value or "").strip().upper()
    if not _UNIT_CODE.match(text):
        raise _fail(
            "ID_UNIT_CODE_FORMAT",
            "Mã đơn vị phải gồm đúng 7 ký tự chữ hoặc số (ví dụ TA0100A).",
            "A unit code has exactly 7 letters or digits (e.g. TA0100A).",
            value,
        )
    return text


def validate_office_code(value: str) -> str:
    text = (value or "").strip()
    if not _OFFICE_CODE.match(text):
        raise _fail(
            "ID_OFFICE_CODE_FORMAT",
            "Mã cơ quan BHXH gồm 3 chữ số (tỉnh) hoặc 5 chữ số (huyện).",
            "An office code has 3 digits (province) or 5 digits (district).",
            value,
        )
    return text


def validate_social_insurance_number(value: str) -> str:
    text = (value or "").strip()
    if not _SI_NUMBER.match(text):
        raise _fail(
            "ID_SI_NUMBER_FORMAT",
            "Mã số BHXH phải gồm đúng 10 chữ số.",
            "A social-insurance number has exactly 10 digits.",
            value,
        )
    return text


# --- Dossier number -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class DossierNumber:
    office: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return format_dossier_number(self.sequence, self.year, self.office)


def format_dossier_number(sequence: int, year: int, office: str) -> str:
    """``{sequence:05d}/{year}/{office}``, e.g. ``03706/2026/07906``."""
    if not 1 <= sequence <= 99_999:
        raise _fail(
            "ID_DOSSIER_SEQUENCE_RANGE",
            "Số thứ tự hồ sơ phải từ 1 đến 99999.",
            "A dossier sequence is from 1 to 99999.",
            sequence,
        )
    if not 1000 <= year <= 9999:
        raise _fail(
            "ID_DOSSIER_YEAR", "Năm của số hồ sơ phải có 4 chữ số.", "A dossier year has 4 digits.", year
        )
    return f"{sequence:05d}/{year:04d}/{validate_office_code(office)}"


def parse_dossier_number(value: str) -> DossierNumber:
    text = (value or "").strip()
    match = _DOSSIER_NUMBER.match(text)
    if not match or int(match.group(1)) == 0:
        raise _fail(
            "ID_DOSSIER_NUMBER_FORMAT",
            "Số hồ sơ có dạng NNNNN/NNNN/mã cơ quan, ví dụ 03706/2026/00105.",
            "A dossier number reads NNNNN/YYYY/office, e.g. 03706/2026/00105.",
            value,
        )
    return DossierNumber(office=match.group(3), year=int(match.group(2)), sequence=int(match.group(1)))


# --- Health-card code (mã thẻ BHYT) ---------------------------------------------------------------

CHILD_UNDER_6_GROUP = "TE"


@dataclass(frozen=True)
class HealthCardCode:
    group: str
    benefit_level: int
    province: str
    social_insurance_number: str

    def __str__(self) -> str:
        return f"{self.group}{self.benefit_level}{self.province}{self.social_insurance_number}"


def build_health_card_code(
    social_insurance_number: str,
    *,
    group: str = CHILD_UNDER_6_GROUP,
    benefit_level: int = 1,
    province: str = "01",
) -> str:
    """15 characters: group (2 letters) + benefit level (1–5) + province (2 digits) + 10-digit number."""
    code = f"{group}{benefit_level}{province}{validate_social_insurance_number(social_insurance_number)}"
    return str(parse_health_card_code(code))


def parse_health_card_code(value: str) -> HealthCardCode:
    text = (value or "").strip().upper()
    match = _HEALTH_CARD.match(text)
    if not match:
        raise _fail(
            "ID_HEALTH_CARD_FORMAT",
            "Mã thẻ BHYT gồm 15 ký tự: 2 chữ cái nhóm, mức hưởng 1–5, 2 số mã tỉnh, 10 số mã số BHXH.",
            "A health-card code has 15 characters: 2-letter group, level 1–5, 2-digit province, 10-digit number.",
            value,
        )
    card = HealthCardCode(match.group(1), int(match.group(2)), match.group(3), match.group(4))
    if card.group == CHILD_UNDER_6_GROUP and card.benefit_level != 1:
        raise _fail(
            "ID_HEALTH_CARD_LEVEL",
            "Thẻ BHYT trẻ em dưới 6 tuổi (TE) có mức hưởng 1.",
            "A child-under-6 card (TE) has benefit level 1.",
            value,
        )
    return card
