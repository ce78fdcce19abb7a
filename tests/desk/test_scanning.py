"""Issue 20, item 1: the scanner accumulates. The symbols of an incomplete dossier are kept for the
officer between readings (and page loads) until the dossier is complete — then it goes through the
pipeline once — or the officer discards them. Nothing is submitted incomplete."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from hoso.barcode import make_chunks
from hoso.barcode.chunks import compress
from hoso.desk.models import PendingScan
from hoso.intake.models import DeskReading, Submission
from hoso.workflow.models import Dossier
from tests.workflow.conftest import children_envelope

pytestmark = pytest.mark.django_db
NOW = datetime(2016, 1, 5, 2, tzinfo=UTC)


@pytest.fixture
def desk(client, officers, demo_data, trusted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(officers["desk"])
    return client


@pytest.fixture
def symbols():
    envelope = children_envelope()
    lines = make_chunks(envelope, max_slice=-(-len(compress(envelope)) // 3))  # three symbols
    assert len(lines) == 3, len(lines)
    return lines


def _scan(client, *lines, prefix=""):
    return client.post(
        "/tiep-nhan/", {"mode": "scanner", "scanner": "".join(f"{prefix}{x}\r\n" for x in lines)}
    )


def test_symbols_accumulate_across_readings_and_page_loads(desk, symbols):
    response = _scan(desk, symbols[1])
    assert response.status_code == 302 and response["Location"] == "/tiep-nhan/"
    page = desk.get("/tiep-nhan/").content.decode()  # what a reload shows
    assert "đã quét 1/3" in page and "còn thiếu số 1, 3" in page
    assert not Submission.objects.exists()
    assert DeskReading.objects.count() == 1  # the reading is evidence all the same

    _scan(desk, symbols[1], symbols[2], prefix="]L2")  # a repeat, and a scanner's symbology prefix
    page = desk.get("/tiep-nhan/").content.decode()
    assert "đã quét 2/3" in page and "còn thiếu số 1" in page
    assert PendingScan.objects.get().symbols == [symbols[1], symbols[2]]
    assert not Submission.objects.exists()

    response = _scan(desk, symbols[0])
    assert response.status_code == 302 and "/tiep-nhan/" in response["Location"] != "/tiep-nhan/"
    dossier = Dossier.objects.get()  # once
    assert dossier.commune_id == "00379" and Submission.objects.count() == 1
    assert not PendingScan.objects.exists()
    assert 'id="pending"' not in desk.get("/tiep-nhan/").content.decode()


def test_the_officer_may_discard_what_was_scanned(desk, symbols):
    _scan(desk, symbols[0])
    response = desk.post("/tiep-nhan/", {"mode": "discard"}, follow=True)
    assert "Đã bỏ các mã vạch đã quét" in response.content.decode()
    assert not PendingScan.objects.exists()
    _scan(desk, symbols[1], symbols[2])
    assert not Submission.objects.exists()  # symbol 1 was discarded: still incomplete
    assert "còn thiếu số 1" in desk.get("/tiep-nhan/").content.decode()


def test_each_officer_has_their_own_scans(desk, client, officers, symbols):
    from django.test import Client

    _scan(desk, symbols[0], symbols[1])
    other = Client()
    other.force_login(officers["head"])
    assert 'id="pending"' not in other.get("/tiep-nhan/").content.decode()
    _scan(other, symbols[2])
    assert not Submission.objects.exists()
    assert PendingScan.objects.count() == 2


def test_text_that_is_no_barcode_is_named_and_keeps_the_scans(desk, symbols):
    _scan(desk, symbols[0])
    page = _scan(desk, "xin chào").content.decode()
    assert "Không đọc được mã vạch" in page and "đã quét 1/3" in page
    assert PendingScan.objects.get().symbols == [symbols[0]]
