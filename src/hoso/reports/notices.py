"""Notices to the units still on barcodes: an e-mail (queued in the outbox and sent by the job worker
through Django's mail settings, :mod:`hoso.reports.outbox`; a local folder for the demo) and a printable
letter in Vietnamese (PDF) that explains the rule of 01/01/2016 and how to register with an I-VAN. Each
notice is recorded (who, when, how) and kept as evidence; a unit is never notified twice within
``HOSO_NOTICE_INTERVAL_DAYS`` days (30 by default)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from hoso.intake.blobstore import blob_store
from hoso.reference.models import IvanProvider, Office, Unit
from hoso.reports.migration import BarcodeUnitRow, still_on_barcodes
from hoso.reports.models import Notice, OutboxMessage
from hoso.reports.outbox import enqueue, write_to_folder

DEFAULT_INTERVAL_DAYS = 30
FONT = "DejaVu"


def interval_days() -> int:
    return int(getattr(settings, "HOSO_NOTICE_INTERVAL_DAYS", DEFAULT_INTERVAL_DAYS))


def sender() -> str:
    return getattr(settings, "HOSO_NOTICE_FROM", None) or settings.DEFAULT_FROM_EMAIL


@dataclass
class NoticeRun:
    candidates: int = 0
    notified: list[str] = field(default_factory=list)
    skipped_recent: list[str] = field(default_factory=list)
    emails: int = 0
    letters: list[Path] = field(default_factory=list)
    no_email: list[str] = field(default_factory=list)
    dry_run: bool = False
    folder: Path | None = None  # e-mails written there at once instead of queued

    def lines(self) -> list[str]:
        verb = "Sẽ thông báo" if self.dry_run else "Đã thông báo"
        out = [
            f"Đơn vị còn nộp hồ sơ mã vạch: {self.candidates}; {verb.lower()}: {len(self.notified)}; "
            f"bỏ qua (đã thông báo trong {interval_days()} ngày): {len(self.skipped_recent)}.",
            f"Units still on barcodes: {self.candidates}; notified: {len(self.notified)}; "
            f"skipped (notified within {interval_days()} days): {len(self.skipped_recent)}.",
        ]
        if not self.dry_run:
            emails = (
                f"Thư điện tử đã ghi vào {self.folder} / e-mails written to {self.folder}: {self.emails}"
                if self.folder
                else f"Thư điện tử đưa vào hộp thư đi / e-mails queued: {self.emails}"
            )
            out.append(f"{emails}; thư in / letters: {len(self.letters)}")
        if self.no_email:
            out.append(f"Không có địa chỉ thư điện tử / no e-mail address: {', '.join(self.no_email)}")
        out.extend(f"  {code}" for code in self.notified) if self.dry_run else None
        return out


def recently_notified(unit_codes, at: datetime) -> set[str]:
    """Units notified within the interval. An e-mail given up by the outbox (never delivered) does not
    count: the unit was not told, and the next run notifies it again."""
    since = at - timedelta(days=interval_days())
    return set(
        Notice.objects.filter(unit_id__in=list(unit_codes), sent_at__gt=since, sent_at__lte=at)
        .exclude(method=Notice.Method.EMAIL, messages__status=OutboxMessage.Status.FAILED)
        .values_list("unit_id", flat=True)
    )


def notify_units_on_barcodes(
    *,
    office: str | None,
    until: date,
    last_days: int = 30,
    methods: list[str] = ("email", "letter"),
    letters_dir: Path | None = None,
    outbox: Path | None = None,
    dry_run: bool = False,
    actor=None,
    actor_label: str = "",
    at: datetime | None = None,
) -> NoticeRun:
    """Notify every unit still on barcodes (the migration report's list) not notified recently.

    Each unit's notices and its e-mail are recorded in one transaction; the e-mail waits in the outbox
    for the job worker (:mod:`hoso.reports.outbox`), so nothing here talks to a mail server. With
    ``outbox`` (a folder: the demo, ``hoso report notify --outbox``) the e-mails are written there as
    files at once and recorded as sent."""
    at = at or timezone.now()
    rows = still_on_barcodes(office, until, last_days)
    run = NoticeRun(candidates=len(rows), dry_run=dry_run)
    recent = recently_notified([r.unit for r in rows], at)
    run.skipped_recent = sorted(r.unit for r in rows if r.unit in recent)
    todo = [r for r in rows if r.unit not in recent]
    if dry_run:
        run.notified = [r.unit for r in todo]
        return run
    folder = None
    if "email" in methods and outbox is not None:
        folder = get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=str(outbox))
        run.folder = outbox
    units = Unit.objects.select_related("office").in_bulk([r.unit for r in todo])
    ivans = dict(IvanProvider.objects.values_list("code", "name"))
    for row in todo:
        unit = units[row.unit]
        letter, sha256 = None, ""
        if "letter" in methods:
            letter = build_letter(unit, row, on=timezone.localtime(at).date(), ivans=ivans)
            sha256 = blob_store().put(letter)  # before the transaction: evidence first
        email = "email" in methods and bool(unit.email)
        if "email" in methods and not unit.email:
            run.no_email.append(unit.code)
        with transaction.atomic():
            if email:
                notice = _record(unit, Notice.Method.EMAIL, at, actor, actor_label, unit.email, sha256, row)
                message = enqueue(
                    notice,
                    recipient=unit.email,
                    sender=sender(),
                    subject=subject(),
                    body=email_body(unit, row, ivans),
                    attachment_sha256=sha256,
                    attachment_name=f"thong-bao-{unit.code}.pdf" if sha256 else "",
                    at=at,
                )
                if folder is not None:
                    write_to_folder(message, folder, at)
                run.emails += 1
            if letter is not None:
                _record(unit, Notice.Method.LETTER, at, actor, actor_label, unit.address, sha256, row)
        if letter is not None and letters_dir is not None:
            letters_dir.mkdir(parents=True, exist_ok=True)
            path = letters_dir / f"thong-bao-{unit.code}-{timezone.localtime(at):%Y%m%d}.pdf"
            path.write_bytes(letter)
            run.letters.append(path)
        if email or letter is not None:
            run.notified.append(unit.code)
    return run


def _record(unit, method, at, actor, actor_label, recipient, sha256, row: BarcodeUnitRow) -> Notice:
    last = datetime.fromisoformat(row.last_barcode) if row.last_barcode else None
    return Notice.objects.create(
        unit=unit,
        office=unit.office,
        method=method,
        sent_at=at,
        sent_by=actor,
        sent_by_label=actor_label or (actor.get_username() if actor is not None else "hoso"),
        recipient=recipient[:300],
        subject=subject(),
        document_sha256=sha256,
        last_barcode_at=timezone.make_aware(last) if last else None,
        ivan_id=row.ivan or None,
        refused=row.refused,
        registered_from=date.fromisoformat(row.registered_from) if row.registered_from else None,
    )


def letter_of(notice: Notice) -> tuple[bytes, bool]:
    """A notice's printable letter and whether it is the one kept: the letter kept in the evidence store
    (its hash checked), or, for a notice sent by e-mail alone, the letter printed again from what the
    notice recorded (marked as a reprint; what the notice did not record is left out, not guessed)."""
    if notice.document_sha256:
        data = blob_store().get(notice.document_sha256)
        if hashlib.sha256(data).hexdigest() != notice.document_sha256:
            raise ValueError(f"the letter of notice {notice.pk} does not match its SHA-256")
        return data, True
    unit = Unit.objects.select_related("office").get(pk=notice.unit_id)
    last = timezone.localtime(notice.last_barcode_at).date().isoformat() if notice.last_barcode_at else ""
    row = BarcodeUnitRow(
        unit=unit.code, name=unit.name, office=unit.office_id, last_barcode=last, barcode_submissions=0,
        refused=notice.refused or 0, email=unit.email, phone=unit.phone, address=unit.address,
        ivan=notice.ivan_id or "",
        registered_from=notice.registered_from.isoformat() if notice.registered_from else "",
    )  # fmt: skip
    ivans = dict(IvanProvider.objects.values_list("code", "name"))
    on = timezone.localtime(notice.sent_at).date()
    return build_letter(unit, row, on=on, ivans=ivans, reprint=timezone.localdate()), False


def subject() -> str:
    return "Thông báo chuyển sang giao dịch hồ sơ điện tử BHXH (Công văn 2671/BHXH-CNTT)"


def _dmy(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def letter_paragraphs(unit: Unit, row: BarcodeUnitRow, ivans: dict[str, str]) -> list[str]:
    """The body of the notice, in Vietnamese, paragraph by paragraph."""
    ivan_list = ", ".join(f"{name} ({code})" for code, name in sorted(ivans.items()))
    paragraphs = [
        "Thực hiện Công văn số 2671/BHXH-CNTT ngày 26/11/2015 của Bảo hiểm xã hội thành phố Hà Nội: từ ngày "
        "01/10/2015 cơ quan BHXH thực hiện giao dịch hồ sơ điện tử (hồ sơ có chữ ký số); từ ngày 01/01/2016 "
        "bộ phận “một cửa” của BHXH Thành phố và BHXH các quận, huyện, thị xã ngừng tiếp nhận hồ sơ bán điện "
        "tử có mã vạch (chưa có chữ ký số).",
        "Theo dữ liệu của cơ quan BHXH, đơn vị vẫn nộp hồ sơ có mã vạch"
        + (f", gần nhất ngày {_dmy(row.last_barcode)}" if row.last_barcode else "")
        + (f" ({row.refused} lần bị từ chối tiếp nhận)." if row.refused else "."),
    ]
    if row.ivan:
        paragraphs.append(
            f"Đơn vị đã đăng ký chứng thư số qua tổ chức I-VAN {ivans.get(row.ivan, '')} ({row.ivan})"
            f"{' từ ngày ' + _dmy(row.registered_from) if row.registered_from else ''}. Đề nghị đơn vị ký số "
            "và gửi hồ sơ qua tổ chức I-VAN này, không nộp hồ sơ mã vạch tại bộ phận một cửa."
        )
    else:
        paragraphs.append(
            "Để chuyển sang giao dịch hồ sơ điện tử, đề nghị đơn vị: (1) có chứng thư số do tổ chức cung cấp dịch "
            "vụ chứng thực chữ ký số công cộng cấp; (2) chọn một tổ chức I-VAN đã kết nối với cơ quan BHXH: "
            f"{ivan_list}; (3) lập Tờ khai đăng ký sử dụng phương thức giao dịch điện tử (mẫu 04/ĐK-IVAN), ký "
            "bằng chứng thư số và gửi qua tổ chức I-VAN; (4) từ đó ký số và gửi mọi hồ sơ qua tổ chức I-VAN."
        )
    paragraphs.append(
        "Riêng thủ tục cấp thẻ BHYT cho trẻ em dưới 6 tuổi, UBND xã, phường, thị trấn chưa sử dụng chữ ký số "
        "tiếp tục nộp hồ sơ có mã vạch."
    )
    paragraphs.append(
        "Trong quá trình thực hiện, nếu có vướng mắc, đơn vị liên hệ bộ phận một cửa của cơ quan BHXH quản lý "
        "hoặc tổ chức I-VAN; cơ quan BHXH chuyển vướng mắc về Phòng Công nghệ thông tin BHXH Thành phố để giải "
        "quyết."
    )
    return paragraphs


def email_body(unit: Unit, row: BarcodeUnitRow, ivans: dict[str, str]) -> str:
    lines = [f"Kính gửi: {unit.name} (mã đơn vị {unit.code})", ""]
    lines.extend(p + "\n" for p in letter_paragraphs(unit, row, ivans))
    lines += [
        f"{unit.office.name_vi}",
        "",
        "---",
        "English: from 01/01/2016 the one-stop desks no longer accept barcoded (semi-electronic) dossiers "
        "(dispatch 2671/BHXH-CNTT). Please register a digital certificate with an I-VAN (form 04/ĐK-IVAN) "
        "and file signed electronic dossiers through it. The attached letter gives the details.",
    ]
    return "\n".join(lines)


def _font(bold: bool = False) -> str:
    return str(resources.files("hoso.assets.fonts") / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


def build_letter(
    unit: Unit, row: BarcodeUnitRow, *, on: date, ivans: dict[str, str], reprint: date | None = None
) -> bytes:
    """The printable A4 letter (PDF) to one unit; ``reprint``: the day it is printed again from a notice
    sent by e-mail alone (said at the foot of the letter)."""
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatters at INFO
    office: Office = unit.office
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(20, 15, 20)
    pdf.add_font(FONT, "", _font())
    pdf.add_font(FONT, "B", _font(bold=True))
    pdf.set_creator("hoso")
    pdf.set_title(subject())
    pdf.add_page()
    half = 85
    top = pdf.get_y()
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(half, 4.5, "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(half, 4.5, office.name_vi.upper(), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(half, 4.5, "V/v chuyển sang giao dịch hồ sơ điện tử", align="C")
    pdf.set_xy(20 + half, top)
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(
        190 - 20 - half, 4.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LEFT", new_y="NEXT"
    )
    pdf.multi_cell(190 - 20 - half, 4.5, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        190 - 20 - half, 6, f"Hà Nội, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}", align="C"
    )
    pdf.set_y(max(pdf.get_y(), top + 22) + 6)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 8, "THÔNG BÁO", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.cell(
        0, 5, "Về việc chuyển từ hồ sơ mã vạch sang hồ sơ điện tử", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(4)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, f"Kính gửi: {unit.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    details = f"Mã đơn vị: {unit.code} — Mã số thuế: {unit.tax_code}"
    if unit.address:
        details += f"\nĐịa chỉ: {unit.address}"
    pdf.multi_cell(0, 5, details, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    for paragraph in letter_paragraphs(unit, row, ivans):
        pdf.multi_cell(0, 6, "    " + paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.ln(6)
    pdf.set_x(110)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(80, 6, "GIÁM ĐỐC", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(80, 5, "(ký, ghi rõ họ tên, đóng dấu)", align="C")
    pdf.set_auto_page_break(False)
    pdf.set_y(-25)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        0, 4,
        "Nơi nhận: Như trên; Lưu: VT, bộ phận một cửa. — Thông báo do cổng hồ sơ điện tử hoso lập; "
        "nội dung giống thư điện tử gửi đơn vị."
        + (f" Bản in lại ngày {reprint:%d/%m/%Y} từ dữ liệu đã ghi nhận của thông báo gửi bằng thư điện tử."
           if reprint else ""),
    )  # fmt: skip
    return bytes(pdf.output())
