"""Queues (filters, counts, keyset paging), the dossier page, results with cards, hand-over."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.workflow.models import Dossier
from hoso.workflow.states import Status
from tests.workflow.conftest import receive_children

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% quyet dinh cap the\n"


def test_a_department_officer_takes_records_the_result_and_the_desk_hands_it_over(
    client, under6, officers, clock
):
    client.force_login(officers["sothe"])
    page = client.get("/ho-so/").content.decode()
    assert under6.number in page and "Trong hạn" in page
    assert "Nhận xử lý hồ sơ" in client.get(f"/ho-so/{under6.pk}/").content.decode()
    client.post(f"/ho-so/{under6.pk}/take/")
    page = client.get(f"/ho-so/{under6.pk}/").content.decode()
    assert "Đang xử lý" in page and "Ghi nhận kết quả" in page and 'name="card_1"' in page
    client.post(
        f"/ho-so/{under6.pk}/record_result/",
        {"documents": [SimpleUploadedFile("kq.pdf", PDF)], "card_0": "0115000001", "card_1": "0114000002"},
    )
    page = client.get(f"/ho-so/{under6.pk}/").content.decode()
    assert "TE1010115000001" in page and "Đã có kết quả" in page
    result = Dossier.objects.get(pk=under6.pk).result
    assert client.get(f"/ho-so/{under6.pk}/tep/{result.documents[0]['sha256']}/").content == PDF
    signed = client.get(f"/ho-so/{under6.pk}/tep/{result.signed_sha256}/")
    assert b"KetQuaHoSo" in signed.content and signed["Content-Security-Policy"].startswith(
        "default-src 'none'"
    )
    client.force_login(officers["desk"])
    assert under6.number in client.get("/tra-ket-qua/").content.decode()
    response = client.post(
        f"/ho-so/{under6.pk}/hand_over/", {"receiver": "Ông Trần Văn Xã", "back": "handover"}
    )
    assert response["Location"] == "/tra-ket-qua/"
    assert Dossier.objects.get(pk=under6.pk).status == Status.HANDED_OVER
    assert "Đã trả kết quả" in client.get(f"/ho-so/{under6.pk}/").content.decode()


def test_a_bad_result_says_why_and_changes_nothing(client, under6, officers, clock):
    client.force_login(officers["sothe"])
    client.post(f"/ho-so/{under6.pk}/take/")
    response = client.post(
        f"/ho-so/{under6.pk}/record_result/",
        {"documents": [SimpleUploadedFile("kq.exe", b"MZ")]},
        follow=True,
    )
    assert "PDF hoặc XML" in response.content.decode()
    assert Dossier.objects.get(pk=under6.pk).status == Status.IN_PROCESS


def test_the_queue_filters_counts_and_pages(client, under6, officers, monkeypatch, clock):
    from hoso.desk import queues

    for _ in range(4):
        receive_children(officers["desk"], children=[("Bé Một", "01/01/2015", "1")] * (1 + _))
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    client.force_login(officers["head"])
    page = client.get("/ho-so/").content.decode()
    assert "Tổng số: <strong>5</strong>" in page
    numbers = set()
    url = "/ho-so/"
    for _ in range(3):
        response = client.get(url)
        rows = [d for d in Dossier.objects.values_list("number", flat=True) if d in response.content.decode()]
        numbers.update(rows)
        if 'rel="next"' not in response.content.decode():
            break
        url = "/ho-so/?" + response.content.decode().split('rel="next"')[0].rsplit('href="?', 1)[1].split(
            '"'
        )[0].replace("&amp;", "&")
    assert len(numbers) == 5
    assert "Tổng số: <strong>0</strong>" in client.get("/ho-so/?channel=electronic").content.decode()
    monkeypatch.setattr(queues, "COUNT_CAP", 3)  # counts stop at the cap and say so
    page = client.get("/ho-so/").content.decode()
    assert "Tổng số: <strong>3+</strong>" in page and "Đã tiếp nhận: <strong>3+</strong>" in page
    assert "Tổng số: <strong>0</strong>" in client.get("/ho-so/?unit=ZZ9999Z").content.decode()
    assert under6.number in client.get("/ho-so/?due=on_time&procedure=602&channel=barcode").content.decode()
    assert under6.number not in client.get("/ho-so/?due=late").content.decode()
    partial = client.get("/ho-so/?status=received", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and under6.number in partial


def test_the_dossier_page_in_english(client, under6, officers):
    client.force_login(officers["desk"])
    page = client.get(f"/ho-so/{under6.pk}/", headers={"accept-language": "en"}).content.decode()
    assert "Timeline" in page and "Received" in page and "Full name" in page
