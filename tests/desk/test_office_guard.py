"""Issue 20, item 4: the office guard. A submitter managed by another office is named, with that
office, before anything is received; the officer confirms (recorded as received here, routed there) or
stops; the receiving desk can open what it received."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone

from hoso.barcode import make_chunks
from hoso.desk.models import Forwarding, PendingScan
from hoso.intake.models import Submission
from hoso.workflow.models import Dossier
from tests.workflow.conftest import children_envelope

pytestmark = pytest.mark.django_db
NOW = datetime(2016, 1, 5, 2, tzinfo=UTC)
BA_DINH_COMMUNE = "00001"  # Phúc Xá, managed by Ba Đình (00101); the desk below is Sóc Sơn's (00110)
PAPER = {
    "mode": "paper", "paper-kind": "2", "paper-code": BA_DINH_COMMUNE, "paper-name": "UBND phường Phúc Xá",
    "paper-procedure": "602", "paper-period": "01/2016",
    "paper-rows": "Nguyễn Văn Bé; 12/03/2015; 1\nTrần Thị Na; 01/10/2014; 0",
}  # fmt: skip


@pytest.fixture
def desk(client, officers, demo_data, trusted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(officers["desk"])
    return client


def _as(officer) -> Client:
    other = Client()
    other.force_login(officer)
    return other


def test_a_typed_dossier_of_another_office_is_named_then_confirmed(desk, officers):
    page = desk.post("/tiep-nhan/", PAPER).content.decode()
    assert "UBND Phúc Xá do BHXH quận Ba Đình quản lý, không phải BHXH huyện Sóc Sơn" in page
    assert 'name="confirm_office"' in page and not Submission.objects.exists()  # nothing received yet
    assert "00101" not in page.split('id="other-office"')[1].split("value=")[0]  # no office code to read

    page = desk.post("/tiep-nhan/", {**PAPER, "confirm_office": "00110"}).content.decode()
    assert 'name="confirm_office"' in page and not Submission.objects.exists()  # not the office named

    response = desk.post("/tiep-nhan/", {**PAPER, "confirm_office": "00101"})
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.office_id == "00101"  # routed to the managing office
    forwarding = Forwarding.objects.get()
    assert (forwarding.received_office_id, forwarding.managing_office_id) == ("00110", "00101")
    assert forwarding.dossier == dossier and forwarding.officer == officers["desk"]

    assert desk.get(f"/ho-so/{dossier.pk}/").status_code == 200  # the receiving desk opens it
    assert _as(officers["head"]).get(f"/ho-so/{dossier.pk}/").status_code == 200  # its office too
    assert _as(officers["other_head"]).get(f"/ho-so/{dossier.pk}/").status_code == 200  # the managing one
    page = desk.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Nhận xử lý" not in page  # reading only: acting stays with the managing office
    assert "Tiếp nhận tại bộ phận một cửa của" in page and "chuyển về BHXH quận Ba Đình" in page


def test_a_scanned_dossier_of_another_office_waits_for_the_officer(desk):
    lines = make_chunks(children_envelope(BA_DINH_COMMUNE))
    response = desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": "\n".join(lines)})
    assert response.status_code == 302 and response["Location"] == "/tiep-nhan/"
    assert not Submission.objects.exists()
    page = desk.get("/tiep-nhan/").content.decode()  # a reload asks again
    assert 'id="other-office"' in page and "Ba Đình" in page
    assert 'name="scanner" rows="6" autofocus' not in page  # the question has the focus

    response = desk.post("/tiep-nhan/", {"mode": "confirm_office", "office": "00101"})
    assert response.status_code == 302 and response["Location"] != "/tiep-nhan/"
    dossier = Dossier.objects.get()
    assert dossier.office_id == "00101" and dossier.channel == "barcode"
    assert Forwarding.objects.get().received_office_id == "00110"
    assert not PendingScan.objects.exists()
    assert desk.get(f"/ho-so/{dossier.pk}/").status_code == 200


def test_the_officer_stops_and_nothing_is_received(desk):
    lines = make_chunks(children_envelope(BA_DINH_COMMUNE))
    desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": "\n".join(lines)})
    desk.post("/tiep-nhan/", {"mode": "discard"})
    assert not Submission.objects.exists() and not PendingScan.objects.exists()
    assert 'id="other-office"' not in desk.get("/tiep-nhan/").content.decode()


def test_an_office_that_received_nothing_still_gets_404(desk, officers):
    desk.post("/tiep-nhan/", {**PAPER, "confirm_office": "00101"})
    dossier = Dossier.objects.get()
    from tests.workflow.conftest import make_officer

    third = make_officer("t.motcua.myduc", "desk_officer", "00128", "mot_cua")
    assert _as(third).get(f"/ho-so/{dossier.pk}/").status_code == 404


def test_the_own_office_is_not_asked(desk):
    lines = make_chunks(children_envelope())  # 00379, Sóc Sơn's
    response = desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": "\n".join(lines)})
    assert response.status_code == 302 and Dossier.objects.get().office_id == "00110"
    assert not Forwarding.objects.exists()


def test_a_waiting_dossier_does_not_hold_up_the_own_offices(desk):
    other = make_chunks(children_envelope(BA_DINH_COMMUNE))
    desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": "\n".join(other)})
    own = make_chunks(children_envelope())  # Sóc Sơn's own commune, scanned while the question waits
    desk.post("/tiep-nhan/", {"mode": "scanner", "scanner": "\n".join(own)})
    assert Dossier.objects.get().office_id == "00110"  # received
    assert 'id="other-office"' in desk.get("/tiep-nhan/").content.decode()  # the question still waits
    desk.post("/tiep-nhan/", {"mode": "confirm_office", "office": "00101"})
    assert sorted(Dossier.objects.values_list("office_id", flat=True)) == ["00101", "00110"]
    assert not PendingScan.objects.exists()
