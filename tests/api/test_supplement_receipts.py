"""Issue 19, item 7: an electronic supplement gets a signed receipt (answered again byte for byte, with
ETag and 304) and must be its dossier's — the same unit, procedure and period. Files signed by the
xmlsec1 command (tests/xmlsec1_signing.py), as an independent I-VAN client signs them."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from cryptography import x509

from hoso.intake.gateway import cert_path
from hoso.signature import TrustStore, verify
from hoso.signature.pki import DEMO_PASSWORD
from hoso.workflow.models import Dossier
from hoso.workflow.services import request_supplement, transition
from tests.intake.conftest import UNIT_CODE, UNIT_TAX
from tests.xmlsec1_signing import d02, envelope, needs_xmlsec1, xmlsec1_sign

from .conftest import ApiClient

pytestmark = [needs_xmlsec1, pytest.mark.django_db]


@pytest.fixture
def pack(pki):
    """An envelope of the test unit carrying one D02-TS, both signed by xmlsec1 with unit-valid."""

    def pack(*, seed: int = 0, procedure: str = "600", period: str | None = None) -> bytes:
        p12 = pki.entities["unit-valid"].p12_path
        form = xmlsec1_sign(d02(UNIT_CODE, seed=seed), p12, DEMO_PASSWORD)
        today = datetime.now().astimezone()
        unsigned = envelope(
            [form],
            unit_code=UNIT_CODE,
            tax_code=UNIT_TAX,
            procedure=procedure,
            period=period or today.strftime("%m/%Y"),
            created=today.date(),
        )
        return xmlsec1_sign(unsigned, p12, DEMO_PASSWORD)

    return pack


@pytest.fixture
def awaiting(api, unit, pack):
    """The submission id of a dossier whose officer asked for a supplement."""
    posted = api.submit(pack(seed=1))
    assert posted.status_code == 201, posted.content
    dossier = Dossier.objects.get(number=posted["X-Dossier-Number"])
    transition(dossier, "in_process", actor_label="Cán bộ thu")
    request_supplement(dossier, actor_label="Cán bộ thu", note="Bổ sung tờ khai.")
    return posted["X-Submission-Id"]


def test_a_supplement_gets_a_signed_receipt_answered_again_byte_for_byte(api, awaiting, pack):
    papers = pack(seed=2)
    first = api.post_xml(f"/api/v1/dossiers/{awaiting}/supplements", papers)
    assert first.status_code == 201, first.content
    assert first["Content-Type"].startswith("application/xml")
    receipt = first.content
    supplement_id = first["X-Supplement-Id"]
    assert f"<MaGiaoDich>{supplement_id}</MaGiaoDich>".encode() in receipt
    assert b"<Ma>TIEP_NHAN</Ma>" in receipt and hashlib.sha256(papers).hexdigest().encode() in receipt
    assert f"<SoHoSo>{first['X-Dossier-Number']}</SoHoSo>".encode() in receipt
    gateway = x509.load_pem_x509_certificate(cert_path().read_bytes())
    report = verify(receipt, trust=TrustStore([gateway]), at=datetime.now().astimezone())
    assert report.indication.name == "TOTAL_PASSED", report.reason_en

    again = api.post_xml(f"/api/v1/dossiers/{awaiting}/supplements", papers)  # a cut connection
    assert (again.status_code, again.content, again["X-Supplement-Id"]) == (200, receipt, supplement_id)
    fetched = api.get(first["Location"])
    assert (fetched.status_code, fetched.content) == (200, receipt)
    etag = f'"{hashlib.sha256(receipt).hexdigest()}"'
    assert fetched["ETag"] == etag
    unchanged = api.get(first["Location"], HTTP_IF_NONE_MATCH=etag)
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
    assert api.get(first["Location"], HTTP_IF_NONE_MATCH='"0"').status_code == 200

    feed = api.get("/api/v1/feed?after=0").json()["events"]
    (received,) = [e for e in feed if e["kind"] == "supplement_received"]
    assert received["data"]["supplement_id"] == supplement_id
    assert received["data"]["receipt_url"] == first["Location"]


def test_a_supplement_receipt_is_not_another_ivans(api, client, other_key, awaiting, pack):
    first = api.post_xml(f"/api/v1/dossiers/{awaiting}/supplements", pack(seed=2))
    other = ApiClient(client, other_key).get(first["Location"])
    assert (other.status_code, other.json()["code"]) == (404, "API_NOT_FOUND")
    unknown = api.get(f"/api/v1/dossiers/{awaiting}/supplements/00000000-0000-0000-0000-000000000000/receipt")
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"procedure": "612"}, "INTAKE_SUPPLEMENT_PROCEDURE_MISMATCH"),
        ({"period": "01/2015"}, "INTAKE_SUPPLEMENT_PERIOD_MISMATCH"),
    ],
)
def test_a_supplement_naming_another_procedure_or_period_is_refused(api, awaiting, pack, change, code):
    refused = api.post_xml(f"/api/v1/dossiers/{awaiting}/supplements", pack(seed=2, **change))
    assert (refused.status_code, refused.json()["code"]) == (422, code), refused.content
    assert "hồ sơ" in refused.json()["message"]
    dossier = Dossier.objects.get(submission__public_id=awaiting)
    assert dossier.status == "supplement_requested"
    # the same papers for the dossier's own procedure and period are received
    assert api.post_xml(f"/api/v1/dossiers/{awaiting}/supplements", pack(seed=2)).status_code == 201
