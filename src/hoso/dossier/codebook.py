"""The codes of the envelope's and the forms' shape and content, declared once for the code catalogue
(:mod:`hoso.codes`). A refusal's own text names the file, the row, the field and the value."""

from __future__ import annotations

from hoso.codes import QD_08_2015, QD_595_2017, QD_959_2015, Code, declare

BASIS_ENVELOPE = f"{QD_08_2015}; cấu trúc tệp hồ sơ điện tử BHXHDienTu.xml"
BASIS_FORM_FIELDS = f"{QD_595_2017}; {QD_959_2015} cho hồ sơ trước 01/7/2017"
_FIX_SOFTWARE = (
    "Lập lại tệp hồ sơ bằng phần mềm kê khai (báo nhà cung cấp phần mềm hoặc tổ chức I-VAN nếu phần mềm tạo sai), "
    "ký lại rồi gửi tệp mới.",
    "Make the dossier file again with the filing software (report it to the software's or the I-VAN's provider "
    "if the software made it wrong), sign it again and send the new file.",
)
_FIX_FIELDS = (
    "Sửa các trường nêu trong lý do theo đúng mẫu tờ khai trong phần mềm kê khai, ký lại tờ khai và hồ sơ rồi "
    "nộp lại.",
    "Correct the fields the reason lists as the form defines them in the filing software, sign the form and the "
    "dossier again and file them again.",
)


def _envelope(code: str, vi: str, en: str) -> Code:
    return Code(code, vi, en, BASIS_ENVELOPE, *_FIX_SOFTWARE)


CODES = (
    _envelope(
        "DOSSIER_NOT_ENVELOPE",
        "Phần tử gốc của tệp không phải <Hoso>.",
        "The file's root element is not <Hoso>.",
    ),
    _envelope(
        "DOSSIER_MISSING_ELEMENT",
        "Thiếu một phần tử bắt buộc của hồ sơ điện tử.",
        "A required element of the envelope is missing.",
    ),  # fmt: skip
    _envelope(
        "DOSSIER_DUPLICATE_ELEMENT",
        "Một phần tử chỉ được có một lần lại xuất hiện nhiều lần.",
        "An element that may occur once occurs several times.",
    ),  # fmt: skip
    _envelope(
        "DOSSIER_UNEXPECTED_ELEMENT",
        "Phần tử lạ trong danh sách tệp <ToKhais>.",
        "An unexpected element in the list of files <ToKhais>.",
    ),  # fmt: skip
    _envelope(
        "DOSSIER_FILE_COUNT",
        "Số lượng tệp khai báo (SoLuongFile) khác số tệp thực có.",
        "The declared file count (SoLuongFile) differs from the files present.",
    ),  # fmt: skip
    _envelope(
        "DOSSIER_LENGTH_MISSING",
        "Một tệp thiếu hoặc sai độ dài khai báo (DoDaiFile).",
        "A file's declared length (DoDaiFile) is missing or not a number.",
    ),  # fmt: skip
    _envelope(
        "DOSSIER_LENGTH_MISMATCH",
        "Độ dài khai báo của một tệp khác độ dài thực.",
        "A file's declared length differs from its actual length.",
    ),  # fmt: skip
    _envelope(
        "DOSSIER_BASE64",
        "Nội dung một tệp (NoiDungFile) không phải base64 hợp lệ.",
        "A file's content (NoiDungFile) is not valid base64.",
    ),  # fmt: skip
    _envelope("DOSSIER_PERIOD", "Kỳ kê khai không đúng dạng MM/YYYY.", "The period is not MM/YYYY."),
    _envelope("DOSSIER_TOO_MANY_FILES", "Hồ sơ mang quá nhiều tệp.", "The dossier carries too many files."),
    _envelope(
        "FORM_NAMESPACE",
        "Phần tử gốc của tờ khai không được nằm trong namespace.",
        "The root element of a form must not be in a namespace.",
    ),  # fmt: skip
    Code(
        "FORM_ROW_INVALID",
        "Một trường của một dòng trong danh sách không đúng mẫu: lý do nêu dòng, tên trường, giá trị và giá trị "
        "được phép.",
        "A field of a row of a list is not as the form defines it: the reason gives the row, the field, the value "
        "and what is allowed.",
        BASIS_FORM_FIELDS,
        *_FIX_FIELDS,
    ),  # fmt: skip
    Code(
        "FORM_FIELD_INVALID",
        "Một trường của tờ khai không đúng mẫu: lý do nêu tên trường, giá trị và giá trị được phép.",
        "A field of a declaration is not as the form defines it: the reason gives the field, the value and "
        "what is allowed.",
        BASIS_FORM_FIELDS,
        *_FIX_FIELDS,
    ),  # fmt: skip
    Code(
        "FORM_NO_ROWS",
        "Danh sách (D02-TS, D03-TS) không có dòng nào.",
        "A list (D02-TS, D03-TS) has no row.",
        BASIS_FORM_FIELDS,
        "Kê khai ít nhất một người trong danh sách, ký lại tờ khai và hồ sơ rồi nộp lại.",
        "Declare at least one person in the list, sign the form and the dossier again and file them again.",
    ),  # fmt: skip
    Code(
        "CHILDREN_LIST_EMPTY",
        "Danh sách trẻ em không có dòng nào.",
        "The list of children is empty.",
        BASIS_FORM_FIELDS,
        "Thêm ít nhất một trẻ vào danh sách rồi lập lại.",
        "Add at least one child to the list and make it again.",
        audience="desk",
    ),  # fmt: skip
    Code(
        "CHILDREN_CSV_COLUMNS",
        "Tệp CSV danh sách trẻ em thiếu cột bắt buộc hoặc có cột không biết.",
        "The CSV list of children lacks a required column or has an unknown one.",
        BASIS_FORM_FIELDS,
        "Dùng dòng tiêu đề ho_ten, ngay_sinh, gioi_tinh (và các cột tuỳ chọn của mẫu) rồi tải lại tệp.",
        "Use the header ho_ten, ngay_sinh, gioi_tinh (and the template's optional columns) and load the file again.",
        audience="desk",
    ),  # fmt: skip
)

declare("dossier", *CODES)
