"""`hoso backup` then `hoso restore` into an empty data directory gives an identical gateway."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SEED = """
from hoso import django_setup
django_setup()
from hoso.intake.demo import DEMO_UNIT, prepare_demo_signing
from hoso.intake.pipeline import receive
from hoso.reference.demo import load_demo_data
from hoso.signature.sign import Pkcs12Signer
from hoso.testing.envelopes import envelope
from django.utils import timezone

load_demo_data()
signing = prepare_demo_signing()
signer = Pkcs12Signer.from_file(signing.unit_p12, signing.password)
period = timezone.localdate().strftime("%m/%Y")
for employees in (1, 2, 3):
    raw = envelope(unit_code=DEMO_UNIT[0], tax_code=DEMO_UNIT[1], signer=signer, employees=employees, period=period)
    print(receive(raw, ivan_code="00030").outcome)
"""


def _run(args, env, **kwargs):
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=300, **kwargs
    )


def _env(data_dir: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"HOSO_DATA_DIR": str(data_dir)}


def _dump(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return list(db.iterdump())


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    data = tmp_path_factory.mktemp("source")
    env = _env(data)
    assert _run(["-m", "hoso", "init"], env).returncode == 0
    seeded = _run(["-c", SEED], env)
    assert seeded.returncode == 0 and seeded.stdout.split() == ["accepted"] * 3, seeded.stderr
    backups = tmp_path_factory.mktemp("backups")
    made = _run(["-m", "hoso", "backup", str(backups)], env)
    assert made.returncode == 0, made.stderr
    (folder,) = backups.glob("hoso-backup-*")
    return data, folder


def test_restore_gives_an_identical_state(source, tmp_path):
    data, folder = source
    target = tmp_path / "restored"
    env = _env(target)
    restored = _run(["-m", "hoso", "restore", str(folder)], env)
    assert restored.returncode == 0, restored.stderr
    assert _dump(target / "hoso.sqlite3") == _dump(data / "hoso.sqlite3")
    for part in ("blobs", "gateway", "trust"):
        assert _tree(target / part) == _tree(data / part), part
    assert (target / "gateway" / "gateway.key.pem").stat().st_mode & 0o077 == 0
    audit = _run(["-m", "hoso", "audit", "verify"], env)
    assert audit.returncode == 0 and "3 sự kiện" in audit.stdout
    again = _run(["-m", "hoso", "restore", str(folder)], env)
    assert again.returncode == 1 and "RESTORE_NOT_EMPTY" in again.stderr


def test_a_changed_backup_is_refused(source, tmp_path):
    _data, folder = source
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(folder.parent), str(copy)], check=True)
    blob = next(p for p in (copy / "blobs").rglob("*") if p.is_file())
    blob.write_bytes(blob.read_bytes() + b" ")
    result = _run(["-m", "hoso", "restore", str(copy / folder.name)], _env(tmp_path / "target"))
    assert result.returncode == 1 and "BACKUP_CORRUPT" in result.stderr


def test_check_reports_the_demo_configuration_as_unsafe(source):
    data, _folder = source
    result = _run(["-m", "hoso", "check"], _env(data))
    assert result.returncode == 1
    for code in ("CHECK_HTTPS", "CHECK_DEMO_TRUST", "CHECK_SELF_SIGNED", "CHECK_SQLITE", "CHECK_NO_PROXY"):
        assert code in result.stdout
