"""The national dossier code (mã hồ sơ of the national public-service portal) and the agency identifier
code it starts with. Pure (no Django).

DOMAIN.md §9 [assumed]: the code is the receiving agency's identifier code of QCVN 102 (``000.00.01.H22``
shape) plus the date and a sequence; the exact layout of Circular 01/2018/TT-VPCP is not verified. So
the layout is data — a template an administrator stores with the date it takes effect — and this
module only checks and fills it:

``{agency}``  the office's agency identifier code (QCVN 102)     ``{office}``  the office's own code
``{yyyy}`` ``{yy}`` ``{mm}`` ``{dd}``  the day of reception (Hanoi time)
``{seq}`` / ``{seq:N}``  the dossier's sequence, at least N digits (zero-padded, never cut)

Other characters are written as they are (letters, digits, ``. - _ /``). A template must name the
sequence, the year and the agency or the office, so that two dossiers never get one code: the sequence
is the one of the local number (per office and year), which costs the reception no statement more.
"""

from __future__ import annotations

import re
from datetime import date

from hoso.identifiers.codes import IdentifierError

AGENCY_CODE = re.compile(r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$")
_TOKEN = re.compile(r"\{([a-z]+)(?::([1-9]))?\}")
_LITERAL = re.compile(r"^[0-9A-Za-z._/-]*$")
_FIELDS = {"agency", "office", "yyyy", "yy", "mm", "dd", "seq"}
MAX_LENGTH = 60


def validate_agency_code(value: str) -> str:
    """An agency identifier code of QCVN 102 (four groups: 3, 2, 2 and 3 capitals or digits)."""
    if not AGENCY_CODE.match(value or ""):
        raise IdentifierError(
            "ID_AGENCY_CODE_FORMAT",
            "Mã định danh cơ quan phải có dạng 000.00.01.H22 (bốn nhóm 3, 2, 2 và 3 ký tự, chữ in hoa hoặc số).",
            "An agency identifier code has the shape 000.00.01.H22 (groups of 3, 2, 2 and 3 capitals or digits).",
            value=str(value)[:64],
        )
    return value


def validate_template(template: str) -> str:
    """Check a layout: known fields only, plain characters between them, and enough to be unique."""
    names = []
    for part in _TOKEN.split(template)[::3]:
        if not _LITERAL.match(part):
            _bad_template(
                template, "ký tự ngoài chữ, số và . - _ /", "characters other than letters, digits, . - _ /"
            )
    for name, width in _TOKEN.findall(template):
        if name not in _FIELDS or (width and name != "seq"):
            _bad_template(template, f"trường không biết {{{name}}}", f"the unknown field {{{name}}}")
        names.append(name)
    if "seq" not in names or not {"yyyy", "yy"} & set(names) or not {"agency", "office"} & set(names):
        _bad_template(
            template,
            "thiếu {seq}, năm ({yyyy} hoặc {yy}) hoặc {agency}/{office}",
            "it lacks {seq}, the year ({yyyy} or {yy}) or {agency}/{office}",
        )
    return template


def _bad_template(template: str, why_vi: str, why_en: str):
    raise IdentifierError(
        "ID_NATIONAL_CODE_TEMPLATE",
        f"Mẫu mã hồ sơ quốc gia không dùng được: {why_vi}.",
        f"The national dossier code layout cannot be used: {why_en}.",
        value=template[:64],
    )


def format_national_code(template: str, *, agency: str, office: str, day: date, sequence: int) -> str:
    """The national code of the dossier ``sequence`` of ``office`` received on ``day``."""
    values = {
        "agency": agency,
        "office": office,
        "yyyy": f"{day.year:04d}",
        "yy": f"{day.year % 100:02d}",
        "mm": f"{day.month:02d}",
        "dd": f"{day.day:02d}",
    }

    def fill(match: re.Match) -> str:
        name, width = match.group(1), match.group(2)
        if name == "seq":
            return str(sequence).zfill(int(width or 1))
        return values[name]

    code = _TOKEN.sub(fill, validate_template(template))
    if len(code) > MAX_LENGTH:
        _bad_template(template, f"mã dài quá {MAX_LENGTH} ký tự", f"the code is longer than {MAX_LENGTH}")
    return code
