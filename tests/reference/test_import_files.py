"""The files people actually make (issue 21, item 6): CSV from Excel — UTF-8 with or without BOM, ';' of
a Vietnamese locale, UTF-16 text, decomposed accents —, XLSX (codes kept as numbers lose their zeros and
are said so), English or code headers; files that are no table are refused with a reason."""

from __future__ import annotations

import unicodedata

import pytest

from hoso.reference.importing import kinds
from hoso.reference.importing.engine import run_import
from hoso.reference.importing.tables import read_table
from tests.reference.import_files import csv_bytes, unit_rows, xlsx_bytes

pytestmark = pytest.mark.django_db
UNITS = kinds()["units"]


@pytest.mark.parametrize(
    "options",
    [
        {"bom": True},
        {"bom": False},
        {"delimiter": ";"},
        {"delimiter": "\t", "encoding": "utf-16", "bom": False},
    ],
    ids=["utf8-bom", "utf8", "semicolon", "utf16-tab"],
)
def test_csv_as_excel_saves_it(reference_data, options):
    rows = unit_rows(3)
    rows[0][2] = "Công ty Cổ phần Sông Đà, chi nhánh Hà Nội"  # a comma inside a quoted cell
    report = run_import(UNITS, csv_bytes(rows, **options), "units.csv", dry_run=True)
    assert report.ok, report.problems
    assert report.rows == 3 and report.created == 3


def test_names_typed_on_a_mac_are_stored_composed(reference_data):
    from hoso.reference.models import Unit

    rows = unit_rows(1)
    rows[0][2] = unicodedata.normalize("NFD", "Công ty Đại Việt")
    report = run_import(UNITS, csv_bytes(rows), "units.csv")
    assert report.written and Unit.objects.get(code="ZN00000").name == "Công ty Đại Việt"


def test_english_and_code_headers_are_accepted(reference_data):
    headers = ["unit_code", "Tax code", "NAME", "address", "E-mail", "office_code", "Ghi chú"]
    rows = [[*row, "bỏ qua"] for row in unit_rows(2)]
    report = run_import(UNITS, csv_bytes(rows, headers=headers), "units.csv", dry_run=True)
    assert report.ok and report.created == 2
    assert report.ignored_columns == ["Ghi chú"]


def test_xlsx_with_blank_rows_and_numbers(reference_data):
    rows: list[list[object]] = [list(r) for r in unit_rows(3)]
    rows.insert(1, [None] * 6)  # a blank row in the middle: skipped, row numbers stay Excel's
    rows[2][1] = int(rows[2][1])  # a tax code typed into a number cell: the leading 0 is lost
    report = run_import(UNITS, xlsx_bytes(rows), "units.xlsx", dry_run=True)
    assert [(p.line, p.column, p.value) for p in report.problems] == [(4, "Mã số thuế", rows[2][1].__str__())]
    problem = report.problems[0]
    assert "bỏ các số 0 ở đầu" in problem.problem_vi and "Văn bản (Text)" in problem.action_vi
    assert report.created == 2


def test_xlsx_imports(reference_data):
    from hoso.reference.models import Unit

    report = run_import(UNITS, xlsx_bytes(unit_rows(4)), "units.xlsx")
    assert report.written and report.created == 4
    assert Unit.objects.filter(code__startswith="ZN").count() == 4


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (
            "Mã đơn vị;MST\n".encode("cp1258", errors="replace") + b"\xe0\xe1\n",
            "units.csv",
            "IMPORT_FILE_ENCODING",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "units.xls", "IMPORT_FILE_XLS"),
        (b"PK\x03\x04 not really a zip", "units.xlsx", "IMPORT_FILE_UNREADABLE"),
        (b"\n\n,,,\n", "units.csv", "IMPORT_FILE_EMPTY"),
    ],
    ids=["windows-1258", "xls", "broken-xlsx", "empty"],
)
def test_files_that_are_no_table_are_refused_with_a_reason(reference_data, data, name, code):
    report = run_import(UNITS, data, name, dry_run=True)
    assert [(p.line, p.code) for p in report.problems] == [(None, code)]
    assert report.problems[0].problem_vi and not report.written


def test_rows_keep_the_numbers_excel_shows():
    table = read_table(b'a,b\n\n1,"two\nlines"\n3,4\n')
    assert table.headers == ["a", "b"]
    assert [number for number, _cells in table.rows] == [3, 4]
