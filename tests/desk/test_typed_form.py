"""Issue 20, items 2 and 6: a typed paper dossier is checked as a form before it is a submission — a
typing mistake is said beside its field with the cursor on it, nothing is received and nothing refused;
the submitter is looked up by its code; the same submitter, procedure and period on the same day is
asked about before receiving; a repeat says when and under which number it was received."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone
from lxml import html

from hoso.barcode import print_envelope
from hoso.dossier import parse_envelope
from hoso.intake.blobstore import blob_store
from hoso.intake.models import Submission
from hoso.workflow.models import Dossier
from tests.intake.conftest import UNIT_CODE, UNIT_TAX
from tests.workflow.conftest import children_envelope

pytestmark = pytest.mark.django_db
NOW = datetime(2016, 1, 5, 2, tzinfo=UTC)  # 09:00 in Hanoi
CHILDREN = {
    "mode": "paper",
    "paper-kind": "2",
    "paper-code": "00379",
    "paper-name": "UBND xã Bắc Sơn",
    "paper-procedure": "602",
    "paper-period": "1/2016",
    "paper-copies": "2",
}


@pytest.fixture
def desk(client, officers, demo_data, trusted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(officers["desk"])
    return client


def _post(desk, twin="", **fields):
    answers = {"confirm_twin": twin} if twin else {}
    return desk.post("/tiep-nhan/", {**CHILDREN, **answers, **{f"paper-{k}": v for k, v in fields.items()}})


def _field(page: str, name: str):
    return html.fromstring(page).get_element_by_id(f"id_paper-{name}")


def test_dates_as_people_write_them_are_received_in_the_forms_format(desk):
    response = _post(desk, rows="Nguyễn Văn Bé; 12/3/2015; 1\nTrần Thị Na; 01/10/2014; nữ")
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.outcome == "accepted" and submission.period == "01/2016"
    assert [(r["ngay_sinh"], r["gioi_tinh"]) for r in submission.facts["forms"][0]["rows"]] == [
        ("12/03/2015", "1"),
        ("01/10/2014", "0"),
    ]


def test_a_day_that_does_not_exist_is_said_beside_the_list_with_the_cursor_on_it(desk):
    typed = "Nguyễn Văn Bé; 12/03/2015; 1\nTrần Thị Na; 31/02/2014; 0"
    page = _post(desk, rows=typed).content.decode()
    assert not Submission.objects.exists()  # nothing received, nothing refused
    tree = html.fromstring(page)
    errors = tree.get_element_by_id("id_paper-rows_errors").text_content()
    assert "Dòng 2: không có ngày 31/02/2014: tháng 2/2014 có 28 ngày." in errors
    rows = _field(page, "rows")
    assert rows.get("autofocus") is not None and rows.get("aria-invalid") == "true"
    start, end = int(rows.get("data-error-start")), int(rows.get("data-error-end"))
    assert typed[start:end] == "31/02/2014"  # where the browser puts the cursor (desk/paper.js)
    assert tree.get_element_by_id("id_scanner").get("autofocus") is None  # not back to the scanner


def test_a_mistyped_unit_code_is_said_beside_the_code_and_never_refused(desk):
    page = _post(desk, kind="1", code="HB0OOO1", name="Công ty", procedure="600", period="01/2016",
                 rows="Lê Văn An; 01/02/1990; 1").content.decode()  # fmt: skip
    assert not Submission.objects.exists()
    errors = html.fromstring(page).get_element_by_id("id_paper-code_errors").text_content()
    assert "Không có đơn vị nào mã HB0OOO1" in errors
    assert _field(page, "code").get("autofocus") is not None  # the first field with an error


def test_a_tax_code_other_than_the_catalogues_is_said_beside_it(desk, unit):
    page = _post(desk, kind="1", code=UNIT_CODE.lower(), name="Công ty", tax_code="0100109106",
                 procedure="600", period="01/2016", rows="Lê Văn An; 01/02/1990; 1").content.decode()  # fmt: skip
    assert not Submission.objects.exists()
    errors = html.fromstring(page).get_element_by_id("id_paper-tax_code_errors").text_content()
    assert UNIT_TAX in errors and "0100109106" in errors


def test_the_submitter_is_looked_up_by_its_code(desk, unit):
    found = desk.get("/tiep-nhan/nguoi-nop/", {"loai": "2", "ma": "00379"}).json()
    assert found["name"] == "UBND xã Bắc Sơn" and found["other_office"] is False
    other = desk.get("/tiep-nhan/nguoi-nop/", {"loai": "1", "ma": UNIT_CODE.lower()}).json()
    assert (other["code"], other["tax_code"], other["other_office"]) == (UNIT_CODE, UNIT_TAX, True)
    assert other["office"]["name"] in other["message"]  # named before anything is received
    assert other["summary"] == f"{other['name']} · mã số thuế {UNIT_TAX} — {other['message']}"
    unknown = desk.get("/tiep-nhan/nguoi-nop/", {"loai": "1", "ma": "XX00000"})
    assert unknown.status_code == 404 and "XX00000" in unknown.json()["message"]


def test_the_lookup_is_the_desks(client, officers, demo_data):
    client.force_login(officers["sothe"])
    assert client.get("/tiep-nhan/nguoi-nop/", {"loai": "2", "ma": "00379"}).status_code == 403


def test_who_brought_the_dossier_is_kept_as_typed_and_empty_when_not(desk):
    _post(desk, rows="Nguyễn Văn Bé; 12/03/2015; 1", representative="Đỗ Thị Lan", phone="0912 345 678")
    kept = parse_envelope(blob_store().get(Submission.objects.get().sha256))
    assert (kept.unit.nguoi_ky, kept.unit.dien_thoai) == ("Đỗ Thị Lan", "0912 345 678")
    assert kept.info.files[0].mo_ta_to_khai == "Số bản giấy: 2"


def test_the_same_submitter_procedure_and_period_on_the_same_day_is_asked_before_receiving(desk):
    assert _post(desk, rows="Nguyễn Văn Bé; 12/03/2015; 1").status_code == 302
    first = Dossier.objects.get()
    page = _post(desk, rows="Trần Thị Na; 01/10/2014; 0").content.decode()
    warning = html.fromstring(page).get_element_by_id("same-day").text_content()
    assert f"đã tiếp nhận lúc 05/01/2016 09:00, số {first.number}" in warning
    assert Submission.objects.count() == 1  # asked first
    earlier = Submission.objects.get().public_id
    response = _post(desk, rows="Trần Thị Na; 01/10/2014; 0", twin=str(earlier))
    assert response.status_code == 302 and Dossier.objects.count() == 2


def test_an_uploaded_list_received_again_says_when_and_under_which_number(desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = print_envelope(children_envelope())
    first = desk.post("/tiep-nhan/", {"mode": "upload", "scans": [SimpleUploadedFile("a.pdf", pdf)]})
    again = desk.post("/tiep-nhan/", {"mode": "upload", "scans": [SimpleUploadedFile("a.pdf", pdf)]})
    assert "lap-lai" not in first["Location"] and again["Location"].endswith("?lap-lai=1")
    page = desk.get(again["Location"]).content.decode()
    number = Dossier.objects.get().number
    notice = html.fromstring(page).get_element_by_id("repeat").text_content()
    assert f"đã tiếp nhận lúc 05/01/2016 09:00, số {number}" in notice
    assert Submission.objects.count() == 1


def test_a_scanned_dossier_of_a_submitter_procedure_and_period_received_today_waits_for_the_officer(desk):
    from hoso.barcode import make_chunks
    from hoso.desk.models import PendingScan

    assert _post(desk, rows="Nguyễn Văn Bé; 12/03/2015; 1").status_code == 302  # typed first
    first = Submission.objects.get()
    scanned = "\n".join(make_chunks(children_envelope()))
    assert desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": scanned})["Location"] == "/tiep-nhan/"
    assert Submission.objects.count() == 1 and PendingScan.objects.exists()  # asked before receiving
    page = desk.get("/tiep-nhan/").content.decode()
    warning = html.fromstring(page).get_element_by_id("same-day-scan").text_content()
    assert f"đã tiếp nhận lúc 05/01/2016 09:00, số {first.dossier.number}" in warning
    assert html.fromstring(page).get_element_by_id("id_scanner").get("autofocus") is None

    response = desk.post("/tiep-nhan/", {"mode": "confirm_twin", "twin": f"twin:{first.public_id}"})
    assert response.status_code == 302 and Dossier.objects.count() == 2 and not PendingScan.objects.exists()
    # the same printed list scanned again is a repeat, said as such, not asked about
    again = desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": scanned})
    assert again["Location"].endswith("?lap-lai=1") and Dossier.objects.count() == 2
