"""Form checks against the procedure catalogue: required forms, personal numbers, dates, the period."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date, datetime

from django.utils import timezone

from hoso import codes
from hoso.dossier import FieldProblem, Hoso, check_form, parse_birth_date, read_form
from hoso.dossier.fields import field_specs
from hoso.errors import CodedError
from hoso.intake.receipts import Reason
from hoso.reference.catalogue import CHILD_UNDER_6_CARD_TAG
from hoso.workflow.results import CARD_MONTHS, add_months

BASIS_FORMS = "Quyết định 959/QĐ-BHXH ngày 09/9/2015 (hồ sơ, biểu mẫu)"
MAX_LISTED = 50  # field problems listed one by one in a refusal, a reason each; the rest are counted

__all__ = ["check_forms", "check_period", "looks_like_xml", "parse_birth_date"]
_PERIOD = re.compile(r"^(0[1-9]|1[0-2])/(\d{4})$")


def looks_like_xml(raw: bytes) -> bool:
    """Whether the bytes start like an XML document (UTF-8, or UTF-16 with its byte-order mark — the
    parser then refuses the encoding with a coded reason, and the submission is kept)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw[2:4] in (b"<\x00", b"\x00<")
    head = raw[:64].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


def is_6_or_older(born: date, on: date) -> bool:
    """Whether a child born on ``born`` is 72 months old on ``on`` — the day its under-6 card is no
    longer valid (:func:`hoso.workflow.results.card_valid_to`: a child born on 29/02 is 72 months old
    on 28/02)."""
    return add_months(born, CARD_MONTHS) <= on


def check_period(period: str, received_at: datetime) -> Reason | None:
    match = _PERIOD.match((period or "").strip())
    today = timezone.localtime(received_at).date()
    if not match:
        return Reason(
            "FORM_PERIOD_FORMAT",
            f"Kỳ kê khai “{period}” không đúng dạng MM/yyyy.",
            f"The declared period “{period}” is not MM/yyyy.",
            BASIS_FORMS,
        )
    months = (int(match.group(2)) - today.year) * 12 + int(match.group(1)) - today.month
    if months > 1 or months < -36:
        return Reason(
            "FORM_PERIOD_RANGE",
            f"Kỳ kê khai {period} quá xa ngày nộp {today:%d/%m/%Y} (cho phép từ 36 tháng trước đến tháng sau).",
            f"The declared period {period} is too far from the filing date {today.isoformat()} "
            "(36 months back to next month).",
            BASIS_FORMS,
        )
    return None


def check_forms(
    hoso: Hoso, procedure, received_at: datetime, *, signed_forms: dict | None = None
) -> tuple[list[Reason], dict, list[dict]]:
    """The problems of the forms of ``hoso`` for ``procedure``, their decoded content and the warnings of
    an accepted dossier (a child of an under-6 list who is 6 or older: :func:`_children_over_6`).
    ``signed_forms``: the signed content of verified forms by their place in the envelope (electronic
    dossiers), read instead of the form's bytes."""
    problems: list[Reason] = []
    content: dict = {"forms": []}
    if (period_problem := check_period(hoso.info.ky_ke_khai, received_at)) is not None:
        problems.append(period_problem)
    codes = [f.ma_to_khai.strip() for f in hoso.info.files]
    allowed = set(procedure.required_forms) | set(procedure.optional_forms)
    for missing in [c for c in procedure.required_forms if c not in codes]:
        problems.append(
            Reason(
                "FORM_REQUIRED_MISSING",
                f"Thiếu tờ khai bắt buộc {missing} của thủ tục {procedure.code}.",
                f"The required form {missing} of procedure {procedure.code} is missing.",
                BASIS_FORMS,
            )
        )
    for extra in sorted({c for c in codes if c not in allowed}):
        problems.append(
            Reason(
                "FORM_NOT_IN_PROCEDURE",
                f"Tờ khai {extra} không thuộc hồ sơ của thủ tục {procedure.code}.",
                f"Form {extra} is not part of procedure {procedure.code}.",
                BASIS_FORMS,
            )
        )
    under_6 = CHILD_UNDER_6_CARD_TAG in (procedure.tags or [])
    today = timezone.localtime(received_at).date()
    field_problems: list[FieldProblem] = []
    listed: list[tuple[dict, object]] = []  # the under-6 lists: each form's decoded entry and the form
    for index, attachment in enumerate(hoso.info.files):
        entry = {"code": attachment.ma_to_khai, "file": attachment.ten_file, "type": attachment.loai_file}
        content["forms"].append(entry)
        if not attachment.is_xml:
            continue
        try:
            signed = (signed_forms or {}).get(index)
            form = read_form(signed if signed is not None else attachment.content())
        except CodedError as error:
            problems.append(
                Reason(
                    error.code,
                    f"{attachment.ten_file}: {error.message_vi}",
                    f"{attachment.ten_file}: {error.message_en}",
                )
            )
            continue
        entry["rows"] = [_row_dict(r) for r in form.rows]
        if form.declaration is not None:
            entry["declaration"] = _row_dict(form.declaration)
        field_problems.extend(check_form(form, today=today))
        if under_6:
            listed.append((entry, form))
    warnings = _children_over_6(listed, today, field_problems)
    problems.extend(_field_reasons(field_problems))
    return problems, content, warnings


def _children_over_6(listed: list[tuple[dict, object]], today: date, field_problems: list) -> list[dict]:
    """The children of the under-6 lists who are 72 months old or more on the filing day. When some child
    of the lists is younger, each older one is a warning and is marked ``excluded`` (by its row) in its
    form's decoded entry — no card is built for it, the evidence is untouched; when every child is
    older, each is a field problem and the lists are refused. Returns the warnings."""
    over = [(entry, form, number, row) for entry, form in listed for number, row in _over_6(form, today)]
    if not over:
        return []
    if len(over) == sum(len(form.rows) for _, form in listed):
        field_problems.extend(_over_6_problem(form, number, row, today) for _, form, number, row in over)
        return []
    warnings = []
    for entry, form, number, row in over:
        reason = _over_6_reason(form.code, number, row, today)
        mark = {
            "row": number,
            "code": reason.code,
            "message": reason.message,
            "message_en": reason.message_en,
        }
        entry.setdefault("excluded", []).append(mark)
        warnings.append({"form": form.code, "row": number, **reason.as_dict()})
    return warnings


def _over_6(form, today: date) -> list[tuple[int, object]]:
    """The rows (numbered from 1) of an under-6 card list whose child is 72 months old or more on the
    filing day."""
    over = []
    for number, row in enumerate(form.rows, start=1):
        born = parse_birth_date(getattr(row, "ngay_sinh", ""))
        if born is not None and is_6_or_older(born, today):
            over.append((number, row))
    return over


def _over_6_problem(form, number: int, row, today: date) -> FieldProblem:
    spec = dict(field_specs(type(row)))["ngay_sinh"]
    return FieldProblem(
        form.code, number, spec, row.ngay_sinh.strip(),
        allowed_vi=f"ngày sinh của trẻ chưa đủ 6 tuổi (72 tháng) vào ngày nộp {today:%d/%m/%Y}",
        allowed_en=f"the birth date of a child under 6 (72 months) on the filing day {today.isoformat()}",
    )  # fmt: skip


def _over_6_reason(form_code: str, number: int, row, today: date) -> Reason:
    """The warning of one child over 6 on an accepted list: the row, the name as typed, the birth date;
    legal basis and next step from the code's declaration (hoso.intake.codebook)."""
    name = getattr(row, "ho_ten", "").strip()  # required: a list without it is refused by its field check
    born = parse_birth_date(row.ngay_sinh)
    return Reason(
        "FORM_CHILD_OVER_6",
        f"{form_code}, dòng {number}: trẻ {name}, sinh ngày {born:%d/%m/%Y}, đã đủ 6 tuổi (72 tháng) vào ngày "
        f"nộp {today:%d/%m/%Y} — không cấp thẻ theo danh sách này.",
        f"{form_code}, row {number}: the child {name}, born {born.isoformat()}, is 6 (72 months) or older on "
        f"the filing day {today.isoformat()} — no card is issued from this list.",
    )


def _field_reasons(found: list[FieldProblem]) -> list[Reason]:
    """A reason for each bad field (row, the field as the form names it, the value, what is allowed),
    the first :data:`MAX_LISTED`; one more counts the rest. Legal basis and next step: the code's
    declaration (hoso.dossier.codebook)."""
    reasons = [Reason(p.code, p.message_vi, p.message_en, *_declared(p.code)) for p in found[:MAX_LISTED]]
    if (more := len(found) - MAX_LISTED) > 0:
        code = found[MAX_LISTED].code
        reasons.append(
            Reason(
                code,
                f"Và {more} trường khác không hợp lệ trong các tờ khai.",
                f"And {more} more fields of the forms are not valid.",
                *_declared(code),
            )
        )
    return reasons


def _declared(code: str) -> tuple[str, str, str]:
    declared = codes.lookup(code)
    return (declared.basis, declared.next_vi, declared.next_en) if declared is not None else ("", "", "")


def _row_dict(row) -> dict:
    """A form row's non-empty values, its extra (unnamed) fields merged in. Rows hold strings and one
    dict of strings: a shallow read (``asdict`` deep-copies every value: 18 µs a row against 4)."""
    values = {f.name: getattr(row, f.name) for f in fields(row) if f.name != "extra"}
    values.update(getattr(row, "extra", None) or {})
    return {k: v for k, v in values.items() if v}
