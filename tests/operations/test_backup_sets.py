"""Backup sets (issue 18, item 5): an uninitialised data directory is refused; evidence blobs are copied
once into the set's shared store; old backups are pruned; files may be encrypted; every file of a backup
is private (0600/0700); the daily job; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from hoso.operations import sealing

ROOT = Path(__file__).resolve().parents[2]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    ours = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "HOSO_TRUSTED_PROXIES")
    env = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith("HOSO_BACKUP")}
    return env | {"HOSO_DATA_DIR": str(data_dir)} | extra


def _hoso(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoso", *args], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def _add_blobs(data_dir: Path, count: int, tag: str) -> set[str]:
    """Evidence blobs as the blob store lays them out (content-addressed)."""
    made = set()
    for i in range(count):
        data = f"<HoSo tag='{tag}' n='{i}'>".encode() + os.urandom(200)
        digest = hashlib.sha256(data).hexdigest()
        folder = data_dir / "blobs" / digest[:2] / digest[2:4]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / digest).write_bytes(data)
        made.add(digest)
    return made


def _blobs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _dated(backups: Path) -> list[Path]:
    return sorted(backups.glob("hoso-backup-*"))


def _assert_private(backups: Path) -> None:
    for path in [backups, *backups.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"


@pytest.fixture
def key_files(tmp_path):
    good, other = tmp_path / "backup.key", tmp_path / "other.key"
    for path in (good, other):
        path.write_text(os.urandom(32).hex() + "\n")
        path.chmod(0o600)
    return good, other


# --- 1. refused when uninitialised ------------------------------------------------------------------


def test_an_uninitialised_data_directory_makes_no_backup(tmp_path):
    data, backups = tmp_path / "var", tmp_path / "backups"
    data.mkdir()
    made = _hoso(_env(data), "backup", str(backups))
    assert made.returncode == 1
    assert "BACKUP_NOT_INITIALISED" in made.stderr and "chưa có lược đồ" in made.stderr
    assert "no schema" in made.stderr and "Nothing was written" in made.stderr
    assert not backups.exists() and not (data / "hoso.sqlite3").exists()


def test_a_missing_evidence_folder_makes_no_backup(tmp_path):
    data, backups = tmp_path / "var", tmp_path / "backups"
    assert _hoso(_env(data), "init").returncode == 0
    (data / "blobs").rmdir()
    made = _hoso(_env(data), "backup", str(backups))
    assert (
        made.returncode == 1 and "BACKUP_NOT_INITIALISED" in made.stderr and "evidence folder" in made.stderr
    )
    assert not _dated(backups) if backups.exists() else True


# --- 2, 3, 5. incremental sets, restore from any backup, pruning, modes ------------------------------


@pytest.fixture(scope="module")
def initialised(tmp_path_factory):
    data = tmp_path_factory.mktemp("initialised")
    assert _hoso(_env(data), "init").returncode == 0
    return data


def _copy_data(initialised: Path, tmp_path: Path) -> Path:
    data = tmp_path / "var"
    subprocess.run(["cp", "-a", str(initialised), str(data)], check=True)
    return data


def test_blobs_are_copied_once_and_any_backup_restores(initialised, tmp_path):
    data = _copy_data(initialised, tmp_path)
    backups, env = tmp_path / "backups", _env(data)
    first = _add_blobs(data, 40, "first")
    made = _hoso(env, "backup", str(backups))
    assert made.returncode == 0, made.stderr
    assert "40 blobs needed, 40 copied" in made.stdout
    second = _add_blobs(data, 5, "second")
    again = _hoso(env, "backup", str(backups))
    assert again.returncode == 0 and "45 blobs needed, 5 copied" in again.stdout, again.stdout
    older, newer = _dated(backups)
    assert set(json.loads((older / "manifest.json").read_text())["blobs"]) == first
    assert set(json.loads((newer / "manifest.json").read_text())["blobs"]) == first | second
    assert not list(older.glob("blobs")) and len(_blobs(backups / "blobs")) == 45
    _assert_private(backups)

    for folder, expected in ((older, first), (newer, first | second)):
        target = tmp_path / f"restored-{folder.name}"
        restored = _hoso(_env(target), "restore", str(folder))
        assert restored.returncode == 0, restored.stderr
        assert _blobs(target / "blobs") == {k: v for k, v in _blobs(data / "blobs").items() if k in expected}
        assert (target / "gateway" / "gateway.key.pem").read_bytes() == (
            data / "gateway" / "gateway.key.pem"
        ).read_bytes()

    # verify: a changed blob, then a missing one, of the shared store
    blob = next(p for p in (backups / "blobs").rglob("*") if p.name in first)
    blob.write_bytes(blob.read_bytes()[:-1] + b"!")
    changed = _hoso(env, "restore", "--verify-only", str(older))
    assert changed.returncode == 1 and "BACKUP_CORRUPT" in changed.stderr and blob.name in changed.stderr
    blob.unlink()
    missing = _hoso(env, "restore", "--verify-only", str(newer))
    assert missing.returncode == 1 and "BACKUP_CORRUPT" in missing.stderr


def test_a_damaged_evidence_blob_is_not_copied(initialised, tmp_path):
    data = _copy_data(initialised, tmp_path)
    (blob,) = (data / "blobs" / d for d in _add_blobs(data, 1, "x"))
    damaged = next((data / "blobs").rglob(blob.name))
    damaged.write_bytes(b"bit rot")
    made = _hoso(_env(data), "backup", str(tmp_path / "backups"))
    assert made.returncode == 1 and "BACKUP_BLOB_DAMAGED" in made.stderr
    assert not _dated(tmp_path / "backups") and not list((tmp_path / "backups").glob(".partial-*"))
    assert not [p for p in (tmp_path / "backups").rglob("*") if p.is_file() and p.name != ".lock"]


def test_pruning_removes_old_backups_and_the_blobs_only_they_need(initialised, tmp_path):
    data = _copy_data(initialised, tmp_path)
    backups, env = tmp_path / "backups", _env(data)
    kept = _add_blobs(data, 3, "kept")
    gone = _add_blobs(data, 2, "gone")
    assert _hoso(env, "backup", "--keep-days", "0", str(backups)).returncode == 0
    (only,) = _dated(backups)
    old = only.rename(backups / "hoso-backup-20150101T020000Z")
    # the newest is never removed, however old
    alone = _hoso(env, "backup", "--keep-days", "0", str(backups))
    assert alone.returncode == 0
    for blob in gone:
        next((data / "blobs").rglob(blob)).unlink()
    for folder in _dated(backups):
        if folder != old:
            subprocess.run(["rm", "-r", str(folder)], check=True)
    pruned = _hoso(env | {"HOSO_BACKUP_KEEP_DAYS": "1"}, "backup", str(backups))
    assert pruned.returncode == 0, pruned.stderr
    assert "pruned 1 backups and 2 blobs" in pruned.stdout
    (newest,) = _dated(backups)
    assert newest != old and set(_blobs(backups / "blobs")) == kept
    assert _hoso(env, "restore", "--verify-only", str(newest)).returncode == 0
    # only one backup, older than the limit: kept
    newest.rename(backups / "hoso-backup-20150101T020000Z")
    (backups / "blobs").chmod(0o700)
    from_python = subprocess.run(
        [sys.executable, "-c", "from hoso import django_setup; django_setup()\n"
         "from hoso.operations.backup import prune; import sys; print(prune(sys.argv[1], 1))", str(backups)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert from_python.returncode == 0 and from_python.stdout.strip() == "([], 0)", from_python.stderr


# --- 4. encryption ------------------------------------------------------------------------------------


def test_sealing_round_trips_large_files_and_refuses_changes(tmp_path, key_files):
    key = sealing.load_key(key_files[0])
    for size in (0, 1, sealing.CHUNK, 3 * sealing.CHUNK + 12345):
        plain = os.urandom(size)
        sealed = io.BytesIO()
        sealing.seal_stream(io.BytesIO(plain), sealed, key)
        blob = sealed.getvalue()
        assert blob.startswith(sealing.MAGIC)
        # The plaintext does not show through (64 random bytes never recur by chance; one byte often does).
        assert size < 64 or plain[:64] not in blob[sealing.HEADER_SIZE :]
        assert b"".join(sealing.open_stream(io.BytesIO(blob), key, "f")) == plain
        again = io.BytesIO()
        sealing.seal_stream(io.BytesIO(plain), again, key)
        assert again.getvalue()[16:39] != blob[16:39], "a random salt and nonce for each file"
        for changed in (
            blob[:-1],  # truncated
            blob[: sealing.HEADER_SIZE + sealing.CHUNK + sealing.TAG] if size > sealing.CHUNK else blob[:-17],
            blob[:-5] + bytes([blob[-5] ^ 1]) + blob[-4:],  # a flipped bit
        ):
            with pytest.raises(sealing.BackupError) as caught:
                b"".join(sealing.open_stream(io.BytesIO(changed), key, "f"))
            assert caught.value.code == "BACKUP_TAMPERED"
    with pytest.raises(sealing.BackupError) as caught:
        b"".join(sealing.open_stream(io.BytesIO(blob), sealing.load_key(key_files[1]), "f"))
    assert caught.value.code == "BACKUP_WRONG_KEY"
    bad = tmp_path / "bad.key"
    bad.write_text("abcd")
    with pytest.raises(sealing.BackupError) as caught:
        sealing.load_key(bad)
    assert caught.value.code == "BACKUP_KEY_INVALID" and "abcd" not in caught.value.message_en


def test_an_encrypted_backup_restores_only_with_its_key(initialised, tmp_path, key_files):
    data = _copy_data(initialised, tmp_path)
    good, other = key_files
    backups = tmp_path / "backups"
    blobs = _add_blobs(data, 10, "secret")
    made = _hoso(_env(data, HOSO_BACKUP_KEY_FILE=str(good)), "backup", str(backups))
    assert made.returncode == 0 and "encrypted;" in made.stdout, made.stderr
    assert good.read_text().strip() not in made.stdout + made.stderr
    (folder,) = _dated(backups)
    written = [p for p in backups.rglob("*") if p.is_file() and p.name != ".lock"]
    assert written and all(p.name.endswith(".enc") for p in written)
    sources = {**_blobs(data / "blobs"), "db": (data / "hoso.sqlite3").read_bytes()[:4096]}
    for path in written:
        content = path.read_bytes()
        assert content.startswith(sealing.MAGIC)
        assert not any(plain[:32] in content for plain in sources.values())
    _assert_private(backups)

    no_key = _hoso(_env(tmp_path / "t1"), "restore", str(folder))
    assert no_key.returncode == 1 and "BACKUP_KEY_NEEDED" in no_key.stderr
    wrong = _hoso(_env(tmp_path / "t2", HOSO_BACKUP_KEY_FILE=str(other)), "restore", str(folder))
    assert wrong.returncode == 1 and "BACKUP_WRONG_KEY" in wrong.stderr
    target = tmp_path / "t3"
    right = _hoso(_env(target, HOSO_BACKUP_KEY_FILE=str(good)), "restore", str(folder))
    assert right.returncode == 0, right.stderr
    assert {k: v for k, v in _blobs(target / "blobs").items()} == _blobs(data / "blobs")
    assert set(_blobs(target / "blobs")) == blobs
    audit = _hoso(_env(target), "audit", "verify")
    assert audit.returncode == 0, audit.stderr

    database = folder / "hoso.sqlite3.enc"
    content = bytearray(database.read_bytes())
    content[sealing.HEADER_SIZE + 100] ^= 0x40
    database.write_bytes(bytes(content))
    tampered = _hoso(_env(tmp_path / "t4", HOSO_BACKUP_KEY_FILE=str(good)), "restore", str(folder))
    assert tampered.returncode == 1 and "BACKUP_TAMPERED" in tampered.stderr
    assert (
        not (tmp_path / "t4" / "hoso.sqlite3").exists()
        or (tmp_path / "t4" / "hoso.sqlite3").stat().st_size == 0
    )


# --- 6. the job and `hoso check` ----------------------------------------------------------------------


def test_the_backup_job(initialised, tmp_path):
    data = _copy_data(initialised, tmp_path)
    unset = _hoso(_env(data), "jobs", "--run", "hoso:backup")
    assert unset.returncode == 0 and "HOSO_BACKUP_DIR unset" in unset.stdout, unset.stderr
    check = _hoso(_env(data), "check")
    assert "CHECK_NO_BACKUP" in check.stdout
    backups = tmp_path / "backups"
    env = _env(data, HOSO_BACKUP_DIR=str(backups))
    ran = _hoso(env, "jobs", "--run", "hoso:backup")
    assert ran.returncode == 0 and len(_dated(backups)) == 1, ran.stderr
    assert "CHECK_NO_BACKUP" not in _hoso(env, "check").stdout
    broken = _hoso(_env(data, HOSO_BACKUP_DIR=str(backups), HOSO_BACKUP_KEY_FILE=str(tmp_path / "none")),
                   "jobs", "--run", "hoso:backup")  # fmt: skip
    assert broken.returncode != 0 and "BACKUP_KEY_INVALID" in broken.stderr


# --- 7. PostgreSQL ------------------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _postgres(url: str, statement: str):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(statement)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture
def pg_databases():
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL variant: set DATABASE_URL=postgresql://… to run it (CI does: .ci/run)")
    admin = _with_database(server_url, "postgres")
    names = [f"hoso_backup_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    for name in names:
        _postgres(admin, f'CREATE DATABASE "{name}"')
    try:
        yield [_with_database(server_url, name) for name in names]
    finally:
        for name in names:
            _postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


COUNT = "SELECT string_agg(table_name || '=' || (xpath('/row/c/text()', query_to_xml('select count(*) as c from ' || quote_ident(table_name), false, true, '')))[1]::text, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'"  # noqa: E501


def test_postgresql_backup_and_restore(pg_databases, tmp_path, key_files):
    source_url, target_url = pg_databases
    data, backups = tmp_path / "source", tmp_path / "backups"
    env = _env(data, DATABASE_URL=source_url, HOSO_BACKUP_KEY_FILE=str(key_files[0]))
    refused = _hoso(env, "backup", str(backups))
    assert refused.returncode == 1 and "BACKUP_NOT_INITIALISED" in refused.stderr
    assert _hoso(env, "init").returncode == 0
    blobs = _add_blobs(data, 20, "pg")
    made = _hoso(env, "backup", str(backups))
    assert made.returncode == 0, made.stderr
    (folder,) = _dated(backups)
    assert (folder / "hoso.pgdump.enc").is_file()
    _assert_private(backups)

    target = tmp_path / "target"
    target_env = _env(target, DATABASE_URL=target_url, HOSO_BACKUP_KEY_FILE=str(key_files[0]))
    restored = _hoso(target_env, "restore", str(folder))
    assert restored.returncode == 0, restored.stderr
    assert _postgres(target_url, COUNT) == _postgres(source_url, COUNT)
    assert set(_blobs(target / "blobs")) == blobs
    again = _hoso(target_env, "restore", str(folder))
    assert again.returncode == 1 and "RESTORE_NOT_EMPTY" in again.stderr
    assert _hoso(target_env, "audit", "verify").returncode == 0
