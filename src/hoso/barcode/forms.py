"""The readable part of the printed dossier: the envelope's forms as sections for the PDF.

Reads the envelope with the dossier package's public API (``parse_envelope``, ``read_form``) and
turns it into :mod:`hoso.barcode.sections` for :mod:`hoso.barcode.printing`, labelled in Vietnamese: the unit or commune,
the procedure and period, then each form (D02-TS and D03-TS as tables of people, TK1-TS and TK3-TS
as declarations, other XML forms by their header, attachments by name).
"""

from __future__ import annotations

import base64
import binascii

from hoso.barcode.sections import Fields, Paragraph, Section, Table
from hoso.dossier import parse_envelope, read_form
from hoso.errors import CodedError

_SEX = {"1": "Nam", "0": "Nữ"}


def _sex(value: str) -> str:
    return _SEX.get(value.strip(), value)


def _money(value: str) -> str:
    text = value.strip()
    if text.isdigit():
        return f"{int(text):,}".replace(",", ".")
    return text


# Form code -> (default title, columns as (header, relative width, row attribute)).
_TABLES: dict[str, tuple[str, tuple[tuple[str, float, str], ...]]] = {
    "D02-TS": (
        "Danh sách lao động tham gia BHXH, BHYT",
        (
            ("STT", 7, "stt"),
            ("Họ và tên", 30, "ho_ten"),
            ("Mã số BHXH", 17, "ma_so_bhxh"),
            ("Ngày sinh", 16, "ngay_sinh"),
            ("Giới tính", 9, "gioi_tinh"),
            ("Tiền lương", 15, "tien_luong"),
            ("Từ tháng", 13, "tu_thang"),
            ("Đến tháng", 13, "den_thang"),
            ("PA", 6, "pa"),
            ("Tỷ lệ", 7, "ty_le_dong"),
            ("Số CMND", 20, "cmnd"),
            ("Ghi chú", 27, "ghi_chu"),
        ),
    ),
    "D03-TS": (
        "Danh sách đề nghị cấp thẻ BHYT (trẻ em dưới 6 tuổi theo hộ gia đình)",
        (
            ("STT", 6, "stt"),
            ("Họ và tên trẻ", 28, "ho_ten"),
            ("Ngày sinh", 16, "ngay_sinh"),
            ("Giới tính", 9, "gioi_tinh"),
            ("Số, ngày giấy khai sinh", 26, "giay_khai_sinh"),
            ("Cha, mẹ / người giám hộ", 26, "HoTenChaMe"),
            ("Chủ hộ (mã hộ)", 26, "chu_ho"),
            ("Mã tỉnh/huyện/xã", 20, "dia_ban"),
            ("Nơi KCB", 12, "benh_vien"),
            ("Mã số BHXH", 17, "ma_so_bhxh"),
        ),
    ),
}


def _extra(row, tag: str) -> str:  # noqa: ANN001
    return (getattr(row, "extra", None) or {}).get(tag, "")


def _cell(row, attr: str, number: int) -> str:  # noqa: ANN001
    if attr == "giay_khai_sinh":
        return " ".join(v for v in (_extra(row, "SoGiayKhaiSinh"), _extra(row, "NgayCapGiayKhaiSinh")) if v)
    if attr == "chu_ho":
        household = _extra(row, "MaHoGiaDinh")
        return _extra(row, "ChuHo") + (f" ({household})" if household else "")
    if attr == "dia_ban":
        return "/".join(v for v in (_extra(row, "MaTinh"), _extra(row, "MaHuyen"), _extra(row, "MaXa")) if v)
    if attr == "benh_vien":
        return "/".join(v for v in (row.ma_tinh_benh_vien, row.ma_benh_vien) if v)
    if attr[:1].isupper():
        return _extra(row, attr)
    value = getattr(row, attr, "") or ""
    if attr == "stt":
        return value or str(number)
    if attr == "gioi_tinh":
        return _sex(value)
    if attr == "tien_luong":
        return _money(value)
    return value


def envelope_sections(envelope: bytes) -> list[Section]:
    """Sections for the envelope; a note instead when it cannot be read (the barcodes still carry it)."""
    try:
        hoso = parse_envelope(envelope)
    except (CodedError, ValueError) as exc:
        reason = exc.message_vi if isinstance(exc, CodedError) else str(exc)
        return [
            Paragraph(
                f"Không trình bày được nội dung hồ sơ ({reason}). Toàn bộ dữ liệu nằm trong các mã vạch.",
                size=9,
            )
        ]
    unit, info = hoso.unit, hoso.info
    commune = unit.loai_doi_tuong.strip() not in ("", "1")
    sections: list[Section] = [
        Fields(
            "Thông tin xã / phường" if commune else "Thông tin đơn vị",
            (
                ("Tên", unit.ten_doi_tuong),
                ("Mã đơn vị / mã xã", unit.ma_so_bhxh),
                ("Mã số thuế", unit.ma_so_thue),
                ("Cơ quan BHXH quản lý", unit.co_quan_quan_ly),
                ("Người lập / người ký", unit.nguoi_ky),
                ("Điện thoại", unit.dien_thoai),
            ),
        ),
        Fields(
            "Thông tin hồ sơ",
            (
                ("Thủ tục", " — ".join(x for x in (info.ma_thu_tuc, info.ten_thu_tuc) if x)),
                ("Kỳ kê khai", info.ky_ke_khai),
                ("Ngày lập", info.ngay_lap),
                ("Số tệp", str(len(info.files))),
            ),
        ),
    ]
    for number, item in enumerate(info.files, start=1):
        sections.extend(_file_sections(number, item))
    return sections


def _file_sections(number: int, item) -> list[Section]:  # noqa: ANN001
    code = item.ma_to_khai or "Tệp"
    if not item.is_xml:
        return [
            Paragraph(
                f"{number}. {code}: tệp đính kèm {item.ten_file} ({item.loai_file}), xem bản giấy kèm theo.",
                size=9,
            )
        ]
    try:
        content = base64.b64decode(item.noi_dung_file, validate=True)
        form = read_form(content)
    except (binascii.Error, ValueError, CodedError):
        return [
            Paragraph(
                f"{number}. {code}: không đọc được tờ khai {item.ten_file}; dữ liệu nằm trong mã vạch.",
                size=9,
            )
        ]

    def title(default: str) -> str:
        return f"{number}. {form.code} — {item.mo_ta_to_khai or default}"

    if form.code in _TABLES:
        label, columns = _TABLES[form.code]
        return [
            Table(
                f"{title(label)} ({len(form.rows)} người)",
                tuple(header for header, _, _ in columns),
                tuple(
                    tuple(_cell(row, attr, k) for _, _, attr in columns)
                    for k, row in enumerate(form.rows, start=1)
                ),
                tuple(width for _, width, _ in columns),
            )
        ]
    if form.code == "TK1-TS":
        d = form.declaration
        return [
            Fields(
                title("Tờ khai tham gia BHXH, BHYT"),
                (
                    ("Họ và tên", d.ho_ten),
                    ("Ngày sinh", d.ngay_sinh),
                    ("Giới tính", _sex(d.gioi_tinh)),
                    ("Quốc tịch", d.quoc_tich),
                    ("Dân tộc", d.dan_toc),
                    (
                        "Nơi đăng ký khai sinh",
                        " / ".join(x for x in (d.ma_xa_ks, d.ma_huyen_ks, d.ma_tinh_ks) if x),
                    ),
                    ("Mã số BHXH", d.ma_so_bhxh),
                    ("Số CMND / CCCD", d.cmnd),
                    ("Cha, mẹ hoặc người giám hộ", d.ten_cha_me_giam_ho),
                    ("Nơi KCB ban đầu", " / ".join(x for x in (d.ma_tinh_benh_vien, d.ma_benh_vien) if x)),
                ),
            )
        ]
    if form.code == "TK3-TS":
        d = form.declaration
        return [
            Fields(
                title("Tờ khai đơn vị tham gia BHXH, BHYT"),
                (
                    ("Tên đơn vị", d.ten_don_vi),
                    ("Mã đơn vị", d.ma_don_vi),
                    ("Mã số thuế", d.ma_so_thue),
                    ("Địa chỉ", d.dia_chi),
                    ("Loại hình", d.loai_hinh),
                    ("Điện thoại", d.dien_thoai),
                    ("Email", d.email),
                ),
            )
        ]
    pairs = tuple((key, value) for key, value in form.header.items() if value)[:20]
    rows = f"; {len(form.rows)} dòng" if form.rows else ""
    return [Fields(f"{title('Tờ khai')}{rows}: nội dung đầy đủ nằm trong mã vạch", pairs)]
