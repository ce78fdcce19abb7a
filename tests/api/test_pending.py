"""Issue 19, items 3 and 4 through HTTP: 202 and a signed pending acknowledgement while a certificate's
revocation status is unknown, the decision in the feed once the CA's CRL is published mid-test; refusals
the same bytes may be sent again after; the retry table of the code and of docs/ivan-guide.md are one.
Files signed by the xmlsec1 command."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from hoso.intake import gateway, retry
from hoso.intake.models import Submission
from hoso.jobs import tasks
from tests.intake import pending_world
from tests.xmlsec1_signing import XMLSEC1, d02, envelope, needs_xmlsec1

revocation_pki, world = pending_world.revocation_pki, pending_world.world  # the fixtures
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "ivan-guide.md"


def _code(content: bytes) -> str:
    return etree.fromstring(content).findtext("NoiDung/LyDo/LyDoItem/Ma")


@needs_xmlsec1
def test_held_then_accepted_when_the_crl_arrives(api, world, tmp_path):
    raw = world.dossier(seed=21)
    held = api.submit(raw, HTTP_IDEMPOTENCY_KEY="held-api-1")
    assert held.status_code == 202, held.content
    assert held["X-Outcome"] == "pending" and "X-Dossier-Number" not in held
    assert 0 < int(held["Retry-After"]) <= 300
    body = etree.fromstring(held.content).find("NoiDung")
    assert body.findtext("KetQua/Ma") == "CHO_KIEM_TRA" and not body.findtext("SoHoSo")
    assert _code(held.content) == "SIG_TRY_LATER"
    # The acknowledgement is signed by the gateway: xmlsec1 verifies it with the gateway's certificate.
    from cryptography.hazmat.primitives.serialization import Encoding

    (tmp_path / "gateway.pem").write_bytes(gateway.gateway_signer().certificate.public_bytes(Encoding.PEM))
    (tmp_path / "ack.xml").write_bytes(held.content)
    subprocess.run(
        [XMLSEC1, "--verify", "--pubkey-cert-pem", str(tmp_path / "gateway.pem"), "--enabled-key-data",
         "rsa,x509", str(tmp_path / "ack.xml")],
        check=True, capture_output=True,
    )  # fmt: skip

    sid = held["X-Submission-Id"]
    assert api.submit(raw).content == held.content  # a repeat while held: the same acknowledgement
    again = api.submit(raw, HTTP_IDEMPOTENCY_KEY="held-api-1")
    assert again.status_code == 202 and again.content == held.content
    status = api.get(f"/api/v1/dossiers/{sid}").json()
    assert status["outcome"] == "pending" and status["dossier"] is None
    assert status["reasons"][0]["code"] == "SIG_TRY_LATER"
    supplement = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", raw)
    assert supplement.status_code == 409 and supplement.json()["code"] == "API_NO_DOSSIER"
    cursor = api.get("/api/v1/feed?after=0").json()["next"]

    world.publish()
    assert "1 accepted" in tasks.revocation()
    final = api.get(f"/api/v1/dossiers/{sid}/receipt")
    assert (
        final.status_code == 200
        and etree.fromstring(final.content).findtext("NoiDung/KetQua/Ma") == "TIEP_NHAN"
    )
    repeat = api.submit(raw)
    assert repeat.status_code == 200 and repeat.content == final.content and repeat["X-Dossier-Number"]
    status = api.get(f"/api/v1/dossiers/{sid}").json()
    assert status["outcome"] == "accepted" and status["dossier"]["number"] == repeat["X-Dossier-Number"]
    assert status["dossier"]["received_at"] == status["received_at"]  # the reception time never moved
    events = api.get(f"/api/v1/feed?after={cursor}").json()["events"]
    assert [(e["kind"], e["dossier_id"], e["dossier_number"]) for e in events] == [
        ("received", sid, repeat["X-Dossier-Number"])
    ]
    assert events[0]["at"] == status["received_at"]


@needs_xmlsec1
def test_a_held_dossier_refused_in_the_end_reaches_the_feed(api, world):
    from datetime import timedelta

    from django.utils import timezone

    before = api.get("/api/v1/feed?after=0").json()
    raw = world.dossier(seed=23)
    held = api.submit(raw)
    assert held.status_code == 202
    world.publish(revoked=("unit-valid",), revoked_at=timezone.now() - timedelta(hours=1))
    said = tasks.revocation()
    assert "refused" in said
    feed = api.get(f"/api/v1/feed?after={before['next']}").json()
    refused = [e for e in feed["events"] if e["kind"] == "refused"]
    assert [e["dossier_id"] for e in refused] == [held["X-Submission-Id"]] * len(refused) and len(
        refused
    ) >= 1
    event = refused[-1]
    assert re.fullmatch(r"[0-9]+\.[0-9]+", event["position"]) and event["dossier_number"] == ""
    assert event["data"]["reasons"] == ["SIG_REVOKED"]
    receipt = api.get(event["data"]["receipt_url"])
    assert receipt.status_code == 200 and _code(receipt.content) == "SIG_REVOKED"
    # The cursor of a decision event is a place in the feed like any other: nothing repeats after it.
    assert api.get(f"/api/v1/feed?after={feed['next']}").json()["events"] == []
    # Walking one event at a time gives the same events, in the same order.
    walked, cursor = [], "0"
    while True:
        page = api.get(f"/api/v1/feed?after={cursor}&limit=1").json()
        walked += page["events"]
        cursor = page["next"]
        if not page["has_more"]:
            break
    assert [e["position"] for e in walked] == [
        e["position"] for e in api.get("/api/v1/feed?after=0&limit=1000").json()["events"]
    ]
    repeat = api.submit(raw)  # a refusal final for those bytes: 422 and the same receipt
    assert repeat.status_code == 422 and repeat.content == receipt.content


@needs_xmlsec1
def test_a_refusal_the_office_can_remove_lets_the_same_bytes_through(api, world, settings, tmp_path):
    """SIG_NO_CERTIFICATE_CHAIN_FOUND: refused while the office does not trust the CA; the same bytes,
    unchanged, are accepted once it does — not answered from the record of the refusal."""
    world.publish()
    trusted = settings.HOSO_TRUST_ANCHORS
    settings.HOSO_TRUST_ANCHORS = tmp_path / "no-anchors"
    settings.HOSO_TRUST_ANCHORS.mkdir()
    gateway.forget()
    raw = world.dossier(seed=24)
    refused = api.submit(raw, HTTP_IDEMPOTENCY_KEY="chain-1")
    assert refused.status_code == 422 and _code(refused.content) == "SIG_NO_CERTIFICATE_CHAIN_FOUND"
    assert "Retry-After" not in refused
    settings.HOSO_TRUST_ANCHORS = trusted  # the office adds the CA
    gateway.forget()
    tasks.revocation()  # and its CRLs are fetched
    accepted = api.submit(raw, HTTP_IDEMPOTENCY_KEY="chain-1")
    assert accepted.status_code == 201, accepted.content
    assert Submission.objects.filter(outcome="refused", transient=True).count() == 1


@needs_xmlsec1
def test_a_final_refusal_is_answered_from_the_record(api, world):
    world.publish()
    tasks.revocation()
    today = date.today()
    raw = world.sign(
        envelope(
            [world.sign(d02("HB00777", seed=25))],
            unit_code="HB00001",
            tax_code="0101234567",
            period=today.strftime("%m/%Y"),
            created=today,
        )
    )
    refused = api.submit(raw)
    assert refused.status_code == 422 and _code(refused.content) == "INTAKE_FORM_UNIT_MISMATCH"
    again = api.submit(raw)
    assert again.status_code == 422 and again.content == refused.content
    assert Submission.objects.count() == 1


def _guide_table() -> list[tuple[str, str, str]]:
    text = GUIDE.read_text(encoding="utf-8")
    table = text.split("<!-- retry-table:start -->", 1)[1].split("<!-- retry-table:end -->", 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        code, kind, when = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append((code.strip("`"), kind, when))
    return rows


def test_the_retry_table_of_the_guide_is_the_codes():
    assert _guide_table() == [(rule.code, rule.kind, rule.when) for rule in retry.RULES]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("SIG_TRY_LATER", "pending"),
        ("SIG_PART_TRY_LATER", "pending"),
        ("INTAKE_CERTIFICATE_NOT_REGISTERED", "again"),
        ("SIG_NO_CERTIFICATE_CHAIN_FOUND", "again"),
        ("SIG_REVOKED", "final"),
        ("SIG_PART_HASH_FAILURE", "final"),
        ("INTAKE_FORM_SIGNER_NOT_UNIT", "final"),
        ("XML_TOO_DEEP", "final"),
        ("POLICY_WHATEVER", "final"),
        ("SOMETHING_NEW", "final"),
    ],
)
def test_each_code_falls_in_one_class(code, kind):
    assert retry.kind_of(code) == kind


def test_a_refusal_with_one_final_reason_is_final():
    assert retry.may_send_again(["INTAKE_CERTIFICATE_NOT_REGISTERED"])
    assert not retry.may_send_again(["INTAKE_CERTIFICATE_NOT_REGISTERED", "FORM_ROW_INVALID"])
    assert not retry.may_send_again([])


def test_the_guide_says_the_status_codes():
    text = GUIDE.read_text(encoding="utf-8")
    for phrase in ("| **202** | held", "`Retry-After` on a 202 only", "`KetQua/Ma =\n  CHO_KIEM_TRA`"):
        assert phrase in text, phrase


def _awaiting_supplement(api, world, seed):
    from hoso.workflow.models import Dossier
    from hoso.workflow.services import request_supplement, transition

    posted = api.submit(world.dossier(seed=seed))
    assert posted.status_code == 201, posted.content
    dossier = Dossier.objects.get(number=posted["X-Dossier-Number"])
    transition(dossier, "in_process", actor_label="Cán bộ thu")
    request_supplement(dossier, actor_label="Cán bộ thu", note="Bổ sung tờ khai.")
    return posted["X-Submission-Id"], dossier


def _lapse_crls():
    from hoso.intake.models import FetchedCrl

    FetchedCrl.objects.all().delete()  # the CRLs lapse from the trust store
    gateway.forget()


@needs_xmlsec1
def test_a_supplement_is_held_too_and_recorded_at_its_reception_time(api, world):
    from hoso.intake.models import HeldSupplement

    world.publish()
    tasks.revocation()
    sid, dossier = _awaiting_supplement(api, world, seed=26)
    cursor = api.get("/api/v1/feed?after=0").json()["next"]
    _lapse_crls()
    papers = world.dossier(seed=27)
    path = f"/api/v1/dossiers/{sid}/supplements"
    held = api.post_xml(path, papers)
    assert held.status_code == 202, held.content
    assert held["X-Outcome"] == "pending" and 0 < int(held["Retry-After"]) <= 300
    body = etree.fromstring(held.content).find("NoiDung")
    assert body.findtext("KetQua/Ma") == "CHO_KIEM_TRA" and body.findtext("SoHoSo") == dossier.number
    assert body.findtext("MaGiaoDich") == held["X-Supplement-Id"]
    assert api.post_xml(path, papers).content == held.content  # sent again while held: the same answer
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"

    tasks.revocation()  # the CRLs are fetched again: the supplement is judged again and recorded
    supplement = HeldSupplement.objects.get(public_id=held["X-Supplement-Id"])
    assert supplement.outcome == "received"
    dossier.refresh_from_db()
    assert dossier.status == "supplement_received"
    events = api.get(f"/api/v1/feed?after={cursor}").json()["events"]
    received = [e for e in events if e["kind"] == "supplement_received"]
    assert len(received) == 1 and received[0]["data"]["sha256"] == supplement.sha256
    # The clock restarts from the supplement's reception time, not from when it was judged again.
    assert dossier.events.get(kind="supplement_received").at == supplement.received_at
    again = api.post_xml(path, papers)
    assert again.status_code == 200  # recorded: a repeat


@needs_xmlsec1
def test_a_held_supplement_refused_in_the_end_reaches_the_feed(api, world):
    from datetime import timedelta

    from django.utils import timezone

    world.publish()
    tasks.revocation()
    sid, dossier = _awaiting_supplement(api, world, seed=28)
    _lapse_crls()
    held = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", world.dossier(seed=29))
    assert held.status_code == 202
    cursor = api.get("/api/v1/feed?after=0").json()["next"]
    world.publish(revoked=("unit-valid",), revoked_at=timezone.now() - timedelta(hours=1))
    assert "1 refused" in tasks.revocation()
    events = api.get(f"/api/v1/feed?after={cursor}").json()["events"]
    assert [(e["kind"], e["dossier_id"], e["dossier_number"]) for e in events] == [
        ("supplement_refused", sid, dossier.number)
    ]
    assert events[0]["data"]["reasons"] == ["SIG_REVOKED"]
    assert events[0]["data"]["supplement"] == held["X-Supplement-Id"]
    assert events[0]["data"]["details"][0]["legal_basis"]
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"


@needs_xmlsec1
def test_a_registration_with_an_unknown_revocation_status_may_be_sent_again(api, world):
    """Registrations are not held: refused for the moment — 422 with Retry-After, nothing recorded — and
    the same file goes through once the CRL is back."""
    from hoso.intake.registration import build_registration

    world.publish()
    tasks.revocation()
    _lapse_crls()
    registration = world.sign(
        build_registration(code="HB00001", name="Công ty", tax_code="0101234567", office="00105", kind="1")
    )
    answer = api.post_xml("/api/v1/registrations", registration)
    assert answer.status_code == 422 and answer.json()["code"] == "REG_SIGNATURE_INVALID"
    assert answer.json()["details"]["signature_code"] == "TRY_LATER" and answer["Retry-After"] == "300"
    tasks.revocation()  # fetched again
    assert api.post_xml("/api/v1/registrations", registration).status_code == 200
