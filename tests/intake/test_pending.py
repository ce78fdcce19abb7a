"""Issue 19, item 4: an unknown revocation status holds a dossier, never refuses it.

Signed by the xmlsec1 command; the CAs' CRLs are missing at reception and published mid-test on a
loopback server, fetched by the revocation job (hoso.jobs.tasks.revocation), which judges the held
dossiers again at their reception time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree

from hoso.intake import pending
from hoso.intake.models import DecisionEvent, Submission
from hoso.intake.pipeline import receive
from hoso.jobs import tasks
from hoso.workflow.audit import verify_chain
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.numbering import due_date
from tests.intake import pending_world
from tests.xmlsec1_signing import needs_xmlsec1

revocation_pki, world = pending_world.revocation_pki, pending_world.world  # the fixtures

pytestmark = [needs_xmlsec1, pytest.mark.django_db]


def _receipt(xml: bytes) -> dict[str, str]:
    body = etree.fromstring(xml).find("NoiDung")
    return {
        "verdict": body.findtext("KetQua/Ma"),
        "label": body.findtext("KetQua/MoTa"),
        "number": body.findtext("SoHoSo") or "",
        "due": body.findtext("NgayHenTra") or "",
        "received": body.findtext("ThoiGianTiepNhan"),
        "codes": [item.findtext("Ma") for item in body.iter("LyDoItem")],
        "advice": [item.findtext("HuongDan") for item in body.iter("LyDoItem")],
    }


def test_an_unknown_revocation_status_holds_the_dossier_until_the_crl_arrives(world):
    raw = world.dossier(seed=1)
    received_at = timezone.now() - timedelta(hours=20)  # due dates must count from this moment
    held = receive(raw, ivan_code="00030", idempotency_key="held-1", received_at=received_at)
    assert held.outcome == "pending"
    submission, first_answer = held.submission, held.receipt_xml
    assert submission.outcome == Submission.Outcome.PENDING and submission.dossier_id is None
    acknowledgement = _receipt(held.receipt_xml)
    assert acknowledgement["verdict"] == "CHO_KIEM_TRA" and "thu hồi chứng thư" in acknowledgement["label"]
    assert acknowledgement["number"] == "" and acknowledgement["due"] == ""
    assert acknowledgement["codes"] == ["SIG_TRY_LATER"]
    assert acknowledgement["advice"][0].startswith("Không cần gửi lại")
    assert bytes(submission.acknowledgement_xml) == held.receipt_xml

    # A repeat while held — by bytes or by key — gets the same acknowledgement; nothing new is stored.
    for key in ("held-1", None):
        again = receive(raw, ivan_code="00030", idempotency_key=key)
        assert again.outcome == "repeat" and again.submission.pk == submission.pk
        assert again.receipt_xml == held.receipt_xml
    # The CRL addresses answer 404: the job fails (IT sees it) and the dossier stays held.
    with pytest.raises(RuntimeError, match="CRL_HTTP"):
        tasks.revocation()
    assert pending.recheck_all().still_pending == [str(submission.public_id)]

    world.publish()  # the CA publishes its CRL; the revocation job fetches it and judges again
    said = tasks.revocation()
    assert "1 accepted" in said, said
    submission.refresh_from_db()
    assert submission.outcome == Submission.Outcome.ACCEPTED and submission.decided_at is not None
    dossier = submission.dossier
    assert dossier.received_at == received_at == submission.received_at
    assert dossier.due_date == due_date(received_at, dossier.procedure.time_limit_days)
    final = _receipt(bytes(submission.receipt_xml))
    assert final["verdict"] == "TIEP_NHAN" and final["number"] == dossier.number
    assert final["due"] == dossier.due_date.isoformat()
    assert final["received"] == acknowledgement["received"]  # the reception time never moves
    assert bytes(submission.acknowledgement_xml) == first_answer  # kept as evidence
    event = DossierEvent.objects.get(dossier=dossier)
    assert event.kind == "received" and event.at == received_at
    assert event.data["submission"] == str(submission.public_id)
    assert verify_chain() == (1, None)

    # Decided: a repeat gets the final receipt.
    again = receive(raw, ivan_code="00030")
    assert again.outcome == "repeat" and again.receipt_xml == bytes(submission.receipt_xml)
    assert Dossier.objects.count() == 1 and Submission.objects.count() == 1


def test_a_certificate_revoked_before_reception_is_refused_once_the_crl_says_so(world):
    received_at = timezone.now() - timedelta(hours=1)
    held = receive(world.dossier(seed=2), ivan_code="00030", received_at=received_at)
    assert held.outcome == "pending"
    world.publish(revoked=("unit-valid",), revoked_at=received_at - timedelta(hours=1))
    assert "1 refused" in tasks.revocation()
    submission = Submission.objects.get(pk=held.submission.pk)
    assert submission.outcome == Submission.Outcome.REFUSED and submission.dossier_id is None
    refusal = _receipt(bytes(submission.receipt_xml))
    assert refusal["verdict"] == "TU_CHOI" and refusal["codes"] == ["SIG_REVOKED"]
    assert not submission.transient and submission.repeat_key  # final for those bytes
    event = DecisionEvent.objects.get(submission=submission)
    assert event.kind == "refused" and event.data["reasons"] == ["SIG_REVOKED"]
    assert Dossier.objects.count() == 0


def test_revoked_after_reception_still_counts_as_valid_at_reception(world):
    """Judged at its reception time: a later CRL listing a revocation dated after it does not refuse it."""
    received_at = timezone.now() - timedelta(hours=2)
    held = receive(world.dossier(seed=3), ivan_code="00030", received_at=received_at)
    world.publish(revoked=("unit-valid",), revoked_at=received_at + timedelta(minutes=30))
    assert "1 accepted" in tasks.revocation()
    assert Submission.objects.get(pk=held.submission.pk).dossier is not None


def test_the_retry_schedule_is_bounded_and_ends_in_a_refusal_of_its_own(world):
    now = timezone.now()
    held = receive(world.dossier(seed=4), ivan_code="00030", received_at=now).submission
    assert held.next_check_at == now + pending.CHECK_AFTER[0]
    assert pending.recheck_due(now).still_pending == []  # not yet due
    later = now + timedelta(minutes=6)
    assert pending.recheck_due(later).still_pending == [str(held.public_id)]
    held.refresh_from_db()
    assert held.next_check_at == now + pending.CHECK_AFTER[1] and held.revocation_checks == 1

    limit = now + pending.LIMIT + timedelta(seconds=1)
    report = pending.recheck_due(limit)
    assert report.refused == [str(held.public_id)], report
    held.refresh_from_db()
    assert held.outcome == Submission.Outcome.REFUSED and held.next_check_at is None
    assert held.reasons[0]["code"] == pending.UNRESOLVED
    assert held.reasons[0]["legal_basis"] and held.reasons[0]["advice"] and held.reasons[0]["advice_en"]
    assert held.transient and held.repeat_key is None  # the same bytes may be sent again
    assert DecisionEvent.objects.filter(submission=held, kind="refused").exists()
    assert Submission.objects.filter(outcome=Submission.Outcome.PENDING).count() == 0


def test_a_dossier_with_another_problem_is_refused_at_once_not_held(world):
    """Held only when the revocation status is the ONLY problem: a form naming another unit is refused."""
    from tests.xmlsec1_signing import d02, envelope

    today = timezone.localtime()
    form = world.sign(d02("HB00777"))
    raw = world.sign(
        envelope(
            [form],
            unit_code="HB00001",
            tax_code="0101234567",
            period=today.strftime("%m/%Y"),
            created=today.date(),
        )
    )
    refused = receive(raw, ivan_code="00030")
    assert refused.outcome == "refused"
    assert [r["code"] for r in refused.submission.reasons] == ["INTAKE_FORM_UNIT_MISMATCH"]


def test_a_crl_put_in_the_trust_store_by_hand_decides_at_the_next_pending_run(world, settings):
    """The hoso:pending job judges every held dossier again when the trust store's revocation data changed
    (here a CRL file an administrator copied in), without waiting for the dossier's scheduled check."""
    from datetime import UTC, datetime

    from tests.pki_fixtures import make_crl

    tasks.pending()  # this worker has seen the trust store as it is
    held = receive(world.dossier(seed=5), ivan_code="00030").submission
    assert "0 accepted" in tasks.pending()  # not due, nothing changed: not judged again
    now = datetime.now(UTC)
    for name, issuer in (("issuing-ca.crl", world.pki.issuing), ("root-ca.crl", world.pki.root)):
        crl = make_crl(issuer, this_update=now - timedelta(minutes=1), next_update=now + timedelta(days=7))
        (settings.HOSO_CRL_DIR / name).write_bytes(crl)
    assert "1 accepted" in tasks.pending()
    held.refresh_from_db()
    assert held.outcome == Submission.Outcome.ACCEPTED and held.dossier is not None
