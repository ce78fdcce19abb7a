"""Issue 19, item 7: the signed result document is fetchable by the I-VAN that carried the dossier
(linked from the feed's result event, ETag and 304, 404 for another I-VAN), and the feed never shows an
officer's log-in name — the department and office in words instead. Dossier signed by xmlsec1."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from cryptography import x509

from hoso.intake.gateway import cert_path
from hoso.signature import TrustStore, verify
from hoso.signature.pki import DEMO_PASSWORD
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.models import Dossier
from hoso.workflow.results import Document
from tests.intake.conftest import UNIT_CODE, UNIT_TAX
from tests.workflow.conftest import FAST_HASHERS, make_officer
from tests.xmlsec1_signing import d02, envelope, needs_xmlsec1, xmlsec1_sign

from .conftest import ApiClient

pytestmark = [needs_xmlsec1, pytest.mark.django_db]
PDF = b"%PDF-1.4\n% ket qua\n"
LOGINS = ("t.thu.caugiay", "t.thu2.caugiay", "t.truong.caugiay")


@pytest.fixture
def settled(api, unit, pki, settings):
    """A dossier of the test unit (signed by xmlsec1) taken, reassigned and settled by officers of its
    office (Cầu Giấy, 00105); the submission id."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    p12 = pki.entities["unit-valid"].p12_path
    today = datetime.now().astimezone()
    form = xmlsec1_sign(d02(UNIT_CODE), p12, DEMO_PASSWORD)
    unsigned = envelope(
        [form], unit_code=UNIT_CODE, tax_code=UNIT_TAX, period=today.strftime("%m/%Y"), created=today.date()
    )
    posted = api.submit(xmlsec1_sign(unsigned, p12, DEMO_PASSWORD))
    assert posted.status_code == 201, posted.content
    dossier = Dossier.objects.get(number=posted["X-Dossier-Number"])
    first, second, head = (
        make_officer(LOGINS[0], "department_officer", "00105", dossier.department_id),
        make_officer(LOGINS[1], "department_officer", "00105", dossier.department_id),
        make_officer(LOGINS[2], "office_head", "00105"),
    )
    actions.take(dossier, actor_for(first))
    actions.reassign(dossier, actor_for(head), second)
    actions.record(dossier, actor_for(second), documents=[Document("quyet-dinh.pdf", PDF)])
    return posted["X-Submission-Id"]


def test_the_result_event_links_the_signed_result_document(api, settled):
    events = api.get("/api/v1/feed?after=0").json()["events"]
    (result,) = [e for e in events if e["kind"] == "result"]
    assert result["data"]["result_url"] == f"/api/v1/dossiers/{settled}/result"
    answer = api.get(result["data"]["result_url"])
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/xml")
    assert hashlib.sha256(answer.content).hexdigest() == result["data"]["result_sha256"]
    assert answer["ETag"] == f'"{result["data"]["result_sha256"]}"'
    gateway = x509.load_pem_x509_certificate(cert_path().read_bytes())
    report = verify(answer.content, trust=TrustStore([gateway]), at=datetime.now().astimezone())
    assert report.indication.name == "TOTAL_PASSED", report.reason_en
    assert b"quyet-dinh.pdf" in answer.content and hashlib.sha256(PDF).hexdigest().encode() in answer.content
    unchanged = api.get(result["data"]["result_url"], HTTP_IF_NONE_MATCH=answer["ETag"])
    assert (unchanged.status_code, unchanged.content) == (304, b"")


def test_no_officer_log_in_reaches_the_ivan(api, settled):
    """The feed, the dossier's history and the result document name the department and office, never
    the officers' log-ins."""
    feed = api.get("/api/v1/feed?after=0").json()["events"]
    history = api.get(f"/api/v1/dossiers/{settled}").json()["events"]
    document = api.get(f"/api/v1/dossiers/{settled}/result").content.decode()
    for text in (json.dumps(feed, ensure_ascii=False), json.dumps(history, ensure_ascii=False), document):
        assert not any(login in text for login in LOGINS), text
    dossier = Dossier.objects.select_related("department", "office").get(submission__public_id=settled)
    words = f"{dossier.department.name_vi}, {dossier.office.name_vi}"
    (assigned,) = [e for e in feed if e["kind"] == "assigned"]
    assert words in assigned["note"] and assigned["data"]["handled_by"] == words
    taken = next(e for e in feed if e["to_status"] == "in_process")
    assert taken["data"] == {"handled_by": words}
    assert f"<DonViGiaiQuyet>{words}</DonViGiaiQuyet>" in document


def test_the_result_is_not_another_ivans(api, client, other_key, settled, unit):
    other = ApiClient(client, other_key).get(f"/api/v1/dossiers/{settled}/result")
    assert (other.status_code, other.json()["code"]) == (404, "API_NOT_FOUND")
    none_yet = api.get("/api/v1/dossiers/00000000-0000-0000-0000-000000000000/result")
    assert none_yet.status_code == 404
