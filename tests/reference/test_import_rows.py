"""Row errors of the bulk import (issue 21, item 6), found by property: each bad cell is named by its
row, its column and the value as typed, with what is wrong and what to do, in Vietnamese; a dry run
writes nothing."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hoso.identifiers import tax_code_check_digit
from hoso.reference.importing import kinds
from hoso.reference.importing.engine import run_import
from hoso.reference.models import Unit
from tests.reference.import_files import csv_bytes, unit_rows

pytestmark = pytest.mark.django_db
PROPERTY = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
UNITS = kinds()["units"]
_VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạèẻẽéẹìỉĩíịòỏõóọùủũúụỳỷỹýỵ]", re.IGNORECASE)


def _dry(rows, **options):
    return run_import(UNITS, csv_bytes(rows, **options), "units.csv", dry_run=True)


def _only_problem(report, column: str):
    assert [(p.line, p.column) for p in report.problems] == [(2, column)], report.problems
    problem = report.problems[0]
    assert _VIETNAMESE.search(problem.problem_vi) and _VIETNAMESE.search(problem.action_vi)
    assert "IMPORT_" not in problem.problem_vi + problem.action_vi and "ID_" not in problem.problem_vi
    return problem


nine_digits = st.text("0123456789", min_size=9, max_size=9)


@PROPERTY
@given(nine=nine_digits, wrong=st.integers(0, 9))
def test_a_tax_code_with_a_wrong_check_digit_is_named_by_row_and_column(reference_data, nine, wrong):
    right = tax_code_check_digit(nine)
    assume(wrong != right)
    rows = unit_rows(1)
    rows[0][1] = f"{nine}{wrong}"
    problem = _only_problem(_dry(rows), "Mã số thuế")
    assert problem.value == f"{nine}{wrong}"
    assert problem.code == "ID_TAX_CODE_CHECK" and "chữ số kiểm tra" in problem.problem_vi
    assert "105/2020/TT-BTC" in problem.action_vi  # the legal basis of the check digit


@PROPERTY
@given(nine=nine_digits)
def test_a_tax_code_with_its_check_digit_passes(reference_data, nine):
    check = tax_code_check_digit(nine)
    assume(check is not None)
    rows = unit_rows(1)
    rows[0][1] = f"{nine}{check}"
    report = _dry(rows)
    assert report.ok and report.created == 1 and not report.written


@PROPERTY
@given(code=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zs", "Zl", "Zp"]),
                    min_size=1, max_size=12))  # fmt: skip
def test_unit_codes_are_seven_letters_or_digits(reference_data, code):
    rows = unit_rows(1)
    rows[0][0] = code
    report = _dry(rows)
    typed = code.strip()
    assume(typed and '"' not in code)
    if re.fullmatch(r"[A-Za-z0-9]{7}", typed):
        assert report.ok and report.changes[0].key == typed.upper()
    else:
        problem = _only_problem(report, "Mã đơn vị")
        assert problem.code == "ID_UNIT_CODE_FORMAT" and "7 ký tự" in problem.problem_vi


@PROPERTY
@given(text=st.text("abc@.-_ xyz+", min_size=1, max_size=20))
def test_e_mail_addresses_are_checked(reference_data, text):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    typed = text.strip()
    assume(typed)
    rows = unit_rows(1)
    rows[0][4] = text
    report = _dry(rows)
    try:
        validate_email(typed)
    except ValidationError:
        problem = _only_problem(report, "Thư điện tử")
        assert problem.value == typed and "thư điện tử" in problem.problem_vi
    else:
        assert report.ok


@PROPERTY
@given(picks=st.lists(st.integers(0, 5), min_size=1, max_size=15))
def test_every_repeat_of_a_code_inside_the_file_is_a_problem_naming_the_first_row(reference_data, picks):
    pool = unit_rows(6)
    rows = [pool[i] for i in picks]
    report = _dry(rows)
    first_line: dict[str, int] = {}
    expected = []
    for line, row in enumerate(rows, start=2):
        if row[0] in first_line:
            expected.append((line, f"Trùng với dòng {first_line[row[0]]} của tệp."))
        else:
            first_line[row[0]] = line
    assert [(p.line, p.problem_vi) for p in report.problems] == expected
    assert all(p.code == "IMPORT_DUPLICATE" and p.column == "Mã đơn vị" for p in report.problems)
    assert report.created == len(first_line)


@PROPERTY
@given(office=st.text("0123456789", min_size=3, max_size=5))
def test_an_office_that_does_not_exist_is_named(reference_data, office):
    from hoso.reference.models import Office

    rows = unit_rows(1, office=office)
    report = _dry(rows)
    if Office.objects.filter(code=office).exists():
        assert report.ok
    else:
        problem = _only_problem(report, "Cơ quan BHXH quản lý")
        assert problem.code == "IMPORT_OFFICE_UNKNOWN" and problem.value == office


def test_every_bad_row_is_listed_and_a_dry_run_writes_nothing(reference_data):
    rows = unit_rows(6)
    rows[1][1] = "0101234568"  # wrong check digit
    rows[3][5] = ""  # no office
    rows[3][4] = "khong-phai-email"
    rows[5][2] = "x" * 301
    report = _dry(rows)
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "Mã số thuế"), (5, "Thư điện tử"), (5, "Cơ quan BHXH quản lý"), (7, "Tên đơn vị")]  # fmt: skip
    assert report.bad_rows == 3 and report.rows == 6
    assert not Unit.objects.filter(code__startswith="ZN").exists()


def test_an_office_may_be_given_by_its_name(reference_data):
    rows = unit_rows(1, office="BHXH quận Ba Đình")
    report = _dry(rows)
    assert report.ok


def test_a_missing_column_is_said_before_any_row(reference_data):
    rows = [row[:5] for row in unit_rows(2)]
    report = _dry(rows, headers=["Mã đơn vị", "MST", "Tên", "Địa chỉ", "Email"])
    assert [(p.line, p.code) for p in report.problems] == [(None, "IMPORT_COLUMN_MISSING")]
    assert "Cơ quan BHXH quản lý" in report.problems[0].problem_vi
