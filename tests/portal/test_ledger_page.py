"""The ledger's IT page (issue 23, item 4): IT only, filters, a day typed wrong said in words, resend."""

from __future__ import annotations

import pytest

from hoso.portal import sync
from hoso.portal.models import Delivery

from .conftest import receive

pytestmark = pytest.mark.django_db
URL = "/cntt/cong-quoc-gia/"


@pytest.fixture
def ledger(started, officers):
    """Two dossiers: the first refused by the portal, the second sent."""
    first, second = receive(officers["desk"]), receive(officers["desk"])
    started.refuse(times=1, code=11, message="Mã thủ tục không tồn tại")
    sync.run()
    return first, second


def _page(client, **query):
    answer = client.get(URL, query)
    assert answer.status_code == 200
    return answer.content.decode()


def test_only_it_opens_the_ledger(client, officers, ledger):
    client.force_login(officers["desk"])
    assert client.get(URL).status_code == 403


def test_it_reads_and_filters_the_ledger_in_vietnamese(client, officers, ledger):
    first, second = ledger
    client.force_login(officers["city"])
    page = _page(client)
    assert "Đồng bộ với Cổng dịch vụ công quốc gia" in page and "Đồng bộ đang bật" in page
    assert page.count('data-status="') == 2 and "DongBoHoSoMC" not in page
    waiting = _page(client, trang_thai="queued")
    assert (
        waiting.count('data-status="queued"') == 1
        and first.number in waiting
        and "mã lỗi của Cổng: 11" in waiting
    )
    assert second.number not in waiting
    by_code = _page(client, ho_so=second.national_code)
    assert by_code.count('data-status="sent"') == 1 and first.number not in by_code
    wrong_day = _page(client, tu_ngay="31/02/2016")
    assert 'role="alert"' in wrong_day and "31/02/2016" in wrong_day


def test_it_sends_chosen_rows_again(client, officers, ledger):
    client.force_login(officers["city"])
    refused = Delivery.objects.get(status=Delivery.Status.QUEUED)
    answer = client.post(URL, {"chon": [str(refused.pk)], "trang_thai": "queued"})
    assert "Đã cho gửi lại 1 dòng." in answer.content.decode()
    refused.refresh_from_db()
    assert refused.attempts == 0 and refused.resent_by == officers["city"].get_username()
    sync.run()
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
