"""The envelope ``Hoso`` (file ``BHXHDienTu.xml``): parse to dataclasses, check, build.

Element names are exactly those of real I-VAN files (DOMAIN.md §4), mixed case included.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree

from hoso import xmlsafe
from hoso.errors import CodedError

ENVELOPE_ROOT = "Hoso"
ENVELOPE_SIGNATURE_PARENT = "CKy_Dvi"
FORM_SIGNATURE_PARENT = "Cky"

_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XSD = "http://www.w3.org/2001/XMLSchema"


class DossierError(CodedError):
    """The envelope or a form is not in the expected shape."""


@dataclass(frozen=True)
class Problem:
    """A finding of :func:`check_envelope`; ``index`` is the 0-based FileToKhai it concerns, if any."""

    code: str
    message: str
    message_en: str
    index: int | None = None


@dataclass(frozen=True)
class IvanInfo:
    ma_ivan: str = ""
    ten_ivan: str = ""


@dataclass(frozen=True)
class UnitInfo:
    ten_doi_tuong: str = ""
    ma_so_bhxh: str = ""
    loai_doi_tuong: str = ""
    ma_so_thue: str = ""
    nguoi_ky: str = ""
    dien_thoai: str = ""
    co_quan_quan_ly: str = ""


@dataclass(frozen=True)
class FileToKhai:
    """One file carried by the envelope: an XML form or an attachment, base64 in ``NoiDungFile``."""

    ma_to_khai: str = ""
    mo_ta_to_khai: str = ""
    ten_file: str = ""
    loai_file: str = ""
    do_dai_file: str = ""
    noi_dung_file: str = field(default="", repr=False)

    @property
    def is_xml(self) -> bool:
        return self.loai_file.strip().lower() in {".xml", "xml"}

    @property
    def declared_length(self) -> int | None:
        text = self.do_dai_file.strip()
        return int(text) if text.isdigit() else None

    @property
    def base64_length(self) -> int:
        return len(self.noi_dung_file)

    def content(self) -> bytes:
        """The decoded file. Raises :class:`DossierError` ``DOSSIER_BASE64`` if it is not base64."""
        return self._decoded

    @cached_property
    def _decoded(self) -> bytes:
        try:
            return base64.b64decode(self.noi_dung_file, validate=True)
        except (binascii.Error, ValueError):
            pass
        try:  # line-wrapped base64 (whitespace is allowed, nothing else)
            return base64.b64decode("".join(self.noi_dung_file.split()), validate=True)
        except (binascii.Error, ValueError):
            raise DossierError(
                "DOSSIER_BASE64",
                f"Nội dung tệp {self.ten_file!r} không phải base64 hợp lệ.",
                f"The content of file {self.ten_file!r} is not valid base64.",
            ) from None


@dataclass(frozen=True)
class HosoInfo:
    ten_thu_tuc: str = ""
    ma_thu_tuc: str = ""
    ky_ke_khai: str = ""
    ngay_lap: str = ""
    so_luong_file: str = ""
    quy_trinh_iso: str = ""
    files: tuple[FileToKhai, ...] = ()


@dataclass(frozen=True)
class Hoso:
    """A parsed envelope. ``signed`` tells whether ``CKy_Dvi`` holds anything (not whether it is valid)."""

    ivan: IvanInfo
    unit: UnitInfo
    info: HosoInfo
    signed: bool = False


_IVAN_FIELDS = {"MaIVAN": "ma_ivan", "TenIVAN": "ten_ivan"}
_UNIT_FIELDS = {
    "TenDoiTuong": "ten_doi_tuong",
    "MaSoBHXH": "ma_so_bhxh",
    "LoaiDoiTuong": "loai_doi_tuong",
    "MaSoThue": "ma_so_thue",
    "NguoiKy": "nguoi_ky",
    "DienThoai": "dien_thoai",
    "CoQuanQuanLy": "co_quan_quan_ly",
}
_INFO_FIELDS = {
    "TenThuTuc": "ten_thu_tuc",
    "MaThuTuc": "ma_thu_tuc",
    "KyKeKhai": "ky_ke_khai",
    "NgayLap": "ngay_lap",
    "SoLuongFile": "so_luong_file",
    "QuyTrinhISO": "quy_trinh_iso",
}
_FILE_FIELDS = {
    "MaToKhai": "ma_to_khai",
    "MoTaToKhai": "mo_ta_to_khai",
    "TenFile": "ten_file",
    "LoaiFile": "loai_file",
    "DoDaiFile": "do_dai_file",
    "NoiDungFile": "noi_dung_file",
}


def _root(xml: bytes | etree._Element) -> etree._Element:
    return xmlsafe.parse(xml) if isinstance(xml, bytes | bytearray) else xml


def _only_child(parent: etree._Element, name: str, *, required: bool) -> etree._Element | None:
    found = [c for c in parent if c.tag == name]
    if len(found) > 1:
        raise DossierError(
            "DOSSIER_DUPLICATE_ELEMENT",
            f"Phần tử <{name}> xuất hiện {len(found)} lần trong <{parent.tag}>.",
            f"Element <{name}> occurs {len(found)} times in <{parent.tag}>.",
            element=name,
        )
    if not found and required:
        raise DossierError(
            "DOSSIER_MISSING_ELEMENT",
            f"Thiếu phần tử <{name}> trong <{parent.tag}>.",
            f"Element <{name}> is missing from <{parent.tag}>.",
            element=name,
        )
    return found[0] if found else None


def _fields(parent: etree._Element | None, mapping: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    if parent is None:
        return values
    for tag, attr in mapping.items():
        child = _only_child(parent, tag, required=False)
        if child is not None:
            values[attr] = (child.text or "").strip() if attr != "noi_dung_file" else (child.text or "")
    return values


def is_envelope(root: etree._Element) -> bool:
    return root.tag == ENVELOPE_ROOT


def parse_envelope(xml: bytes | etree._Element) -> Hoso:
    """Parse an envelope (bytes through the hardened parser, or an already-parsed root element).

    Pass the *signed content* from a validation report, never the raw tree, in code that acts on it.
    """
    root = _root(xml)
    if root.tag != ENVELOPE_ROOT:
        raise DossierError(
            "DOSSIER_NOT_ENVELOPE",
            f"Phần tử gốc là <{root.tag}>, không phải <Hoso>.",
            f"The root element is <{root.tag}>, not <Hoso>.",
        )
    noi_dung = _only_child(root, "NoiDung", required=True)
    ivan = _only_child(noi_dung, "ThongTinIVAN", required=True)
    unit = _only_child(noi_dung, "ThongTinDonVi", required=True)
    info = _only_child(noi_dung, "ThongTinHoSo", required=True)
    files: list[FileToKhai] = []
    to_khais = _only_child(info, "ToKhais", required=False)
    if to_khais is not None:
        for child in to_khais:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "FileToKhai":
                raise DossierError(
                    "DOSSIER_UNEXPECTED_ELEMENT",
                    f"Phần tử lạ <{child.tag}> trong <ToKhais>.",
                    f"Unexpected element <{child.tag}> in <ToKhais>.",
                )
            files.append(FileToKhai(**_fields(child, _FILE_FIELDS)))
    cky = _only_child(root, ENVELOPE_SIGNATURE_PARENT, required=False)
    return Hoso(
        ivan=IvanInfo(**_fields(ivan, _IVAN_FIELDS)),
        unit=UnitInfo(**_fields(unit, _UNIT_FIELDS)),
        info=HosoInfo(**_fields(info, _INFO_FIELDS), files=tuple(files)),
        signed=cky is not None and len(cky) > 0,
    )


def check_envelope(hoso: Hoso) -> list[Problem]:
    """Declared lengths and counts against what is actually there."""
    problems: list[Problem] = []
    declared_count = hoso.info.so_luong_file.strip()
    if declared_count and (not declared_count.isdigit() or int(declared_count) != len(hoso.info.files)):
        problems.append(
            Problem(
                "DOSSIER_FILE_COUNT",
                f"Số lượng tệp khai báo ({declared_count}) khác số tệp thực có ({len(hoso.info.files)}).",
                f"Declared file count ({declared_count}) differs from the files present "
                f"({len(hoso.info.files)}).",
            )
        )
    for index, item in enumerate(hoso.info.files):
        declared = item.declared_length
        if declared is None:
            problems.append(
                Problem(
                    "DOSSIER_LENGTH_MISSING",
                    f"Tệp {item.ten_file!r}: thiếu hoặc sai độ dài khai báo (DoDaiFile).",
                    f"File {item.ten_file!r}: declared length (DoDaiFile) missing or not a number.",
                    index,
                )
            )
        elif declared != item.base64_length:
            problems.append(
                Problem(
                    "DOSSIER_LENGTH_MISMATCH",
                    f"Tệp {item.ten_file!r}: độ dài khai báo {declared} khác độ dài thực "
                    f"{item.base64_length}.",
                    f"File {item.ten_file!r}: declared length {declared} differs from the actual "
                    f"length {item.base64_length}.",
                    index,
                )
            )
        try:
            item.content()
        except DossierError as exc:
            problems.append(Problem(exc.code, exc.message_vi, exc.message_en, index))
    return problems


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


@dataclass(frozen=True)
class EnvelopeFile:
    """Input to :func:`build_envelope`: one file to carry."""

    name: str
    content: bytes
    form_code: str
    description: str = ""

    @property
    def extension(self) -> str:
        dot = self.name.rfind(".")
        return self.name[dot:].lower() if dot >= 0 else ""


def build_envelope(
    *,
    ivan: IvanInfo,
    unit: UnitInfo,
    procedure_code: str,
    procedure_name: str = "",
    period: str,
    created: str,
    files: Iterable[EnvelopeFile],
    iso_process: str = "",
) -> bytes:
    """Build an unsigned envelope with an empty ``CKy_Dvi`` for the signer.

    ``period`` is ``MM/yyyy``; ``created`` is ``dd/MM/yyyy``. XML forms must be signed before.
    """
    if not re.fullmatch(r"(0[1-9]|1[0-2])/\d{4}", period):
        raise DossierError(
            "DOSSIER_PERIOD",
            f"Kỳ kê khai {period!r} không đúng dạng MM/YYYY.",
            f"Period {period!r} is not MM/YYYY.",
        )
    files = list(files)
    root = etree.Element(ENVELOPE_ROOT, nsmap={"xsi": _XSI, "xsd": _XSD})
    noi_dung = _sub(root, "NoiDung")
    ivan_el = _sub(noi_dung, "ThongTinIVAN")
    for tag, attr in _IVAN_FIELDS.items():
        _sub(ivan_el, tag, getattr(ivan, attr))
    unit_el = _sub(noi_dung, "ThongTinDonVi")
    for tag, attr in _UNIT_FIELDS.items():
        _sub(unit_el, tag, getattr(unit, attr))
    info = _sub(noi_dung, "ThongTinHoSo")
    _sub(info, "TenThuTuc", procedure_name)
    _sub(info, "MaThuTuc", procedure_code)
    _sub(info, "KyKeKhai", period)
    _sub(info, "NgayLap", created)
    _sub(info, "SoLuongFile", str(len(files)))
    _sub(info, "QuyTrinhISO", iso_process)
    to_khais = _sub(info, "ToKhais")
    for item in files:
        encoded = base64.b64encode(item.content).decode("ascii")
        el = _sub(to_khais, "FileToKhai")
        _sub(el, "MaToKhai", item.form_code)
        _sub(el, "MoTaToKhai", item.description)
        _sub(el, "TenFile", item.name)
        _sub(el, "LoaiFile", item.extension)
        _sub(el, "DoDaiFile", str(len(encoded)))
        _sub(el, "NoiDungFile", encoded)
    _sub(root, ENVELOPE_SIGNATURE_PARENT)
    return xmlsafe.serialize(root)
