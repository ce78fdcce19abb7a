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
        envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=1 + i % 5)
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
