"""The envelope Hoso and the form readers."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso import dossier, xmlsafe

REAL = Path(__file__).parents[2] / ".." / "shared" / "vectors" / "ivan-real"


@pytest.fixture(scope="module")
def real_envelope() -> bytes:
    path = REAL / "envelope-valid-net-object.xml"
    if not path.is_file():
        pytest.skip(f"real I-VAN vectors not found at {REAL.resolve()}")
    return path.read_bytes()


def test_parse_real_envelope(real_envelope):
    hoso = dossier.parse_envelope(real_envelope)
    assert hoso.ivan == dossier.IvanInfo("00040", "Công ty THái Sơn")
    assert hoso.unit.ma_so_bhxh == "TS12345"
    assert hoso.unit.ma_so_thue == "0101300842"
    assert hoso.unit.co_quan_quan_ly == "903"
    assert hoso.info.ky_ke_khai == "09/2024"
    assert hoso.info.ngay_lap == "26/09/2024"
    assert hoso.signed
    assert [(f.ma_to_khai, f.ten_file, f.loai_file, f.is_xml) for f in hoso.info.files] == [
        ("CT-DK", "test.pdf", ".pdf", False),
        (".xml", "M01B-HSB.xml", ".xml", True),
    ]
    assert hoso.info.files[0].declared_length == 112556 == hoso.info.files[0].base64_length
    assert hoso.info.files[0].content().startswith(b"%PDF")
    assert dossier.check_envelope(hoso) == []
    form = dossier.read_form(hoso.info.files[1].content())
    assert form.code == "M01B-HSB"
    assert form.header["MaDonVi"] == "TS12345"


def _envelope(files, **kw) -> bytes:
    return dossier.build_envelope(
        ivan=dossier.IvanInfo("00030", "EFY"),
        unit=dossier.UnitInfo(ma_so_bhxh="TA0100A", ma_so_thue="0101234567", loai_doi_tuong="1"),
        procedure_code="600",
        period=kw.pop("period", "11/2026"),
        created="24/11/2026",
        files=files,
        **kw,
    )


def test_build_then_parse():
    data = _envelope([dossier.EnvelopeFile("a.pdf", b"%PDF-1.4", "CT-DK", "Giấy tờ")])
    hoso = dossier.parse_envelope(data)
    assert hoso.info.so_luong_file == "1"
    assert hoso.info.files[0].content() == b"%PDF-1.4"
    assert hoso.info.files[0].loai_file == ".pdf"
    assert not hoso.signed
    assert dossier.check_envelope(hoso) == []
    assert xmlsafe.parse(data).find("CKy_Dvi") is not None


def test_bad_period_refused():
    with pytest.raises(dossier.DossierError) as info:
        _envelope([], period="2026-11")
    assert info.value.code == "DOSSIER_PERIOD"


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


def test_declared_length_mismatch_and_count():
    data = _envelope([dossier.EnvelopeFile("a.pdf", b"12345", "CT-DK")])
    encoded = base64.b64encode(b"12345")
    data = _replace(data, b"<DoDaiFile>%d</DoDaiFile>" % len(encoded), b"<DoDaiFile>3</DoDaiFile>")
    data = _replace(data, b"<SoLuongFile>1</SoLuongFile>", b"<SoLuongFile>2</SoLuongFile>")
    codes = [p.code for p in dossier.check_envelope(dossier.parse_envelope(data))]
    assert codes == ["DOSSIER_FILE_COUNT", "DOSSIER_LENGTH_MISMATCH"]


def test_bad_base64_reported():
    data = _envelope([dossier.EnvelopeFile("a.pdf", b"12345", "CT-DK")])
    encoded = base64.b64encode(b"12345")
    data = _replace(data, encoded + b"<", b"!!!!!!!!<")
    codes = [p.code for p in dossier.check_envelope(dossier.parse_envelope(data))]
    assert "DOSSIER_BASE64" in codes


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<D02-TS/>", "DOSSIER_NOT_ENVELOPE"),
        (b"<Hoso/>", "DOSSIER_MISSING_ELEMENT"),
        (b"<Hoso><NoiDung/><NoiDung/></Hoso>", "DOSSIER_DUPLICATE_ELEMENT"),
        (
            b"<Hoso><NoiDung><ThongTinIVAN/><ThongTinDonVi/><ThongTinHoSo><ToKhais><X/></ToKhais>"
            b"</ThongTinHoSo></NoiDung></Hoso>",
            "DOSSIER_UNEXPECTED_ELEMENT",
        ),
    ],
)
def test_structural_errors(data, code):
    with pytest.raises(dossier.DossierError) as info:
        dossier.parse_envelope(data)
    assert info.value.code == code
    assert info.value.message_vi and info.value.message_en


field_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")), max_size=20
).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    unit=st.builds(dossier.UnitInfo, ten_doi_tuong=field_text, ma_so_bhxh=field_text, nguoi_ky=field_text),
    contents=st.lists(
        st.tuples(st.sampled_from(["a.pdf", "b.xml", "c.jpg"]), st.binary(max_size=200)), max_size=4
    ),
)
def test_property_build_parse_round_trip(unit, contents):
    files = [dossier.EnvelopeFile(name, content, "CT-DK") for name, content in contents]
    data = dossier.build_envelope(
        ivan=dossier.IvanInfo("00030", "EFY"),
        unit=unit,
        procedure_code="600",
        period="01/2026",
        created="02/01/2026",
        files=files,
    )
    hoso = dossier.parse_envelope(data)
    assert hoso.unit == unit
    assert [f.content() for f in hoso.info.files] == [c for _, c in contents]
    assert dossier.check_envelope(hoso) == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_property_parse_never_crashes_uncoded(data):
    try:
        dossier.parse_envelope(data)
    except (dossier.DossierError, xmlsafe.XmlError):
        pass
