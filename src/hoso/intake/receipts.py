"""Receipts (ThongBaoTiepNhan): signed by the gateway in the I-VAN XMLDSig profile, at ``Cky``.

A receipt is evidence: it is built once, signed, stored with its submission and served byte for byte
the same on every later request. Element names follow the Vietnamese style of the I-VAN files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from lxml import etree

from hoso import codes
from hoso.intake.gateway import gateway_signer
from hoso.signature.sign import sign_tree

RECEIPT_ROOT = "ThongBaoTiepNhan"
VERDICT_TEXT = {
    "accepted": ("TIEP_NHAN", "Tiếp nhận"),
    "refused": ("TU_CHOI", "Từ chối tiếp nhận"),
    # A pending acknowledgement (hoso.intake.pending): received, no dossier number yet.
    "pending": ("CHO_KIEM_TRA", "Đã nhận, đang chờ kiểm tra tình trạng thu hồi chứng thư số"),
}


@dataclass
class Reason:
    code: str
    message: str
    message_en: str
    legal_basis: str = ""
    advice: str = ""
    advice_en: str = ""

    def __post_init__(self) -> None:
        # What an answer leaves out, its code's declaration gives (hoso.codes): every reason has a legal
        # basis (CanCu) and a next step (HuongDan).
        self.legal_basis, self.advice, self.advice_en = codes.fill(
            self.code, self.legal_basis, self.advice, self.advice_en
        )

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass
class ReceiptContent:
    submission_id: str
    received_at: datetime
    outcome: str
    sha256: str
    channel: str
    dossier_number: str = ""
    due_date: date | None = None
    reasons: list[Reason] = field(default_factory=list)
    procedure: tuple[str, str] = ("", "")
    submitter: tuple[str, str, str] = ("", "", "")  # code, name, tax code
    office: tuple[str, str] = ("", "")
    ivan: str = ""
    policy: dict = field(default_factory=dict)
    signature: dict = field(default_factory=dict)


def _sub(parent, tag: str, text: str | None = None):
    element = etree.SubElement(parent, tag)
    if text:
        element.text = text
    return element


def build_receipt(content: ReceiptContent) -> bytes:
    root = etree.Element(RECEIPT_ROOT)
    body = _sub(root, "NoiDung")
    _sub(body, "MaGiaoDich", content.submission_id)
    _sub(body, "SoHoSo", content.dossier_number)
    _sub(body, "ThoiGianTiepNhan", timezone.localtime(content.received_at).isoformat(timespec="seconds"))
    code, text = VERDICT_TEXT[content.outcome]
    verdict = _sub(body, "KetQua")
    _sub(verdict, "Ma", code)
    _sub(verdict, "MoTa", text)
    _sub(body, "KenhNop", content.channel)
    _sub(body, "NgayHenTra", content.due_date.isoformat() if content.due_date else "")
    reasons = _sub(body, "LyDo")
    for reason in content.reasons:
        item = _sub(reasons, "LyDoItem")
        _sub(item, "Ma", reason.code)
        _sub(item, "NoiDung", reason.message)
        _sub(item, "NoiDungTiengAnh", reason.message_en)
        _sub(item, "CanCu", reason.legal_basis)
        _sub(item, "HuongDan", reason.advice)
    procedure = _sub(body, "ThuTuc")
    _sub(procedure, "Ma", content.procedure[0])
    _sub(procedure, "Ten", content.procedure[1])
    submitter = _sub(body, "DoiTuong")
    _sub(submitter, "Ma", content.submitter[0])
    _sub(submitter, "Ten", content.submitter[1])
    _sub(submitter, "MaSoThue", content.submitter[2])
    office = _sub(body, "CoQuanTiepNhan")
    _sub(office, "Ma", content.office[0])
    _sub(office, "Ten", content.office[1])
    _sub(body, "MaIVAN", content.ivan)
    _sub(body, "SHA256HoSo", content.sha256)
    policy = _sub(body, "ChinhSach")
    _sub(policy, "Ma", str(content.policy.get("policy_id", "")))
    _sub(policy, "PhienBan", str(content.policy.get("policy_version", "")))
    _sub(policy, "QuyTac", str(content.policy.get("rule_id", "")))
    signature = _sub(body, "ChuKySo")
    _sub(signature, "KetLuan", str(content.signature.get("indication", "")))
    _sub(signature, "ChiTiet", str(content.signature.get("sub_indication") or ""))
    _sub(signature, "MoTa", str(content.signature.get("reason", "")))
    signer = content.signature.get("signer") or {}
    _sub(signature, "NguoiKy", str(signer.get("subject", "")))
    _sub(signature, "SoSerial", str(signer.get("serial", "")))
    return sign_tree(root, gateway_signer())


def receipt_content(submission) -> ReceiptContent:
    """What the receipt of a stored submission says: everything comes from the stored record."""
    dossier = submission.dossier
    policy = submission.policy or {}
    submitter = (submission.facts or {}).get("submitter") or ["", "", ""]
    return ReceiptContent(
        submission_id=str(submission.public_id),
        received_at=submission.received_at,
        outcome=submission.outcome,
        sha256=submission.sha256,
        channel=submission.channel,
        dossier_number=dossier.number if dossier else "",
        due_date=dossier.due_date if dossier else None,
        reasons=[Reason(**r) for r in submission.reasons],
        procedure=(submission.procedure.code, submission.procedure.name_vi)
        if submission.procedure
        else ("", ""),
        submitter=tuple(submitter),
        office=(submission.office.code, submission.office.name_vi) if submission.office else ("", ""),
        ivan=submission.ivan_id or "",
        policy={
            "policy_id": policy.get("policy", ""),
            "policy_version": policy.get("policy_version", ""),
            "rule_id": policy.get("rule", ""),
        },
        signature=submission.signature or {},
    )


def _signed_receipt(submission) -> tuple[bytes, str]:
    """The signed receipt of a submission, as its record says, and the receipt's SHA-256."""
    receipt = build_receipt(receipt_content(submission))
    return receipt, hashlib.sha256(receipt).hexdigest()


def attach_receipt(submission) -> None:
    """Build and sign the receipt of a submission about to be stored, and set it on the instance."""
    submission.receipt_xml, submission.receipt_sha256 = _signed_receipt(submission)


def ensure_receipt(submission) -> bytes:
    """The submission's signed receipt: made and stored once, the same bytes on every later call."""
    from hoso.intake.models import Submission

    if submission.receipt_sha256:
        return bytes(submission.receipt_xml)
    receipt, digest = _signed_receipt(submission)
    if Submission.objects.filter(pk=submission.pk, receipt_sha256="").update(
        receipt_xml=receipt, receipt_sha256=digest
    ):
        submission.receipt_xml, submission.receipt_sha256 = receipt, digest
    else:  # another process stored it first: that one is the receipt
        stored = Submission.objects.values_list("receipt_xml", "receipt_sha256").get(pk=submission.pk)
        submission.receipt_xml, submission.receipt_sha256 = bytes(stored[0]), stored[1]
    return submission.receipt_xml


def complete_missing_receipts() -> int:
    """Sign the receipts a crash left unmade (committed submissions whose receipt was not yet stored).

    `hoso serve` and `hoso init` run it at start, so after a restart every submission has its receipt.
    """
    from hoso.intake.models import Submission

    missing = list(
        Submission.objects.filter(receipt_sha256="").select_related("dossier", "procedure", "office")
    )
    for submission in missing:
        ensure_receipt(submission)
    return len(missing)
