"""Hostile files through the reception pipeline: each gets a coded refusal (or coded error) quickly,
nothing is lost (the bytes are kept as evidence), and memory stays bounded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zlib
from datetime import UTC, datetime

import pytest

from hoso.barcode.chunks import format_chunk, payload_hash
from hoso.intake.blobstore import blob_store
from hoso.intake.pipeline import IntakeError, receive
from tests.security.hostile import hostile_corpus

pytestmark = pytest.mark.django_db
AT = datetime(2016, 1, 5, 2, tzinfo=UTC)
TIME_BOUND_S = 10  # generous on a loaded 2-core machine; the typical case is milliseconds


@pytest.mark.parametrize("name", sorted(hostile_corpus()))
def test_a_hostile_upload_is_refused_quickly_and_kept(reference_data, settings, tmp_path, name):
    settings.HOSO_BLOB_STORE = tmp_path / "blobs"
    raw = hostile_corpus()[name]
    started = time.monotonic()
    reception = receive(raw, ivan_code="00030", received_at=AT)
    elapsed = time.monotonic() - started
    assert elapsed < TIME_BOUND_S, f"{name} took {elapsed:.1f} s"
    assert reception.outcome == "refused"
    reasons = reception.submission.reasons
    assert reasons and all(r["code"] and r["message"] and r["message_en"] for r in reasons)
    assert blob_store().get(reception.submission.sha256) == raw  # evidence, refused or not
    assert b"TU_CHOI" in reception.receipt_xml


def test_not_xml_and_oversize_are_coded_errors(reference_data, settings, tmp_path):
    settings.HOSO_BLOB_STORE = tmp_path / "blobs"
    with pytest.raises(IntakeError) as caught:
        receive(b"\x00" * 64, ivan_code="00030")
    assert caught.value.code == "INTAKE_NOT_XML"
    settings.HOSO_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(IntakeError) as caught:
        receive(b"<Hoso>" + b" " * 2048 + b"</Hoso>", ivan_code="00030")
    assert caught.value.code == "INTAKE_TOO_LARGE"


def test_a_compression_bomb_in_barcodes_is_refused_at_the_desk(reference_data, settings, tmp_path):
    from hoso.intake.desk import receive_scanner_text

    settings.HOSO_BLOB_STORE = tmp_path / "blobs"
    payload = zlib.compress(b"<Hoso>" + b" " * 200_000_000 + b"</Hoso>", 9)  # 200 MB behind ~200 kB
    h = payload_hash(payload)
    slices = [payload[i : i + 600] for i in range(0, len(payload), 600)]
    text = "\n".join(format_chunk(h, k, len(slices), part) for k, part in enumerate(slices, start=1))
    started = time.monotonic()
    desk = receive_scanner_text(text, officer=None)
    assert time.monotonic() - started < 60
    assert not desk.receptions and not desk.complete
    assert any(
        "PAYLOAD" in str(p.get("code", "")) or "INFLATE" in str(p.get("code", "")) for p in desk.problems()
    ), desk.problems()


def test_memory_stays_bounded_over_the_whole_corpus(tmp_path):
    """In a fresh process (so nothing else counts): peak RSS while refusing every hostile file."""
    script = (
        "import resource, sys\n"
        "from hoso import django_setup\n"
        "django_setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from hoso.reference.loaders import load_reference_data\n"
        "load_reference_data()\n"
        "from hoso.intake.gateway import ensure_gateway_identity\n"
        "ensure_gateway_identity()\n"
        "from hoso.intake.pipeline import receive\n"
        "from tests.security.hostile import hostile_corpus\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "for raw in hostile_corpus().values():\n"
        "    assert receive(raw, ivan_code='00030').outcome == 'refused'\n"
        "print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"HOSO_DATA_DIR": str(tmp_path)}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    before_kb, after_kb = map(int, result.stdout.split()[-2:])
    # The largest file is 8 MB; refusing all of them must not cost more than a few times that.
    assert after_kb - before_kb < 200 * 1024, f"peak RSS grew by {(after_kb - before_kb) // 1024} MB"
