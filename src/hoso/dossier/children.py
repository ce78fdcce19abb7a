"""The under-6 health-card list of a commune People's Committee (form D03-TS, rows by household).

Pure: no Django. Each row is one child with what the district office needs to issue the card (TE1
card, valid until 72 months of age): name, date of birth, sex, birth-certificate number and date, the
parent or guardian, the household head and household number, the address codes (province, district,
commune, GSO) and the hospital registered for first care. Element names follow the style of the real
forms (``NoiDung/NguoiThamGia``); household fields are additional elements of the same row, so every
reader of D03-TS still reads the list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, fields

from lxml import etree

from hoso import xmlsafe
from hoso.dossier.envelope import FORM_SIGNATURE_PARENT, DossierError

FORM_CODE = "D03-TS"

#: element name -> attribute of :class:`Child`, in the order of the printed columns
CHILD_ELEMENTS = {
    "STT": "stt",
    "HoTen": "ho_ten",
    "NgaySinh": "ngay_sinh",
    "GioiTinh": "gioi_tinh",
    "SoGiayKhaiSinh": "so_giay_khai_sinh",
    "NgayCapGiayKhaiSinh": "ngay_cap_giay_khai_sinh",
    "HoTenChaMe": "ho_ten_cha_me",
    "ChuHo": "chu_ho",
    "MaHoGiaDinh": "ma_ho_gia_dinh",
    "DiaChi": "dia_chi",
    "MaTinh": "ma_tinh",
    "MaHuyen": "ma_huyen",
    "MaXa": "ma_xa",
    "MaTinhBenhVien": "ma_tinh_benh_vien",
    "MaBenhVien": "ma_benh_vien",
    "MasoBHXH": "ma_so_bhxh",
    "PA": "pa",
    "Ghichu": "ghi_chu",
}


@dataclass(frozen=True)
class Child:
    ho_ten: str
    ngay_sinh: str  # dd/mm/yyyy
    gioi_tinh: str  # 1 male, 0 female
    so_giay_khai_sinh: str = ""
    ngay_cap_giay_khai_sinh: str = ""
    ho_ten_cha_me: str = ""
    chu_ho: str = ""
    ma_ho_gia_dinh: str = ""
    dia_chi: str = ""
    ma_tinh: str = "01"
    ma_huyen: str = ""
    ma_xa: str = ""
    ma_tinh_benh_vien: str = "01"
    ma_benh_vien: str = ""
    ma_so_bhxh: str = ""  # given by the office when the card is issued
    pa: str = "TM"
    ghi_chu: str = ""
    stt: str = ""


def build_children_list(
    *,
    commune_code: str,
    commune_name: str,
    district_code: str = "",
    province_code: str = "01",
    children: Iterable[Child],
) -> bytes:
    """An unsigned D03-TS list (``Cky`` empty): signed by a commune that has a certificate, printed with
    barcodes by one that has none."""
    root = etree.Element(FORM_CODE)
    info = etree.SubElement(root, "ThongTinDonVi")
    for tag, value in (("MaXa", commune_code), ("TenDonVi", f"UBND {commune_name}"), ("MaHuyen", district_code),
                       ("MaTinh", province_code), ("LoaiDanhSach", "Cấp thẻ BHYT cho trẻ em dưới 6 tuổi")):  # fmt: skip
        etree.SubElement(info, tag).text = value
    body = etree.SubElement(root, "NoiDung")
    rows = list(children)
    if not rows:
        raise DossierError(
            "CHILDREN_LIST_EMPTY", "Danh sách trẻ em không có dòng nào.", "The list of children is empty."
        )
    for index, child in enumerate(rows, start=1):
        row = etree.SubElement(body, "NguoiThamGia")
        for tag, attr in CHILD_ELEMENTS.items():
            value = getattr(child, attr) or (str(index) if attr == "stt" else "")
            if attr == "ma_xa" and not value:
                value = commune_code
            etree.SubElement(row, tag).text = value
    etree.SubElement(root, FORM_SIGNATURE_PARENT)
    return xmlsafe.serialize(root)


def children_from_csv(text: str) -> list[Child]:
    """Children from a CSV whose header names the fields of :class:`Child` (ho_ten, ngay_sinh, ...)."""
    known = {f.name for f in fields(Child)}
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    unknown = sorted(set(reader.fieldnames or ()) - known)
    if unknown or not {"ho_ten", "ngay_sinh", "gioi_tinh"} <= set(reader.fieldnames or ()):
        raise DossierError(
            "CHILDREN_CSV_COLUMNS",
            f"Tệp CSV cần các cột ho_ten, ngay_sinh, gioi_tinh; cột không biết: {', '.join(unknown) or 'không'}.",
            f"The CSV needs the columns ho_ten, ngay_sinh, gioi_tinh; unknown columns: {', '.join(unknown) or 'none'}.",
        )
    return [Child(**{k: (v or "").strip() for k, v in row.items() if k in known}) for row in reader]
