"""The rest of the dossier page's actions through the web, the receipt's QR code, a typed under-6 list,
and the result reaching the I-VAN feed."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.states import Status

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% ket qua\n"


def _status(dossier):
    return Dossier.objects.get(pk=dossier.pk).status


def test_supplement_loop_reassign_and_refusal_through_the_pages(client, under6, officers, clock):
    client.force_login(officers["sothe"])
    client.post(f"/ho-so/{under6.pk}/take/")
    client.post(f"/ho-so/{under6.pk}/request_supplement/", {"note": "Thiếu bản sao giấy khai sinh"})
    assert _status(under6) == Status.SUPPLEMENT_REQUESTED
    page = client.get(f"/ho-so/{under6.pk}/").content.decode()
    assert "Tạm dừng" in page and "Thiếu bản sao giấy khai sinh" in page
    client.force_login(officers["desk"])  # the paper arrives at the desk
    client.post(f"/ho-so/{under6.pk}/receive_supplement/", {"file": SimpleUploadedFile("ks.pdf", PDF)})
    assert _status(under6) == Status.SUPPLEMENT_RECEIVED
    event = Dossier.objects.get(pk=under6.pk).events.get(kind=DossierEvent.Kind.SUPPLEMENT_RECEIVED)
    assert client.get(f"/ho-so/{under6.pk}/tep/{event.data['sha256']}/").content == PDF
    client.force_login(officers["head"])
    client.post(f"/ho-so/{under6.pk}/reassign/", {"to": officers["sothe2"].pk})
    assert Dossier.objects.get(pk=under6.pk).assignee == officers["sothe2"]
    client.post(f"/ho-so/{under6.pk}/reassign/", {"to": officers["thu"].pk})  # not of the card department
    assert Dossier.objects.get(pk=under6.pk).assignee == officers["sothe2"]
    client.force_login(officers["sothe2"])
    client.post(f"/ho-so/{under6.pk}/resume/")
    response = client.post(f"/ho-so/{under6.pk}/refuse/", {"note": " "}, follow=True)
    assert "lý do" in response.content.decode() and _status(under6) == Status.IN_PROCESS
    client.post(f"/ho-so/{under6.pk}/refuse/", {"note": "Trẻ đã có thẻ BHYT còn hạn"})
    assert _status(under6) == Status.REFUSED
    from hoso.workflow.audit import verify_chain

    assert verify_chain()[1] is None


def test_the_receipts_qr_code_opens_the_lookup(client, under6, officers):
    import pypdfium2
    import zxingcpp

    client.force_login(officers["desk"])
    pdf = client.get(f"/tiep-nhan/{under6.submission.public_id}/in/").content
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1  # one page
    image = document[0].render(scale=3).to_pil()
    codes = [c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert codes == [f"http://testserver/tra-cuu/?so={under6.number}&ma={under6.commune_id}"]
    assert 'id="found"' in client.get(codes[0]).content.decode()  # the QR code opens the dossier's state
    text = document[0].get_textpage().get_text_range()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and under6.number in text
    assert under6.due_date.strftime("%d/%m/%Y") in text and "D03-TS" in text


def test_a_typed_under_6_list_of_a_commune(client, officers, demo_data, trusted, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2016, 1, 5, 2, tzinfo=UTC))
    client.force_login(officers["desk"])
    response = client.post(
        "/tiep-nhan/",
        {"mode": "paper", "paper-kind": "2", "paper-code": "00379", "paper-name": "UBND xã Bắc Sơn",
         "paper-procedure": "602", "paper-period": "01/2016",
         "paper-rows": "Đỗ Minh Khôi; 05/06/2015; 1\nVũ Thị Hoa; 07/08/2014; 0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.channel == "paper" and dossier.commune_id == "00379" and dossier.department_id == "so_the"


def test_the_result_reaches_the_ivan_feed(client, unit, signers, officers, clock):
    from hoso.api.models import IvanKey
    from hoso.intake.pipeline import receive
    from hoso.reference.models import IvanProvider, Officer
    from hoso.testing.envelopes import envelope
    from hoso.workflow import actions
    from hoso.workflow.access import actor_for
    from hoso.workflow.results import Document
    from tests.intake.conftest import UNIT_CODE, UNIT_TAX

    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    dossier = receive(
        raw, ivan_code="00030", received_at=datetime(2016, 1, 5, 2, tzinfo=UTC)
    ).submission.dossier
    thu = officers["thu"]
    Officer.objects.filter(user=thu).update(office_id=dossier.office_id)  # an officer of Cầu Giấy
    thu.refresh_from_db()
    actor = actor_for(thu)
    actions.take(dossier, actor)
    result = actions.record(dossier, actor, documents=[Document("kq.pdf", PDF)])
    _row, key = IvanKey.issue(IvanProvider.objects.get(code="00030"))
    feed = client.get("/api/v1/feed?after=0", headers={"authorization": f"Bearer {key}"}).json()
    kinds = [(e["dossier_number"], e["kind"]) for e in feed["events"]]
    assert (dossier.number, "result") in kinds
    event = next(e for e in feed["events"] if e["kind"] == "result")
    assert event["data"]["result_sha256"] == result.signed_sha256 and event["to_status"] == "result_ready"
