"""Results: the documents an officer records (PDF or XML, kept in the blob store), the health-card codes
of the under-6 list, and the result record ``KetQuaHoSo`` signed by the gateway.

The record is signed in the same XMLDSig profile as receipts (at ``Cky``), kept in the blob store and
with the result, and its SHA-256 goes into the ``result`` event, so the I-VAN feed carries it.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from lxml import etree

from hoso import xmlsafe
from hoso.dossier import parse_birth_date
from hoso.errors import CodedError
from hoso.identifiers import IdentifierError, build_health_card_code
from hoso.reference.catalogue import CHILD_UNDER_6_CARD_TAG
from hoso.signature.sign import sign_xml
from hoso.workflow.models import Dossier, DossierEvent, Result
from hoso.workflow.services import TransitionError, transition
from hoso.workflow.states import Status

CARD_MONTHS = 72  # a child-under-6 card is valid until the child is 72 months old
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
RESULT_ROOT = "KetQuaHoSo"


class ResultError(CodedError):
    pass


@dataclass(frozen=True)
class Document:
    name: str
    content: bytes
    content_type: str = ""

    @property
    def kind(self) -> str:
        head = self.content[:1024].lstrip(b"\xef\xbb\xbf").lstrip()
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"<"):
            return "xml"
        return ""


@dataclass(frozen=True)
class Card:
    name: str
    born: date
    code: str
    valid_from: date
    valid_to: date

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "born": self.born.isoformat(),
            "code": self.code,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
        }


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def card_valid_to(born: date) -> date:
    """The last day of validity: the day before the child is 72 months old."""
    return add_months(born, CARD_MONTHS) - timedelta(days=1)


def is_under_6_list(dossier: Dossier) -> bool:
    return CHILD_UNDER_6_CARD_TAG in (dossier.procedure.tags or [])


def children_of(dossier: Dossier) -> list[dict]:
    """The children received on the D03-TS list(s) decoded at reception, in order: the rows the
    reception excluded (a child 6 or older, its form's ``excluded`` marks by row number from 1) are
    left out — no card is built for them, and the officer is asked for no number."""
    submission = getattr(dossier, "submission", None)
    facts = submission.facts if submission is not None else {}
    rows: list[dict] = []
    for form in (facts or {}).get("forms", []):
        if form.get("code", "").strip().upper().startswith("D03"):
            excluded = {mark.get("row") for mark in form.get("excluded", [])}
            rows.extend(
                row for number, row in enumerate(form.get("rows", []), start=1) if number not in excluded
            )
    return rows


def build_cards(dossier: Dossier, numbers: dict[int, str], *, on: date, province: str = "01") -> list[Card]:
    """One card per child received on the list (:func:`children_of`: not those excluded at reception):
    ``TE1`` + province + the 10-digit social-insurance number (from the list, or given by the officer in
    ``numbers`` keyed by the child's position from 0 among those received)."""
    cards, problems = [], []
    for index, row in enumerate(children_of(dossier)):
        name = row.get("ho_ten", "")
        number = (numbers.get(index) or row.get("ma_so_bhxh") or "").strip()
        born = parse_birth_date(row.get("ngay_sinh", ""))
        if born is None:
            problems.append((f"{name}: ngày sinh không đọc được", f"{name}: the date of birth is unreadable"))
            continue
        try:
            code = build_health_card_code(number, province=province)
        except IdentifierError as error:
            problems.append((f"{name}: {error.message_vi}", f"{name}: {error.message_en}"))
            continue
        valid_to = card_valid_to(born)
        if valid_to < on:
            problems.append((f"{name}: trẻ đã đủ 6 tuổi", f"{name}: the child is already 6"))
            continue
        cards.append(Card(name, born, code, on, valid_to))
    if problems:
        raise ResultError(
            "RESULT_CARD_INVALID",
            "Không lập được thẻ BHYT: " + "; ".join(vi for vi, _ in problems) + ".",
            "Cannot build the health cards: " + "; ".join(en for _, en in problems) + ".",
        )
    if not cards:
        raise ResultError(
            "RESULT_NO_CHILDREN",
            "Danh sách không có trẻ em nào để cấp thẻ.",
            "The list has no child to issue a card for.",
        )
    return cards


def _check_documents(documents: list[Document]) -> None:
    for document in documents:
        if len(document.content) > MAX_DOCUMENT_BYTES:
            raise ResultError(
                "RESULT_DOCUMENT_TOO_LARGE",
                f"Tài liệu {document.name} vượt quá 20 MB.",
                f"Document {document.name} exceeds 20 MB.",
            )
        if document.kind == "xml":
            try:
                xmlsafe.parse(document.content)
            except CodedError as error:
                raise ResultError(
                    "RESULT_DOCUMENT_XML",
                    f"Tài liệu {document.name} không phải XML hợp lệ: {error.message_vi}",
                    f"Document {document.name} is not valid XML: {error.message_en}",
                ) from error
        elif document.kind != "pdf":
            raise ResultError(
                "RESULT_DOCUMENT_TYPE",
                f"Tài liệu {document.name} phải là tệp PDF hoặc XML.",
                f"Document {document.name} must be a PDF or an XML file.",
            )


def _sub(parent, tag: str, text: str = ""):
    element = etree.SubElement(parent, tag)
    if text:
        element.text = text
    return element


def build_result_record(
    dossier: Dossier, *, at, note: str, documents: list[dict], cards: list[Card]
) -> bytes:
    """The result record, signed by the gateway. It reaches the I-VAN (GET /api/v1/dossiers/{id}/result),
    so it names the department and office that settled the dossier, in words, never an officer's log-in."""
    # local: the gateway's identity still lives in intake, above workflow (moves below both: issue 22, item 2)
    from hoso.intake.gateway import gateway_signer

    root = etree.Element(RESULT_ROOT)
    body = _sub(root, "NoiDung")
    _sub(body, "SoHoSo", dossier.number)
    _sub(body, "MaThuTuc", dossier.procedure.code)
    _sub(body, "CoQuan", dossier.office_id)
    _sub(body, "ThoiGianCoKetQua", timezone.localtime(at).isoformat(timespec="seconds"))
    _sub(body, "DonViGiaiQuyet", _settled_by(dossier))
    _sub(body, "GhiChu", note)
    files = _sub(body, "TaiLieu")
    for document in documents:
        item = _sub(files, "TaiLieuItem")
        _sub(item, "Ten", document["name"])
        _sub(item, "Loai", document["type"])
        _sub(item, "KichThuoc", str(document["size"]))
        _sub(item, "SHA256", document["sha256"])
    if cards:
        cards_element = _sub(body, "DanhSachTheBHYT")
        for card in cards:
            item = _sub(cards_element, "The")
            _sub(item, "HoTen", card.name)
            _sub(item, "NgaySinh", card.born.strftime("%d/%m/%Y"))
            _sub(item, "MaThe", card.code)
            _sub(item, "GiaTriTu", card.valid_from.strftime("%d/%m/%Y"))
            _sub(item, "GiaTriDen", card.valid_to.strftime("%d/%m/%Y"))
    return sign_xml(xmlsafe.serialize(root), gateway_signer())


def _settled_by(dossier: Dossier) -> str:
    """``Phòng …, BHXH …``: the department and office of the dossier, by their Vietnamese names."""
    names = [dossier.department.name_vi if dossier.department_id else "", dossier.office.name_vi]
    return ", ".join(name for name in names if name)


def record_result(
    dossier: Dossier,
    *,
    documents: list[Document],
    actor=None,
    actor_label: str,
    note: str = "",
    card_numbers: dict[int, str] | None = None,
) -> Result:
    """Record the result of a dossier in process: keep the documents, build the cards of an under-6
    list, sign the result record and move the dossier to "result ready" in one transaction."""
    # local: the evidence store still lives in intake, above workflow (moves below both: issue 22, item 2)
    from hoso.intake.blobstore import blob_store

    documents = [d for d in documents if d.content]
    if not documents:
        raise ResultError(
            "RESULT_NO_DOCUMENT",
            "Kết quả phải kèm ít nhất một tài liệu (PDF hoặc XML).",
            "A result needs at least one document (PDF or XML).",
        )
    _check_documents(documents)
    now = timezone.now()
    dossier = Dossier.objects.select_related("procedure").get(pk=dossier.pk)
    if dossier.status != Status.IN_PROCESS:
        raise TransitionError(
            "WORKFLOW_TRANSITION_NOT_ALLOWED",
            f"Chỉ ghi kết quả cho hồ sơ đang xử lý; hồ sơ {dossier.number} đang ở trạng thái "
            f"“{Status(dossier.status).label}”.",
            f"Only a dossier in process gets a result; {dossier.number} is {dossier.status}.",
        )
    cards = (
        build_cards(dossier, card_numbers or {}, on=timezone.localtime(now).date())
        if is_under_6_list(dossier)
        else []
    )
    store = blob_store()
    stored = [
        {
            "name": d.name[:200],
            "type": d.kind,
            "size": len(d.content),
            "sha256": store.put(d.content),
        }
        for d in documents
    ]
    signed = build_result_record(dossier, at=now, note=note, documents=stored, cards=cards)
    signed_sha256 = store.put(signed)
    with transaction.atomic():
        transition(
            dossier,
            Status.RESULT_READY,
            actor=actor,
            actor_label=actor_label,
            note=note,
            kind=DossierEvent.Kind.RESULT,
            data={
                "result_sha256": signed_sha256,
                "documents": stored,
                "cards": [c.as_dict() for c in cards],
            },
        )
        return Result.objects.create(
            dossier=dossier,
            recorded_at=now,
            recorded_by=actor,
            note=note,
            documents=stored,
            cards=[c.as_dict() for c in cards],
            signed_xml=signed,
            signed_sha256=signed_sha256,
        )
