"""Reading pages: printed PDFs, page images (PNG, JPEG, TIFF), scanner text, and diagnoses."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image, ImageFilter

from hoso.barcode import make_chunks, print_envelope, read_sources, read_texts
from hoso.barcode.printing import PrintSettings

from .conftest import random_envelope

PRINT = PrintSettings()


@pytest.fixture(scope="module")
def big_envelope() -> bytes:
    return random_envelope(6000, seed=3)  # ~6 symbols: several pages


@pytest.fixture(scope="module")
def printed(big_envelope) -> bytes:
    return print_envelope(big_envelope, ["Đơn vị: Công ty TNHH Hòa Bình", "Thủ tục 600 · Kỳ 11/2026"])


def rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    from hoso.barcode.reader import pdf_page_images

    return pdf_page_images(pdf, dpi)


def encode(image: Image.Image, fmt: str, dpi: int, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, dpi=(dpi, dpi), **kw)
    return out.getvalue()


def test_printed_pdf_is_a4_with_embedded_font_and_labels(printed, big_envelope):
    import pypdfium2

    doc = pypdfium2.PdfDocument(printed)
    n = len(make_chunks(big_envelope))
    assert n >= 5 and len(doc) >= 2
    w, h = doc[0].get_size()
    assert (round(w), round(h)) == (595, 842)
    text = "".join(doc[k].get_textpage().get_text_range() for k in range(len(doc)))
    for i in range(1, n + 1):
        assert f"Mã vạch {i}/{n}" in text
    assert "Đơn vị: Công ty TNHH Hòa Bình" in text and "(Ký, ghi rõ họ tên, đóng dấu)" in text
    assert b"FontFile2" in printed and b"DejaVuSans" in printed  # the TTF is embedded (subset)
    doc.close()


def test_read_printed_pdf(printed, big_envelope):
    result = read_sources([("hoso.pdf", printed)])
    assert result.complete
    assert [d.envelope for d in result.verified] == [big_envelope]
    assert all(p.kind == "pdf" for p in result.pages)


def test_pages_as_images_in_any_order_and_format(printed, big_envelope):
    pages = rasterise(printed, 200)
    sources = [("p2.jpg", encode(pages[1].convert("RGB"), "JPEG", 200, quality=60))]
    sources.append(("p1.png", encode(pages[0], "PNG", 200)))
    tiff = io.BytesIO()
    pages[0].save(
        tiff, "TIFF", save_all=True, append_images=pages[1:], dpi=(200, 200), compression="tiff_lzw"
    )
    sources.append(("all.tiff", tiff.getvalue()))  # every page again: repeats are ignored
    result = read_sources(sources)
    assert result.complete and result.verified[0].envelope == big_envelope
    assert {p.source for p in result.pages} == {"p1.png", "p2.jpg", "all.tiff"}


def test_missing_page_is_named(printed, big_envelope):
    pages = rasterise(printed, 200)
    result = read_sources([("p1.png", encode(pages[0], "PNG", 200))])
    assert not result.complete
    (status,) = result.dossiers
    n = len(make_chunks(big_envelope))
    assert status.missing and status.missing[-1] == n and status.received[0] == 1
    assert status.error.code == "BARCODE_INCOMPLETE"
    assert all(p.thorough for p in result.pages)  # a second, thorough read was made


def test_scanner_text_file(big_envelope):
    chunks = make_chunks(big_envelope)
    lines = ["]L2" + chunks[-1], "garbage typed by hand"] + chunks + chunks[:2]
    data = ("\ufeff" + "\r\n".join(reversed(lines)) + "\r\n").encode()
    result = read_sources([("scanner.txt", data)])
    assert result.complete and result.verified[0].envelope == big_envelope
    assert result.pages[0].other == 1
    partial = read_texts(chunks[1:])
    assert partial.dossiers[0].missing == [1]


def test_scanner_line_with_a_dropped_character_is_rejected_and_reported(big_envelope):
    chunks = make_chunks(big_envelope)
    damaged = chunks[2][:40] + chunks[2][41:]
    result = read_texts(chunks[:2] + [damaged] + chunks[3:])
    assert not result.complete
    assert result.dossiers[0].missing == [3] or result.dossiers[0].error.code == "BARCODE_HASH_MISMATCH"


def test_unreadable_file_is_reported():
    result = read_sources([("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)])
    assert not result.complete
    assert result.errors[0].code == "BARCODE_FILE_UNREADABLE"
    assert [p.code for p in result.problems()] == ["BARCODE_FILE_UNREADABLE", "BARCODE_NOTHING_READ"]


def blank_page(dpi: int) -> Image.Image:
    page = Image.new("L", (int(8.27 * dpi), int(11.69 * dpi)), 250)
    rnd = random.Random(1)
    from PIL import ImageDraw

    draw = ImageDraw.Draw(page)
    for _ in range(60):  # lines of "text"
        x, y = rnd.randrange(page.width - 400), rnd.randrange(page.height - 20)
        draw.rectangle([x, y, x + rnd.randrange(50, 400), y + 8], fill=20)
    return page


def test_diagnosis_no_symbol():
    result = read_sources([("letter.png", encode(blank_page(300), "PNG", 300))])
    assert result.pages[0].diagnosis.code == "NO_SYMBOL"
    assert "Không thấy mã vạch" in result.pages[0].diagnosis.message_vi


def test_diagnosis_low_resolution(printed):
    page = rasterise(printed, 300)[0].resize((413, 584))  # 50 dpi
    result = read_sources([("small.png", encode(page, "PNG", 50))])
    assert result.pages[0].diagnosis.code == "LOW_RESOLUTION"
    assert "300 dpi" in result.pages[0].diagnosis.message_vi


def test_diagnosis_blur(printed):
    page = rasterise(printed, 200)[0].filter(ImageFilter.GaussianBlur(4))
    result = read_sources([("blur.png", encode(page, "PNG", 200))])
    assert result.pages[0].diagnosis.code == "BLUR"
    assert "nhòe" in result.pages[0].diagnosis.message_vi


def test_diagnosis_low_contrast(printed):
    page = rasterise(printed, 200)[0].point(lambda v: 128 + v * 20 // 255)
    result = read_sources([("faint.png", encode(page, "PNG", 200))])
    # zxing-cpp's local binariser still reads a contrast of 40 levels out of 255; 20 is too faint.
    assert result.pages[0].diagnosis.code == "LOW_CONTRAST"
    assert "độ tương phản thấp" in result.pages[0].diagnosis.message_vi


@pytest.mark.parametrize("angle", [-4.6, 3.2])
def test_skewed_scan_is_straightened_and_read(printed, big_envelope, angle):
    from hoso.barcode import read_images
    from hoso.barcode.symbols import estimate_skew

    pages = [
        p.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
        for p in rasterise(printed, 200)
    ]
    assert abs(estimate_skew(pages[0]) - angle) <= 0.2
    result = read_images([(f"p{k}", page, 200) for k, page in enumerate(pages, 1)])
    assert result.complete and result.verified[0].envelope == big_envelope
    assert any(p.thorough for p in result.pages)  # zxing-cpp alone reads PDF417 up to about 2 degrees


def test_oversized_image_is_refused_before_decoding(monkeypatch):
    from hoso.barcode import reader

    monkeypatch.setattr(reader, "MAX_PAGE_PIXELS", 1000)
    result = read_sources([("huge.png", encode(Image.new("L", (100, 100), 255), "PNG", 300))])
    assert result.errors[0].code == "BARCODE_FILE_UNREADABLE" and "quá lớn" in result.errors[0].message_vi


def test_faded_toner_is_read_by_the_second_read():
    from hoso.barcode import read_images
    from hoso.barcode.symbols import make_symbol, render_symbol, scan_image

    envelope = random_envelope(900)
    (chunk,) = make_chunks(envelope)
    # Printed at 12 px per module, bars thinned by 2 px per edge, scanned at a third of that.
    faded = render_symbol(make_symbol(chunk), module=12).filter(ImageFilter.MaxFilter(5)).reduce(3)
    assert scan_image(faded).texts == []
    result = read_images([("faded", faded, 300)])
    assert result.complete and result.verified[0].envelope == envelope


def test_messages_for_a_person(big_envelope):
    chunks = make_chunks(big_envelope)
    result = read_texts(chunks[1:] + ["HOSO1|zz"])
    vi, en = result.messages(), result.messages("en")
    assert any("thiếu 1/" in line for line in vi) and any("missing 1 of" in line for line in en)
    assert any("không đúng định dạng HOSO1" in line for line in vi)
    done = read_texts(chunks).messages()
    assert done[-1].endswith("đã kiểm tra SHA-256")


def test_scanner_without_enter_and_utf16_text(big_envelope):
    chunks = make_chunks(big_envelope)
    one_line = "".join("]L2" + c for c in chunks)  # no line breaks between symbols
    assert read_sources([("scan.txt", one_line.encode())]).complete
    utf16 = "\r\n".join(chunks).encode("utf-16")  # BOM first
    result = read_sources([("notepad.txt", utf16)])
    assert result.complete and result.verified[0].envelope == big_envelope


def test_read_texts_takes_a_text_area(big_envelope):
    typed = "\r\n".join(make_chunks(big_envelope)[::-1])
    assert read_texts(typed).verified[0].envelope == big_envelope


def test_an_unreadable_extra_file_does_not_block_a_complete_dossier(big_envelope):
    lines = "\n".join(make_chunks(big_envelope)).encode()
    result = read_sources([("scan.txt", lines), ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)])
    assert result.complete and result.errors[0].code == "BARCODE_FILE_UNREADABLE"
    assert any("broken.png" in line for line in result.messages())
