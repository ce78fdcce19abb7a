"""Issue 20, item 8: what the reports give people — pages and CSV/XLSX files — reads in Vietnamese:
headings translated, days dd/mm/yyyy (real dates in XLSX), months mm/yyyy, outcomes and refusal reasons
in words instead of codes; the period is typed dd/mm/yyyy and a day that does not exist is said."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from hoso.reports import exports
from hoso.reports.dashboard import Period
from hoso.reports.reasons import reason_labels
from hoso.reports.rollups import refresh

from .conftest import make_submission, make_unit
from .test_dashboard_and_ivans import _client

pytestmark = pytest.mark.django_db
SUSPENDED = "POLICY_BARCODE_SUSPENDED_FROM_2016_01_01"
WORDS = "Từ ngày 01/01/2016 bộ phận một cửa … ngừng tiếp nhận hồ sơ bán điện tử có mã vạch."


@pytest.fixture
def refusals(demo_data):
    from hoso.intake.models import Submission

    unit = make_unit(office="00110")
    for n in range(2):
        make_submission(
            unit, at=datetime(2016, 1, 5 + n, 3, tzinfo=UTC), outcome="refused", reasons=[SUSPENDED]
        )
    make_submission(
        unit, at=datetime(2016, 1, 7, 3, tzinfo=UTC), outcome="refused", reasons=["FORM_ROW_INVALID"]
    )
    make_submission(
        unit, at=datetime(2016, 1, 8, 3, tzinfo=UTC), outcome="refused", reasons=["FORM_ROW_INVALID"]
    )
    for submission in Submission.objects.all():
        code = submission.reasons[0]["code"]
        message = WORDS if code == SUSPENDED else f"D02-TS dòng {submission.pk}: ngày sinh không hợp lệ"
        submission.reasons = [{"code": code, "message": message, "message_en": "in English"}]
        submission.save(update_fields=["reasons"])
    refresh()
    return unit


def test_refusal_reasons_are_words_not_codes(refusals, client):
    with translation.override("vi"):
        labels = reason_labels(Period(date(2016, 1, 1), date(2016, 1, 31)))
    assert labels[SUSPENDED] == WORDS  # every refusal said the same: that is the reason
    assert labels["FORM_ROW_INVALID"].startswith("Tờ khai trong hồ sơ không hợp lệ")  # each said its rows
    _client(client, "gd", "director", "001")
    page = client.get("/reports/?from=01/01/2016&to=31/01/2016").content.decode()
    assert WORDS in page and SUSPENDED not in page and 'value="01/01/2016"' in page
    assert 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page


def test_a_day_that_does_not_exist_is_said_and_the_page_still_answers(refusals, client):
    _client(client, "gd", "director", "001")
    response = client.get("/reports/?from=31/02/2016&to=31/03/2016")
    page = response.content.decode()
    assert response.status_code == 200 and "Từ ngày “31/02/2016” không phải một ngày có thật" in page
    assert "out of range" not in page
    assert (
        'value="31/03/2016"' in client.get("/reports/?to=2016-03-31").content.decode()
    )  # old links still work


def test_csv_and_xlsx_read_in_vietnamese_with_real_dates():
    keys = ["office", "month", "last_barcode", "received_at", "outcome", "has_certificate", "code", "reason"]
    items = [{"office": "00110", "month": "2016-01", "last_barcode": "2015-12-31", "received_at":
              "2016-01-05T10:15:00+07:00", "outcome": "accepted", "has_certificate": True, "code": SUSPENDED,
              "reason": WORDS}]  # fmt: skip
    with translation.override("vi"):
        rows = list(csv.reader(io.StringIO(exports.to_csv(keys, items))))
        book_bytes = exports.to_xlsx({"late": (keys, items)})
    assert rows[0] == [
        "Cơ quan",
        "Tháng",
        "Hồ sơ mã vạch gần nhất",
        "Thời gian tiếp nhận",
        "Kết quả",
        "UBND xã đã có chứng thư số",
        "Lý do",
    ]  # the reason's code gives way to its words
    assert rows[1] == ["00110", "01/2016", "31/12/2015", "05/01/2016 10:15:00", "Đã tiếp nhận", "có", WORDS]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book_bytes)).active
    assert sheet.title == "Chuyển muộn quá 2 giờ"
    last_barcode, received = sheet["C2"], sheet["D2"]
    assert last_barcode.value == datetime(2015, 12, 31) and last_barcode.number_format == "dd/mm/yyyy"
    assert received.value == datetime(2016, 1, 5, 10, 15) and received.number_format == "dd/mm/yyyy hh:mm:ss"
    assert sheet["B2"].value == "01/2016" and sheet["E2"].value == "Đã tiếp nhận"


def test_every_heading_and_title_is_translated():
    with translation.override("vi"):
        for key in exports.HEADINGS:
            assert exports.heading(key) != exports.HEADINGS[key] or key == "ivan", key  # "I-VAN" in both
        for title in exports.TABLE_TITLES.values():
            assert translation.gettext(title) != title or title == "I-VANs", title
