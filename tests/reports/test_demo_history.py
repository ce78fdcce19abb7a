"""The demo history goes through the real pipeline and tells the story of dispatch 2671."""

from datetime import UTC, datetime

import pytest

from hoso.intake.models import Submission
from hoso.reference.models import CertificateRegistration
from hoso.workflow.audit import verify_chain
from hoso.workflow.models import Dossier

pytestmark = pytest.mark.django_db


def test_the_history_tells_the_transition(history):
    assert history.submissions > 50 and history.accepted > 40
    subs = Submission.objects.filter(unit__code__startswith="L")
    jan = datetime(2016, 1, 1, tzinfo=UTC)
    oct_ = datetime(2015, 10, 1, tzinfo=UTC)
    # No electronic dossier before 01/10/2015; units' barcodes accepted only before 01/01/2016.
    assert not subs.filter(channel="electronic", received_at__lt=oct_).exists()
    assert subs.filter(channel="electronic", outcome="accepted").exists()
    assert not subs.filter(channel="barcode", outcome="accepted", received_at__gte=jan).exists()
    refused = subs.filter(channel="barcode", outcome="refused")
    assert refused.exists() and all(
        s.reasons[0]["code"] == "POLICY_BARCODE_SUSPENDED_FROM_2016_01_01" for s in refused
    )
    # Electronic ones carry the claimed signing time, registrations are dated on the switch day.
    electronic = subs.filter(channel="electronic", outcome="accepted").first()
    assert electronic.signature["claimed_signing_time"]
    registration = CertificateRegistration.objects.filter(unit=electronic.unit).get()
    assert registration.registered_from <= electronic.received_at
    # Communes file the under-6 list by barcode (accepted in 2016 while they have no certificate).
    assert Submission.objects.filter(procedure_code="602", channel="barcode", outcome="accepted").exists()
    # Dossiers were moved on with historical times; the audit chain holds.
    assert Dossier.objects.filter(
        status="result_ready", status_changed_at__lt=datetime(2016, 4, 1, tzinfo=UTC)
    ).exists()
    count, broken = verify_chain()
    assert broken is None and count > 0
    # Notices were sent and problems reported, some answered by IT.
    from hoso.reports.models import Notice, Problem

    assert Notice.objects.exists() and history.notices == len(
        {n.unit_id + str(n.sent_at) for n in Notice.objects.all()}
    )
    assert Problem.objects.filter(status="answered").exists() and history.problems == Problem.objects.count()


def test_the_history_is_made_once(history):
    from hoso.reports.demo import generate_history

    count = Submission.objects.count()
    assert generate_history(scale=0.1).skipped
    assert Submission.objects.count() == count
