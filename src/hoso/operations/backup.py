"""`hoso backup [DIR]`, `hoso restore FOLDER`, and the daily job `hoso:backup`.

``DIR`` is a backup *set*: dated backups beside one shared store of evidence blobs::

    DIR/blobs/ab/cd/<sha256>[.enc]                      every blob any backup of the set needs, once
    DIR/hoso-backup-YYYYMMDDTHHMMSSZ/manifest.json[.enc]
    DIR/hoso-backup-YYYYMMDDTHHMMSSZ/hoso.sqlite3[.enc] (SQLite: online copy) or hoso.pgdump[.enc]
    DIR/hoso-backup-YYYYMMDDTHHMMSSZ/gateway/…, trust/anchors/…, trust/crls/…, secret_key

Blobs are content-addressed, so a backup copies only the blobs the set does not hold yet (checking the
SHA-256 of what it copies) and its manifest lists every blob it needs, with the SHA-256 of every other
file: a restore, from any dated backup, verifies everything first. With a key (``HOSO_BACKUP_KEY_FILE``)
every file written is sealed (:mod:`hoso.operations.sealing`) and named ``….enc``. Everything is written
with mode 0600 in folders of mode 0700. A backup is written under ``.partial-…`` and renamed into place
once complete and synced; a lock file keeps two backups (or a backup and a pruning) of one set apart.
An uninitialised data directory is refused before anything is written (issue 18: cron made a
"successful" 4 kB backup of an empty ``./var``).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

from hoso.intake import gateway
from hoso.intake.blobstore import BlobStoreError, blob_store
from hoso.operations.sealing import CHUNK, SUFFIX, BackupError, load_key, read_chunks, seal_stream

__all__ = ["BackupError", "BackupResult", "backup", "prune", "restore", "verify_backup"]

MANIFEST = "manifest.json"
FORMAT = "hoso-backup-2"
FORMATS = ("hoso-backup-1", FORMAT)  # read; 1: blobs inside the dated folder (before the shared store)
PREFIX = "hoso-backup-"
STORE = "blobs"
LOCK = ".lock"
_DATED = re.compile(r"hoso-backup-(\d{8}T\d{6}Z)(?:-\d+)?")
_BLOB = re.compile(r"[0-9a-f]{64}")
_UNSET = object()


@dataclass
class BackupResult:
    folder: Path
    files: int  # files of the dated folder (database, keys, trust, secret key)
    bytes: int  # their bytes
    blobs: int = 0  # blobs the backup needs
    blobs_copied: int = 0  # … of which copied by this run (the others were in the set)
    blob_bytes_copied: int = 0
    encrypted: bool = False
    pruned: list[str] = field(default_factory=list)
    blobs_pruned: int = 0

    def summary_en(self) -> str:
        return (
            f"{self.folder.name}: {self.files} files ({self.bytes} bytes), {self.blobs} blobs needed, "
            f"{self.blobs_copied} copied ({self.blob_bytes_copied} bytes), "
            f"{'encrypted' if self.encrypted else 'not encrypted'}; pruned {len(self.pruned)} backups "
            f"and {self.blobs_pruned} blobs"
        )


# --- keys, modes, small file helpers ------------------------------------------------------------------


def backup_key() -> bytes | None:
    path = getattr(settings, "HOSO_BACKUP_KEY_FILE", None)
    return load_key(path) if path else None


def _mkdirs(path: Path) -> None:
    """Make ``path`` and its missing parents with mode 0700."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, 0o700)
        os.chmod(folder, 0o700)


def _create(path: Path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    return os.fdopen(fd, "wb")


class _Hashing:
    """A reader that hashes and counts what goes through it."""

    def __init__(self, handle) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        block = self.handle.read(size)
        self.digest.update(block)
        self.size += len(block)
        return block


def _write(source: Path, target: Path, key: bytes | None) -> tuple[str, int]:
    """Copy ``source`` to ``target`` (new, 0600), sealed with ``key`` if given; its SHA-256 and size."""
    with source.open("rb") as handle:
        return _write_from(handle, target, key)


def _write_from(handle, target: Path, key: bytes | None) -> tuple[str, int]:
    """Copy what ``handle`` reads to ``target`` (new, 0600), sealed with ``key`` if given."""
    with _create(target) as out:
        reader = _Hashing(handle)
        if key is None:
            shutil.copyfileobj(reader, out, CHUNK)
        else:
            seal_stream(reader, out, key)
    return reader.digest.hexdigest(), reader.size


def _sealed_name(path: Path, key: bytes | None) -> Path:
    return path.with_name(path.name + SUFFIX) if key else path


def _stored(path: Path) -> Path | None:
    """The file holding logical ``path`` in a backup (sealed or not), or None."""
    sealed = path.with_name(path.name + SUFFIX)
    if sealed.is_file():
        return sealed
    return path if path.is_file() else None


def _digest(path: Path, key: bytes | None, name: str) -> str:
    digest = hashlib.sha256()
    for block in read_chunks(path, key, name):
        digest.update(block)
    return digest.hexdigest()


def _blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256[2:4] / sha256


def _walk_blobs(root: Path) -> Iterator[tuple[str, Path]]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if _BLOB.fullmatch(name):
                yield name, Path(folder, name)


@contextlib.contextmanager
def _locked(destination: Path):
    with _create_or_open(destination / LOCK) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _create_or_open(path: Path):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    return os.fdopen(fd, "r+b")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- what is backed up --------------------------------------------------------------------------------


def _data_parts() -> dict[str, Path]:
    parts = {
        "gateway": gateway.key_path().parent,
        "trust/anchors": gateway.anchors_dir(),
        "trust/crls": gateway.crl_dir(),
    }
    blobs = str(getattr(settings, "HOSO_BLOB_STORE", settings.DATA_DIR / "blobs"))
    if not blobs.startswith("s3://"):
        parts["blobs"] = Path(blobs)
    return parts


def _check_initialised() -> None:
    """Refuse (BACKUP_NOT_INITIALISED) a data directory without a database schema, a gateway identity or
    its evidence folder: such a backup would restore nothing."""
    missing_vi, missing_en = [], []
    schema = True
    if connection.vendor == "sqlite":
        database = Path(settings.DATABASES["default"]["NAME"])
        schema = database.is_file() and database.stat().st_size > 0  # do not let a connection create it
    if schema:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = %s", ["intake"])
                schema = cursor.fetchone()[0] > 0
        except DatabaseError:
            schema = False
    if not schema:
        missing_vi.append("cơ sở dữ liệu chưa có lược đồ (chưa chạy `hoso init`)")
        missing_en.append("the database has no schema (`hoso init` not run)")
    if not (gateway.key_path().is_file() and gateway.cert_path().is_file()):
        missing_vi.append(f"chưa có khoá và chứng thư của cổng ({gateway.key_path().parent})")
        missing_en.append(f"no gateway key and certificate ({gateway.key_path().parent})")
    blobs = _data_parts().get("blobs")
    if blobs is not None and not blobs.is_dir():
        missing_vi.append(f"không có thư mục lưu chứng cứ {blobs}")
        missing_en.append(f"no evidence folder {blobs}")
    if missing_vi:
        raise BackupError(
            "BACKUP_NOT_INITIALISED",
            f"Không sao lưu: thư mục dữ liệu {settings.DATA_DIR} chưa được khởi tạo hoặc sai đường dẫn "
            f"(HOSO_DATA_DIR?): {'; '.join(missing_vi)}. Không có gì được ghi.",
            f"No backup: the data directory {settings.DATA_DIR} is not initialised or is the wrong one "
            f"(HOSO_DATA_DIR?): {'; '.join(missing_en)}. Nothing was written.",
        )


# --- backup -------------------------------------------------------------------------------------------


def backup(destination: str | Path | None = None, *, keep_days: int | None = None) -> BackupResult:
    """Add a dated backup to the set ``destination`` (default ``HOSO_BACKUP_DIR``), then prune it to
    ``keep_days`` (default ``HOSO_BACKUP_KEEP_DAYS``; 0: keep everything)."""
    if destination is None:
        destination = getattr(settings, "HOSO_BACKUP_DIR", None)
    if not destination:
        raise BackupError(
            "BACKUP_NO_DESTINATION",
            "Chưa có thư mục sao lưu: ghi nó sau lệnh hoặc đặt HOSO_BACKUP_DIR.",
            "No backup folder: name it after the command or set HOSO_BACKUP_DIR.",
        )
    destination = Path(destination)
    key = backup_key()
    _check_initialised()
    if keep_days is None:
        keep_days = getattr(settings, "HOSO_BACKUP_KEEP_DAYS", 0)
    _mkdirs(destination)
    with _locked(destination):
        result = _backup(destination, key)
        if keep_days:
            result.pruned, result.blobs_pruned = _prune(destination, keep_days, key)
    return result


def _backup(destination: Path, key: bytes | None) -> BackupResult:
    now = datetime.now(UTC)
    name = f"{PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}"
    taken = {p.name for p in destination.iterdir()}
    for n in range(2, 1000):
        if name not in taken:
            break
        name = f"{PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}-{n}"
    partial = destination / f".partial-{name}"
    _mkdirs(partial)
    pending: list[tuple[Path, Path]] = []
    try:
        files: dict[str, str] = {}
        total = 0
        database = "hoso.sqlite3" if connection.vendor == "sqlite" else "hoso.pgdump"
        raw = partial / f".raw-{database}"
        _dump_database(raw)
        files[database], size = _write(raw, _sealed_name(partial / database, key), key)
        raw.unlink()
        total += size
        sources = [(n, p) for n, p in _data_parts().items() if n != "blobs"]
        secret = settings.DATA_DIR / "secret_key"
        for part, source in sources:
            for path in sorted(source.rglob("*")) if source.is_dir() else []:
                if not path.is_file() or path.name.startswith(".incoming-"):
                    continue
                logical = f"{part}/{path.relative_to(source)}"
                _mkdirs((partial / logical).parent)
                files[logical], size = _write(path, _sealed_name(partial / logical, key), key)
                total += size
        if secret.is_file():
            files["secret_key"], size = _write(secret, _sealed_name(partial / "secret_key", key), key)
            total += size
        needed, copied, copied_bytes = _copy_blobs(destination / STORE, key, pending)
        os.sync()  # the blobs' contents durable before their names appear
        for tmp, final in pending:
            os.rename(tmp, final)
        pending.clear()
        manifest = {
            "format": FORMAT,
            "created": now.isoformat(),
            "database": connection.vendor,
            "encrypted": key is not None,
            "files": files,
            "blobs": needed,
            "copied": {"blobs": copied, "bytes": copied_bytes},
        }
        _write_manifest(partial, manifest, key)
        os.sync()
        os.rename(partial, destination / name)
        _fsync_dir(destination)
    except BaseException:
        for tmp, _final in pending:
            tmp.unlink(missing_ok=True)
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(
        destination / name, len(files), total, len(needed), copied, copied_bytes, key is not None
    )


def _write_manifest(folder: Path, manifest: dict, key: bytes | None) -> None:
    raw = folder / f".raw-{MANIFEST}"
    with _create(raw) as out:
        out.write(json.dumps(manifest, indent=1, sort_keys=True).encode())
    _write(raw, _sealed_name(folder / MANIFEST, key), key)
    raw.unlink()


def _evidence() -> Iterator[tuple[str, Callable, str]]:
    """Every blob of the evidence store, with a function that opens it for reading and where it is: a
    folder is walked; an S3 bucket is listed under its prefix (only the blobs the set lacks are then
    downloaded)."""
    root = _data_parts().get("blobs")
    if root is not None:
        for sha256, path in _walk_blobs(root):
            yield sha256, functools.partial(path.open, "rb"), str(path)
        return

    store = blob_store()
    for sha256 in store.list():
        yield sha256, functools.partial(store.open, sha256), f"{store.url.rstrip('/')}/{sha256}"


def _copy_blobs(store: Path, key: bytes | None, pending: list) -> tuple[list[str], int, int]:
    """Copy the evidence blobs the set lacks into temporary files of ``store`` (listed in ``pending``
    with their final names); every blob this backup needs, and what was copied."""
    needed: list[str] = []
    copied = copied_bytes = 0
    _mkdirs(store)
    try:
        for sha256, opener, where in _evidence():
            needed.append(sha256)
            target = _blob_path(store, sha256)
            if _stored(target) is not None:
                continue
            try:
                handle = opener()
            except BlobStoreError as error:
                if error.code != "BLOB_NOT_FOUND":
                    raise
                needed.pop()  # removed since it was listed (retention): not needed any more
                continue
            _mkdirs(target.parent)
            tmp = target.parent / f".incoming-{secrets.token_hex(8)}"
            pending.append((tmp, _sealed_name(target, key)))
            with contextlib.closing(handle):
                digest, size = _write_from(handle, tmp, key)
            _check_copied(sha256, digest, where)
            copied += 1
            copied_bytes += size
    except BlobStoreError as error:  # S3: the service failed or did not answer
        raise BackupError(
            "BACKUP_EVIDENCE_UNREADABLE",
            f"Không sao lưu: không đọc được kho lưu chứng cứ ({error.message_vi}). Không có gì được ghi.",
            f"No backup: the evidence store cannot be read ({error.message_en}). Nothing was written.",
        ) from error
    return needed, copied, copied_bytes


def _check_copied(sha256: str, digest: str, where: str) -> None:
    if digest != sha256:
        raise BackupError(
            "BACKUP_BLOB_DAMAGED",
            f"Chứng cứ {where} không còn khớp với mã SHA-256 trong tên của nó (bị hỏng nơi lưu): "
            "khôi phục nó từ một bản sao lưu trước rồi sao lưu lại.",
            f"Evidence blob {where} no longer matches the SHA-256 it is named by (damaged where it is "
            "stored): restore it from an earlier backup, then back up again.",
        )


def _dump_database(target: Path) -> None:
    if connection.vendor == "sqlite":
        with _create(target):
            pass
        copy = sqlite3.connect(target)
        connection.ensure_connection()
        with copy:
            connection.connection.backup(copy)
        copy.close()
    elif connection.vendor == "postgresql":
        _pg_dump(target)
    else:  # pragma: no cover
        raise BackupError("BACKUP_DATABASE", "Không hỗ trợ sao lưu loại CSDL này.", "Unsupported database.")


def _pg_params() -> tuple[list[str], dict[str, str], str]:
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    args = [
        f"--host={params.get('host') or 'localhost'}", f"--port={params.get('port') or 5432}",
        f"--username={params.get('user') or ''}",
    ]  # fmt: skip
    return args, env, str(params.get("dbname") or settings.DATABASES["default"]["NAME"])


def _pg_dump(target: Path) -> None:
    args, env, dbname = _pg_params()
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *args, dbname]
    try:
        subprocess.run(command, check=True, env=env, capture_output=True, umask=0o077)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(
            "BACKUP_PG_DUMP",
            "pg_dump không chạy được; xem docs/operations.md (sao lưu PostgreSQL).",
            "pg_dump failed; see docs/operations.md (PostgreSQL backups).",
        ) from exc
    os.chmod(target, 0o600)


# --- pruning ------------------------------------------------------------------------------------------


def dated_backups(destination: Path) -> list[Path]:
    """The complete dated backups of a set, oldest first."""
    if not destination.is_dir():
        return []
    found = [p for p in destination.iterdir() if p.is_dir() and _DATED.fullmatch(p.name)]
    return sorted(found, key=lambda p: (_DATED.fullmatch(p.name)[1], len(p.name), p.name))


def _made_at(folder: Path) -> datetime:
    return datetime.strptime(_DATED.fullmatch(folder.name)[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def prune(destination: str | Path, keep_days: int) -> tuple[list[str], int]:
    """Remove the dated backups older than ``keep_days`` days (never the newest), then the blobs no
    remaining backup needs; the backups removed and the number of blobs removed."""
    destination = Path(destination)
    with _locked(destination):
        return _prune(destination, keep_days, backup_key())


def _prune(destination: Path, keep_days: int, key: bytes | None) -> tuple[list[str], int]:
    backups = dated_backups(destination)
    limit = datetime.now(UTC) - timedelta(days=keep_days)
    old = [b for b in backups[:-1] if _made_at(b) < limit]
    kept = [b for b in backups if b not in old]
    # Every manifest kept is read before anything is removed: one that cannot be read (another key,
    # damaged) stops the pruning, rather than losing blobs it may need.
    needed: set[str] = set()
    for folder in kept:
        manifest = read_manifest(folder, key)
        needed.update(manifest.get("blobs", ()))
    for folder in old:
        shutil.rmtree(folder)
    for stale in destination.glob(".partial-*"):  # a backup cut short (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    removed = 0
    store = destination / STORE
    for folder, _dirs, names in os.walk(store) if store.is_dir() else ():
        for name in names:
            sha256 = name.removesuffix(SUFFIX)
            if name.startswith(".incoming-") or (_BLOB.fullmatch(sha256) and sha256 not in needed):
                os.unlink(os.path.join(folder, name))
                removed += not name.startswith(".incoming-")
    return [b.name for b in old], removed


# --- verify and restore -------------------------------------------------------------------------------


def read_manifest(folder: str | Path, key: bytes | None) -> dict:
    folder = Path(folder)
    path = _stored(folder / MANIFEST)
    try:
        if path is None:
            raise OSError
        manifest = json.loads(b"".join(read_chunks(path, key, MANIFEST)))
    except BackupError:  # a key needed, a wrong key, a sealed manifest changed
        raise
    except (OSError, ValueError) as exc:
        raise BackupError(
            "BACKUP_NO_MANIFEST", "Thư mục không phải bản sao lưu hoso.", "Not a hoso backup folder."
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") not in FORMATS:
        raise BackupError(
            "BACKUP_FORMAT", "Định dạng sao lưu không được hỗ trợ.", "Unsupported backup format."
        )
    return manifest


def _corrupt(name: str) -> BackupError:
    return BackupError(
        "BACKUP_CORRUPT",
        f"Tệp {name} của bản sao lưu bị thiếu hoặc đã thay đổi.",
        f"Backup file {name} is missing or changed.",
    )


def verify_backup(folder: str | Path, key=_UNSET) -> dict:
    """Check every file and every blob a backup needs against its manifest; the manifest."""
    folder = Path(folder)
    key = backup_key() if key is _UNSET else key
    manifest = read_manifest(folder, key)
    for name, digest in manifest["files"].items():
        path = _stored(folder / name)
        if path is None or _digest(path, key, name) != digest:
            raise _corrupt(name)
    store = folder.parent / STORE
    for sha256 in manifest.get("blobs", ()):
        path = _stored(_blob_path(store, sha256))
        if path is None or _digest(path, key, f"{STORE}/{sha256}") != sha256:
            raise _corrupt(f"{STORE}/{sha256}")
    return manifest


def _extract(path: Path, target: Path, key: bytes | None, name: str) -> None:
    """Write the plaintext of backup file ``path`` to ``target`` (replaced through a temporary file)."""
    _mkdirs(target.parent)
    tmp = target.parent / f".incoming-{secrets.token_hex(8)}"
    try:
        with _create(tmp) as out:
            for block in read_chunks(path, key, name):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def restore(folder: str | Path, *, force: bool = False) -> dict:
    """Restore a backup into this data directory (its database empty, unless ``force``)."""
    folder = Path(folder)
    key = backup_key()
    manifest = verify_backup(folder, key)
    vendor = manifest["database"]
    if vendor != connection.vendor:
        raise BackupError(
            "RESTORE_TARGET",
            f"Bản sao lưu này ({vendor}) chỉ khôi phục được vào CSDL cùng loại, không vào {connection.vendor}.",
            f"This backup ({vendor}) restores only into the same kind of database, not {connection.vendor}.",
        )
    if vendor == "sqlite":
        _restore_sqlite(folder, key, force)
    else:
        _restore_postgresql(folder, key, force)
    parts = {n: p for n, p in _data_parts().items() if n != "blobs"}
    for name in manifest["files"]:
        if name in ("hoso.sqlite3", "hoso.pgdump"):
            continue
        if name == "secret_key":
            target = settings.DATA_DIR / "secret_key"
        else:
            part = max((p for p in parts if name.startswith(p + "/")), key=len, default=None)
            if part is None:
                if name.startswith(STORE + "/") and "blobs" in _data_parts():  # format 1
                    _extract(
                        _stored(folder / name), _data_parts()["blobs"] / name[len(STORE) + 1 :], key, name
                    )
                continue
            target = parts[part] / name[len(part) + 1 :]
        _extract(_stored(folder / name), target, key, name)
    _restore_blobs(folder.parent / STORE, manifest.get("blobs", ()), key)

    gateway.forget()
    return manifest


def _restore_blobs(store: Path, needed, key: bytes | None) -> None:
    """Put back the blobs the evidence store lacks: into its folder, or (S3) into its bucket."""
    root = _data_parts().get("blobs")
    if root is not None:
        for sha256 in needed:
            target = _blob_path(root, sha256)
            if not target.is_file():
                _extract(_stored(_blob_path(store, sha256)), target, key, sha256)
        return

    evidence = blob_store()
    try:
        for sha256 in needed:
            if not evidence.exists(sha256):  # a blob is at most HOSO_MAX_UPLOAD_BYTES: read whole
                evidence.put(b"".join(read_chunks(_stored(_blob_path(store, sha256)), key, sha256)))
    except BlobStoreError as error:
        raise BackupError(
            "RESTORE_EVIDENCE_FAILED",
            f"Không ghi được chứng cứ vào kho S3 ({error.message_vi}); chạy lại lệnh khôi phục khi kho trả lời "
            "(những gì đã ghi được giữ nguyên).",
            f"The evidence could not be written to the S3 store ({error.message_en}); run the restore again "
            "once it answers (what was written stays).",
        ) from error


def _restore_sqlite(folder: Path, key: bytes | None, force: bool) -> None:
    if connection.vendor != "sqlite":
        raise BackupError(
            "RESTORE_TARGET", "Chỉ khôi phục được vào CSDL SQLite.", "Only an SQLite target is supported."
        )
    database = Path(settings.DATABASES["default"]["NAME"])
    if database.exists() and database.stat().st_size > 0 and not force:
        raise BackupError(
            "RESTORE_NOT_EMPTY",
            f"Đã có cơ sở dữ liệu tại {database}; dùng --force để ghi đè.",
            f"A database exists at {database}; use --force to overwrite it.",
        )
    connection.close()
    plain = database.parent / f".restore-{secrets.token_hex(8)}"
    try:
        _extract(_stored(folder / "hoso.sqlite3"), plain, key, "hoso.sqlite3")
        source = sqlite3.connect(plain)
        target = sqlite3.connect(database)
        with target:
            source.backup(target)
        source.close()
        target.close()
    finally:
        plain.unlink(missing_ok=True)


def _restore_postgresql(folder: Path, key: bytes | None, force: bool) -> None:
    with connection.cursor():
        tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(
            "RESTORE_NOT_EMPTY",
            f"Cơ sở dữ liệu PostgreSQL đích đã có {len(tables)} bảng; dùng --force để ghi đè.",
            f"The target PostgreSQL database has {len(tables)} tables; use --force to overwrite it.",
        )
    args, env, dbname = _pg_params()
    connection.close()
    plain = settings.DATA_DIR / f".restore-{secrets.token_hex(8)}.pgdump"
    try:
        _extract(_stored(folder / "hoso.pgdump"), plain, key, "hoso.pgdump")
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *args,
                   f"--dbname={dbname}", str(plain)]  # fmt: skip
        try:
            subprocess.run(command, check=True, env=env, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            raise BackupError(
                "RESTORE_PG_RESTORE",
                "pg_restore không chạy được: " + detail.decode(errors="replace")[-500:],
                "pg_restore failed: " + detail.decode(errors="replace")[-500:],
            ) from exc
    finally:
        plain.unlink(missing_ok=True)
