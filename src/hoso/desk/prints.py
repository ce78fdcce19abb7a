"""Printed papers of the desk, one A4 page each, in Vietnamese (DejaVu Sans embedded), laid out as the
forms of Circular 01/2018/TT-VPCP (the one-stop mechanism) have them:

- Mẫu 01 "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" — the receipt of an accepted dossier: "Số:", the
  place-and-date line, who brought it and their phone (as typed at the desk, blank when not typed), the
  papers received with their copies, the appointment, the officer's full name; a Code 128 barcode of
  the dossier number (hand-over and the public lookup read it from a desk scanner) and a QR code that
  opens the public lookup on a phone;
- Mẫu 02 "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" — what the department asked for;
- Mẫu 03 "Phiếu từ chối tiếp nhận giải quyết hồ sơ" — each reason with its legal basis and what to do
  instead (no internal code).

Nothing is made up: a value the dossier or the desk does not hold is left blank, to be written by hand.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources

import segno
from django.utils import timezone
from fpdf import FPDF

from hoso import codes as code_registry
from hoso.desk.submitters import COMMUNE_KIND_VI

FONT = "DejaVu"
OFFICE_PARENT = "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI"
PLACE = "Hà Nội"
DESK_NAME = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
BLANK = "…………………………"
CHANNEL_VI = {
    "electronic": "Điện tử (chữ ký số, qua I-VAN)",
    "barcode": "Bán điện tử (mã vạch)",
    "paper": "Giấy",
}
FORM_KIND_VI = {
    "electronic": "Bản điện tử có chữ ký số",
    "barcode": "Bản giấy in mã vạch",
    "paper": "Bản giấy",
}


def _font(bold: bool = False) -> str:
    return str(resources.files("hoso.assets.fonts") / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"))


class _Page(FPDF):
    def multi_cell(self, w, h, text="", **kwargs):
        """Every text block starts the next one at the left margin, below it."""
        kwargs.setdefault("new_x", "LMARGIN")
        kwargs.setdefault("new_y", "NEXT")
        kwargs.setdefault("align", "L")
        return super().multi_cell(w, h, text, **kwargs)


def _page() -> FPDF:
    pdf = _Page(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(18, 12, 18)
    pdf.add_font(FONT, "", _font())
    pdf.add_font(FONT, "B", _font(bold=True))
    pdf.set_creator("hoso")
    pdf.add_page()
    return pdf


def place_and_date(when) -> str:
    """'Hà Nội, ngày 05 tháng 12 năm 2026' — the line every form of the circular carries."""
    return f"{PLACE}, ngày {when:%d} tháng {when:%m} năm {when:%Y}"


def _heading(pdf: FPDF, office_name: str, number: str, when, title: str, subtitle: str = "") -> None:
    """The two columns of the circular's forms: the office, its desk and "Số:" on the left; the
    national motto and the place-and-date line on the right; then the title."""
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    y = pdf.get_y()
    pdf.set_font(FONT, "", 9.5)
    pdf.multi_cell(half, 4.6, OFFICE_PARENT, align="C")
    pdf.set_font(FONT, "B", 9.5)
    pdf.multi_cell(half, 4.6, f"{office_name.upper()}\n{DESK_NAME}\n———", align="C")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(half, 5, f"Số: {number}" if number else f"Số: {BLANK}", align="C")
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, y)
    pdf.set_font(FONT, "B", 9.5)
    pdf.multi_cell(
        half,
        4.6,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n———",
        align="C",
        new_x="LEFT",
    )
    pdf.set_x(pdf.l_margin + half)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(half, 5, place_and_date(when), align="C", new_x="LEFT")
    pdf.set_xy(pdf.l_margin, max(bottom, pdf.get_y()))
    pdf.ln(5)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 6.5, title.upper(), align="C")
    if subtitle:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5, subtitle, align="C")
    pdf.ln(3)


def _line(pdf: FPDF, label: str, value: str, size: float = 10.5) -> None:
    pdf.set_font(FONT, "", size)
    pdf.multi_cell(0, 5.6, f"**{label}:** {value or BLANK}", markdown=True)


def _text(pdf: FPDF, text: str, size: float = 10.5, bold: bool = False, height: float = 5.6) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, height, text)


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def code128_png(text: str) -> bytes:
    """A Code 128 symbol of ``text`` (the dossier number): what a desk's 1D or 2D scanner reads."""
    import zxingcpp
    from PIL import Image

    bitmap = zxingcpp.write_barcode_to_image(
        zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128), scale=3
    )
    height, width = bitmap.shape[0], bitmap.shape[1]
    image = Image.frombuffer("L", (width, height), bytes(bitmap), "raw", "L", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- what the papers say, read from the dossier as received -----------------------------------------


@dataclass(frozen=True)
class Brought:
    """Who brought the dossier and their phone, as the dossier (or the desk's typing) gives them."""

    person: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Paper:
    """One component of the dossier as received, for the checklist of the receipt."""

    name: str
    kind: str
    copies: str  # "01", or "" when nobody said
    rows: int


def _kept(submission):
    """The envelope as kept (the evidence), or None when it cannot be read (purged, say)."""
    from hoso.dossier import parse_envelope
    from hoso.errors import CodedError
    from hoso.intake.blobstore import blob_store

    try:
        return parse_envelope(blob_store().get(submission.sha256))
    except (CodedError, OSError, KeyError, ValueError):
        return None


def brought_by(submission) -> Brought:
    kept = _kept(submission)
    if kept is None:
        return Brought()
    return Brought(person=kept.unit.nguoi_ky.strip(), phone=kept.unit.dien_thoai.strip())


def _form_names(codes: list[str], on) -> dict[str, str]:
    from hoso.reference.models import FormVersion

    names: dict[str, str] = {}
    for version in FormVersion.objects.filter(code__in=codes, valid_from__lte=on).order_by("valid_from"):
        names[version.code] = version.name_vi  # the latest in force on the day wins
    return names


def papers_of(submission) -> list[Paper]:
    """The components received: each file of the dossier with its form's name, the form it came in
    and how many copies (typed at the desk for paper; one printed copy read for a barcoded dossier;
    one signed file for an electronic one)."""
    from hoso.desk.paper import copies_of

    kept = _kept(submission)
    rows = {f.get("file", ""): len(f.get("rows") or []) for f in (submission.facts or {}).get("forms", [])}
    files = list(kept.info.files) if kept is not None else []
    names = _form_names(
        [f.ma_to_khai.strip() for f in files], timezone.localtime(submission.received_at).date()
    )
    papers = []
    for attachment in files:
        code = attachment.ma_to_khai.strip()
        if submission.channel == "paper":
            typed = copies_of(attachment.mo_ta_to_khai.strip())
            copies = f"{typed:02d}" if typed else ""
        else:
            copies = "01"
        name = f"{code} — {names[code]}" if code in names else (code or attachment.ten_file)
        papers.append(
            Paper(name, FORM_KIND_VI.get(submission.channel, ""), copies, rows.get(attachment.ten_file, 0))
        )
    return papers


def _submitter(submission) -> str:
    if submission.unit_id:
        return f"{submission.unit.name} (mã đơn vị {submission.unit_id}, MST {submission.unit.tax_code})"
    if submission.commune_id:
        kind = COMMUNE_KIND_VI.get(submission.commune.kind, "")
        return f"UBND {kind} {submission.commune.name_vi} (mã xã {submission.commune_id})".replace("  ", " ")
    return ""


def _procedure(submission) -> str:
    procedure = submission.procedure
    if procedure is not None:
        return f"{procedure.name_vi} (thủ tục {procedure.code})"
    return submission.procedure_code


def officer_name(user) -> str:
    """The officer's full name as recorded for the account, in Vietnamese order (family and middle name,
    then given name: the admin's two fields); blank (to be written by hand) when none is recorded."""
    if user is None:
        return ""
    return " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _checklist(pdf: FPDF, papers: list[Paper]) -> None:
    """The components as the circular's table: number, paper, form (original, electronic…), copies."""
    pdf.set_font(FONT, "", 9.5)
    with pdf.table(
        col_widths=(10, 100, 46, 18), line_height=5, text_align=("CENTER", "LEFT", "LEFT", "CENTER")
    ) as table:
        table.row(("STT", "Tên giấy tờ", "Hình thức", "Số bản"))
        for index, paper in enumerate(papers, start=1):
            name = f"{paper.name} ({paper.rows} dòng)" if paper.rows else paper.name
            table.row((str(index), name, paper.kind, paper.copies or BLANK[:6]))


def not_received(submission) -> list[dict]:
    """The rows of the dossier's lists that were not received with it (a child 6 or older on an under-6
    list: the marks the reception left in the decoded forms), in the order of the forms."""
    return [mark for form in (submission.facts or {}).get("forms", []) for mark in form.get("excluded", [])]


def _not_received(pdf: FPDF, submission) -> None:
    """A line per person of the lists not received, with why; the legal basis and what to do once."""
    marks = not_received(submission)
    if not marks:
        return
    pdf.ln(1)
    _text(pdf, "Không tiếp nhận (những người khác trong danh sách vẫn được tiếp nhận):", bold=True)
    for mark in marks:
        _text(pdf, f"- {mark.get('message', '')}", size=10)
    for code in dict.fromkeys(mark.get("code", "") for mark in marks):
        if (declared := code_registry.lookup(code)) is not None:
            _text(pdf, f"Căn cứ: {declared.basis}", size=9.5, height=5)
            _text(pdf, f"Hướng dẫn: {declared.next_vi}", size=10)


# --- the papers ---------------------------------------------------------------------------------


def receipt_pdf(submission, lookup_url: str) -> bytes:
    """Mẫu 01: the receipt and appointment of an accepted dossier."""
    dossier = submission.dossier
    office = dossier.office
    received = timezone.localtime(dossier.received_at)
    brought = brought_by(submission)
    pdf = _page()
    _heading(pdf, office.name_vi, dossier.number, received, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")

    top = pdf.get_y()
    pdf.image(code128_png(dossier.number), x=pdf.l_margin, y=top, w=62, h=13)
    pdf.set_xy(pdf.l_margin, top + 13.5)
    pdf.set_font(FONT, "", 9)
    pdf.cell(62, 4, f"Mã hồ sơ: {dossier.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.image(qr_png(lookup_url), x=pdf.w - pdf.r_margin - 24, y=top - 2, w=24, h=24)
    pdf.set_xy(pdf.w - pdf.r_margin - 70, top + 4)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        44, 3.6, "Quét mã QR bằng điện thoại để tra cứu tình trạng hồ sơ", align="R", new_x="LMARGIN"
    )
    pdf.set_y(top + 24)

    _text(pdf, f"{DESK_NAME.capitalize()} – {office.name_vi} tiếp nhận hồ sơ của:")
    _line(pdf, "Ông/bà", brought.person)
    _line(pdf, "Đại diện cho", _submitter(submission))
    _line(pdf, "Số điện thoại", brought.phone)
    _line(pdf, "Nội dung yêu cầu giải quyết", _procedure(submission))
    _line(pdf, "Hình thức nộp", CHANNEL_VI.get(dossier.channel, ""))
    pdf.ln(1)
    _text(pdf, "1. Thành phần hồ sơ nộp gồm:", bold=True)
    _checklist(pdf, papers_of(submission))
    _not_received(pdf, submission)
    pdf.ln(1)
    _text(pdf, "2. Số lượng hồ sơ: 01 (bộ)")
    _text(
        pdf,
        f"3. Thời gian giải quyết hồ sơ theo quy định là: {dossier.procedure.time_limit_days} ngày làm việc",
    )
    _text(pdf, f"4. Thời gian nhận hồ sơ: {_when(dossier.received_at)}")
    _text(
        pdf,
        f"5. Thời gian trả kết quả giải quyết hồ sơ: ngày {dossier.due_date:%d/%m/%Y}, trong giờ hành chính",
        bold=True,
    )
    _text(pdf, f"6. Đăng ký nhận kết quả tại: {DESK_NAME.capitalize()} – {office.name_vi}")
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(
        0,
        4.2,
        "Thời hạn tạm dừng trong thời gian chờ bổ sung hồ sơ. Khi nhận kết quả, mang theo giấy này; tra cứu "
        f"tình trạng hồ sơ tại {lookup_url.split('?')[0]} với số hồ sơ và mã đơn vị (mã xã) hoặc mã giao dịch "
        f"{submission.public_id}.",
    )
    _signatures(
        pdf, "Người nộp hồ sơ", brought.person, "Người tiếp nhận hồ sơ", officer_name(submission.officer)
    )
    return bytes(pdf.output())


def refusal_pdf(submission) -> bytes:
    """Mẫu 03: the refusal, every reason with its legal basis and the advice on what to do instead."""
    office = submission.office.name_vi if submission.office_id else "Bảo hiểm xã hội"
    received = timezone.localtime(submission.received_at)
    brought = brought_by(submission)
    pdf = _page()
    _heading(pdf, office, "", received, "Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    _text(pdf, f"{DESK_NAME.capitalize()} – {office} tiếp nhận hồ sơ của:")
    _line(pdf, "Ông/bà", brought.person)
    _line(pdf, "Đại diện cho", _submitter(submission))
    _line(pdf, "Số điện thoại", brought.phone)
    _line(pdf, "Nội dung yêu cầu giải quyết", _procedure(submission))
    _line(pdf, "Hình thức nộp", CHANNEL_VI.get(submission.channel, ""))
    _line(pdf, "Thời gian nhận hồ sơ", _when(submission.received_at))
    pdf.ln(2)
    _text(
        pdf,
        f"Qua xem xét, {office} thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        bold=True,
    )
    for index, reason in enumerate(submission.reasons, start=1):
        _text(pdf, f"{index}. {reason.get('message', '')}")
        if reason.get("legal_basis"):
            _text(pdf, f"Căn cứ: {reason['legal_basis']}", size=9.5, height=5)
        if reason.get("advice"):
            _text(pdf, f"Hướng dẫn: {reason['advice']}", bold=True)
        pdf.ln(1)
    _text(pdf, "Xin thông báo để Ông/Bà được biết và thực hiện./.")
    pdf.set_font(FONT, "", 8.5)
    pdf.multi_cell(
        0,
        4.2,
        f"Mã giao dịch: {submission.public_id}. Vướng mắc xin báo về BHXH Thành phố Hà Nội "
        "(phòng Công nghệ thông tin) qua mục “Báo vướng mắc”.",
    )
    _signatures(pdf, "", "", "Người tiếp nhận hồ sơ", officer_name(submission.officer))
    return bytes(pdf.output())


def supplement_request_pdf(dossier, request_event) -> bytes:
    """Mẫu 02: what the submitter is asked to add, from the department's request (``request_event``,
    the dossier's SUPPLEMENT_REQUESTED event)."""
    submission = getattr(dossier, "submission", None)
    office = dossier.office.name_vi
    asked = timezone.localtime(request_event.at)
    brought = brought_by(submission) if submission is not None else Brought()
    pdf = _page()
    _heading(pdf, office, dossier.number, asked, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    _line(pdf, "Hồ sơ của", _submitter(submission) if submission is not None else "")
    _line(pdf, "Ông/bà", brought.person)
    _line(pdf, "Nội dung yêu cầu giải quyết", _procedure(submission) if submission is not None else "")
    pdf.ln(1)
    _text(
        pdf,
        f"Ngày {timezone.localtime(dossier.received_at):%d/%m/%Y}, {DESK_NAME.lower()} – {office} đã tiếp nhận "
        f"hồ sơ số {dossier.number}. Sau khi xem xét, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ gồm những nội "
        "dung sau:",
    )
    for index, line in enumerate([n for n in request_event.note.splitlines() if n.strip()], start=1):
        _text(pdf, f"{index}. {line.strip()}", bold=True)
    pdf.ln(1)
    _text(
        pdf,
        "Thời hạn giải quyết tạm dừng từ ngày yêu cầu bổ sung đến khi nhận đủ hồ sơ bổ sung. Khi bổ sung, "
        f"mang theo phiếu này và giấy tiếp nhận số {dossier.number}. Trong quá trình hoàn thiện hồ sơ, nếu có "
        f"vướng mắc, Ông/Bà liên hệ {DESK_NAME.lower()} – {office} để được hướng dẫn./.",
    )
    _signatures(pdf, "", "", "Người hướng dẫn", officer_name(request_event.actor))
    return bytes(pdf.output())


def _signatures(pdf: FPDF, left_title: str, left_name: str, right_title: str, right_name: str) -> None:
    pdf.ln(5)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(half, 6, left_title.upper(), align="C")
    pdf.cell(half, 6, right_title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(half, 5, "(Ký và ghi rõ họ tên)" if left_title else "", align="C")
    pdf.cell(half, 5, "(Ký và ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(15)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(half, 6, left_name, align="C")
    pdf.cell(half, 6, right_name, align="C")
