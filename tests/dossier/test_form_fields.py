"""Every field of a catalogued form against its kind (issue 19, item 5): a problem names the row, the field
as the printed form names it, the value and what is allowed; each form's fields are stated once."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoso import dossier, xmlsafe
from hoso.dossier.fields import CHANGE_TYPES, MAX_AMOUNT, field_specs, xml_names

TODAY = date(2026, 11, 25)


def _d02(*rows: dossier.D02Row) -> dossier.Form:
    return dossier.read_form(dossier.build_d02({"MaDonVi": "TA0100A"}, rows))


GOOD = dossier.D02Row(
    stt="1", ho_ten="Nguyễn Thị Hương", ma_so_bhxh="0112345678", ngay_sinh="05/06/1992", gioi_tinh="0",
    tien_luong="6500000", tu_thang="11/2026", den_thang="12/2026", pa="TM", ty_le_dong="32,5",
    cmnd="001092012345", ghi_chu="Tăng mới",
)  # fmt: skip


def test_a_well_filled_list_has_no_problem():
    assert dossier.check_form(_d02(GOOD, replace(GOOD, stt="2", pa="GH", tien_luong="0")), today=TODAY) == []


@pytest.mark.parametrize(
    ("attr", "value", "label", "allowed"),
    [
        ("tien_luong", "abc", "Tiền lương", "số tiền bằng đồng"),
        ("tien_luong", "-5000", "Tiền lương", "số tiền bằng đồng"),
        ("tien_luong", str(MAX_AMOUNT + 1), "Tiền lương", "số tiền bằng đồng"),
        ("pa", "ZZ", "Phương án", "TM (tăng mới)"),
        ("ty_le_dong", "999", "Tỷ lệ đóng", "từ 0 đến 100"),
        ("ty_le_dong", "32.555", "Tỷ lệ đóng", "từ 0 đến 100"),
        ("ngay_sinh", "31/02/1990", "Ngày sinh", "dd/mm/yyyy"),
        ("ngay_sinh", "01/01/2027", "Ngày sinh", "đến ngày nộp"),
        ("gioi_tinh", "2", "Giới tính", "1 (nam) hoặc 0 (nữ)"),
        ("ma_so_bhxh", "01123", "Mã số BHXH", "10 chữ số"),
        ("tu_thang", "13/2026", "Từ tháng", "MM/yyyy"),
        ("cmnd", "12ab", "Số CMND/CCCD/Hộ chiếu", "12 chữ số"),
        ("stt", "0", "Số thứ tự", "từ 1"),
        ("ho_ten", "", "Họ và tên", "bắt buộc"),
        ("ho_ten", "Nguyễn 123", "Họ và tên", "chữ cái"),
    ],
)
def test_each_bad_field_names_its_row_label_value_and_what_is_allowed(attr, value, label, allowed):
    second = replace(GOOD, **{"stt": "2", attr: value})
    [problem] = dossier.check_form(_d02(GOOD, second), today=TODAY)
    assert problem.row == 2 and problem.spec.label_vi == label and problem.value == value
    assert problem.code == "FORM_ROW_INVALID"
    assert problem.message_vi.startswith(f"D02-TS, dòng 2, {label}: ")
    assert allowed in problem.message_vi and (value in problem.message_vi or not value)
    assert "TienLuong" not in problem.message_vi and "LaoDong" not in problem.message_vi  # no XML names


def test_the_issue_s_d02_lists_every_bad_field_of_every_row():
    bad = replace(GOOD, stt="2", tien_luong="abc", pa="ZZ", ty_le_dong="999")
    found = dossier.check_form(_d02(GOOD, bad, replace(bad, stt="3")), today=TODAY)
    assert [(p.row, p.spec.xml) for p in found] == [
        (2, "TienLuong"), (2, "PA"), (2, "TyleDong"), (3, "TienLuong"), (3, "PA"), (3, "TyleDong"),
    ]  # fmt: skip
    assert found[0].message_vi == (
        "D02-TS, dòng 2, Tiền lương: “abc” — phải là số tiền bằng đồng, chỉ gồm chữ số, từ 0 đến 10.000.000.000."
    )
    english = found[0].message_en
    assert english.startswith("D02-TS, row 2, Salary: “abc” — must be an amount in đồng")


@pytest.mark.parametrize("xml", [b"<D02-TS><NoiDung/><Cky/></D02-TS>", b"<D02-TS><Cky/></D02-TS>"])
def test_a_list_without_a_row_is_refused(xml):
    [problem] = dossier.check_form(dossier.read_form(xml), today=TODAY)
    assert problem.code == "FORM_NO_ROWS"
    assert problem.message_vi == "D02-TS, Danh sách lao động: không có dòng nào — cần ít nhất một dòng."


def test_months_out_of_order():
    [problem] = dossier.check_form(_d02(replace(GOOD, tu_thang="11/2026", den_thang="10/2026")), today=TODAY)
    assert problem.spec.label_vi == "Đến tháng" and "từ 11/2026" in problem.message_vi


def test_declarations_are_checked_field_by_field():
    tk3 = dossier.read_form(
        "<TK3-TS><NoiDung><TenDonVi>Công ty A</TenDonVi><MaDonVi>TA01</MaDonVi><MaSoThue>0101234568</MaSoThue>"
        "<Email>a@b.vn</Email></NoiDung><Cky/></TK3-TS>".encode()
    )
    found = dossier.check_form(tk3, today=TODAY)
    assert [(p.row, p.spec.label_vi, p.code) for p in found] == [
        (None, "Mã đơn vị", "FORM_FIELD_INVALID"),
        (None, "Mã số thuế", "FORM_FIELD_INVALID"),
    ]
    assert found[0].message_vi.startswith("TK3-TS, Mã đơn vị: “TA01” — phải là mã đơn vị gồm đúng 7")
    tk1 = dossier.read_form(dossier.build_tk1({}, dossier.TK1Declaration(ho_ten="", ma_tinh_ks="1")))
    assert [p.spec.xml for p in dossier.check_form(tk1, today=TODAY)] == ["HoTen", "Matinh_KS"]


def test_forms_without_stated_fields_give_no_problem():
    assert (
        dossier.check_form(
            dossier.read_form(b"<M01B-HSB><NoiDung><X>?</X></NoiDung></M01B-HSB>"), today=TODAY
        )
        == []
    )


@pytest.mark.parametrize(
    "cls", [dossier.D02Row, dossier.D03Row, dossier.TK1Declaration, dossier.TK3Declaration]
)
def test_each_field_is_stated_once_with_its_xml_name_label_and_kind(cls):
    attrs = [f.name for f in fields(cls) if f.name != "extra"]
    specs = field_specs(cls)
    assert [attr for attr, _ in specs] == attrs  # every field has its one statement
    assert list(xml_names(cls).values()) == attrs
    for _, spec in specs:
        assert spec.label_vi and spec.label_en and spec.kind.allowed_vi and spec.kind.allowed_en


# --- properties ---------------------------------------------------------------------------------------

xml_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co")), max_size=12)

_letters = st.characters(whitelist_categories=("Lu", "Ll"))
names = st.builds(
    lambda a, b: f"{a} {b}",
    st.text(_letters, min_size=1, max_size=20),
    st.text(_letters, min_size=1, max_size=20),
)
days = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
months = st.builds(lambda y, m: f"{m:02d}/{y}", st.integers(1900, 2100), st.integers(1, 12))
valid_rows = st.builds(
    dossier.D02Row,
    stt=st.integers(1, 999_999).map(str),
    ho_ten=names,
    ma_so_bhxh=st.from_regex(r"\d{10}", fullmatch=True),
    ngay_sinh=days.map(lambda d: d.strftime("%d/%m/%Y")),
    gioi_tinh=st.sampled_from(["0", "1"]),
    tien_luong=st.integers(0, MAX_AMOUNT).map(str),
    tu_thang=months,
    pa=st.sampled_from(sorted(CHANGE_TYPES)),
    ty_le_dong=st.decimals(0, 100, places=2).map(lambda d: str(d).replace(".", ",")),
    cmnd=st.from_regex(r"\d{9}|\d{12}", fullmatch=True),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(valid_rows, min_size=1, max_size=8))
def test_property_valid_rows_pass_through_xml(rows):
    form = dossier.read_form(xmlsafe.parse(dossier.build_d02({"MaDonVi": "TA0100A"}, rows)))
    assert dossier.check_form(form, today=TODAY) == []


@settings(max_examples=200, deadline=None)
@given(xml_text)
def test_property_an_amount_is_digits_in_range(value):
    form = _d02(replace(GOOD, tien_luong=value))
    stripped = value.strip()
    ok = not stripped or (stripped.isascii() and stripped.isdigit() and int(stripped) <= MAX_AMOUNT)
    assert (dossier.check_form(form, today=TODAY) == []) == ok


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.floats(-1000, 1000, allow_nan=False).map(lambda f: f"{f:.2f}"), xml_text))
def test_property_a_rate_is_a_percentage(value):
    problems = dossier.check_form(_d02(replace(GOOD, ty_le_dong=value)), today=TODAY)
    text = value.strip()
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = None
    if problems:
        assert [p.spec.xml for p in problems] == ["TyleDong"] and problems[0].value == text
    else:
        assert not text or (number is not None and 0 <= number <= 100)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(sorted(CHANGE_TYPES)), xml_text))
def test_property_only_listed_change_types_pass(value):
    problems = dossier.check_form(_d02(replace(GOOD, pa=value)), today=TODAY)
    assert (problems == []) == (value.strip() in CHANGE_TYPES or not value.strip())


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)))
def test_property_a_birth_date_is_from_1900_to_the_filing_day(born):
    problems = dossier.check_form(_d02(replace(GOOD, ngay_sinh=born.strftime("%d/%m/%Y"))), today=TODAY)
    assert (problems == []) == (date(1900, 1, 1) <= born <= TODAY)
