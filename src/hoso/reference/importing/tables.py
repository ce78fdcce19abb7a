"""Reading a spreadsheet someone made: CSV (UTF-8 with or without BOM, UTF-16 "Unicode text", comma,
semicolon or tab — Excel in a Vietnamese locale separates with ";") or XLSX (the first sheet).

Pure (no Django). Every cell comes back as text, stripped and in NFC (a name typed on a Mac arrives
decomposed); a cell Excel kept as a number is a :class:`NumberText`, so that a code whose leading zeros
Excel dropped can be told apart — and said — instead of being silently padded.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from hoso.errors import CodedError

MAX_ROWS = 500_000

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the Excel 97–2003 (.xls) container
_DELIMITERS = (",", ";", "\t")


class TableError(CodedError):
    """A file that cannot be read as a table at all (rather than one with bad rows)."""


class NumberText(str):
    """The text of a cell that the spreadsheet stored as a number (leading zeros already lost)."""

    __slots__ = ()


@dataclass
class Table:
    #: the header row as typed, one entry per column
    headers: list[str]
    #: (row number in the spreadsheet — the header's row + n —, the cells), empty rows left out
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    header_line: int = 1
    format: str = "csv"


def clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def read_table(data: bytes, file_name: str = "") -> Table:
    """The table in ``data``; :class:`TableError` when it holds none we can read."""
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_XLS_MAGIC) or file_name.lower().endswith(".xls"):
        raise TableError(
            "IMPORT_FILE_XLS",
            "Tệp Excel 97–2003 (.xls) không được hỗ trợ: trong Excel chọn Lưu thành → Sổ làm việc Excel (.xlsx) "
            "hoặc CSV UTF-8, rồi tải lại.",
            "Excel 97–2003 files (.xls) are not supported: in Excel use Save As → Excel Workbook (.xlsx) or "
            "CSV UTF-8, then upload again.",
        )
    return _read_csv(_decode(data))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"  # strips a BOM when there is one
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise TableError(
            "IMPORT_FILE_ENCODING",
            "Tệp CSV không ở bảng mã UTF-8 nên chữ tiếng Việt sẽ bị sai: trong Excel chọn Lưu thành → "
            "CSV UTF-8 (phân cách bằng dấu phẩy), hoặc tải lên tệp .xlsx.",
            "The CSV file is not UTF-8, so Vietnamese letters would be wrong: in Excel use Save As → "
            "CSV UTF-8 (Comma delimited), or upload the .xlsx file.",
        ) from None


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _read_csv(text: str) -> Table:
    if "\x00" in text:
        raise _not_a_table()
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        return _table(enumerate(reader, start=1))  # a row of the sheet, as Excel numbers it
    except csv.Error:
        raise _not_a_table() from None


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _not_a_table() from None
    try:
        sheet = book.worksheets[0]
        rows = (
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        table = _table(rows)
    finally:
        book.close()
    table.format = "xlsx"
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return NumberText(str(value))
    if isinstance(value, float):
        return NumberText(str(int(value)) if value.is_integer() else repr(value))
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return clean(str(value))


def _table(rows) -> Table:
    """The first non-empty row is the header; later empty rows (Excel leaves many) are skipped."""
    table = None
    for number, cells in rows:
        cells = [cell if isinstance(cell, NumberText) else clean(cell) for cell in cells]
        if not any(cells):
            continue
        if table is None:
            table = Table(headers=cells, header_line=number)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise TableError(
                "IMPORT_FILE_TOO_MANY_ROWS",
                f"Tệp có hơn {MAX_ROWS:,} dòng: chia thành nhiều tệp rồi nhập lần lượt.".replace(",", "."),
                f"The file has more than {MAX_ROWS:,} rows: split it and import the parts one by one.",
            )
        table.rows.append((number, cells))
    if table is None:
        raise TableError(
            "IMPORT_FILE_EMPTY",
            "Tệp không có dữ liệu: dòng đầu tiên phải là tên cột, các dòng sau là dữ liệu.",
            "The file holds no data: the first row names the columns, the rows below hold the data.",
        )
    return table


def _not_a_table() -> TableError:
    return TableError(
        "IMPORT_FILE_UNREADABLE",
        "Không đọc được tệp: chỉ nhận tệp CSV (UTF-8) hoặc Excel .xlsx.",
        "The file cannot be read: only CSV (UTF-8) and Excel .xlsx files are accepted.",
    )
