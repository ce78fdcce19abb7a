"""`hoso backup DIR` and `hoso restore DIR`.

A backup is a folder with the database (SQLite: an online, consistent copy made with SQLite's backup
API while the gateway runs; PostgreSQL: a `pg_dump` custom-format archive), the evidence store, the
gateway's key and certificate, the trust folders, the secret key and a manifest with the SHA-256 of
every file, so that a restore can prove it brought back exactly what was saved.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from hoso.errors import CodedError

MANIFEST = "manifest.json"
FORMAT = "hoso-backup-1"


class BackupError(CodedError):
    pass


@dataclass
class BackupResult:
    folder: Path
    files: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".incoming-*"))


def _data_parts() -> dict[str, Path]:
    from hoso.intake import gateway

    parts = {
        "gateway": gateway.key_path().parent,
        "trust/anchors": gateway.anchors_dir(),
        "trust/crls": gateway.crl_dir(),
    }
    blobs = str(getattr(settings, "HOSO_BLOB_STORE", settings.DATA_DIR / "blobs"))
    if not blobs.startswith("s3://"):
        parts["blobs"] = Path(blobs)
    return parts


def backup(destination: str | Path) -> BackupResult:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = Path(destination) / f"hoso-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    if connection.vendor == "sqlite":
        target = sqlite3.connect(folder / "hoso.sqlite3")
        connection.ensure_connection()
        with target:
            connection.connection.backup(target)
        target.close()
    elif connection.vendor == "postgresql":
        _pg_dump(folder / "hoso.pgdump")
    else:  # pragma: no cover
        raise BackupError("BACKUP_DATABASE", "Không hỗ trợ sao lưu loại CSDL này.", "Unsupported database.")
    for name, source in _data_parts().items():
        _copy_tree(source, folder / name)
    secret = settings.DATA_DIR / "secret_key"
    if secret.exists():
        shutil.copy2(secret, folder / "secret_key")
    files = {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return BackupResult(folder, len(files), sum((folder / f).stat().st_size for f in files))


def _pg_dump(target: Path) -> None:
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    command = [
        "pg_dump", "--format=custom", "--no-owner", f"--file={target}",
        f"--host={params.get('host') or 'localhost'}", f"--port={params.get('port') or 5432}",
        f"--username={params.get('user') or ''}", str(params.get("dbname") or settings.DATABASES["default"]["NAME"]),
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, env=env, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise BackupError(
            "BACKUP_PG_DUMP",
            "pg_dump không chạy được; xem docs/operations.md (sao lưu PostgreSQL).",
            "pg_dump failed; see docs/operations.md (PostgreSQL backups).",
        ) from exc


def verify_backup(folder: str | Path) -> dict:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            "BACKUP_NO_MANIFEST", "Thư mục không phải bản sao lưu hoso.", "Not a hoso backup folder."
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            "BACKUP_FORMAT", "Định dạng sao lưu không được hỗ trợ.", "Unsupported backup format."
        )
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(
                "BACKUP_CORRUPT",
                f"Tệp {name} của bản sao lưu bị thiếu hoặc đã thay đổi.",
                f"Backup file {name} is missing or changed.",
            )
    return manifest


def restore(folder: str | Path, *, force: bool = False) -> dict:
    """Restore an SQLite backup into the (empty, unless ``force``) data directory."""
    folder = Path(folder)
    manifest = verify_backup(folder)
    if manifest["database"] != "sqlite":
        raise BackupError(
            "RESTORE_POSTGRESQL",
            "Bản sao lưu PostgreSQL được khôi phục bằng pg_restore (xem docs/operations.md).",
            "A PostgreSQL backup is restored with pg_restore (see docs/operations.md).",
        )
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
    source = sqlite3.connect(folder / "hoso.sqlite3")
    target = sqlite3.connect(database)
    with target:
        source.backup(target)
    source.close()
    target.close()
    for name, destination in _data_parts().items():
        _copy_tree(folder / name, destination)
    if (folder / "secret_key").exists():
        shutil.copy2(folder / "secret_key", settings.DATA_DIR / "secret_key")
    key = _data_parts()["gateway"] / "gateway.key.pem"
    if key.exists():
        key.chmod(0o600)
    from hoso.intake import gateway

    gateway.forget()
    return manifest
