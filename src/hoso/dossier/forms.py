"""Readers (and, for tests and benchmarks, builders) of the XML forms carried in a dossier.

Element names follow DOMAIN.md §4 (mixed case is real: ``MasoBHXH``, ``Ghichu``, ``TyleDong``). The
layout around the rows is [assumed] until real D02-TS / TK1-TS / TK3-TS / D03-TS files are seen:
rows are read wherever they are below ``NoiDung``, unknown fields are kept in ``extra`` rather than
dropped, and the signature parent ``Cky`` is never read as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from hoso import xmlsafe
from hoso.dossier.envelope import FORM_SIGNATURE_PARENT, DossierError
from hoso.dossier.fields import (
    AMOUNT,
    BIRTH_DATE,
    CHANGE_TYPE,
    COMMUNE,
    DISTRICT,
    EMAIL,
    HOSPITAL,
    ID_CARD,
    MONTH,
    NAME,
    ORDINAL,
    PHONE,
    PROVINCE,
    RATE,
    ROWS,
    SEX,
    SI_NUMBER,
    TAX_CODE,
    TEXT,
    UNIT_CODE,
    FieldProblem,
    FieldSpec,
    check_record,
    field_specs,
    parse_month,
    xml_field,
    xml_names,
)


def _text_fields(element: etree._Element) -> dict[str, str]:
    return {
        child.tag: (child.text or "").strip()
        for child in element
        if isinstance(child.tag, str) and len(child) == 0
    }


def _from_mapping(cls, mapping: Mapping[str, str]):
    names = xml_names(cls)
    known = {attr: mapping.get(tag, "") for tag, attr in names.items()}
    extra = {tag: value for tag, value in mapping.items() if tag not in names}
    return cls(**known, extra=extra)


# Each form's fields are stated once, here: the XML name, the label of the printed form, the kind of
# value (hoso.dossier.fields). Reading, writing and checking all derive from these dataclasses.

_STT = ("STT", "Số thứ tự", "Ordinal", ORDINAL)
_HO_TEN = ("HoTen", "Họ và tên", "Full name", NAME)
_MASO_BHXH = ("MasoBHXH", "Mã số BHXH", "Social-insurance number", SI_NUMBER)
_NGAY_SINH = ("NgaySinh", "Ngày sinh", "Date of birth", BIRTH_DATE)
_GIOI_TINH = ("GioiTinh", "Giới tính", "Sex", SEX)
_TU_THANG = ("TuThang", "Từ tháng", "From month", MONTH)
_DEN_THANG = ("DenThang", "Đến tháng", "To month", MONTH)
_PA = ("PA", "Phương án", "Change type", CHANGE_TYPE)
_CMND = ("CMND", "Số CMND/CCCD/Hộ chiếu", "Identity card number", ID_CARD)
_GHI_CHU = ("Ghichu", "Ghi chú", "Remarks", TEXT)
_TINH_BV = (
    "MaTinhBenhVien",
    "Mã tỉnh nơi đăng ký KCB ban đầu",
    "Province of the first-care provider",
    PROVINCE,
)
_BENH_VIEN = ("MaBenhVien", "Mã cơ sở đăng ký KCB ban đầu", "First-care provider", HOSPITAL)


@dataclass(frozen=True)
class D02Row:
    """One employee line of D02-TS (``NoiDung/LaoDong``)."""

    stt: str = xml_field(*_STT)
    ho_ten: str = xml_field(*_HO_TEN, required=True)
    ma_so_bhxh: str = xml_field(*_MASO_BHXH)
    ngay_sinh: str = xml_field(*_NGAY_SINH)
    gioi_tinh: str = xml_field(*_GIOI_TINH)
    tien_luong: str = xml_field("TienLuong", "Tiền lương", "Salary", AMOUNT)
    tu_thang: str = xml_field(*_TU_THANG)
    den_thang: str = xml_field(*_DEN_THANG)
    pa: str = xml_field(*_PA)
    ty_le_dong: str = xml_field("TyleDong", "Tỷ lệ đóng", "Contribution rate", RATE)
    cmnd: str = xml_field(*_CMND)
    ghi_chu: str = xml_field(*_GHI_CHU)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class D03Row:
    """One person of D03-TS (health insurance only, e.g. children under 6)."""

    stt: str = xml_field(*_STT)
    ho_ten: str = xml_field(*_HO_TEN, required=True)
    ma_so_bhxh: str = xml_field(*_MASO_BHXH)
    ngay_sinh: str = xml_field(*_NGAY_SINH)
    gioi_tinh: str = xml_field(*_GIOI_TINH)
    ma_tinh_benh_vien: str = xml_field(*_TINH_BV)
    ma_benh_vien: str = xml_field(*_BENH_VIEN)
    tu_thang: str = xml_field(*_TU_THANG)
    den_thang: str = xml_field(*_DEN_THANG)
    pa: str = xml_field(*_PA)
    ghi_chu: str = xml_field(*_GHI_CHU)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TK1Declaration:
    """TK1-TS personal declaration."""

    ho_ten: str = xml_field(*_HO_TEN, required=True)
    ngay_sinh: str = xml_field(*_NGAY_SINH)
    gioi_tinh: str = xml_field(*_GIOI_TINH)
    quoc_tich: str = xml_field("QuocTich", "Quốc tịch", "Nationality", TEXT)
    dan_toc: str = xml_field("DanToc", "Dân tộc", "Ethnic group", TEXT)
    ma_tinh_ks: str = xml_field("Matinh_KS", "Nơi đăng ký khai sinh: tỉnh", "Birth registration: province",
                                PROVINCE)  # fmt: skip
    ma_huyen_ks: str = xml_field("Mahuyen_KS", "Nơi đăng ký khai sinh: huyện", "Birth registration: district",
                                 DISTRICT)  # fmt: skip
    ma_xa_ks: str = xml_field("Maxa_KS", "Nơi đăng ký khai sinh: xã", "Birth registration: commune", COMMUNE)
    ma_so_bhxh: str = xml_field(*_MASO_BHXH)
    cmnd: str = xml_field(*_CMND)
    ten_cha_me_giam_ho: str = xml_field("Ten_ChaMe_Giamho", "Họ tên cha, mẹ hoặc người giám hộ",
                                        "Parent or guardian", NAME)  # fmt: skip
    ma_tinh_benh_vien: str = xml_field(*_TINH_BV)
    ma_benh_vien: str = xml_field(*_BENH_VIEN)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TK3Declaration:
    """TK3-TS unit declaration [assumed field names beyond the unit code and tax code]."""

    ten_don_vi: str = xml_field("TenDonVi", "Tên đơn vị", "Unit name", TEXT)
    ma_don_vi: str = xml_field("MaDonVi", "Mã đơn vị", "Unit code", UNIT_CODE)
    ma_so_thue: str = xml_field("MaSoThue", "Mã số thuế", "Tax code", TAX_CODE)
    dia_chi: str = xml_field("DiaChi", "Địa chỉ", "Address", TEXT)
    loai_hinh: str = xml_field("LoaiHinh", "Loại hình đơn vị", "Kind of unit", TEXT)
    dien_thoai: str = xml_field("DienThoai", "Điện thoại", "Telephone", PHONE)
    email: str = xml_field("Email", "Thư điện tử", "E-mail", EMAIL)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    """A read form: its code (the root element name), header fields, and rows or a declaration."""

    code: str
    header: dict[str, str] = field(default_factory=dict)
    rows: tuple = ()
    declaration: TK1Declaration | TK3Declaration | None = None


#: form code -> (row element, row class) for the forms that are lists
ROW_FORMS = {"D02-TS": ("LaoDong", D02Row), "D03-TS": ("NguoiThamGia", D03Row)}
#: form code -> declaration class for the forms that are one declaration
DECLARATION_FORMS = {"TK1-TS": TK1Declaration, "TK3-TS": TK3Declaration}


def read_form(xml: bytes | etree._Element) -> Form:
    """Read a form. Pass the signed content of a validation report in code that acts on it."""
    root = xmlsafe.parse(xml) if isinstance(xml, bytes | bytearray) else xml
    if not isinstance(root.tag, str) or "}" in root.tag:
        raise DossierError(
            "FORM_NAMESPACE",
            "Phần tử gốc của tờ khai không được nằm trong namespace.",
            "The root element of a form must not be in a namespace.",
        )
    code = root.tag
    noi_dung = [c for c in root if c.tag == "NoiDung"]
    if len(noi_dung) > 1:
        raise DossierError(
            "DOSSIER_DUPLICATE_ELEMENT",
            f"Tờ khai {code} có {len(noi_dung)} phần tử <NoiDung>.",
            f"Form {code} has {len(noi_dung)} <NoiDung> elements.",
        )
    header: dict[str, str] = {}
    for child in root:
        if child.tag in ("NoiDung", FORM_SIGNATURE_PARENT) or not isinstance(child.tag, str):
            continue
        header.update(_text_fields(child) if len(child) else {child.tag: (child.text or "").strip()})
    body = noi_dung[0] if noi_dung else None
    if code in ROW_FORMS:
        tag, cls = ROW_FORMS[code]
        rows = tuple(
            _from_mapping(cls, _text_fields(el)) for el in (body.iter(tag) if body is not None else ())
        )
        return Form(code=code, header=header, rows=rows)
    if code in DECLARATION_FORMS:
        cls = DECLARATION_FORMS[code]
        values = _text_fields(body) if body is not None else {}
        return Form(code=code, header=header, declaration=_from_mapping(cls, values))
    return Form(code=code, header=header)


#: what a list form's rows are called on the printed form, for a list that has none
_ROWS_LABEL = {
    "D02-TS": ("Danh sách lao động", "List of employees"),
    "D03-TS": ("Danh sách người tham gia", "List of insured people"),
}


def check_form(form: Form, *, today: date) -> list[FieldProblem]:
    """Every field of ``form`` against its kind (rows of a list numbered from 1), a list's at least one
    row, and each row's months in order. Forms without stated fields (D01-TS, M01B-HSB…) give none."""
    if form.code in ROW_FORMS:
        if not form.rows:
            vi, en = _ROWS_LABEL[form.code]
            return [FieldProblem(form.code, None, FieldSpec(ROW_FORMS[form.code][0], vi, en, ROWS), "")]
        problems: list[FieldProblem] = []
        for number, row in enumerate(form.rows, start=1):
            found = check_record(row, form=form.code, row=number, today=today)
            problems.extend(found)
            if not found:
                problems.extend(_months_in_order(row, form.code, number))
        return problems
    if form.declaration is not None:
        return check_record(form.declaration, form=form.code, row=None, today=today)
    return []


def _months_in_order(row, form: str, number: int) -> list[FieldProblem]:
    start, end = parse_month(row.tu_thang), parse_month(row.den_thang)
    if start is None or end is None or end >= start:
        return []
    spec = dict(field_specs(type(row)))["den_thang"]
    return [
        FieldProblem(
            form, number, spec, row.den_thang.strip(),
            allowed_vi=f"tháng từ {row.tu_thang.strip()} (Từ tháng) trở về sau",
            allowed_en=f"a month not before {row.tu_thang.strip()} (the From month)",
        )
    ]  # fmt: skip


# --- builders (tests, benchmark, demo) -------------------------------------------------------------


def _add_fields(parent: etree._Element, obj) -> None:
    for tag, attr in xml_names(type(obj)).items():
        etree.SubElement(parent, tag).text = getattr(obj, attr)
    for tag, value in obj.extra.items():
        etree.SubElement(parent, tag).text = value


def _form_root(code: str, header: Mapping[str, str]) -> etree._Element:
    root = etree.Element(
        code,
        nsmap={"xsi": "http://www.w3.org/2001/XMLSchema-instance", "xsd": "http://www.w3.org/2001/XMLSchema"},
    )
    info = etree.SubElement(root, "ThongTinDonVi")
    for tag, value in header.items():
        etree.SubElement(info, tag).text = value
    return root


def build_d02(header: Mapping[str, str], rows: Iterable[D02Row]) -> bytes:
    """An unsigned D02-TS with an empty ``Cky``."""
    root = _form_root("D02-TS", header)
    body = etree.SubElement(root, "NoiDung")
    for row in rows:
        _add_fields(etree.SubElement(body, "LaoDong"), row)
    etree.SubElement(root, FORM_SIGNATURE_PARENT)
    return xmlsafe.serialize(root)


def build_tk1(header: Mapping[str, str], declaration: TK1Declaration) -> bytes:
    """An unsigned TK1-TS with an empty ``Cky``."""
    root = _form_root("TK1-TS", header)
    _add_fields(etree.SubElement(root, "NoiDung"), declaration)
    etree.SubElement(root, FORM_SIGNATURE_PARENT)
    return xmlsafe.serialize(root)


__all__ = [
    "DECLARATION_FORMS",
    "ROW_FORMS",
    "D02Row",
    "D03Row",
    "Form",
    "TK1Declaration",
    "TK3Declaration",
    "build_d02",
    "build_tk1",
    "check_form",
    "read_form",
]
