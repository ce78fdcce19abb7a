"""The electronic dossier: the envelope ``Hoso`` and the XML forms it carries. Pure: no Django.

Public API::

    parse_envelope(xml: bytes | etree._Element) -> Hoso
    check_envelope(hoso: Hoso) -> list[Problem]
    build_envelope(...) -> bytes            (unsigned; ``CKy_Dvi`` left empty for the signer)
    read_form(xml: bytes | etree._Element) -> Form   (D02-TS, TK1-TS, TK3-TS, D03-TS, others generic)
    check_form(form: Form, *, today: date) -> list[FieldProblem]   (every field against its kind)
    is_envelope(root) -> bool
"""

from hoso.dossier import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
from hoso.dossier.children import Child, build_children_list, children_from_csv
from hoso.dossier.envelope import (
    ENVELOPE_ROOT,
    ENVELOPE_SIGNATURE_PARENT,
    FORM_SIGNATURE_PARENT,
    DossierError,
    EnvelopeFile,
    FileToKhai,
    Hoso,
    HosoInfo,
    IvanInfo,
    Problem,
    UnitInfo,
    build_envelope,
    check_envelope,
    is_envelope,
    parse_envelope,
)
from hoso.dossier.fields import FieldProblem, parse_birth_date
from hoso.dossier.forms import (
    D02Row,
    D03Row,
    Form,
    TK1Declaration,
    TK3Declaration,
    build_d02,
    build_tk1,
    check_form,
    read_form,
)

__all__ = [
    "Child",
    "build_children_list",
    "children_from_csv",
    "ENVELOPE_ROOT",
    "ENVELOPE_SIGNATURE_PARENT",
    "FORM_SIGNATURE_PARENT",
    "D02Row",
    "D03Row",
    "DossierError",
    "EnvelopeFile",
    "FileToKhai",
    "Form",
    "Hoso",
    "HosoInfo",
    "IvanInfo",
    "Problem",
    "TK1Declaration",
    "TK3Declaration",
    "UnitInfo",
    "build_d02",
    "build_envelope",
    "build_tk1",
    "check_envelope",
    "check_form",
    "FieldProblem",
    "parse_birth_date",
    "is_envelope",
    "parse_envelope",
    "read_form",
]
