"""IT pages: policies in force and the what-if replay; trust anchors and CRLs; I-VANs and keys;
registrations."""

from datetime import UTC, datetime

import pytest

from hoso.barcode import make_chunks
from hoso.intake.desk import receive_scanner_text
from hoso.policies.models import PolicyVersion
from hoso.testing.envelopes import envelope
from tests.intake.conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db


@pytest.fixture
def it(client, officers):
    client.force_login(officers["city"])
    return client


def test_policies_in_force_and_a_what_if_that_refuses_barcodes_earlier(it, unit, officers):
    # A unit's barcoded dossier accepted in December 2015 ...
    text = "\n".join(make_chunks(envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, period="11/2015")))
    desk = receive_scanner_text(
        text, officer=officers["desk"], received_at=datetime(2015, 12, 10, 2, tzinfo=UTC)
    )
    assert desk.receptions[0].outcome == "accepted"
    page = it.get("/cntt/chinh-sach/").content.decode()
    assert "2671-bhxh-cntt" in page and "baseline" in page and "Chính sách đang áp dụng" in page
    active = PolicyVersion.objects.get(policy="2671-bhxh-cntt", status="active")
    assert (
        "barcode-suspended-from-2016-01-01" in it.get(f"/cntt/chinh-sach/?from={active.pk}").content.decode()
    )
    # ... would be refused had the suspension started on 01/12/2015.
    draft = active.content.replace("valid_until = 2015-12-31", "valid_until = 2015-11-30")
    draft = draft.replace("valid_from = 2016-01-01", "valid_from = 2015-12-01")
    assert draft != active.content
    page = it.post(
        "/cntt/chinh-sach/", {"draft": draft, "date_from": "01/12/2015", "date_to": "31/12/2015"}
    ).content.decode()
    assert "1 trên 1 quyết định sẽ thay đổi" in page and "Chuyển thành từ chối: 1" in page
    assert PolicyVersion.objects.get(pk=active.pk).content == active.content  # nothing written
    page = it.post("/cntt/chinh-sach/", {"draft": "[policy\nid=", "date_from": ""}).content.decode()
    assert 'class="error"' in page


def test_trust_anchors_crls_keys_and_registrations(it, unit):
    from hoso.api.models import IvanKey
    from hoso.reference.models import IvanProvider

    page = it.get("/cntt/tin-cay/").content.decode()
    assert "root-ca.pem" in page and "issuing-ca.crl" in page and "root-ca.crl" in page
    assert "Cổng hồ sơ điện tử hoso" in page  # the gateway's own certificate
    row, _key = IvanKey.issue(IvanProvider.objects.get(code="00030"), label="EFY production")
    page = it.get("/cntt/ivan/").content.decode()
    assert row.prefix in page and "EFY production" in page and _key not in page
    page = it.get("/cntt/dang-ky/", {"q": UNIT_CODE}).content.decode()
    assert UNIT_CODE in page and "0101234567" in page
