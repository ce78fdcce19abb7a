from datetime import UTC, datetime

import pytest

from hoso.intake.blobstore import blob_store
from hoso.intake.pipeline import receive
from hoso.intake.retention import purge
from hoso.testing.envelopes import envelope
from hoso.workflow.services import transition
from hoso.workflow.states import Status

from .conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db
RECEIVED = datetime(2016, 1, 5, 2, tzinfo=UTC)


def test_purge_keeps_open_dossiers_records_and_the_audit_chain(unit, signers):
    from hoso.workflow.audit import verify_chain

    open_one = receive(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"]),
        ivan_code="00030",
        received_at=RECEIVED,
    )
    done = receive(
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=2),
        ivan_code="00030",
        received_at=RECEIVED,
    )
    for state in (Status.IN_PROCESS, Status.RESULT_READY, Status.HANDED_OVER):
        transition(done.submission.dossier, state, actor_label="test")
    refused = receive(b"<Hoso>broken", ivan_code="00030", received_at=RECEIVED)

    with pytest.raises(ValueError):
        purge(years=5)
    assert purge(now=datetime(2025, 1, 1, tzinfo=UTC)).purged == 0  # not yet 10 years old
    dry = purge(now=datetime(2026, 6, 1, tzinfo=UTC), dry_run=True)
    assert (dry.purged, dry.kept_open, dry.blobs_deleted) == (2, 1, 0)
    report = purge(now=datetime(2026, 6, 1, tzinfo=UTC))
    assert (report.purged, report.kept_open, report.blobs_deleted) == (2, 1, 2)
    store = blob_store()
    assert store.exists(open_one.submission.sha256)
    assert not store.exists(done.submission.sha256) and not store.exists(refused.submission.sha256)
    done.submission.refresh_from_db()
    assert done.submission.purged_at and bytes(done.submission.receipt_xml)  # the receipt stays
    assert verify_chain()[1] is None
