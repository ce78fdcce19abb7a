"""Issue 20, item 5: the papers of Circular 01/2018/TT-VPCP — the receipt (Mẫu 01) with "Số:", the
place-and-date line, who brought the dossier and their phone as typed (blank when not typed), the
papers with their copies, the appointment and the officer's full name, and a Code 128 barcode of the
number that hand-over and the lookup read; the refusal (Mẫu 03) without internal codes; the supplement
request (Mẫu 02). Dossier numbers are read as a scanner or a person types them."""

from datetime import UTC, datetime

import pypdfium2
import pytest
import zxingcpp
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hoso.desk.numbers import number_forms, scanned, written_number
from hoso.intake.models import Submission
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.models import Dossier
from tests.desk.test_typed_form import _post

pytestmark = pytest.mark.django_db
NOW = datetime(2016, 1, 5, 2, tzinfo=UTC)


@pytest.fixture
def desk(client, officers, demo_data, trusted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    officer = officers["desk"]
    officer.last_name, officer.first_name = "Nguyễn Thị", "Lan"
    officer.save()
    client.force_login(officer)
    return client


def _page(pdf: bytes):
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    page = document[0]
    return page.get_textpage().get_text_range(), page.render(scale=3).to_pil()


def test_the_receipt_follows_form_01(desk):
    _post(desk, rows="Nguyễn Văn Bé; 12/03/2015; 1\nTrần Thị Na; 01/10/2014; 0",
          representative="Đỗ Thị Lan", phone="0912 345 678")  # fmt: skip
    submission = Submission.objects.get()
    number = submission.dossier.number
    text, image = _page(desk.get(f"/tiep-nhan/{submission.public_id}/in/").content)
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Số: {number}",
        "Hà Nội, ngày 05 tháng 01 năm 2016",
        "Ông/bà: Đỗ Thị Lan",
        "Số điện thoại: 0912 345 678",
        "UBND xã Bắc Sơn",
        "Thành phần hồ sơ nộp gồm",
        "D03-TS",
        "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 05/01/2016",
        "19/01/2016",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Nguyễn Thị Lan",
    ):
        assert expected in text, expected
    assert "\r\n02\r\n" in text or " 02" in text  # the copies typed
    codes = {c.format: c.text for c in zxingcpp.read_barcodes(image)}
    assert codes[zxingcpp.BarcodeFormat.Code128] == number  # what a desk scanner types
    assert codes[zxingcpp.BarcodeFormat.QRCode].endswith(f"/tra-cuu/?so={number}&ma=00379")


def test_what_was_not_typed_is_left_blank_never_made_up(desk, officers):
    officer = officers["desk"]
    officer.last_name = officer.first_name = ""
    officer.save()
    _post(desk, rows="Nguyễn Văn Bé; 12/03/2015; 1", copies="")
    submission = Submission.objects.get()
    text, _image = _page(desk.get(f"/tiep-nhan/{submission.public_id}/in/").content)
    assert "Ông/bà: …" in text and "Số điện thoại: …" in text
    assert officer.username not in text  # no account name for a full name


def test_the_refusal_follows_form_03_without_internal_codes(desk):
    _post(desk, period="01/2010", rows="Nguyễn Văn Bé; 12/03/2015; 1")
    submission = Submission.objects.get()
    assert submission.outcome == "refused"
    text, _image = _page(desk.get(f"/tiep-nhan/{submission.public_id}/in/").content)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Hà Nội, ngày 05 tháng 01 năm 2016" in text
    assert "Kỳ kê khai 01/2010 quá xa ngày nộp 05/01/2016" in text and "Căn cứ: Quyết định 959" in text
    assert "FORM_PERIOD_RANGE" not in text and "[" not in text


def test_the_supplement_request_follows_form_02(desk, client, officers):
    _post(desk, rows="Nguyễn Văn Bé; 12/03/2015; 1")
    dossier = Dossier.objects.get()
    sothe = actor_for(officers["sothe"])
    actions.take(dossier, sothe)
    actions.request_supplement(dossier, sothe, "Bản sao giấy khai sinh của trẻ Nguyễn Văn Bé")
    page = desk.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert f"/ho-so/{dossier.pk}/in/phieu-bo-sung/" in page
    text, _image = _page(desk.get(f"/ho-so/{dossier.pk}/in/phieu-bo-sung/").content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and f"Số: {dossier.number}" in text
    assert "1. Bản sao giấy khai sinh của trẻ Nguyễn Văn Bé" in text


def test_no_supplement_request_no_paper(desk):
    _post(desk, rows="Nguyễn Văn Bé; 12/03/2015; 1")
    assert desk.get(f"/ho-so/{Dossier.objects.get().pk}/in/phieu-bo-sung/").status_code == 404


# --- numbers as scanned or typed -------------------------------------------------------------------


@given(st.integers(1, 99_999), st.integers(2000, 2100), st.sampled_from(["00110", "00101", "001", "07906"]))
def test_a_number_without_its_leading_zeros_stands_for_the_written_one(sequence, year, office):
    written = f"{sequence:05d}/{year}/{office}"
    assert number_forms(written)[0] == written  # the literal reading first
    assert written in number_forms(f"{sequence}/{year}/{int(office)}")


@pytest.mark.parametrize("typed", ["x", "", "0/2026/00110", "3/26/00110", "3/2026/001100", "3//2026"])
def test_what_is_no_number_has_no_reading(typed):
    assert number_forms(typed) == []


def test_the_office_part_is_read_against_the_offices_that_exist(reference_data):
    assert written_number("3/2026/00101") == "00003/2026/00101"
    assert written_number("3/2026/101") == "00003/2026/00101"  # no office 101: the district 00101
    assert written_number("3/2026/1") == "00003/2026/001"  # the City office
    assert written_number("không phải số") == "không phải số"


def test_a_scanned_qr_code_gives_the_number_and_the_code():
    assert scanned("http://hoso.local/tra-cuu/?so=00003/2026/00110&ma=00379") == ("00003/2026/00110", "00379")
    assert scanned(" 00003/2026/00110 ") == ("00003/2026/00110", "")


def test_hand_over_and_the_lookup_take_a_scanned_or_shortened_number(desk, client):
    response = desk.get("/tra-ket-qua/tim/", {"so": "1/2016/110"})
    assert response["Location"] == "/tra-ket-qua/?so=00001/2016/00110"
    qr = "http://testserver/tra-cuu/?so=00001/2016/00110&ma=00379"
    response = client.get("/tra-cuu/tim/", {"so": qr})
    assert response["Location"] == "/tra-cuu/?so=00001/2016/00110&ma=00379"
    response = client.get("/tra-cuu/tim/", {"so": "1/2016/00110", "ma": "00379"})
    assert response["Location"] == "/tra-cuu/?so=00001/2016/00110&ma=00379"
