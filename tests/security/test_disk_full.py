"""The evidence store on a small filesystem that fills up: the submission that no longer fits is
refused with a coded error before anything is acknowledged, and nothing acknowledged is lost."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest

from hoso.intake.blobstore import BlobStoreError, blob_store
from hoso.intake.models import Submission
from hoso.intake.pipeline import receive
from hoso.testing.envelopes import envelope
from tests.intake.conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_filesystem(tmp_path):
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", str(mount_point)], capture_output=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {result.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)


def test_a_full_disk_refuses_cleanly_and_loses_nothing(unit, signers, settings, small_filesystem):
    settings.HOSO_BLOB_STORE = small_filesystem / "blobs"
    at = datetime(2016, 1, 5, 2, tzinfo=UTC)
    acknowledged = []
    error = None
    for i in range(200):
        raw = envelope(
            unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"], employees=5 + i % 3, seed=i
        )
        try:
            acknowledged.append((receive(raw, ivan_code="00030", received_at=at), raw))
        except BlobStoreError as caught:
            error = caught
            break
    assert error is not None, "the small filesystem never filled up"
    assert error.code == "BLOB_WRITE_FAILED" and "gửi lại" in error.message_vi
    assert len(acknowledged) >= 1
    assert Submission.objects.count() == len(acknowledged)  # the refused one left no record
    for reception, raw in acknowledged:
        assert blob_store().get(reception.submission.sha256) == raw
        assert reception.submission.dossier is not None
    leftovers = [p for p in (small_filesystem / "blobs").rglob(".incoming-*")]
    assert not leftovers, "a half-written blob was left behind"
