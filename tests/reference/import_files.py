"""Files for the import tests: valid tax codes, CSV as Excel writes it, XLSX through openpyxl."""

from __future__ import annotations

import io

from hoso.identifiers import tax_code_check_digit

UNIT_HEADERS = ["Mã đơn vị", "Mã số thuế", "Tên đơn vị", "Địa chỉ", "Thư điện tử", "Cơ quan BHXH quản lý"]


def tax_code(n: int) -> str:
    """The n-th valid tax code of a sequence in Hanoi's 01 range (different from the demo's)."""
    candidate = 3_000_000 + n * 11
    while (check := tax_code_check_digit(f"01{candidate:07d}")) is None:
        candidate += 1
    return f"01{candidate:07d}{check}"


def unit_rows(count: int, *, prefix: str = "ZN", office: str = "00101") -> list[list[str]]:
    return [
        [f"{prefix}{n:05d}", tax_code(n), f"Công ty TNHH Nhập Thử {n}", f"Số {n} phố Huế, Hà Nội",
         f"ketoan{n}@nhapthu.vn", office]
        for n in range(count)
    ]  # fmt: skip


def csv_bytes(
    rows: list[list[str]], *, headers=UNIT_HEADERS, bom=True, delimiter=",", encoding="utf-8"
) -> bytes:
    def quote(cell: str) -> str:
        return f'"{cell}"' if any(c in cell for c in (delimiter, '"', "\n")) else cell

    text = "\r\n".join(delimiter.join(quote(c) for c in row) for row in [headers, *rows]) + "\r\n"
    return (("\ufeff" if bom and encoding == "utf-8" else "") + text).encode(encoding)


def xlsx_bytes(rows: list[list[object]], *, headers=UNIT_HEADERS) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
