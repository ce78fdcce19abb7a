"""The readable half of the printed dossier: the envelope's forms rendered in Vietnamese."""

from __future__ import annotations

import pypdfium2

from hoso.barcode import print_envelope, read_sources
from hoso.barcode.forms import envelope_sections
from hoso.barcode.sections import Fields, Paragraph, Table
from hoso.dossier import (
    D02Row,
    EnvelopeFile,
    IvanInfo,
    TK1Declaration,
    UnitInfo,
    build_d02,
    build_envelope,
    build_tk1,
)


def dossier_envelope(people: int = 30) -> bytes:
    rows = [
        D02Row(
            stt=str(k),
            ho_ten=f"Nguyễn Thị Hồng {k}",
            ma_so_bhxh=f"01{k:08d}",
            ngay_sinh="12/03/1990",
            gioi_tinh=str(k % 2),
            tien_luong=str(4_500_000 + k * 100_000),
            tu_thang="11/2026",
            pa="TM",
        )
        for k in range(1, people + 1)
    ]
    d02 = build_d02({"TenDonVi": "Công ty TNHH Hòa Bình"}, rows)
    tk1 = build_tk1({}, TK1Declaration(ho_ten="Trần Văn Đức", ngay_sinh="01/02/1995", gioi_tinh="1"))
    return build_envelope(
        ivan=IvanInfo(),
        unit=UnitInfo(ten_doi_tuong="Công ty TNHH Hòa Bình", ma_so_bhxh="YN0001A", loai_doi_tuong="1"),
        procedure_code="600",
        procedure_name="Báo tăng, giảm, điều chỉnh đóng BHXH, BHYT",
        period="11/2026",
        created="24/11/2026",
        files=[
            EnvelopeFile(name="D02-TS.xml", content=d02, form_code="D02-TS"),
            EnvelopeFile(name="TK1-TS.xml", content=tk1, form_code="TK1-TS"),
            EnvelopeFile(name="giay-to.pdf", content=b"%PDF-1.4", form_code="CT-DK"),
        ],
    )


def test_sections_of_an_envelope():
    sections = envelope_sections(dossier_envelope(3))
    assert isinstance(sections[0], Fields) and ("Tên", "Công ty TNHH Hòa Bình") in sections[0].pairs
    assert ("Kỳ kê khai", "11/2026") in sections[1].pairs
    table = next(s for s in sections if isinstance(s, Table))
    assert "D02-TS" in table.title and "3 người" in table.title
    assert table.rows[0][:6] == ("1", "Nguyễn Thị Hồng 1", "0100000001", "12/03/1990", "Nam", "4.600.000")
    tk1 = [s for s in sections if isinstance(s, Fields) and "TK1-TS" in s.title][0]
    assert ("Họ và tên", "Trần Văn Đức") in tk1.pairs
    assert any(isinstance(s, Paragraph) and "giay-to.pdf" in s.text for s in sections)


def test_unreadable_envelope_gets_a_note():
    (note,) = envelope_sections(b"<NotAnEnvelope/>")
    assert isinstance(note, Paragraph) and "mã vạch" in note.text


def test_printed_dossier_shows_the_forms_and_reads_back():
    envelope = dossier_envelope(40)
    pdf = print_envelope(envelope)
    doc = pypdfium2.PdfDocument(pdf)
    text = "".join(doc[k].get_textpage().get_text_range() for k in range(len(doc)))
    doc.close()
    for expected in ("Công ty TNHH Hòa Bình", "Nguyễn Thị Hồng 40", "Trần Văn Đức", "Mã vạch 1/", "đóng dấu"):
        assert expected in text
    result = read_sources([("hoso.pdf", pdf)])
    assert result.complete and result.verified[0].envelope == envelope


def test_print_warns_about_a_signed_envelope(tmp_path, capsys):
    from .test_interop_and_cli import main

    signed = dossier_envelope(2).replace(b"<CKy_Dvi/>", b"<CKy_Dvi><Signature>x</Signature></CKy_Dvi>")
    path = tmp_path / "signed.xml"
    path.write_bytes(signed)
    assert main(["barcode", "print", str(path), "-o", str(tmp_path / "o.pdf")]) == 0
    assert "chữ ký số" in capsys.readouterr().err
