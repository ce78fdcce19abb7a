"""Form readers: D02-TS, TK1-TS, TK3-TS, D03-TS."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso import dossier, xmlsafe


def test_d02_rows_round_trip():
    rows = [
        dossier.D02Row(
            stt="1",
            ho_ten="Nguyễn Thị Hương",
            ma_so_bhxh="0112345678",
            ngay_sinh="05/06/1992",
            gioi_tinh="0",
            tien_luong="6500000",
            tu_thang="11/2026",
            pa="TM",
            extra={"MaVung": "1"},
        ),
        dossier.D02Row(stt="2", ho_ten="Phạm Văn Đông", pa="GH"),
    ]
    form = dossier.read_form(dossier.build_d02({"MaDonVi": "TA0100A"}, rows))
    assert form.code == "D02-TS"
    assert form.header == {"MaDonVi": "TA0100A"}
    assert form.rows == tuple(rows)


def test_tk1_declaration():
    decl = dossier.TK1Declaration(
        ho_ten="Lê Văn Cường", quoc_tich="VN", ma_tinh_ks="01", ma_benh_vien="01001"
    )
    form = dossier.read_form(dossier.build_tk1({"MaDonVi": "TA0100A"}, decl))
    assert form.code == "TK1-TS"
    assert form.declaration == decl


def test_tk3_and_d03_read_from_xml():
    tk3 = dossier.read_form(
        "<TK3-TS><NoiDung><TenDonVi>Công ty A</TenDonVi><MaDonVi>TA0100A</MaDonVi>"
        "<MaSoThue>0101234567</MaSoThue><Khac>x</Khac></NoiDung><Cky/></TK3-TS>".encode()
    )
    assert tk3.declaration == dossier.TK3Declaration(
        ten_don_vi="Công ty A", ma_don_vi="TA0100A", ma_so_thue="0101234567", extra={"Khac": "x"}
    )
    d03 = dossier.read_form(
        "<D03-TS><NoiDung><NguoiThamGia><HoTen>Bé Na</HoTen><NgaySinh>01/01/2024</NgaySinh>"
        "<MaBenhVien>01001</MaBenhVien></NguoiThamGia></NoiDung><Cky/></D03-TS>".encode()
    )
    assert d03.rows == (dossier.D03Row(ho_ten="Bé Na", ngay_sinh="01/01/2024", ma_benh_vien="01001"),)


def test_signature_parent_is_never_read_as_data():
    form = dossier.read_form(b"<D02-TS><Cky><X>1</X></Cky><NoiDung/></D02-TS>")
    assert form.header == {} and form.rows == ()


def test_two_bodies_refused():
    with pytest.raises(dossier.DossierError):
        dossier.read_form(b"<D02-TS><NoiDung/><NoiDung/></D02-TS>")


text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co", "Zs", "Zl", "Zp")), max_size=15
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.builds(dossier.D02Row, stt=text, ho_ten=text, ma_so_bhxh=text, pa=text, ghi_chu=text), max_size=20
    )
)
def test_property_d02_round_trip(rows):
    form = dossier.read_form(xmlsafe.parse(dossier.build_d02({"MaDonVi": "TA0100A"}, rows)))
    assert form.rows == tuple(rows)
