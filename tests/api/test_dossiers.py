"""POST /api/v1/dossiers and the reads of a submission: status, history, receipt, search."""

from __future__ import annotations

import hashlib
import subprocess
from shutil import which

import pytest
from cryptography import x509

from hoso.intake.gateway import cert_path
from hoso.intake.models import Submission
from hoso.signature import TrustStore, verify
from hoso.workflow.models import Dossier

from .conftest import UNIT_CODE, ApiClient

pytestmark = pytest.mark.django_db


def _gateway_trust() -> TrustStore:
    return TrustStore([x509.load_pem_x509_certificate(cert_path().read_bytes())])


def test_an_accepted_dossier_gets_201_and_the_signed_receipt(api, unit, make_envelope):
    raw = make_envelope()
    response = api.submit(raw)
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    submission = Submission.objects.get(public_id=response["X-Submission-Id"])
    assert response["Location"] == f"/api/v1/dossiers/{submission.public_id}"
    assert response["X-Dossier-Number"] == submission.dossier.number
    assert submission.dossier.number.endswith("/00105") and submission.ivan_id == "00030"
    assert response.content == bytes(submission.receipt_xml)
    assert submission.sha256 == hashlib.sha256(raw).hexdigest()
    report = verify(response.content, trust=_gateway_trust())
    assert report.passed, report.reason
    assert submission.dossier.number.encode() in response.content


@pytest.mark.skipif(
    which("xmlsec1") is None, reason="Debian package xmlsec1 not installed (make test installs it)"
)
def test_the_receipt_verifies_with_the_xmlsec1_command(api, unit, make_envelope, tmp_path):
    response = api.submit(make_envelope())
    (tmp_path / "receipt.xml").write_bytes(response.content)
    result = subprocess.run(
        ["xmlsec1", "--verify", "--pubkey-cert-pem", str(cert_path()), "--enabled-key-data", "rsa,x509",
         str(tmp_path / "receipt.xml")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_repeat_gets_200_and_the_original_receipt_and_no_second_dossier(api, unit, make_envelope):
    raw = make_envelope()
    first = api.submit(raw)
    again = api.submit(raw)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.content == first.content and again["X-Submission-Id"] == first["X-Submission-Id"]
    assert Dossier.objects.count() == 1


def test_idempotency_key_retry_and_conflict(api, unit, make_envelope):
    raw = make_envelope()
    first = api.submit(raw, HTTP_IDEMPOTENCY_KEY="efy-2026-000001")
    retry = api.submit(raw, HTTP_IDEMPOTENCY_KEY="efy-2026-000001")
    assert (first.status_code, retry.status_code) == (201, 200) and retry.content == first.content
    other = api.submit(make_envelope(employees=4), HTTP_IDEMPOTENCY_KEY="efy-2026-000001")
    assert other.status_code == 409 and other.json()["code"] == "API_IDEMPOTENCY_CONFLICT"
    assert Dossier.objects.count() == 1


def test_a_bad_idempotency_key_is_400(api, unit, make_envelope):
    response = api.submit(make_envelope(), HTTP_IDEMPOTENCY_KEY="has space")
    assert response.status_code == 400 and response.json()["code"] == "API_BAD_IDEMPOTENCY_KEY"


def test_a_refused_dossier_gets_422_and_a_signed_refusal_receipt(api, unit, make_envelope):
    # Signed by a valid certificate of another company: the signer's MST is not the unit's.
    response = api.submit(make_envelope(signer="unit-ec"))
    assert response.status_code == 422
    submission = Submission.objects.get(public_id=response["X-Submission-Id"])
    assert submission.outcome == "refused" and submission.dossier is None
    assert "X-Dossier-Number" not in response
    assert b"TU_CHOI" in response.content and submission.reasons[0]["code"].encode() in response.content
    assert verify(response.content, trust=_gateway_trust()).passed


def test_a_repeat_of_a_refusal_gets_the_refusal_again_never_a_success(api, unit, make_envelope):
    raw = make_envelope(signer="unit-ec")
    first = api.submit(raw)
    again = api.submit(raw)
    assert (first.status_code, again.status_code) == (422, 422)
    assert again.content == first.content and again["X-Submission-Id"] == first["X-Submission-Id"]
    assert again["X-Outcome"] == "refused" and Submission.objects.count() == 1


def test_an_unregistered_certificate_is_refused_with_how_to_register(
    api, reference_data, trusted, pki, make_envelope
):
    from hoso.reference.models import Unit

    Unit.objects.create(
        code=UNIT_CODE, tax_code="0101234567", name="Công ty TNHH Thương mại Hoà Bình", office_id="00105"
    )
    response = api.submit(make_envelope())
    assert response.status_code == 422
    reasons = Submission.objects.get(public_id=response["X-Submission-Id"]).reasons
    assert reasons[0]["code"] == "INTAKE_CERTIFICATE_NOT_REGISTERED"
    assert "04/ĐK-IVAN" in reasons[0]["advice"] and "04/ĐK-IVAN" in response.content.decode()


def test_413_from_the_declared_length_before_the_body_is_read(api, unit, settings):
    settings.HOSO_MAX_UPLOAD_BYTES = 1000
    # The declared length is larger than the bytes sent: reading the body would fail the test client.
    response = api.submit(b"<Hoso/>", CONTENT_LENGTH="50000000")
    assert response.status_code == 413
    assert response.json()["code"] == "INTAKE_TOO_LARGE" and response.json()["message"].startswith("Hồ sơ")


def test_415_for_a_content_type_that_is_not_xml(api, unit, make_envelope):
    response = api.post_xml("/api/v1/dossiers", make_envelope(), content_type="application/json")
    assert response.status_code == 415 and response.json()["code"] == "API_UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize("media", ["application/soap+xml", "application/octet-stream", "text/plain"])
def test_415_for_a_media_type_the_openapi_document_does_not_list(api, unit, make_envelope, media):
    response = api.post_xml("/api/v1/dossiers", make_envelope(), content_type=media)
    assert response.status_code == 415 and response.json()["code"] == "API_UNSUPPORTED_MEDIA_TYPE"


def test_text_xml_is_xml_too(api, unit, make_envelope):
    response = api.post_xml("/api/v1/dossiers", make_envelope(), content_type="text/xml; charset=utf-8")
    assert response.status_code == 201, response.content


def test_415_for_a_body_that_is_not_xml(api, unit):
    response = api.submit(b"%PDF-1.7 not a dossier")
    assert response.status_code == 415 and response.json()["code"] == "INTAKE_NOT_XML"
    assert Submission.objects.count() == 0


def test_411_for_a_body_without_length(api, unit):
    response = api.submit(b"", CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411 and response.json()["code"] == "API_LENGTH_REQUIRED"


def test_a_bad_content_length_is_400(api, unit):
    response = api.submit(b"<a/>", CONTENT_LENGTH="abc")
    assert response.status_code == 400 and response.json()["code"] == "API_BAD_LENGTH"


def test_status_history_and_receipt_of_ones_own_dossier(api, unit, make_envelope):
    posted = api.submit(make_envelope())
    sid = posted["X-Submission-Id"]
    body = api.get(f"/api/v1/dossiers/{sid}").json()
    assert body["id"] == sid and body["outcome"] == "accepted" and body["channel"] == "electronic"
    assert body["dossier"]["number"] == posted["X-Dossier-Number"]
    assert body["dossier"]["status"] == "received" and body["dossier"]["status_label_en"] == "Received"
    assert body["dossier"]["status_label"] not in ("", "Received")  # Vietnamese by default
    assert len(body["dossier"]["due_date"]) == 10 and "+07:00" in body["received_at"]
    assert [e["kind"] for e in body["events"]] == ["received"]
    assert body["receipt_url"] == f"/api/v1/dossiers/{sid}/receipt"
    receipt = api.get(body["receipt_url"])
    assert receipt.status_code == 200 and receipt.content == posted.content  # bit-identical
    assert receipt["ETag"] == f'"{hashlib.sha256(posted.content).hexdigest()}"'
    assert api.get(body["receipt_url"]).content == receipt.content


def test_find_by_number(api, unit, make_envelope):
    posted = api.submit(make_envelope())
    found = api.get(f"/api/v1/dossiers?number={posted['X-Dossier-Number']}").json()["items"]
    assert [item["id"] for item in found] == [posted["X-Submission-Id"]]
    assert found[0]["events"][0]["kind"] == "received"
    assert api.get("/api/v1/dossiers?number=99999/2026/00105").json()["items"] == []
    listing = api.get("/api/v1/dossiers").json()["items"]
    assert [item["id"] for item in listing] == [posted["X-Submission-Id"]]


def test_an_ivan_sees_only_what_it_carried(api, client, other_key, unit, make_envelope):
    posted = api.submit(make_envelope())
    sid, number = posted["X-Submission-Id"], posted["X-Dossier-Number"]
    other = ApiClient(client, other_key)
    for path in (f"/api/v1/dossiers/{sid}", f"/api/v1/dossiers/{sid}/receipt"):
        response = other.get(path)
        assert response.status_code == 404 and response.json()["code"] == "API_NOT_FOUND"
    assert other.get(f"/api/v1/dossiers?number={number}").json()["items"] == []
    assert other.get("/api/v1/feed?after=0").json()["events"] == []


def test_unknown_and_malformed_ids(api, unit):
    missing = api.get("/api/v1/dossiers/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and missing.json()["code"] == "API_NOT_FOUND"
    malformed = api.get("/api/v1/dossiers/not-a-uuid")
    assert malformed.status_code in (400, 404) and malformed.json()["code"] in (
        "API_INVALID_REQUEST",
        "API_NOT_FOUND",
    )
    assert api.get("/api/v1/dossiers?limit=0").json()["code"] == "API_INVALID_REQUEST"


def test_an_unknown_revocation_status_is_held_not_refused(api, unit, make_envelope, settings, tmp_path):
    """202 and a signed pending acknowledgement, Retry-After until the next check; once the CRLs are back and
    the held dossier judged again, the same bytes get the numbered receipt (200). tests/api/test_pending.py
    follows the whole path with a CRL published mid-test."""
    from hoso.intake import gateway, pending

    crls = settings.HOSO_CRL_DIR
    settings.HOSO_CRL_DIR = tmp_path / "no-crls"
    settings.HOSO_CRL_DIR.mkdir()
    gateway.forget()
    raw = make_envelope()
    held = api.submit(raw)
    assert held.status_code == 202 and 0 < int(held["Retry-After"]) <= 300
    assert b"<Ma>CHO_KIEM_TRA</Ma>" in held.content and b"SIG_TRY_LATER" in held.content
    assert "X-Dossier-Number" not in held and held["X-Outcome"] == "pending"
    assert api.submit(raw).content == held.content  # held: the same acknowledgement
    settings.HOSO_CRL_DIR = crls  # the CRLs are back: judged again, accepted
    gateway.forget()
    assert len(pending.recheck_all().accepted) == 1
    accepted = api.submit(raw)
    assert accepted.status_code == 200 and "Retry-After" not in accepted
    assert accepted["X-Dossier-Number"] and b"<Ma>TIEP_NHAN</Ma>" in accepted.content
