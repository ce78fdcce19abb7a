"""The codes of identifier formats, declared once for the code catalogue (:mod:`hoso.codes`)."""

from __future__ import annotations

from hoso.codes import QD_08_2015, Code, declare

QCVN_102 = "QCVN 102:2016/BTTTT (cấu trúc mã định danh và định dạng dữ liệu gói tin)"
TT_01_2018 = "Thông tư 01/2018/TT-VPCP hướng dẫn thi hành Nghị định 61/2018/NĐ-CP (mã hồ sơ)"
TT_105_2020 = "Thông tư 105/2020/TT-BTC, Điều 5 (cấu trúc mã số thuế)"
_CHECK = (
    "Đối chiếu với giấy tờ gốc (giấy chứng nhận đăng ký, sổ BHXH, thẻ BHYT, thông báo tiếp nhận) và ghi lại cho "
    "đúng.",
    "Compare with the original document (registration certificate, social-insurance book, health card, receipt) "
    "and write it again correctly.",
)


def _id(code: str, vi: str, en: str, basis: str = QD_08_2015) -> Code:
    return Code(code, vi, en, basis, *_CHECK)


CODES = (
    _id(
        "ID_TAX_CODE_FORMAT",
        "Mã số thuế phải gồm 10 chữ số (chi nhánh thêm -NNN).",
        "A tax code has 10 digits (a branch adds -NNN).",
        TT_105_2020,
    ),  # fmt: skip
    _id(
        "ID_TAX_CODE_CHECK",
        "Mã số thuế sai chữ số kiểm tra.",
        "The tax code has a wrong check digit.",
        TT_105_2020,
    ),
    _id(
        "ID_TAX_CODE_BRANCH",
        "Mã số thuế chi nhánh không được có đuôi -000.",
        "A branch suffix cannot be 000.",
        TT_105_2020,
    ),  # fmt: skip
    _id(
        "ID_UNIT_CODE_FORMAT",
        "Mã đơn vị phải gồm đúng 7 ký tự chữ hoặc số (ví dụ TA0100A).",
        "A unit code has exactly 7 letters or digits (e.g. TA0100A).",
    ),  # fmt: skip
    _id(
        "ID_OFFICE_CODE_FORMAT",
        "Mã cơ quan BHXH gồm 3 chữ số (tỉnh) hoặc 5 chữ số (huyện).",
        "An office code has 3 digits (province) or 5 digits (district).",
    ),  # fmt: skip
    _id(
        "ID_SI_NUMBER_FORMAT",
        "Mã số BHXH phải gồm đúng 10 chữ số.",
        "A social-insurance number has exactly 10 digits.",
    ),
    _id(
        "ID_DOSSIER_NUMBER_FORMAT",
        "Số hồ sơ có dạng NNNNN/NNNN/mã cơ quan, ví dụ 03706/2026/00105.",
        "A dossier number reads NNNNN/YYYY/office, e.g. 03706/2026/00105.",
    ),  # fmt: skip
    _id(
        "ID_DOSSIER_SEQUENCE_RANGE",
        "Số thứ tự hồ sơ phải từ 1 đến 99999.",
        "A dossier sequence is from 1 to 99999.",
    ),
    _id("ID_DOSSIER_YEAR", "Năm của số hồ sơ phải có 4 chữ số.", "A dossier year has 4 digits."),
    _id(
        "ID_HEALTH_CARD_FORMAT",
        "Mã thẻ BHYT gồm 15 ký tự: 2 chữ cái nhóm, mức hưởng 1–5, 2 số mã tỉnh, 10 số mã số BHXH.",
        "A health-card code has 15 characters: 2-letter group, level 1–5, 2-digit province, 10-digit number.",
    ),  # fmt: skip
    _id(
        "ID_HEALTH_CARD_LEVEL",
        "Thẻ BHYT trẻ em dưới 6 tuổi (TE) có mức hưởng 1.",
        "A child-under-6 card (TE) has benefit level 1.",
    ),  # fmt: skip
    Code(
        "ID_AGENCY_CODE_FORMAT",
        "Mã định danh cơ quan phải có dạng 000.00.01.H22 theo QCVN 102:2016/BTTTT.",
        "An agency identifier code has the shape 000.00.01.H22 (QCVN 102:2016/BTTTT).",
        QCVN_102,
        "Lấy mã định danh của cơ quan BHXH trong danh mục mã định danh của tỉnh, thành phố rồi ghi lại.",
        "Take the office's code from the province's list of agency identifier codes and write it again.",
        audience="desk",
    ),
    Code(
        "ID_NATIONAL_CODE_TEMPLATE",
        "Mẫu mã hồ sơ quốc gia phải có {seq}, năm ({yyyy} hoặc {yy}) và {agency} hoặc {office}; chỉ dùng chữ, số "
        "và . - _ / giữa các trường.",
        "A national dossier code layout needs {seq}, the year ({yyyy} or {yy}) and {agency} or {office}; only "
        "letters, digits and . - _ / between the fields.",
        TT_01_2018,
        "Sửa mẫu theo hướng dẫn của Cổng dịch vụ công quốc gia, ví dụ {agency}-{yy}{mm}{dd}-{seq:4}.",
        "Correct the layout as the national public-service portal prescribes, e.g. {agency}-{yy}{mm}{dd}-{seq:4}.",
        audience="desk",
    ),
)

declare("identifiers", *CODES)
