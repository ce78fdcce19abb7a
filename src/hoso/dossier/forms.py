"""Readers (and, for tests and benchmarks, builders) of the XML forms carried in a dossier.

Element names follow DOMAIN.md §4 (mixed case is real: ``MasoBHXH``, ``Ghichu``, ``TyleDong``). The
layout around the rows is [assumed] until real D02-TS / TK1-TS / TK3-TS / D03-TS files are seen:
rows are read wherever they are below ``NoiDung``, unknown fields are kept in ``extra`` rather than
dropped, and the signature parent ``Cky`` is never read as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from hoso import xmlsafe
from hoso.dossier.envelope import FORM_SIGNATURE_PARENT, DossierError


def _text_fields(element: etree._Element) -> dict[str, str]:
    return {
        child.tag: (child.text or "").strip()
        for child in element
        if isinstance(child.tag, str) and len(child) == 0
    }


def _from_mapping(cls, mapping: Mapping[str, str], names: Mapping[str, str]):
    known = {attr: mapping.get(tag, "") for tag, attr in names.items()}
    extra = {tag: value for tag, value in mapping.items() if tag not in names}
    return cls(**known, extra=extra)


_D02_NAMES = {
    "STT": "stt",
    "HoTen": "ho_ten",
    "MasoBHXH": "ma_so_bhxh",
    "NgaySinh": "ngay_sinh",
    "GioiTinh": "gioi_tinh",
    "TienLuong": "tien_luong",
    "TuThang": "tu_thang",
    "DenThang": "den_thang",
    "PA": "pa",
    "TyleDong": "ty_le_dong",
    "CMND": "cmnd",
    "Ghichu": "ghi_chu",
}


@dataclass(frozen=True)
class D02Row:
    """One employee line of D02-TS (``NoiDung/LaoDong``)."""

    stt: str = ""
    ho_ten: str = ""
    ma_so_bhxh: str = ""
    ngay_sinh: str = ""
    gioi_tinh: str = ""
    tien_luong: str = ""
    tu_thang: str = ""
    den_thang: str = ""
    pa: str = ""
    ty_le_dong: str = ""
    cmnd: str = ""
    ghi_chu: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_D03_NAMES = {
    "STT": "stt",
    "HoTen": "ho_ten",
    "MasoBHXH": "ma_so_bhxh",
    "NgaySinh": "ngay_sinh",
    "GioiTinh": "gioi_tinh",
    "MaTinhBenhVien": "ma_tinh_benh_vien",
    "MaBenhVien": "ma_benh_vien",
    "TuThang": "tu_thang",
    "DenThang": "den_thang",
    "PA": "pa",
    "Ghichu": "ghi_chu",
}


@dataclass(frozen=True)
class D03Row:
    """One person of D03-TS (health insurance only, e.g. children under 6)."""

    stt: str = ""
    ho_ten: str = ""
    ma_so_bhxh: str = ""
    ngay_sinh: str = ""
    gioi_tinh: str = ""
    ma_tinh_benh_vien: str = ""
    ma_benh_vien: str = ""
    tu_thang: str = ""
    den_thang: str = ""
    pa: str = ""
    ghi_chu: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_TK1_NAMES = {
    "HoTen": "ho_ten",
    "NgaySinh": "ngay_sinh",
    "GioiTinh": "gioi_tinh",
    "QuocTich": "quoc_tich",
    "DanToc": "dan_toc",
    "Matinh_KS": "ma_tinh_ks",
    "Mahuyen_KS": "ma_huyen_ks",
    "Maxa_KS": "ma_xa_ks",
    "MasoBHXH": "ma_so_bhxh",
    "CMND": "cmnd",
    "Ten_ChaMe_Giamho": "ten_cha_me_giam_ho",
    "MaTinhBenhVien": "ma_tinh_benh_vien",
    "MaBenhVien": "ma_benh_vien",
}


@dataclass(frozen=True)
class TK1Declaration:
    """TK1-TS personal declaration."""

    ho_ten: str = ""
    ngay_sinh: str = ""
    gioi_tinh: str = ""
    quoc_tich: str = ""
    dan_toc: str = ""
    ma_tinh_ks: str = ""
    ma_huyen_ks: str = ""
    ma_xa_ks: str = ""
    ma_so_bhxh: str = ""
    cmnd: str = ""
    ten_cha_me_giam_ho: str = ""
    ma_tinh_benh_vien: str = ""
    ma_benh_vien: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_TK3_NAMES = {
    "TenDonVi": "ten_don_vi",
    "MaDonVi": "ma_don_vi",
    "MaSoThue": "ma_so_thue",
    "DiaChi": "dia_chi",
    "LoaiHinh": "loai_hinh",
    "DienThoai": "dien_thoai",
    "Email": "email",
}


@dataclass(frozen=True)
class TK3Declaration:
    """TK3-TS unit declaration [assumed field names beyond the unit code and tax code]."""

    ten_don_vi: str = ""
    ma_don_vi: str = ""
    ma_so_thue: str = ""
    dia_chi: str = ""
    loai_hinh: str = ""
    dien_thoai: str = ""
    email: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Form:
    """A read form: its code (the root element name), header fields, and rows or a declaration."""

    code: str
    header: dict[str, str] = field(default_factory=dict)
    rows: tuple = ()
    declaration: TK1Declaration | TK3Declaration | None = None


_ROW_FORMS = {"D02-TS": ("LaoDong", D02Row, _D02_NAMES), "D03-TS": ("NguoiThamGia", D03Row, _D03_NAMES)}
_DECL_FORMS = {"TK1-TS": (TK1Declaration, _TK1_NAMES), "TK3-TS": (TK3Declaration, _TK3_NAMES)}


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
    if code in _ROW_FORMS:
        tag, cls, names = _ROW_FORMS[code]
        rows = tuple(
            _from_mapping(cls, _text_fields(el), names) for el in (body.iter(tag) if body is not None else ())
        )
        return Form(code=code, header=header, rows=rows)
    if code in _DECL_FORMS:
        cls, names = _DECL_FORMS[code]
        values = _text_fields(body) if body is not None else {}
        return Form(code=code, header=header, declaration=_from_mapping(cls, values, names))
    return Form(code=code, header=header)


# --- builders (tests, benchmark, demo) -------------------------------------------------------------


def _add_fields(parent: etree._Element, obj, names: Mapping[str, str]) -> None:
    for tag, attr in names.items():
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
        _add_fields(etree.SubElement(body, "LaoDong"), row, _D02_NAMES)
    etree.SubElement(root, FORM_SIGNATURE_PARENT)
    return xmlsafe.serialize(root)


def build_tk1(header: Mapping[str, str], declaration: TK1Declaration) -> bytes:
    """An unsigned TK1-TS with an empty ``Cky``."""
    root = _form_root("TK1-TS", header)
    _add_fields(etree.SubElement(root, "NoiDung"), declaration, _TK1_NAMES)
    etree.SubElement(root, FORM_SIGNATURE_PARENT)
    return xmlsafe.serialize(root)


__all__ = [
    "D02Row",
    "D03Row",
    "Form",
    "TK1Declaration",
    "TK3Declaration",
    "build_d02",
    "build_tk1",
    "read_form",
]
