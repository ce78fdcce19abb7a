"""The validation report, after EU DSS: facts apart from the verdict; indication + sub-indication.

Every reason has a stable ``code``, a Vietnamese text (``reason``) and an English one (``reason_en``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from lxml import etree


class Indication(enum.StrEnum):
    TOTAL_PASSED = "TOTAL_PASSED"
    INDETERMINATE = "INDETERMINATE"
    FAILED = "FAILED"

    @property
    def rank(self) -> int:
        return {"TOTAL_PASSED": 0, "INDETERMINATE": 1, "FAILED": 2}[self.value]


class SubIndication(enum.StrEnum):
    NO_SIGNATURE = "NO_SIGNATURE"
    FORMAT_FAILURE = "FORMAT_FAILURE"
    HASH_FAILURE = "HASH_FAILURE"
    SIG_CRYPTO_FAILURE = "SIG_CRYPTO_FAILURE"
    NO_CERTIFICATE_CHAIN_FOUND = "NO_CERTIFICATE_CHAIN_FOUND"
    CHAIN_CONSTRAINTS_FAILURE = "CHAIN_CONSTRAINTS_FAILURE"
    OUT_OF_BOUNDS_NO_POE = "OUT_OF_BOUNDS_NO_POE"
    NOT_YET_VALID = "NOT_YET_VALID"
    REVOKED = "REVOKED"
    TRY_LATER = "TRY_LATER"
    KEY_USAGE = "KEY_USAGE"
    WEAK_ALGORITHM = "WEAK_ALGORITHM"


# code -> (indication, sub-indication, Vietnamese, English). Texts may take str.format fields.
REASONS: dict[str, tuple[Indication, SubIndication | None, str, str]] = {
    "OK": (
        Indication.TOTAL_PASSED,
        None,
        "Chữ ký số hợp lệ; chứng thư số hợp lệ tại thời điểm kiểm tra.",
        "The digital signature is valid; the certificate is valid at the validation time.",
    ),
    "NO_SIGNATURE": (
        Indication.FAILED,
        SubIndication.NO_SIGNATURE,
        "Tệp chưa được ký số (không có chữ ký trong <{parent}>).",
        "The file is not signed (no signature in <{parent}>).",
    ),
    "XML_INVALID": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "{detail}",
        "{detail_en}",
    ),
    "UNKNOWN_ROOT": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Phần tử gốc <{root}> không phải hồ sơ hay tờ khai được hỗ trợ.",
        "The root element <{root}> is not a supported envelope or form.",
    ),
    "MULTIPLE_SIGNATURES": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Tệp có {count} chữ ký; chỉ chấp nhận đúng một chữ ký.",
        "The file has {count} signatures; exactly one is accepted.",
    ),
    "SIGNATURE_MISPLACED": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Chữ ký nằm sai vị trí ({path}); phải nằm trong <{parent}> ngay dưới phần tử gốc.",
        "The signature is in the wrong place ({path}); it must be in <{parent}> directly under the root.",
    ),
    "SIGNATURE_STRUCTURE": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Cấu trúc chữ ký không hợp lệ: {detail}",
        "The signature structure is invalid: {detail_en}",
    ),
    "REFERENCE_NOT_WHOLE_DOCUMENT": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        'Chữ ký phải ký toàn bộ tài liệu (Reference URI=""); tham chiếu {uri!r} không được chấp nhận.',
        'The signature must cover the whole document (Reference URI=""); reference {uri!r} is refused.',
    ),
    "TRANSFORM_FORBIDDEN": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Phép biến đổi {algorithm} không được phép.",
        "The transform {algorithm} is not allowed.",
    ),
    "C14N_FORBIDDEN": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Thuật toán chuẩn hoá {algorithm} không được phép.",
        "The canonicalization method {algorithm} is not allowed.",
    ),
    "RETRIEVAL_FORBIDDEN": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Chữ ký yêu cầu tải dữ liệu từ nơi khác ({detail}); không được phép.",
        "The signature asks to fetch data from elsewhere ({detail_en}); refused.",
    ),
    "ALGORITHM_FORBIDDEN": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Thuật toán {algorithm} không được chấp nhận.",
        "The algorithm {algorithm} is not accepted.",
    ),
    "HMAC_FORBIDDEN": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Chữ ký HMAC (khoá bí mật dùng chung) không phải chữ ký số; không được chấp nhận.",
        "An HMAC (shared secret) signature is not a digital signature; refused.",
    ),
    "WEAK_ALGORITHM": (
        Indication.FAILED,
        SubIndication.WEAK_ALGORITHM,
        "Thuật toán yếu {algorithm} chỉ được chấp nhận cho chữ ký trước {until}.",
        "The weak algorithm {algorithm} is only accepted for signatures made before {until}.",
    ),
    "NO_CERTIFICATE": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Chữ ký không kèm chứng thư số X.509.",
        "The signature carries no X.509 certificate.",
    ),
    "CERTIFICATE_UNREADABLE": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Không đọc được chứng thư số trong chữ ký: {detail}",
        "The certificate in the signature cannot be read: {detail_en}",
    ),
    "VERIFY_BUDGET_EXCEEDED": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "Việc kiểm tra chữ ký số của tệp vượt quá thời gian xử lý cho phép ({seconds} giây CPU): tệp có cấu "
        "trúc quá phức tạp.",
        "Checking the file's signatures took longer than allowed ({seconds} CPU seconds): the file's "
        "structure is too complex.",
    ),
    "VERIFIER_ERROR": (
        Indication.INDETERMINATE,
        SubIndication.TRY_LATER,
        "Cổng tiếp nhận gặp lỗi khi kiểm tra chữ ký số; lỗi đã được ghi lại để bộ phận CNTT xử lý.",
        "The gateway failed while checking the signature; the fault is logged for the IT department.",
    ),
    "KEYVALUE_MISMATCH": (
        Indication.FAILED,
        SubIndication.SIG_CRYPTO_FAILURE,
        "Khoá công khai trong KeyValue khác khoá của chứng thư số.",
        "The public key in KeyValue differs from the certificate's key.",
    ),
    "HASH_FAILURE": (
        Indication.FAILED,
        SubIndication.HASH_FAILURE,
        "Giá trị băm của nội dung không khớp: nội dung đã bị thay đổi sau khi ký.",
        "The reference digest does not match: the content was changed after signing.",
    ),
    "SIG_CRYPTO_FAILURE": (
        Indication.FAILED,
        SubIndication.SIG_CRYPTO_FAILURE,
        "Giá trị chữ ký không hợp lệ với khoá của chứng thư số.",
        "The signature value does not verify with the certificate's key.",
    ),
    "NO_CERTIFICATE_CHAIN_FOUND": (
        Indication.INDETERMINATE,
        SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
        "Không xây dựng được chuỗi chứng thư tới một tổ chức chứng thực tin cậy.",
        "No certificate chain to a trusted certification authority could be built.",
    ),
    "CHAIN_INVALID": (
        Indication.INDETERMINATE,
        SubIndication.CHAIN_CONSTRAINTS_FAILURE,
        "Chuỗi chứng thư không hợp lệ: {detail}",
        "The certificate chain is invalid: {detail_en}",
    ),
    "EXPIRED": (
        Indication.INDETERMINATE,
        SubIndication.OUT_OF_BOUNDS_NO_POE,
        "Chứng thư số đã hết hạn tại thời điểm kiểm tra ({at}).",
        "The certificate had expired at the validation time ({at_en}).",
    ),
    "NOT_YET_VALID": (
        Indication.INDETERMINATE,
        SubIndication.NOT_YET_VALID,
        "Chứng thư số chưa có hiệu lực tại thời điểm kiểm tra ({at}).",
        "The certificate was not yet valid at the validation time ({at_en}).",
    ),
    "REVOKED": (
        Indication.FAILED,
        SubIndication.REVOKED,
        "Chứng thư số đã bị thu hồi{when}.",
        "The certificate has been revoked{when_en}.",
    ),
    "TRY_LATER": (
        Indication.INDETERMINATE,
        SubIndication.TRY_LATER,
        "Không xác định được tình trạng thu hồi của chứng thư số (thiếu CRL/OCSP hợp lệ); thử lại sau.",
        "The revocation status of the certificate cannot be determined (no valid CRL/OCSP); try later.",
    ),
    "KEY_USAGE": (
        Indication.FAILED,
        SubIndication.KEY_USAGE,
        "Chứng thư số không được phép dùng để ký (thiếu digitalSignature/nonRepudiation).",
        "The certificate may not be used for signing (no digitalSignature/nonRepudiation key usage).",
    ),
    "ATTACHMENT_INVALID": (
        Indication.FAILED,
        SubIndication.FORMAT_FAILURE,
        "{detail}",
        "{detail_en}",
    ),
}

WARNINGS: dict[str, tuple[str, str]] = {
    "UNSIGNED_OBJECT_IGNORED": (
        "Chữ ký chứa phần tử <Object> không namespace (kiểu .NET) không được ký; đã bỏ qua khi kiểm tra, "
        "thời điểm ký trong đó chỉ để tham khảo.",
        "The signature holds a no-namespace <Object> (a .NET quirk) that is not signed; it was ignored for "
        "verification and its signing time is information only.",
    ),
    "WEAK_ALGORITHM": (
        "Chữ ký dùng thuật toán yếu {algorithm}; được chấp nhận vì ký trước {until}.",
        "The signature uses the weak algorithm {algorithm}; accepted because it was made before {until}.",
    ),
    "CLAIMED_SIGNING_TIME": (
        "Thời điểm ký khai báo ({time}) không được ký bảo vệ: chỉ để tham khảo.",
        "The claimed signing time ({time}) is not protected by the signature: information only.",
    ),
    "TRUST_ANCHOR_PINNED": (
        "Chứng thư người ký được tin cậy trực tiếp (ghim), không kiểm tra thu hồi.",
        "The signer certificate is trusted directly (pinned); revocation is not checked.",
    ),
    "COMMENTS_IGNORED": (
        "Các chú thích XML không được ký và đã bị loại khỏi nội dung trả về.",
        "XML comments are not signed and were removed from the returned content.",
    ),
}


@dataclass(frozen=True)
class ReportWarning:
    code: str
    message: str
    message_en: str

    @classmethod
    def make(cls, code: str, **fmt: Any) -> ReportWarning:
        vi, en = WARNINGS[code]
        return cls(code, vi.format(**fmt), en.format(**fmt))


@dataclass(frozen=True)
class SignerInfo:
    subject: str
    tax_code: str | None
    serial: str
    issuer: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    certificate_der: bytes = field(repr=False, default=b"")

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "tax_code": self.tax_code,
            "serial": self.serial,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "fingerprint_sha256": self.fingerprint_sha256,
        }


@dataclass
class ValidationReport:
    """The verdict on one signed XML file (a form or an envelope) and, for an envelope, its parts.

    ``signed_root`` is the only content later steps may read: the signed tree with the signature (and
    unsigned comments) taken out. It is ``None`` unless the signature itself is cryptographically valid.
    """

    indication: Indication
    sub_indication: SubIndication | None
    code: str
    reason: str
    reason_en: str
    kind: str = "unknown"  # "envelope" | "form" | "attachment" | "unknown"
    name: str = ""  # root element, or the file name of a part
    validation_time: datetime | None = None
    signer: SignerInfo | None = None
    claimed_signing_time: str | None = None
    signature_method: str | None = None
    digest_method: str | None = None
    canonicalization: str | None = None
    warnings: list[ReportWarning] = field(default_factory=list)
    parts: list[ValidationReport] = field(default_factory=list)
    signed_root: etree._Element | None = field(default=None, repr=False)
    form_code: str | None = None
    # An envelope's signed content as read to verify its parts (a ``hoso.dossier.Hoso``), when it could be
    # read; later steps take it instead of reading ``signed_root`` again.
    envelope: Any = field(default=None, repr=False)
    # The digest of the signed content ("<DigestMethod URI> <hex value>", the whole-document
    # reference's), set once the signature value and that digest are verified: the same signed content
    # has the same digest whatever else differs outside the signature (the file's bytes, another
    # signature over it). None unless verified.
    content_digest: str | None = None

    @property
    def passed(self) -> bool:
        return self.indication is Indication.TOTAL_PASSED

    @cached_property
    def signed_xml(self) -> bytes | None:
        """The signed content serialized (UTF-8 with declaration), or None."""
        if self.signed_root is None:
            return None
        return etree.tostring(self.signed_root, encoding="utf-8", xml_declaration=True)

    def message(self, lang: str = "vi") -> str:
        return self.reason_en if lang.startswith("en") else self.reason

    def as_dict(self) -> dict[str, Any]:
        return {
            "indication": self.indication.value,
            "sub_indication": self.sub_indication.value if self.sub_indication else None,
            "code": self.code,
            "reason": self.reason,
            "reason_en": self.reason_en,
            "kind": self.kind,
            "name": self.name,
            "form_code": self.form_code,
            "validation_time": self.validation_time.isoformat() if self.validation_time else None,
            "signer": self.signer.as_dict() if self.signer else None,
            "claimed_signing_time": self.claimed_signing_time,
            "signature_method": self.signature_method,
            "digest_method": self.digest_method,
            "canonicalization": self.canonicalization,
            "warnings": [
                {"code": w.code, "message": w.message, "message_en": w.message_en} for w in self.warnings
            ],
            "parts": [p.as_dict() for p in self.parts],
        }


def make_report(code: str, **fmt: Any) -> ValidationReport:
    """A report whose verdict is the reason ``code`` (texts formatted with ``fmt``)."""
    indication, sub, vi, en = REASONS[code]
    fmt.setdefault("detail_en", fmt.get("detail", ""))
    fmt.setdefault("when_en", fmt.get("when", ""))
    fmt.setdefault("at_en", fmt.get("at", ""))
    return ValidationReport(
        indication=indication,
        sub_indication=sub,
        code=code,
        reason=vi.format(**fmt),
        reason_en=en.format(**fmt),
    )


def set_verdict(report: ValidationReport, code: str, **fmt: Any) -> ValidationReport:
    fresh = make_report(code, **fmt)
    report.indication = fresh.indication
    report.sub_indication = fresh.sub_indication
    report.code = fresh.code
    report.reason = fresh.reason
    report.reason_en = fresh.reason_en
    return report
