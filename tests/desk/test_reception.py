"""The reception page: scanner text, uploaded PDF, typed paper; verdicts with rule, basis and advice;
the receipt and the refusal as PDFs."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from hoso.barcode import make_chunks, print_envelope
from hoso.intake.models import Submission
from hoso.testing.envelopes import envelope
from hoso.workflow.models import Dossier
from tests.intake.conftest import UNIT_CODE, UNIT_TAX
from tests.workflow.conftest import children_envelope

pytestmark = pytest.mark.django_db
NOW = datetime(2016, 1, 5, 2, tzinfo=UTC)
RECENT_CHILDREN = [("Nguyễn Văn Bé", "12/03/2015", "1"), ("Trần Thị Na", "01/10/2014", "0")]


@pytest.fixture
def desk(client, officers, demo_data, trusted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(officers["desk"])
    return client


def test_the_reception_page_has_a_focused_scanner_field(desk):
    page = desk.get("/tiep-nhan/").content.decode()
    assert 'name="scanner"' in page and "autofocus" in page.split('name="scanner"')[1].split(">")[0]
    assert "Tiếp nhận hồ sơ" in page and 'type="file"' in page and 'name="paper-rows"' in page


def test_a_scanned_under_6_list_is_accepted_and_its_receipt_printed(desk):
    text = "\n".join(make_chunks(children_envelope()))
    response = desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": text})
    assert response.status_code == 302
    page = desk.get(response["Location"]).content.decode()
    dossier = Dossier.objects.get()
    assert dossier.number in page and "19/01/2016" in page  # 10 working days, dd/mm/yyyy
    assert "Nguyễn Văn Bé" in page and "12/03/2015" in page  # the decoded list beside the verdict
    assert "2671" in page  # the rule's legal basis
    pdf = desk.get(response["Location"] + "in/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_refused_barcoded_dossier_shows_the_rule_and_the_advice(desk, unit):
    text = "\n".join(make_chunks(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, period="12/2015")))
    response = desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": text})
    assert response["Location"] == "/tiep-nhan/"  # the unit is Cầu Giấy's (00105): the officer confirms
    response = desk.post("/tiep-nhan/", {"mode": "confirm_office", "office": "00105"})
    page = desk.get(response["Location"]).content.decode()
    submission = Submission.objects.get()
    assert submission.outcome == "refused" and not Dossier.objects.exists()
    reason = submission.reasons[0]
    assert reason["advice"] in page and "2671" in page and "Cách làm thay thế" in page
    assert "chưa được kiểm tra" in page and "D02-TS" in page  # the decoded dossier beside the verdict
    pdf = desk.get(response["Location"] + "in/")
    assert pdf.content.startswith(b"%PDF")


def test_an_uploaded_pdf_is_read(desk, unit):
    pdf = print_envelope(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, period="12/2015"))
    response = desk.post("/tiep-nhan/", {"mode": "upload", "scans": [_file("ho-so.pdf", pdf)]})
    assert response.status_code == 302 and Submission.objects.count() == 1


def test_missing_symbols_are_named(desk, unit):
    lines = make_chunks(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, employees=60), max_slice=300)
    response = desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": "\n".join(lines[1:])}, follow=True)
    page = response.content.decode()  # the symbols read are kept; the page names the one missing
    assert "còn thiếu số 1" in page and not Submission.objects.exists()


def test_a_typed_paper_dossier_is_received(desk, unit):
    response = desk.post(
        "/tiep-nhan/",
        {
            "mode": "paper",
            "paper-kind": "1",
            "paper-code": UNIT_CODE,
            "paper-tax_code": UNIT_TAX,
            "paper-name": "Công ty TNHH Thương mại Hoà Bình",
            "paper-procedure": "600",
            "paper-period": "01/2016",
            "paper-rows": "Lê Văn An; 01/02/1990; 1; 0112345678\nPhạm Thị Bình; 03/04/1992; 0; 0112345679",
            "confirm_office": "00105",  # the unit is another office's; the officer confirmed
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.channel == "paper" and dossier.unit_id == UNIT_CODE
    assert [r["ho_ten"] for r in dossier.submission.facts["forms"][0]["rows"]] == [
        "Lê Văn An",
        "Phạm Thị Bình",
    ]


def test_a_typed_paper_dossier_with_a_bad_line_says_which(desk, unit):
    page = desk.post(
        "/tiep-nhan/",
        {"mode": "paper", "paper-kind": "1", "paper-code": UNIT_CODE, "paper-name": "X", "paper-procedure": "600",
         "paper-period": "01/2016", "paper-rows": "Lê Văn An"},
    ).content.decode()  # fmt: skip
    assert "Dòng 1" in page and not Submission.objects.exists()


def test_reception_is_for_the_desk(client, officers, demo_data):
    client.force_login(officers["sothe"])
    assert client.get("/tiep-nhan/").status_code == 403
    client.logout()
    assert client.get("/tiep-nhan/")["Location"].startswith("/dang-nhap/")


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_upload_that_gives_no_barcode_says_why_for_each_page(desk, unit):
    """The officer reads, beside the upload, what `hoso barcode read` diagnoses per page (here: scanned
    at 50 dpi — scan again at 300 dpi), not only that no barcode was read."""
    import io

    from hoso.barcode.reader import pdf_page_images

    pdf = print_envelope(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX), ["Thủ tục 600"])
    page = pdf_page_images(pdf, 300)[0].resize((413, 584))  # as scanned at 50 dpi
    png = io.BytesIO()
    page.save(png, "PNG", dpi=(50, 50))
    response = desk.post("/tiep-nhan/", {"mode": "upload", "scans": [_file("trang-1.png", png.getvalue())]})
    text = response.content.decode()
    assert "trang-1.png, trang 1: Không đọc được mã vạch: độ phân giải quá thấp" in text, text[:3000]
    assert "quét lại trang này ở 300 dpi" in text
    assert "LOW_RESOLUTION" not in text  # no internal code on the page
