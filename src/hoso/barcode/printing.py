"""The printable A4 PDF of a dossier (fpdf2, DejaVu Sans embedded, subset).

First the readable forms (:mod:`hoso.barcode.sections` given by the caller, or the envelope's forms
read by :mod:`hoso.barcode.forms`), then the
boxes for the signature and the stamp, then the PDF417 symbols, each labelled "Mã vạch i/n", as many
per page as fit (four with the defaults). Every page carries the dossier's check code ``h`` and
"Trang p/N". Symbols are drawn as vector rectangles, so they stay sharp at any printer or scanner
resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from hoso.barcode.chunks import DEFAULT_MAX_SLICE, make_chunks, parse_chunk
from hoso.barcode.forms import envelope_sections
from hoso.barcode.sections import Fields, Paragraph, Section
from hoso.barcode.symbols import DEFAULT_COLUMNS, DEFAULT_EC_LEVEL, SymbolMatrix, make_symbol

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 15.0
FONT = "DejaVuSans"


@dataclass(frozen=True)
class PrintSettings:
    module_mm: float = 0.42  # X dimension: 2.5 px at 150 dpi, 3.3 px at 200 dpi, 5 px at 300 dpi
    row_modules: int = 3  # PDF417 row height in modules (3 is the standard's minimum)
    quiet_modules: int = 4
    ec_level: int = DEFAULT_EC_LEVEL
    columns: int = DEFAULT_COLUMNS
    max_slice: int = DEFAULT_MAX_SLICE
    signature_boxes: bool = True


def font_path(bold: bool = False) -> str:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return str(resources.files("hoso.assets.fonts") / name)


def _new_pdf(check: str):  # noqa: ANN202
    from fpdf import FPDF

    class _Pdf(FPDF):
        def header(self) -> None:
            if check:
                self.set_font(FONT, "", 8)
                self.set_xy(MARGIN, MARGIN - 8)
                self.cell(PAGE_W - 2 * MARGIN, 4, check, align="R")
                self.set_xy(MARGIN, MARGIN)

        def footer(self) -> None:
            self.set_font(FONT, "", 8)
            self.set_xy(MARGIN, PAGE_H - MARGIN + 4)
            self.cell(PAGE_W - 2 * MARGIN, 4, f"Trang {self.page_no()}/{{nb}}", align="C")

    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT, "", font_path())
    pdf.add_font(FONT, "B", font_path(bold=True))
    pdf.set_creator("hoso")
    pdf.set_title("Hồ sơ BHXH — bản in có mã vạch")
    pdf.set_lang("vi")
    return pdf


def _draw_symbol(pdf, matrix: SymbolMatrix, x: float, y: float, settings: PrintSettings) -> None:  # noqa: ANN001
    module = settings.module_mm
    row_h = module * settings.row_modules
    x0 = x + settings.quiet_modules * module
    y0 = y + settings.quiet_modules * module
    pdf.set_fill_color(0, 0, 0)
    for r, runs in enumerate(matrix.rows):
        top = y0 + r * row_h
        # A hair of vertical overlap so that anti-aliasing leaves no white seams between rows.
        height = row_h + (0.02 if r + 1 < len(matrix.rows) else 0.0)
        for start, length in runs:
            pdf.rect(x0 + start * module, top, length * module, height, style="F")


def symbol_size(matrix: SymbolMatrix, settings: PrintSettings) -> tuple[float, float]:
    q = 2 * settings.quiet_modules
    return (
        (matrix.width + q) * settings.module_mm,
        (len(matrix.rows) * settings.row_modules + q) * settings.module_mm,
    )


def build_pdf(
    chunks: Sequence[str],
    heading: Sequence[str | Section] = (),
    settings: PrintSettings | None = None,
) -> bytes:
    """An A4 PDF: the readable ``heading`` sections (the forms), the signature and stamp boxes, then
    ``chunks`` (HOSO1 texts) as PDF417 symbols labelled "Mã vạch i/n", several per page.

    Plain strings in ``heading`` are paragraphs.
    """
    settings = settings or PrintSettings()
    parsed = [parse_chunk(text) for text in chunks]
    matrices = [make_symbol(text, settings.ec_level, settings.columns) for text in chunks]
    check = f"Mã kiểm tra hồ sơ: {parsed[0].h} · {parsed[0].n} mã vạch" if parsed else ""
    pdf = _new_pdf(check)
    width = PAGE_W - 2 * MARGIN
    label_h = 6.0
    gap = 5.0
    bottom = PAGE_H - MARGIN - 2
    signature_h = 42.0

    pdf.add_page()
    pdf.set_font(FONT, "B", 13)
    pdf.cell(width, 7, "HỒ SƠ BẢO HIỂM XÃ HỘI — BẢN IN CÓ MÃ VẠCH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_auto_page_break(True, margin=MARGIN + 4)
    for section in heading:
        _render_section(pdf, Paragraph(section) if isinstance(section, str) else section)
    pdf.set_auto_page_break(False)
    y = pdf.get_y() + 3
    if settings.signature_boxes:
        if y + signature_h > bottom:
            pdf.add_page()
            y = pdf.get_y()
        _signature_boxes(pdf, y, signature_h)
        y += signature_h + 4
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(MARGIN, y)
    pdf.multi_cell(
        width,
        4,
        "Các mã vạch của bản in chứa toàn bộ dữ liệu hồ sơ. Nộp bản in tại bộ phận một cửa; không gấp, không "
        "ghi đè lên mã vạch; in bằng máy in laser, mực đen, khổ A4, tỉ lệ 100%.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    y = pdf.get_y() + 2
    for chunk, matrix in zip(parsed, matrices, strict=True):
        sym_w, sym_h = symbol_size(matrix, settings)
        if y + label_h + sym_h > bottom:
            pdf.add_page()
            y = pdf.get_y()
        pdf.set_font(FONT, "B", 10)
        pdf.set_xy(MARGIN, y)
        pdf.cell(width, label_h, f"Mã vạch {chunk.i}/{chunk.n}", align="C")
        _draw_symbol(pdf, matrix, (PAGE_W - sym_w) / 2, y + label_h, settings)
        y += label_h + sym_h + gap
    return bytes(pdf.output())


def _render_section(pdf, section: Section) -> None:  # noqa: ANN001
    width = PAGE_W - 2 * MARGIN
    if isinstance(section, Paragraph):
        pdf.set_font(FONT, "B" if section.bold else "", section.size)
        pdf.multi_cell(
            width, section.size * 0.5, section.text, align=section.align, new_x="LMARGIN", new_y="NEXT"
        )
        return
    if isinstance(section, Fields):
        if section.title:
            pdf.ln(1)
            pdf.set_font(FONT, "B", 10)
            pdf.multi_cell(width, 5.5, section.title, new_x="LMARGIN", new_y="NEXT")
        for label, value in section.pairs:
            pdf.set_font(FONT, "", 9)
            pdf.cell(50, 5, label + ":")
            pdf.set_font(FONT, "B", 9)
            pdf.multi_cell(width - 50, 5, value or "—", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(width, 5.5, section.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", section.font_size)
    widths = section.widths or tuple(1.0 for _ in section.headers)
    with pdf.table(
        col_widths=widths,
        width=width,
        text_align="LEFT",
        line_height=section.font_size * 0.5,
        padding=0.8,
        repeat_headings=1,
    ) as table:
        table.row(section.headers)
        for row in section.rows:
            table.row(row)
    pdf.ln(1)


def _signature_boxes(pdf, y: float, height: float) -> None:  # noqa: ANN001
    width = (PAGE_W - 2 * MARGIN - 10) / 2
    titles = (
        ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
        ("THỦ TRƯỞNG ĐƠN VỊ / CHỦ TỊCH UBND XÃ", "(Ký, ghi rõ họ tên, đóng dấu)"),
    )
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.3)
    for k, (title, hint) in enumerate(titles):
        x = MARGIN + k * (width + 10)
        pdf.rect(x, y, width, height)
        pdf.set_xy(x, y + 2)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(width, 5, title, align="C")
        pdf.set_xy(x, y + 7)
        pdf.set_font(FONT, "", 8)
        pdf.cell(width, 4, hint, align="C")


def print_envelope(
    envelope: bytes, heading: Sequence[str | Section] | None = None, settings: PrintSettings | None = None
) -> bytes:
    """The printable PDF of an unsigned envelope (UTF-8 XML bytes).

    Without ``heading``, the envelope's forms are rendered readably when the dossier parser reads them.
    """
    settings = settings or PrintSettings()
    if heading is None:
        heading = envelope_sections(envelope)
    return build_pdf(make_chunks(envelope, settings.max_slice), heading, settings)
