"""Readers of one cell each: the value to store, or a :class:`CellProblem` saying what is wrong and
what to do. The identifier checks are :mod:`hoso.identifiers`' (MST check digit, unit code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import override

from hoso import identifiers
from hoso.identifiers import IdentifierError
from hoso.reference.importing.columns import fold
from hoso.reference.importing.problems import CellProblem
from hoso.reference.models import Commune, Department, Office
from hoso.reference.roles import ROLES

_IDENTIFIER_ACTIONS = {
    "ID_TAX_CODE_FORMAT": (
        "Gõ đủ 10 chữ số của mã số thuế (chi nhánh thêm -NNN), không có khoảng trắng hay dấu chấm "
        "(Thông tư 105/2020/TT-BTC, Điều 5).",
        "Type the 10 digits of the tax code (a branch adds -NNN), without spaces or dots "
        "(Circular 105/2020/TT-BTC, Article 5).",
    ),
    "ID_TAX_CODE_CHECK": (
        "Chữ số thứ 10 là chữ số kiểm tra (Thông tư 105/2020/TT-BTC, Điều 5): đối chiếu với giấy chứng "
        "nhận đăng ký doanh nghiệp và sửa chữ số gõ nhầm.",
        "The 10th digit is a check digit (Circular 105/2020/TT-BTC, Article 5): compare with the business "
        "registration certificate and correct the mistyped digit.",
    ),
    "ID_TAX_CODE_BRANCH": (
        "Bỏ đuôi -000 (đơn vị chính) hoặc gõ đúng số thứ tự chi nhánh.",
        "Drop the -000 suffix (head unit) or type the branch's number.",
    ),
    "ID_UNIT_CODE_FORMAT": (
        "Đối chiếu với mã đơn vị cơ quan BHXH đã cấp và gõ đúng 7 ký tự.",
        "Compare with the unit code the social-insurance office issued and type its 7 characters.",
    ),
}


def _identifier(check, text: str) -> str:
    try:
        return check(text)
    except IdentifierError as error:
        action_vi, action_en = _IDENTIFIER_ACTIONS[error.code]
        raise CellProblem(error.code, error.message_vi, error.message_en, action_vi, action_en) from None


def tax_code(text: str, _lookups=None) -> str:
    return _identifier(identifiers.validate_tax_code, text)


def unit_code(text: str, _lookups=None) -> str:
    return _identifier(identifiers.validate_unit_code, text)


def gso_commune_code(text: str, _lookups=None) -> str:
    if len(text) == 5 and text.isascii() and text.isdigit():
        return text
    raise CellProblem(
        "IMPORT_COMMUNE_CODE",
        "Mã xã/phường phải gồm đúng 5 chữ số (mã đơn vị hành chính của Tổng cục Thống kê).",
        "A commune code has exactly 5 digits (the GSO administrative-unit code).",
        "Tra mã trong danh mục đơn vị hành chính (Quyết định 124/2004/QĐ-TTg) và gõ đủ 5 chữ số, kể cả số 0 ở đầu.",
        "Look the code up in the administrative-unit list (Decision 124/2004/QĐ-TTg) and type all 5 digits, "
        "leading zeros included.",
    )


def text_of(max_length: int):
    def parse(text: str, _lookups=None) -> str:
        if len(text) > max_length:
            raise CellProblem(
                "IMPORT_TOO_LONG",
                f"Dài {len(text)} ký tự, quá {max_length} ký tự cho phép.",
                f"{len(text)} characters long, over the {max_length} allowed.",
                "Rút gọn nội dung ô.",
                "Shorten the cell.",
            )
        return text

    return parse


def email(text: str, _lookups=None) -> str:
    text_of(254)(text)
    try:
        validate_email(text)
    except ValidationError:
        raise CellProblem(
            "IMPORT_EMAIL",
            "Không phải địa chỉ thư điện tử hợp lệ.",
            "Not a valid e-mail address.",
            "Gõ một địa chỉ dạng ten@mien.vn (một địa chỉ trong một ô), hoặc để trống.",
            "Type one address of the form name@domain.vn per cell, or leave it empty.",
        ) from None
    return text


_USERNAME = UnicodeUsernameValidator()


def username(text: str, _lookups=None) -> str:
    try:
        _USERNAME(text)
    except ValidationError:
        valid = False
    else:
        valid = len(text) <= 150
    if not valid:
        raise CellProblem(
            "IMPORT_USERNAME",
            "Tên đăng nhập chỉ gồm chữ, số và các dấu @ . + - _ (tối đa 150 ký tự, không có khoảng trắng).",
            "A user name has only letters, digits and @ . + - _ (at most 150 characters, no spaces).",
            "Sửa tên đăng nhập, ví dụ motcua.badinh.",
            "Correct the user name, e.g. motcua.badinh.",
        )
    return text


def full_name(text: str, _lookups=None) -> tuple[str, str]:
    """(family and middle name, given name): Vietnamese names put the given name last."""
    words = text.split()
    family, given = " ".join(words[:-1]), words[-1]
    if len(family) > 150 or len(given) > 150:
        return text_of(150)(text)  # raises
    return family, given


@dataclass
class Lookups:
    """What the cells name, read once per file: offices and departments by code or name, roles by
    group name or label."""

    offices: dict[str, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    commune_kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        """What is stored now: every office and department by its code and its folded names."""
        lookups = cls()
        for code, *names in Office.objects.values_list("code", "name_vi", "name_en"):
            lookups.offices.update({fold(name): code for name in names if name})
            lookups.offices[code] = code
        for code, *names in Department.objects.values_list("code", "name_vi", "name_en"):
            lookups.departments.update({fold(name): code for name in (code, *names) if name})
        for name, (vi, en) in ROLES.items():
            lookups.roles.update({fold(name): name, fold(vi): name, fold(en): name})
        for value, label in Commune.Kind.choices:
            with override("vi"):
                vi = str(label)
            with override("en"):
                en = str(label)
            lookups.commune_kinds.update({fold(value): value, fold(vi): value, fold(en): value})
        return lookups


def _one_of(table: str, code: str, problem_vi: str, problem_en: str, action_vi: str, action_en: str):
    """A reader of a cell naming one of the ``Lookups`` table's entries by code or name (``{names}`` in
    the actions: the codes there are)."""

    def parse(text: str, lookups: Lookups) -> str:
        names = getattr(lookups, table)
        if found := names.get(text) or names.get(fold(text)):
            return found
        listed = ", ".join(sorted(set(names.values())))
        raise CellProblem(
            code, problem_vi, problem_en, action_vi.format(names=listed), action_en.format(names=listed)
        )

    return parse


office = _one_of(
    "offices",
    "IMPORT_OFFICE_UNKNOWN",
    "Không có cơ quan BHXH nào mang mã hoặc tên này.",
    "No social-insurance office has this code or name.",
    "Gõ mã cơ quan BHXH (3 hoặc 5 chữ số, ví dụ 00101) như trong Quản trị → Cơ quan BHXH.",
    "Type the office code (3 or 5 digits, e.g. 00101) as listed in Admin → Offices.",
)
department = _one_of(
    "departments",
    "IMPORT_DEPARTMENT_UNKNOWN",
    "Không có phòng/bộ phận nào mang mã hoặc tên này.",
    "No department has this code or name.",
    "Gõ một trong các mã: {names} (hoặc tên phòng), hoặc để trống.",
    "Type one of the codes {names} (or the department's name), or leave it empty.",
)
role = _one_of(
    "roles",
    "IMPORT_ROLE_UNKNOWN",
    "Không có vai trò này.",
    "There is no such role.",
    "Gõ một trong: " + ", ".join(vi for vi, _en in ROLES.values()) + ".",
    "Type one of: " + ", ".join(en for _vi, en in ROLES.values()) + ".",
)
commune_kind = _one_of(
    "commune_kinds",
    "IMPORT_COMMUNE_KIND",
    "Loại đơn vị hành chính phải là xã, phường hoặc thị trấn.",
    "The kind must be commune (xã), ward (phường) or township (thị trấn).",
    "Gõ Xã, Phường hoặc Thị trấn.",
    "Type Xã, Phường or Thị trấn.",
)
