"""Printed papers of the desk, one A4 page each, in Vietnamese (DejaVu Sans embedded):

- "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" — the receipt of an accepted dossier: number, due date, the
  papers received and a QR code that opens the public lookup of the dossier;
- "Phiếu từ chối tiếp nhận hồ sơ" — the refusal: each reason with its legal basis and what to do instead.
"""

from __future__ import annotations

import io
from importlib import resources

import segno
from django.utils import timezone
from fpdf import FPDF

FONT = "DejaVu"
OFFICE_PARENT = "BẢO HIỂM XÃ HỘI THÀNH PHỐ HÀ NỘI"
CHANNEL_VI = {
    "electronic": "Điện tử (chữ ký số, qua I-VAN)",
    "barcode": "Bán điện tử (mã vạch)",
    "paper": "Giấy",
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
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 15, 18)
    pdf.add_font(FONT, "", _font())
    pdf.add_font(FONT, "B", _font(bold=True))
    pdf.set_creator("hoso")
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, office_name: str, title: str, subtitle: str = "") -> None:
    pdf.set_font(FONT, "B", 10)
    left = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    y = pdf.get_y()
    pdf.multi_cell(left, 5, f"{OFFICE_PARENT}\n{office_name.upper()}", align="C")
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left, y)
    pdf.multi_cell(
        left, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", align="C", new_x="LEFT"
    )
    pdf.set_xy(pdf.l_margin, max(bottom, pdf.get_y()))
    pdf.ln(8)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, title.upper(), align="C")
    if subtitle:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5, subtitle, align="C")
    pdf.ln(4)


def _line(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(FONT, "", 10.5)
    pdf.multi_cell(0, 6, f"**{label}:** {value}", markdown=True)


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _submitter(submission) -> str:
    if submission.unit_id:
        return f"{submission.unit.name} (mã đơn vị {submission.unit_id}, MST {submission.unit.tax_code})"
    if submission.commune_id:
        return f"UBND {submission.commune.name_vi} (mã xã {submission.commune_id})"
    return "—"


def _papers(submission) -> list[str]:
    papers = []
    for form in (submission.facts or {}).get("forms", []):
        rows = form.get("rows") or []
        extra = f" — {len(rows)} dòng" if rows else ""
        papers.append(f"{form.get('code', '')} ({form.get('file', '')}){extra}")
    return papers


def receipt_pdf(submission, lookup_url: str) -> bytes:
    """The receipt of an accepted dossier, with a QR code for ``lookup_url``."""
    dossier = submission.dossier
    pdf = _page()
    _heading(
        pdf,
        dossier.office.name_vi,
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        f"Số hồ sơ: {dossier.number}",
    )
    received = timezone.localtime(dossier.received_at)
    top = pdf.get_y()
    pdf.image(qr_png(lookup_url), x=pdf.w - pdf.r_margin - 32, y=top, w=32, h=32)
    pdf.set_right_margin(pdf.r_margin + 36)
    _line(pdf, "Cơ quan tiếp nhận", f"{dossier.office.name_vi} (mã {dossier.office_id})")
    _line(pdf, "Người nộp", _submitter(submission))
    _line(pdf, "Thủ tục", f"{dossier.procedure.code} — {dossier.procedure.name_vi}")
    _line(pdf, "Hình thức nộp", CHANNEL_VI.get(dossier.channel, dossier.channel))
    _line(pdf, "Thời gian tiếp nhận", received.strftime("%H:%M ngày %d/%m/%Y"))
    pdf.set_right_margin(18)
    pdf.set_font(FONT, "B", 12)
    pdf.ln(2)
    pdf.multi_cell(0, 7, f"Ngày hẹn trả kết quả: {dossier.due_date:%d/%m/%Y}")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0,
        5,
        f"({dossier.procedure.time_limit_days} ngày làm việc; thời hạn tạm dừng trong thời gian chờ bổ sung hồ sơ)",
    )
    pdf.ln(3)
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(0, 6, "Thành phần hồ sơ đã nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10.5)
    for index, paper in enumerate(_papers(submission), start=1):
        pdf.multi_cell(0, 6, f"{index}. {paper}")
    pdf.ln(3)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0,
        5,
        f"Tra cứu tình trạng hồ sơ: quét mã QR hoặc mở {lookup_url}. Khi nhận kết quả, mang theo giấy này.\n"
        f"Mã giao dịch: {submission.public_id} · SHA-256: {submission.sha256[:32]}…",
    )
    _signatures(pdf, "Người nộp hồ sơ", "Cán bộ tiếp nhận", _officer(submission))
    return bytes(pdf.output())


def refusal_pdf(submission) -> bytes:
    """The refusal: every reason with its legal basis and the advice on what to do instead."""
    pdf = _page()
    office = submission.office.name_vi if submission.office_id else "Bộ phận tiếp nhận và trả kết quả"
    _heading(pdf, office, "Phiếu từ chối tiếp nhận hồ sơ", f"Mã giao dịch: {submission.public_id}")
    received = timezone.localtime(submission.received_at)
    _line(pdf, "Người nộp", _submitter(submission))
    procedure = submission.procedure
    _line(
        pdf,
        "Thủ tục",
        f"{procedure.code} — {procedure.name_vi}" if procedure else submission.procedure_code or "—",
    )
    _line(pdf, "Hình thức nộp", CHANNEL_VI.get(submission.channel, submission.channel))
    _line(pdf, "Thời gian", received.strftime("%H:%M ngày %d/%m/%Y"))
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(0, 6, "Cơ quan BHXH không tiếp nhận hồ sơ vì:")
    for index, reason in enumerate(submission.reasons, start=1):
        pdf.set_font(FONT, "", 10.5)
        pdf.multi_cell(0, 6, f"{index}. {reason.get('message', '')} [{reason.get('code', '')}]")
        if reason.get("legal_basis"):
            pdf.set_font(FONT, "", 9.5)
            pdf.multi_cell(0, 5, f"Căn cứ: {reason['legal_basis']}")
        if reason.get("advice"):
            pdf.set_font(FONT, "B", 10.5)
            pdf.multi_cell(0, 6, f"Hướng dẫn: {reason['advice']}")
        pdf.ln(1)
    pdf.set_font(FONT, "", 9)
    pdf.ln(2)
    pdf.multi_cell(
        0,
        5,
        "Vướng mắc trong quá trình thực hiện xin báo về BHXH Thành phố Hà Nội (qua phòng Công nghệ thông tin).",
    )
    _signatures(pdf, "Người nộp hồ sơ", "Cán bộ tiếp nhận", _officer(submission))
    return bytes(pdf.output())


def _officer(submission) -> str:
    user = submission.officer
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _signatures(pdf: FPDF, left_title: str, right_title: str, right_name: str) -> None:
    pdf.ln(8)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.set_font(FONT, "B", 10.5)
    pdf.cell(half, 6, left_title, align="C")
    pdf.cell(half, 6, right_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.cell(half, 5, "(ký, ghi rõ họ tên)", align="C")
    pdf.cell(half, 5, "(ký, ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(16)
    pdf.cell(half, 6, "")
    pdf.cell(half, 6, right_name, align="C")
