"""The front half of every signed document an I-VAN sends: a dossier, a supplement, a registration.

    bytes → kept (the blob store, once) → parsed (``hoso.xmlsafe`` under the gateway's limits, once)
          → verified on that tree (``hoso.signature.verify_tree``, once) → every signer bound to the
          submitter (the envelope's or the file's signer, and the signer of every form it carries)

The reception pipeline (dossiers), supplements (``hoso.intake.supplement``) and registrations
(``hoso.intake.registration``) all go through these functions; none of them parses, verifies or binds
on its own. What follows the front half — a dossier number, a supplement recorded on its dossier, a
registration row — is theirs.

A refusal is raised as :class:`Refusal` (coded reasons in the receipts' shape, with the legal basis and
what to do); bytes that are not a document at all as :class:`IntakeError` (nothing acknowledged).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.dispatch import Signal
from lxml import etree

from hoso import xmlsafe
from hoso.errors import CodedError
from hoso.intake import checks, retry
from hoso.intake.blobstore import blob_store
from hoso.intake.gateway import trust_store, verify_policy, xml_limits
from hoso.intake.receipts import Reason
from hoso.reference.registrations import registered_through, registration_for
from hoso.signature import Indication, SubIndication, ValidationReport, verify_tree

LEGAL_BASIS_E_TRANSACTIONS = (
    "Quyết định 08/2015/QĐ-TTg ngày 24/3/2015 về giao dịch điện tử trong lĩnh vực BHXH, BHYT, BHTN"
)
LEGAL_BASIS_SIGNATURES = "Luật Giao dịch điện tử 2005; " + LEGAL_BASIS_E_TRANSACTIONS

#: Sent, in the process that received, with the duration in seconds (``seconds``) of each reception
#: (``stage="reception"``, ``channel``, ``outcome``: accepted, refused, repeat, invalid — not a dossier at
#: all — or error) and of each signature verification (``stage="signature"``, ``outcome``: its indication).
#: hoso.operations.metrics makes histograms of them; a receiver runs on the reception's path: keep it quick.
timed = Signal()


class IntakeError(CodedError):
    """Input that is not a submission at all (too large, not XML): nothing is acknowledged."""


class Refusal(Exception):
    """The document is refused for these reasons; ``transient``: for a passing reason (may be sent again,
    :mod:`hoso.intake.retry`); ``pending``: the only problem of the signatures is a certificate's unknown
    revocation status (the document may be held, :mod:`hoso.intake.pending`)."""

    def __init__(
        self,
        *reasons: Reason,
        transient: bool = False,
        pending: bool = False,
        report: ValidationReport | None = None,
        bindings: list[dict] | None = None,
    ) -> None:
        super().__init__(reasons[0].code)
        self.reasons = list(reasons)
        self.transient = transient or pending
        self.pending = pending
        self.report = report  # the verification report, when the signatures were what failed
        self.bindings = bindings  # each signed part's binding, when a part was not bound (see bind)


def reason(code: str, vi: str, en: str, *, basis: str = "", advice: str = "", advice_en: str = "") -> Reason:
    return Reason(code, vi, en, basis, advice, advice_en)


# --- kept, parsed, verified ---------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(getattr(settings, "HOSO_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def keep(raw: bytes) -> str:
    """Keep ``raw`` as evidence (content-addressed, durable) before anything else; its SHA-256."""
    limit = max_upload_bytes()
    if len(raw) > limit:
        raise IntakeError(
            "INTAKE_TOO_LARGE",
            f"Hồ sơ vượt quá dung lượng tối đa {limit // (1024 * 1024)} MB.",
            f"The dossier exceeds the maximum size of {limit // (1024 * 1024)} MB.",
        )
    return blob_store().put(raw)


def require_xml(raw: bytes) -> None:
    if not checks.looks_like_xml(raw):
        raise IntakeError(
            "INTAKE_NOT_XML",
            "Nội dung gửi không phải tệp XML. Hồ sơ điện tử, hồ sơ bổ sung và tờ khai đăng ký là tệp XML có "
            "chữ ký số.",
            "The content is not an XML file. Dossiers, supplements and registrations are signed XML files.",
        )


def parse(raw: bytes) -> etree._Element:
    """The one safe parse of a received file, under the gateway's XML limits."""
    try:
        return xmlsafe.parse(raw, limits=xml_limits())
    except CodedError as error:
        raise Refusal(
            reason(
                error.code,
                error.message_vi,
                error.message_en,
                basis=LEGAL_BASIS_E_TRANSACTIONS,
                advice=str(error.details.get("advice", "")),
                advice_en=str(error.details.get("advice_en", "")),
            )
        ) from error


def verify(
    tree: etree._Element, *, at: datetime, channel: str = "electronic", retroactive: bool = False
) -> ValidationReport:
    """Verify the parsed ``tree`` (consumed: keep no other reference) at ``at``; the report when every
    signature passes, else :class:`Refusal` (pending when the only problem is an unknown revocation
    status). ``retroactive``: revocation data published after ``at`` counts (a held document judged again
    at its reception time, :mod:`hoso.intake.pending`)."""
    started = time.perf_counter()
    trust = trust_store().retroactive() if retroactive else trust_store()
    report = verify_tree(tree, trust=trust, at=at, policy=verify_policy())
    seconds = time.perf_counter() - started
    timed.send(None, stage="signature", channel=channel, outcome=report.indication.name, seconds=seconds)
    if report.indication is not Indication.TOTAL_PASSED:
        failed = next((p for p in report.parts if p.indication is not Indication.TOTAL_PASSED), None)
        named = failed is not None and failed.code != report.code
        code = report.code if report.code.startswith("SIG") else f"SIG_{report.code}"
        raise Refusal(
            reason(
                code,
                report.reason + (f" ({failed.name}: {failed.reason})" if named else ""),
                report.reason_en + (f" ({failed.name}: {failed.reason_en})" if named else ""),
                basis=LEGAL_BASIS_SIGNATURES,
                **_signature_advice(report.code),
            ),
            transient=report.sub_indication is SubIndication.TRY_LATER or retry.may_send_again([code]),
            pending=only_revocation_unknown(report),
            report=report,
        )
    return report


#: The verdict of a certificate whose revocation status is unknown (no current CRL or OCSP answer).
REVOCATION_UNKNOWN = "TRY_LATER"


def only_revocation_unknown(report: ValidationReport) -> bool:
    """Whether the one problem of ``report`` is an unknown revocation status: the file's own signature and
    every part pass but for that (the signatures verify, the chains are built, nothing is revoked or
    expired), so the document may be held until the status is known rather than refused."""
    if report.code not in (REVOCATION_UNKNOWN, "PART_" + REVOCATION_UNKNOWN):
        return False
    return all(part.code in ("OK", REVOCATION_UNKNOWN) for part in report.parts)


# Refusals for a file's shape rather than its signature: signing again changes nothing.
_SHAPE_CODES = ("VERIFY_BUDGET_EXCEEDED", "XML_TOO_", "XML_TEXT_TOO_LARGE")


def _signature_advice(code: str) -> dict[str, str]:
    if code.removeprefix("PART_") == REVOCATION_UNKNOWN:
        return {
            "advice": "Cổng tiếp nhận chưa có thông tin thu hồi (CRL/OCSP) mới của tổ chức chứng thực: không cần "
            "ký lại, gửi lại đúng tệp này sau ít phút.",
            "advice_en": "The gateway has no current revocation data (CRL/OCSP) from the certification "
            "authority: there is no need to sign again; send the same file again in a few minutes.",
        }
    if any(code.removeprefix("PART_").startswith(shape) for shape in _SHAPE_CODES):
        return {
            "advice": "Tệp hồ sơ có cấu trúc vượt giới hạn kiểm tra của cổng tiếp nhận. Kiểm tra phần mềm kê "
            "khai đã tạo tệp đúng mẫu; nếu hồ sơ thật sự lớn, tách thành nhiều hồ sơ nhỏ hơn rồi gửi lại.",
            "advice_en": "The dossier's structure is beyond what the gateway checks. Check that the filing "
            "software produced the prescribed form; if the dossier really is this large, split it into "
            "smaller dossiers and send them again.",
        }
    return {
        "advice": "Ký lại hồ sơ bằng chứng thư số còn hiệu lực đã đăng ký với cơ quan BHXH rồi gửi lại.",
        "advice_en": "Sign the dossier again with a valid certificate registered with the office and resend it.",
    }


# --- every signer bound to the submitter ----------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """What the refusals call the document: "hồ sơ" / "dossier", "tờ khai đăng ký" / "registration"."""

    vi: str
    en: str


DOSSIER = Document("hồ sơ", "dossier")


def bind(
    report: ValidationReport,
    *,
    at: datetime,
    unit=None,
    commune=None,
    registration_id: int | None | bool = False,
    require_registration: bool = True,
    document: Document = DOSSIER,
    ivan: str | None = None,
) -> list[dict]:
    """Raise :class:`Refusal` unless every signer of ``report`` signs for the submitter (``unit`` or
    ``commune``) and every form that names a unit names the submitter; else the parts' bindings (one
    dict for the file and each part it carries: name, form code, signer, tax code, verdict, why).

    The file's own signer (the envelope's, or a single form's): a unit's certificate carries the unit's
    tax code (MST) and, when ``require_registration``, is registered for the submitter at ``at``
    (``registration_id``: already looked up by the caller, ``False``: look it up here) through ``ivan``, the
    carrying I-VAN's code (a registration binds the I-VAN its form named; None: any). Each signed form
    it carries: signed by that same certificate, or by one carrying the unit's tax code, or by a
    certificate registered for the submitter.
    """
    code = unit.code if unit is not None else commune.gso_code
    tax = unit.tax_code.split("-")[0] if unit is not None else None
    signer = report.signer
    fingerprint = signer.fingerprint_sha256.lower()
    if tax and (signer.tax_code or "").split("-")[0] != tax:
        raise Refusal(
            reason(
                "INTAKE_SIGNER_TAX_CODE",
                f"Chứng thư số ký {document.vi} mang mã số thuế {signer.tax_code or '(không có)'}, "
                f"không phải của đơn vị ({unit.tax_code}).",
                f"The certificate that signed the {document.en} carries tax code {signer.tax_code or '(none)'}, "
                f"not the unit's ({unit.tax_code}).",
                basis=LEGAL_BASIS_E_TRANSACTIONS,
                advice=f"Đơn vị ký {document.vi} bằng chứng thư số của chính đơn vị (mang mã số thuế {unit.tax_code}).",
                advice_en=f"The unit signs the {document.en} with its own certificate (tax code {unit.tax_code}).",
            )
        )
    if require_registration:
        if registration_id is False:
            found = registration_for(
                fingerprint_sha256=fingerprint, moment=at, unit=unit, commune=commune, ivan=ivan
            )
            registration_id = found.pk if found is not None else None
        if registration_id is None and ivan:
            _require_carrier(fingerprint, at, unit, commune, ivan, document)
        if registration_id is None:
            # A passing state: once the unit registers this certificate, the same file may be sent again.
            raise Refusal(
                reason(
                    "INTAKE_CERTIFICATE_NOT_REGISTERED",
                    f"Chứng thư số dùng để ký {document.vi} chưa được đăng ký giao dịch điện tử với cơ quan BHXH.",
                    f"The certificate that signed the {document.en} is not registered for electronic "
                    "transactions with the office.",
                    basis=LEGAL_BASIS_E_TRANSACTIONS,
                    advice="Nộp Tờ khai đăng ký sử dụng phương thức giao dịch điện tử (mẫu 04/ĐK-IVAN) qua tổ chức "
                    "I-VAN, ký bằng chứng thư số này, rồi gửi lại hồ sơ.",
                    advice_en="File the registration for electronic transactions (form 04/ĐK-IVAN) through your "
                    "I-VAN, signed with this certificate, then resend the dossier.",
                ),
                transient=True,
            )
    bound = {fingerprint}  # certificates known to sign for the submitter
    parts = [_binding(report, "bound")]
    problems: list[Reason] = []
    forms = report.parts if report.parts else ([report] if report.kind == "form" else [])
    for part in forms:
        if part.kind != "form" or part.signer is None:
            if part is not report:
                parts.append(_binding(part, "unsigned"))
            continue
        verdict = "bound"
        if part is not report and not _signs_for(part.signer, bound, tax, at, unit, commune):
            verdict = "signer_not_unit"
            problems.append(_foreign_signer(part, code, unit))
        named = _unit_named(part.signed_root, commune is not None)
        if named is not None and named.upper() != code.upper():
            verdict = "unit_mismatch" if verdict == "bound" else verdict
            problems.append(_foreign_unit(part, named, code, commune is not None))
        if part is report:
            parts[0] = _binding(report, verdict)
        else:
            parts.append(_binding(part, verdict))
    if problems:
        raise Refusal(*problems, bindings=parts)
    return parts


def _require_carrier(fingerprint: str, at: datetime, unit, commune, ivan: str, document: Document) -> None:
    """Refuse a file whose certificate is registered for the submitter, but through another I-VAN."""
    other = registered_through(fingerprint_sha256=fingerprint, moment=at, unit=unit, commune=commune)
    if other is None or other == ivan:
        return
    raise Refusal(
        reason(
            "INTAKE_IVAN_NOT_REGISTERED",
            f"Đơn vị đăng ký giao dịch điện tử qua tổ chức I-VAN {other}, không phải I-VAN {ivan} đã gửi "
            f"{document.vi}.",
            f"The unit is registered for electronic transactions through I-VAN {other}, not through I-VAN "
            f"{ivan}, which sent the {document.en}.",
            basis=LEGAL_BASIS_E_TRANSACTIONS,
        ),
        transient=True,  # once the unit's change of I-VAN (05/ĐK-IVAN) is recorded, the same file may be sent
    )


def _signs_for(signer, bound: set[str], tax: str | None, at: datetime, unit, commune) -> bool:
    fingerprint = signer.fingerprint_sha256.lower()
    if fingerprint in bound:
        return True
    if tax and (signer.tax_code or "").split("-")[0] == tax:
        bound.add(fingerprint)
        return True
    if registration_for(fingerprint_sha256=fingerprint, moment=at, unit=unit, commune=commune) is not None:
        bound.add(fingerprint)
        return True
    return False


#: Where a form names the unit (or the commune) it is about: the header, or a declaration's body (TK3-TS).
_UNIT_PATHS = ("ThongTinDonVi/MaDonVi", "NoiDung/MaDonVi")
_COMMUNE_PATHS = ("ThongTinDonVi/MaXa",)


def _unit_named(root: etree._Element | None, commune: bool) -> str | None:
    if root is None:
        return None
    for path in _COMMUNE_PATHS if commune else _UNIT_PATHS:
        found = root.find(path)
        if found is not None and (found.text or "").strip():
            return found.text.strip()
    return None


def _foreign_signer(part: ValidationReport, code: str, unit) -> Reason:
    who = part.signer.tax_code or part.signer.subject
    return reason(
        "INTAKE_FORM_SIGNER_NOT_UNIT",
        f"Tờ khai {part.name} được ký bằng chứng thư số của {who}, không phải của đơn vị nộp hồ sơ ({code}): "
        "chứng thư số không mang mã số thuế của đơn vị và không được đăng ký cho đơn vị.",
        f"Form {part.name} is signed with the certificate of {who}, not that of the submitting unit ({code}): "
        "the certificate neither carries the unit's tax code nor is registered for the unit.",
        basis=LEGAL_BASIS_E_TRANSACTIONS,
        advice=f"Ký lại tờ khai {part.name} bằng chứng thư số của đơn vị {code} (hoặc chứng thư số đơn vị đã đăng ký "
        "giao dịch điện tử), đóng gói lại hồ sơ rồi gửi lại.",
        advice_en=f"Sign form {part.name} again with the certificate of unit {code} (or one the unit registered "
        "for electronic transactions), pack the dossier again and resend it.",
    )


def _foreign_unit(part: ValidationReport, named: str, code: str, commune: bool) -> Reason:
    field, field_en = (
        ("mã xã (MaXa)", "commune code (MaXa)") if commune else ("mã đơn vị (MaDonVi)", "unit code (MaDonVi)")
    )
    return reason(
        "INTAKE_FORM_UNIT_MISMATCH",
        f"Tờ khai {part.name} ghi {field} {named}, khác đơn vị nộp hồ sơ ({code}).",
        f"Form {part.name} names {field_en} {named}, not the submitting unit ({code}).",
        basis=LEGAL_BASIS_E_TRANSACTIONS,
        advice=f"Mỗi hồ sơ chỉ gồm tờ khai của một đơn vị: sửa tờ khai {part.name} cho đúng đơn vị {code} (hoặc "
        f"nộp tờ khai của đơn vị {named} trong hồ sơ riêng của đơn vị đó), ký lại rồi gửi lại.",
        advice_en=f"A dossier carries the forms of one unit only: correct form {part.name} to unit {code} (or file "
        f"unit {named}'s form in that unit's own dossier), sign it again and resend.",
    )


#: What each binding verdict means, for the dossier page (stored with the binding, as reasons are).
VERDICTS = {
    "bound": ("Ký bởi đơn vị nộp hồ sơ", "Signed for the submitting unit"),
    "signer_not_unit": (
        "Người ký không phải đơn vị nộp hồ sơ",
        "Not signed for the submitting unit",
    ),
    "unit_mismatch": (
        "Tờ khai ghi đơn vị khác",
        "The form names another unit",
    ),
    "unsigned": ("Tệp đính kèm, không có chữ ký riêng", "An attachment, without a signature of its own"),
}


def _binding(part: ValidationReport, verdict: str) -> dict:
    signer = part.signer
    label, label_en = VERDICTS[verdict]
    return {
        "name": part.name,
        "kind": part.kind,
        "form_code": part.form_code or "",
        "signer": signer.subject if signer is not None else "",
        "tax_code": (signer.tax_code or "") if signer is not None else "",
        "fingerprint_sha256": signer.fingerprint_sha256.lower() if signer is not None else "",
        "indication": part.indication.value,
        "verdict": verdict,
        "verdict_label": label,
        "verdict_label_en": label_en,
    }
