"""In a browser (issue 21, item 6): IT (the it_admin role, no superuser) opens *Nhập từ tệp* from the
unit list, uploads a CSV with bad rows and reads the dry run's table — row, column, value as typed, what
is wrong, what to do, in Vietnamese, no internal codes, nothing written —, then uploads the corrected
file, sees what would change, confirms, and the units are there; the same file again changes nothing."""

from __future__ import annotations

import pytest

from tests.reference.import_files import csv_bytes, unit_rows

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(page, path):
    page.set_input_files("#import-file", str(path))
    page.click("#import-upload input[type=submit]")
    page.wait_for_load_state("networkidle")


def test_upload_dry_run_table_then_confirm(page_for, site, shots, tmp_path):
    from hoso.reference.models import Unit

    page = page_for("cntt")
    page.goto(f"{site}/admin/reference/unit/")
    page.click("text=Nhập từ tệp")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Nhập từ tệp"

    rows = unit_rows(4)
    rows[1][1] = "0101234568"  # wrong check digit
    rows[3][5] = "99999"  # no such office
    bad = tmp_path / "don-vi-sai.csv"
    bad.write_bytes(csv_bytes(rows))
    _upload(page, bad)
    table = page.locator("#import-problems")
    cells = [
        [c.strip() for c in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()
    ]
    assert [row[:3] for row in cells] == [
        ["3", "Mã số thuế", "0101234568"],
        ["5", "Cơ quan BHXH quản lý", "99999"],
    ]
    assert "sai chữ số kiểm tra" in cells[0][3] and "105/2020/TT-BTC" in cells[0][4]
    assert "Không có cơ quan BHXH" in cells[1][3]
    text = page.inner_text("#content")
    assert "Chưa ghi gì" in text and "IMPORT_" not in text and "ID_TAX" not in text
    assert page.locator("#import-confirm").count() == 0  # a bad file cannot be confirmed
    page.screenshot(path=str(shots / "import-dry-run-problems.png"), full_page=True)
    assert not Unit.objects.filter(code__startswith="ZN").exists()

    good = tmp_path / "don-vi.csv"
    good.write_bytes(csv_bytes(unit_rows(4)))
    _upload(page, good)
    assert "Cả 4 dòng đều hợp lệ: sẽ thêm mới 4" in page.inner_text("#import-counts")
    assert page.locator("#import-changes tbody tr").count() == 4
    page.screenshot(path=str(shots / "import-dry-run-ok.png"), full_page=True)
    assert not Unit.objects.filter(code__startswith="ZN").exists()
    page.click("#import-confirm input[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "thêm mới 4, cập nhật 0, không đổi 0" in page.inner_text("#import-counts")
    assert Unit.objects.filter(code__startswith="ZN").count() == 4

    _upload(page, good)  # the same file again: nothing to confirm
    assert "sẽ thêm mới 0, cập nhật 0, không đổi 4" in page.inner_text("#import-counts")
    assert page.locator("#import-confirm").count() == 0
    assert "đã nhập: thêm mới 4" in page.inner_text("#content")  # the recent imports
