"""Registration for electronic transactions (form 04/ĐK-IVAN), received from an I-VAN.

The unit (or commune People's Committee) signs the registration XML with the certificate it registers;
the I-VAN that carries it is identified by its API key (the transport), so no I-VAN countersignature is
required. The registration XML (documented in docs/ivan-guide.md)::

    <DangKyGiaoDichDienTu>
      <NoiDung>
        <MauSo>04/ĐK-IVAN</MauSo>
        <LoaiDangKy>1</LoaiDangKy>          1 new (04/ĐK-IVAN), 2 change (05/ĐK-IVAN: another
                                            certificate or another I-VAN; ends the others), 3 stop (06/ĐK-IVAN)
        <DoiTuong>
          <LoaiDoiTuong>1</LoaiDoiTuong>    1 employer unit, 2 commune People's Committee
          <Ma>HB00001</Ma>                  unit code, or the commune's GSO code
          <Ten>…</Ten>
          <MaSoThue>0101234567</MaSoThue>   units: must be the unit's tax code and the certificate's UID=MST
          <CoQuanQuanLy>00105</CoQuanQuanLy>
          <NguoiDaiDien>…</NguoiDaiDien> <DienThoai>…</DienThoai> <Email>…</Email>
        </DoiTuong>
        <IVAN><MaIVAN>00030</MaIVAN><TenIVAN>…</TenIVAN></IVAN>
        <NgayBatDau>2026-12-01</NgayBatDau> optional (ISO date): from when; default the moment received
        <NgayLap>25/11/2026</NgayLap>
      </NoiDung>
      <Cky><ds:Signature …/></Cky>          the unit's XMLDSig (same profile as the dossier forms)
    </DangKyGiaoDichDienTu>

The registered certificate is the signer's (from the verified signature's KeyInfo), never a claim in
the content. A registration binds three things: the unit (or commune), that certificate, and the I-VAN
the form names — which must be the I-VAN that carries it. Only that I-VAN may then carry the unit's
dossiers signed with that certificate (hoso.intake.front.bind: ``INTAKE_IVAN_NOT_REGISTERED`` for
another). A unit moves to another I-VAN with a change (2, form 05/ĐK-IVAN) filed through the new one: from
its start every other registration of the unit ends; a new registration (1) through another I-VAN while
one is in force is refused (``REG_IVAN_CHANGE_REQUIRED``). A stop (3) ends the signing certificate's
registration whichever I-VAN carries it: it is the unit's signed will. Only what the signature covers is read. The raw bytes are kept in the blob store first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from cryptography import x509
from django.db import transaction
from django.utils import timezone
from lxml import etree

from hoso import xmlsafe
from hoso.errors import CodedError
from hoso.intake import front
from hoso.reference.models import CertificateRegistration, Commune, Unit

ROOT = "DangKyGiaoDichDienTu"
FORM_CODE = "04/ĐK-IVAN"
KINDS = {"1": "new", "2": "change", "3": "stop"}
# The form of each kind (MauSo): 04 registration, 05 change of registered details, 06 stop [assumed: the
# forms' numbers as I-VAN software names them; their content is the one XML below].
FORMS = {"1": FORM_CODE, "2": "05/ĐK-IVAN", "3": "06/ĐK-IVAN"}
BASIS = "Quyết định 08/2015/QĐ-TTg; mẫu 04/ĐK-IVAN"
REGISTRATION = front.Document("tờ khai đăng ký", "registration")
# The front half's binding refusals under the registration's own codes.
BINDING_CODES = {"INTAKE_SIGNER_TAX_CODE": "REG_SIGNER_TAX_CODE"}


class RegistrationError(CodedError):
    """A registration that is refused; nothing is recorded (its bytes are kept as evidence)."""


@dataclass
class RegistrationOutcome:
    registration: CertificateRegistration
    created: bool
    kind: str
    sha256: str

    def as_dict(self) -> dict:
        r = self.registration
        return {
            "id": r.pk,
            "outcome": "recorded" if self.created else ("stopped" if self.kind == "stop" else "repeat"),
            "kind": self.kind,
            "unit": r.unit_id,
            "commune": r.commune_id,
            "ivan": r.ivan_id or "",
            "certificate": {
                "serial": r.serial,
                "issuer": r.issuer,
                "subject": r.subject,
                "tax_code": r.tax_code,
                "fingerprint_sha256": r.fingerprint_sha256,
                "not_before": timezone.localtime(r.not_before),
                "not_after": timezone.localtime(r.not_after),
            },
            "registered_from": timezone.localtime(r.registered_from),
            "registered_until": timezone.localtime(r.registered_until) if r.registered_until else None,
        }


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path)
    return (found.text or "").strip() if found is not None else ""


def _refuse(code: str, vi: str, en: str, **details) -> RegistrationError:
    return RegistrationError(code, vi, en, **details)


def build_registration(
    *,
    code: str,
    name: str,
    tax_code: str = "",
    office: str = "",
    ivan: str = "00030",
    ivan_name: str = "",
    kind: str = "1",
    submitter_kind: str = "1",
    start: date | None = None,
    made: date | None = None,
    representative: str = "",
) -> bytes:
    """An unsigned registration XML (sign it with ``hoso sign`` or ``sign_xml`` as the unit)."""
    root = etree.Element(ROOT)
    body = etree.SubElement(root, "NoiDung")
    for tag, text in (("MauSo", FORMS.get(kind, FORM_CODE)), ("LoaiDangKy", kind)):
        etree.SubElement(body, tag).text = text
    who = etree.SubElement(body, "DoiTuong")
    for tag, text in (
        ("LoaiDoiTuong", submitter_kind),
        ("Ma", code),
        ("Ten", name),
        ("MaSoThue", tax_code),
        ("CoQuanQuanLy", office),
        ("NguoiDaiDien", representative),
    ):
        etree.SubElement(who, tag).text = text
    carrier = etree.SubElement(body, "IVAN")
    etree.SubElement(carrier, "MaIVAN").text = ivan
    etree.SubElement(carrier, "TenIVAN").text = ivan_name
    if start is not None:
        etree.SubElement(body, "NgayBatDau").text = start.isoformat()
    etree.SubElement(body, "NgayLap").text = (made or timezone.localdate()).strftime("%d/%m/%Y")
    return xmlsafe.serialize(root)


def receive_registration(raw: bytes, *, ivan, received_at: datetime | None = None) -> RegistrationOutcome:
    """Verify a signed registration carried by ``ivan`` and record (or stop) the registration: through
    the front half every signed document goes through (hoso.intake.front), its signer bound to the unit
    by its tax code (the registration is what registers the certificate)."""
    received_at = received_at or timezone.now()
    sha256 = front.keep(raw)
    front.require_xml(raw)
    try:
        parsed = front.parse(raw)
    except front.Refusal as refusal:
        raise _refused(refusal) from refusal
    if parsed.tag != ROOT:
        raise _refuse(
            "REG_NOT_REGISTRATION",
            f"Tệp không phải tờ khai đăng ký giao dịch điện tử: phần tử gốc là <{etree.QName(parsed).localname}>, cần <{ROOT}>.",
            f"The file is not a registration: its root is <{etree.QName(parsed).localname}>, not <{ROOT}>.",
        )
    try:
        report = front.verify(parsed, at=received_at, channel="registration")
    except front.Refusal as refusal:
        raise _refuse(
            "REG_SIGNATURE_INVALID",
            f"Chữ ký số của tờ khai đăng ký không hợp lệ: {refusal.report.reason}",
            f"The registration's signature is not valid: {refusal.report.reason_en}",
            signature_code=refusal.report.code,
        ) from refusal
    root = report.signed_root  # from here on, only what the signature covers
    kind = KINDS.get(_text(root, "NoiDung/LoaiDangKy"))
    if kind is None:
        raise _refuse(
            "REG_KIND",
            "LoaiDangKy phải là 1 (đăng ký mới), 2 (thay đổi chứng thư số hoặc tổ chức I-VAN) hoặc 3 (ngừng).",
            "LoaiDangKy must be 1 (new), 2 (change of certificate or of I-VAN) or 3 (stop).",
        )
    carrier = _text(root, "NoiDung/IVAN/MaIVAN")
    if carrier != ivan.code:
        raise _refuse(
            "REG_IVAN_MISMATCH",
            f"Tờ khai ghi mã I-VAN {carrier or '(trống)'} nhưng được gửi bởi I-VAN {ivan.code}.",
            f"The registration names I-VAN {carrier or '(empty)'} but was sent by I-VAN {ivan.code}.",
        )
    unit, commune = _submitter(root)
    try:
        front.bind(
            report,
            at=received_at,
            unit=unit,
            commune=commune,
            require_registration=False,
            document=REGISTRATION,
        )
    except front.Refusal as refusal:
        raise _refused(refusal) from refusal
    certificate = x509.load_der_x509_certificate(report.signer.certificate_der)
    start = _start(root, received_at)
    fingerprint = report.signer.fingerprint_sha256.lower()
    active = CertificateRegistration.objects.filter(unit=unit, commune=commune, registered_until__isnull=True)
    with transaction.atomic():
        same = active.filter(fingerprint_sha256=fingerprint).select_for_update().first()
        if kind == "stop":
            if same is None:
                raise _refuse(
                    "REG_NOT_REGISTERED",
                    "Chứng thư số này không có đăng ký giao dịch điện tử đang hiệu lực để ngừng.",
                    "This certificate has no registration in force to stop.",
                )
            same.registered_until, same.ended_by_sha256 = received_at, sha256
            same.save(update_fields=["registered_until", "ended_by_sha256"])
            return RegistrationOutcome(same, False, kind, sha256)
        elsewhere = active.exclude(ivan__isnull=True).exclude(ivan=ivan).values_list("ivan_id", flat=True)
        if kind == "new" and (other := elsewhere.first()):
            raise _refuse(
                "REG_IVAN_CHANGE_REQUIRED",
                f"Đơn vị đang đăng ký giao dịch điện tử qua tổ chức I-VAN {other}; để chuyển sang I-VAN "
                f"{ivan.code}, nộp tờ khai thay đổi (mẫu 05/ĐK-IVAN, LoaiDangKy 2) qua I-VAN {ivan.code}.",
                f"The unit is registered for electronic transactions through I-VAN {other}; to move to I-VAN "
                f"{ivan.code}, file the change (form 05/ĐK-IVAN, LoaiDangKy 2) through I-VAN {ivan.code}.",
                registered_ivan=other,
            )
        if kind == "change":
            # 05/ĐK-IVAN: from its start, this certificate through this I-VAN is the unit's one registration;
            # every other (another certificate, or this one through another I-VAN) ends then.
            active.exclude(fingerprint_sha256=fingerprint, ivan=ivan).update(
                registered_until=start, ended_by_sha256=sha256
            )
        current = active.filter(fingerprint_sha256=fingerprint).first()  # read again: what a change left
        if current is not None:
            return RegistrationOutcome(current, False, kind, sha256)
        registration = CertificateRegistration.objects.create(
            unit=unit,
            commune=commune,
            ivan=ivan,
            serial=report.signer.serial,
            issuer=report.signer.issuer,
            subject=report.signer.subject,
            tax_code=report.signer.tax_code or "",
            fingerprint_sha256=fingerprint,
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            registered_from=start,
            certificate_der=report.signer.certificate_der,
            source="api",
            evidence_sha256=sha256,
        )
    return RegistrationOutcome(registration, True, kind, sha256)


def _refused(refusal: front.Refusal) -> RegistrationError:
    first = refusal.reasons[0]
    return _refuse(BINDING_CODES.get(first.code, first.code), first.message, first.message_en)


def _submitter(root: etree._Element) -> tuple[Unit | None, Commune | None]:
    code = _text(root, "NoiDung/DoiTuong/Ma")
    if _text(root, "NoiDung/DoiTuong/LoaiDoiTuong") == "2":
        commune = Commune.objects.select_related("office").filter(gso_code=code).first()
        if commune is None:
            raise _refuse(
                "REG_COMMUNE_UNKNOWN",
                f"Mã xã {code or '(trống)'} không có trong danh mục UBND xã, phường, thị trấn.",
                f"Commune code {code or '(empty)'} is not in the catalogue.",
            )
        _check_office(commune.office_id)
        return None, commune
    unit = Unit.objects.select_related("office").filter(code=code.upper()).first()
    if unit is None or not unit.active:
        raise _refuse(
            "REG_UNIT_UNKNOWN",
            f"Mã đơn vị {code or '(trống)'} chưa được cơ quan BHXH cấp hoặc đã ngừng hoạt động.",
            f"Unit code {code or '(empty)'} is unknown or no longer active.",
        )
    _check_office(unit.office_id)
    declared = _text(root, "NoiDung/DoiTuong/MaSoThue")
    if declared and declared != unit.tax_code:
        raise _refuse(
            "REG_TAX_CODE_MISMATCH",
            f"Mã số thuế trong tờ khai ({declared}) khác mã số thuế của đơn vị {unit.code}.",
            f"The tax code in the registration ({declared}) is not that of unit {unit.code}.",
        )
    return unit, None


def _check_office(office_code: str) -> None:
    if not office_code.startswith("001"):
        raise _refuse(
            "REG_OFFICE_OUTSIDE",
            "Đối tượng đăng ký không do BHXH thành phố Hà Nội quản lý.",
            "The registrant is not managed by Hanoi Social Insurance.",
        )


def _start(root: etree._Element, received_at: datetime) -> datetime:
    text = _text(root, "NoiDung/NgayBatDau")
    if not text:
        return received_at
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise _refuse(
            "REG_START_DATE",
            f"NgayBatDau “{text}” không đúng dạng yyyy-mm-dd.",
            f"NgayBatDau “{text}” is not yyyy-mm-dd.",
        ) from exc
    start = timezone.make_aware(datetime.combine(day, time.min))
    return max(start, received_at)
