"""Numbers stay gapless and unique, and repeats create no second dossier, under concurrent submitters
(threads with their own database connections, on SQLite and on PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from django.db import connection

from hoso.intake.models import Submission
from hoso.intake.pipeline import receive
from hoso.testing.envelopes import envelope
from hoso.workflow.audit import verify_chain
from hoso.workflow.models import Dossier

from .conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db(transaction=True)
SUBMITTERS = 50


def _in_thread(raw: bytes, at: datetime):
    try:
        return receive(raw, ivan_code="00030", received_at=at).outcome
    finally:
        connection.close()


def test_fifty_concurrent_submitters_get_gapless_unique_numbers(unit, signers):
    at = datetime(2016, 1, 6, 3, tzinfo=UTC)
    raws = [
        envelope(
            unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=1 + i % 5, seed=i
        )
        for i in range(SUBMITTERS)
    ]
    # Each envelope once, and ten of them a second time at the same moment (repeats racing the original).
    work = raws + raws[:10]
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda raw: _in_thread(raw, at), work))
    distinct = len(set(raws))
    assert outcomes.count("accepted") == distinct
    assert outcomes.count("repeat") == len(work) - distinct
    sequences = sorted(
        Dossier.objects.filter(office_id="00105", year=2016).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, distinct + 1))
    assert Submission.objects.count() == distinct
    assert verify_chain() == (distinct, None)


def test_the_receipt_is_signed_with_the_offices_counter_locked_and_the_shared_chain_head_free(
    unit, signers, monkeypatch
):
    """Signing is the slowest step of the numbering transaction: it happens while the office's counter
    is locked (the number is in the receipt) but before the audit-chain head, which every office
    shares, is locked."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; on SQLite the one writer holds the whole database")
    import psycopg

    from hoso.intake import pipeline

    at = datetime(2016, 1, 6, 3, tzinfo=UTC)
    raw = [
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=n)
        for n in (1, 2)
    ]
    receive(raw[0], ivan_code="00030", received_at=at)  # the counter row and the chain head now exist
    params = connection.get_connection_params()
    other = psycopg.connect(
        dbname=params["dbname"], user=params.get("user"), host=params.get("host"), port=params.get("port"),
        autocommit=True,
    )  # fmt: skip
    seen = {}
    real_attach = pipeline.attach_receipt

    def probing_attach(submission):
        try:
            other.execute("SELECT 1 FROM workflow_dossiercounter WHERE office_id = '00105' FOR UPDATE NOWAIT")
        except psycopg.errors.LockNotAvailable:
            seen["counter"] = "locked"
        other.execute("SELECT 1 FROM workflow_audithead WHERE id = 1 FOR UPDATE NOWAIT")
        seen["head"] = "free"
        real_attach(submission)

    monkeypatch.setattr(pipeline, "attach_receipt", probing_attach)
    try:
        assert receive(raw[1], ivan_code="00030", received_at=at).outcome == "accepted"
    finally:
        other.close()
    assert seen == {"counter": "locked", "head": "free"}
