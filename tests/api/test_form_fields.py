"""Issue 19, item 5 through the API: a D02-TS whose fields the form does not allow, in an envelope signed by
the xmlsec1 command as an independent I-VAN client signs it, is refused 422 with a reason for each bad row
and field (row, the field as the printed form names it, the value, what is allowed), a legal basis and
what to do next."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from lxml import etree

from hoso.dossier import build_d02
from hoso.signature.pki import DEMO_PASSWORD
from hoso.testing.envelopes import d02_rows
from tests.intake.conftest import UNIT_CODE, UNIT_TAX
from tests.xmlsec1_signing import envelope, needs_xmlsec1, xmlsec1_sign

pytestmark = needs_xmlsec1


@pytest.fixture
def file_d02(api, unit, pki):
    def file_d02(rows) -> object:
        p12 = pki.entities["unit-valid"].p12_path
        form = xmlsec1_sign(
            build_d02({"MaDonVi": UNIT_CODE, "TenDonVi": "Đơn vị thử nghiệm"}, rows), p12, DEMO_PASSWORD
        )
        today = datetime.now().astimezone()
        unsigned = envelope([form], unit_code=UNIT_CODE, tax_code=UNIT_TAX, period=today.strftime("%m/%Y"),
                            created=today.date())  # fmt: skip
        return api.submit(xmlsec1_sign(unsigned, p12, DEMO_PASSWORD))

    return file_d02


def _reasons(response) -> list[dict[str, str]]:
    root = etree.fromstring(response.content)
    return [{child.tag: child.text or "" for child in item} for item in root.iter("LyDoItem")]


def test_a_d02_with_bad_fields_is_refused_listing_each_row_and_field(file_d02):
    good, second, third = d02_rows(3, seed=7)
    rows = [
        good,
        replace(second, tien_luong="abc", pa="ZZ"),
        replace(third, ty_le_dong="999"),
    ]
    response = file_d02(rows)
    assert response.status_code == 422, response.content
    assert response["X-Outcome"] == "refused"
    reasons = _reasons(response)
    assert [r["Ma"] for r in reasons] == ["FORM_ROW_INVALID"] * 3
    assert [r["NoiDung"].split(":")[0] for r in reasons] == [
        "D02-TS, dòng 2, Tiền lương",
        "D02-TS, dòng 2, Phương án",
        "D02-TS, dòng 3, Tỷ lệ đóng",
    ]
    assert "“abc” — phải là số tiền bằng đồng" in reasons[0]["NoiDung"]
    assert "“ZZ” — phải là một mã phương án: TM (tăng mới)" in reasons[1]["NoiDung"]
    assert "“999” — phải là tỷ lệ phần trăm từ 0 đến 100" in reasons[2]["NoiDung"]
    assert reasons[0]["NoiDungTiengAnh"].startswith("D02-TS, row 2, Salary: “abc” — must be")
    for reason in reasons:
        assert "Quyết định 595/QĐ-BHXH" in reason["CanCu"] and "ký lại" in reason["HuongDan"]


def test_a_d02_without_an_employee_is_refused(file_d02):
    response = file_d02([])
    assert response.status_code == 422, response.content
    [reason] = _reasons(response)
    assert reason["Ma"] == "FORM_NO_ROWS"
    assert reason["NoiDung"] == "D02-TS, Danh sách lao động: không có dòng nào — cần ít nhất một dòng."


def test_a_well_filled_d02_is_accepted(file_d02):
    response = file_d02(d02_rows(4, seed=8))
    assert response.status_code == 201, response.content
