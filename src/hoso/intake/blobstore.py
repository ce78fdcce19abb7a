"""Content-addressed storage of everything received, durable before anything is acknowledged.

Every byte string is stored once under its SHA-256. A blob is written to a temporary file in its final
directory and renamed into place; then the file under its final name and the directory are fsync'd, so
that after ``put`` returns the blob survives a crash or power loss. (Renaming before the fsyncs lets one
journal commit carry the data and the new name on ext4, and the directory's fsync then finds nothing
left to commit: measured, 0.36 ms a blob where fsync-then-rename took 0.43–0.60 ms.) The backend is
chosen by the setting ``HOSO_BLOB_STORE`` (default: the folder ``blobs`` in the data directory); see
docs/operations.md for S3-compatible storage.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from hoso.errors import CodedError


class BlobStoreError(CodedError):
    pass


_WRITE_FAILED_VI = (
    "Không lưu được dữ liệu nhận được (lỗi lưu trữ); hồ sơ chưa được tiếp nhận, vui lòng gửi lại sau."
)
_WRITE_FAILED_EN = (
    "The received data could not be stored (storage error); nothing was acknowledged, send again later."
)


class FileBlobStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise BlobStoreError("BLOB_BAD_KEY", "Khoá lưu trữ không hợp lệ.", "Invalid blob key.")
        return Path(self._location(sha256)[1])

    def _location(self, sha256: str) -> tuple[str, str]:
        """The folder and the file of a blob, as plain strings (put runs on every reception)."""
        folder = os.path.join(self.root, sha256[:2], sha256[2:4])
        return folder, os.path.join(folder, sha256)

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        folder, target = self._location(digest)
        try:
            made = [] if _holds(target, data) else self._write_new(folder, target, data)
            # Whatever file the name now holds is complete (a file is renamed into place only once it is
            # written, ours or that of a concurrent put of the same bytes); make it and its name durable.
            # For a blob already there this costs next to nothing, and it covers a put cut short
            # between its rename and its fsyncs.
            _fsync(target)
            _fsync(folder)
            for parent in made:  # and the folders made for it
                _fsync(parent)
        except OSError as exc:
            raise BlobStoreError(
                "BLOB_WRITE_FAILED", _WRITE_FAILED_VI, _WRITE_FAILED_EN, errno=exc.errno
            ) from exc
        return digest

    def _write_new(self, folder: str, target: str, data: bytes) -> list[str]:
        """Write ``data`` to a new temporary file in ``folder`` and rename it to ``target`` (not yet
        fsync'd); the folders that had to be made (their parents' entries must be fsync'd too)."""
        made: list[str] = []
        tmp = os.path.join(folder, f".incoming-{secrets.token_hex(8)}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(tmp, flags, 0o600)
        except FileNotFoundError:  # the first blob of this folder
            if not os.path.isdir(self.root):
                os.makedirs(self.root, exist_ok=True)
                made.append(os.path.dirname(self.root))
            for path in (os.path.dirname(folder), folder):
                try:
                    os.mkdir(path)
                except FileExistsError:
                    continue
                made.append(os.path.dirname(path))
            fd = os.open(tmp, flags, 0o600)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return made

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise BlobStoreError("BLOB_NOT_FOUND", "Không tìm thấy dữ liệu.", "Blob not found.") from exc

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> None:
        """Remove a blob (retention only)."""
        self.path(sha256).unlink(missing_ok=True)

    def prepare(self) -> None:
        """Make the store's folder (durably) if it does not exist: for `hoso init`, so that a new
        installation is ready (``check``) before its first blob."""
        if os.path.isdir(self.root):
            return
        missing = []
        folder = os.path.abspath(self.root)
        while not os.path.isdir(folder):
            missing.append(folder)
            folder = os.path.dirname(folder)
        os.makedirs(self.root, exist_ok=True)
        for made in reversed(missing):
            _fsync(os.path.dirname(made))

    def check(self) -> None:
        """Raise :class:`BlobStoreError` unless the store's folder exists and a file can be written in it
        (the readiness probe, ``hoso.operations.health``). A missing folder is not made here, as ``put``
        would: a shared mount that is not mounted must show as missing, not be replaced by a local folder.
        The probe is an ``.incoming-`` file, which backups skip like a put's own temporary files; it is
        written without fsync (a full or read-only file system already refuses the write)."""
        if not os.path.isdir(self.root):
            raise BlobStoreError(
                "BLOB_STORE_MISSING",
                "Thư mục lưu chứng cứ không tồn tại (chưa tạo, hoặc ổ dùng chung chưa được gắn).",
                "The evidence folder does not exist (not created, or a shared mount is not mounted).",
            )
        probe = os.path.join(self.root, f".incoming-probe-{secrets.token_hex(8)}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(probe, flags, 0o600)
            try:
                os.write(fd, b"hoso")
            finally:
                os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(probe)
            reason = exc.strerror or type(exc).__name__
            raise BlobStoreError(
                "BLOB_STORE_UNWRITABLE",
                f"Không ghi được vào thư mục lưu chứng cứ ({reason}).",
                f"The evidence folder cannot be written to ({reason}).",
                errno=exc.errno,
            ) from exc


def _holds(target: str, data: bytes) -> bool:
    """Whether the file ``target`` holds exactly ``data``. The content is compared, not only the size:
    after a crash between a rename and its fsync, some file systems show a file of the right size whose
    content never reached the disk. (Only a repeat of the same bytes reads anything.)"""
    try:
        with open(target, "rb") as stored:
            if os.fstat(stored.fileno()).st_size != len(data):
                return False
            return stored.read() == data
    except OSError:
        return False  # not stored yet (or unreadable: writing says which)


def _fsync(path: str | Path) -> None:
    """fsync a file or a folder (its entries) by its path."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _s3_error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore error ("404", "NoSuchKey"...), or the exception's type name."""
    response = getattr(exc, "response", None) or {}  # None on a botocore timeout: no answer at all
    return response.get("Error", {}).get("Code") or type(exc).__name__


_MISSING = ("404", "NoSuchKey", "NotFound", "NoSuchBucket")


class S3BlobStore:
    """Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, OpenStack Swift's s3api...):
    ``s3://bucket/prefix``; tested against Swift 2.30 (tests/intake/test_blobstore_swift.py).

    Each object is written in one PUT whose SigV4 signature covers the SHA-256 of the body
    (``x-amz-content-sha256``, payload signing on whatever the scheme): the service verifies it before it
    answers, and a successful PUT is durable by the service's contract. The body's checksum is also sent
    as ``x-amz-checksum-sha256``, which AWS verifies but Swift 2.30 ignores: the signed payload hash is
    what every implementation checks. botocore adds no checksum of its own (its default since boto3 1.36,
    an aws-chunked upload over https, is refused by Swift 2.30). Every failure of the service is a coded
    :class:`BlobStoreError`;
    each call is bounded (connect 3 s, 15 s without progress, one retry), so that a frozen service costs
    a reception seconds, not the worker's whole timeout. Credentials come from the usual AWS variables
    or files; ``HOSO_S3_ENDPOINT_URL`` points at a non-AWS service. Needs ``pip install hoso[s3]``.
    """

    CONNECT_TIMEOUT_SECONDS = 3.0
    READ_TIMEOUT_SECONDS = 15.0
    ATTEMPTS = 2  # one retry: a service that restarts is waited for, one that is down is not

    def __init__(self, url: str, *, endpoint_url: str | None = None) -> None:
        import boto3
        from botocore.config import Config

        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        self.url, self.bucket, self.prefix = url, bucket, prefix.strip("/")
        self.endpoint_url = endpoint_url
        # A session of its own: credentials are read when the store is made (boto3's default session
        # keeps the first ones it read for the whole process).
        self._session = boto3.session.Session()
        self.client = self._session.client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(
                connect_timeout=self.CONNECT_TIMEOUT_SECONDS,
                read_timeout=self.READ_TIMEOUT_SECONDS,
                retries={"max_attempts": self.ATTEMPTS, "mode": "standard"},
                # The body's SHA-256 signed over https too: botocore leaves it unsigned there once it
                # sends a checksum of its own, and Swift 2.30 ignores x-amz-checksum-sha256.
                s3={"payload_signing_enabled": True},
                # No checksum botocore adds by itself: since boto3 1.36 it sends one, over https as an
                # aws-chunked trailer, which Swift 2.30 (and older Ceph and MinIO) refuse with 501.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )
        self._check_client = None

    def _key(self, sha256: str) -> str:
        FileBlobStore("/").path(sha256)  # validates the key
        return f"{self.prefix}/{sha256}" if self.prefix else sha256

    def put(self, data: bytes) -> str:
        import base64

        digest = hashlib.sha256(data).hexdigest()
        key = self._key(digest)
        try:
            if self._exists(key):  # a repeat: not sent again
                return digest
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode("ascii"),
            )
        except Exception as exc:  # the service refused, failed or did not answer: nothing is stored
            raise BlobStoreError("BLOB_WRITE_FAILED", _WRITE_FAILED_VI, _WRITE_FAILED_EN) from exc
        return digest

    def get(self, sha256: str) -> bytes:
        key = self._key(sha256)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except Exception as exc:
            if _s3_error_code(exc) in _MISSING:
                raise BlobStoreError("BLOB_NOT_FOUND", "Không tìm thấy dữ liệu.", "Blob not found.") from exc
            raise _read_failed(exc) from exc

    def open(self, sha256: str):
        """A readable stream of one blob (``read(size)``), for copying large blobs (backups)."""
        key = self._key(sha256)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except Exception as exc:
            if _s3_error_code(exc) in _MISSING:
                raise BlobStoreError("BLOB_NOT_FOUND", "Không tìm thấy dữ liệu.", "Blob not found.") from exc
            raise _read_failed(exc) from exc

    def delete(self, sha256: str) -> None:
        """Remove a blob (retention only)."""
        key = self._key(sha256)
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            raise BlobStoreError(
                "BLOB_DELETE_FAILED",
                "Không xoá được dữ liệu khỏi kho lưu chứng cứ S3.",
                "The blob could not be removed from the S3 evidence store.",
            ) from exc

    def exists(self, sha256: str) -> bool:
        key = self._key(sha256)
        try:
            return self._exists(key)
        except Exception as exc:
            raise _read_failed(exc) from exc

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _s3_error_code(exc) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def list(self):
        """The SHA-256 of every blob under the store's prefix (one listing; backups)."""
        prefix = f"{self.prefix}/" if self.prefix else ""
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            ):
                for entry in page.get("Contents", ()):
                    name = entry["Key"][len(prefix) :]
                    if len(name) == 64 and all(c in "0123456789abcdef" for c in name):
                        yield name
        except Exception as exc:
            raise _read_failed(exc) from exc

    def prepare(self) -> None:
        """For `hoso init`: the bucket must be there (it is made by the service's administrator, with
        its versioning, retention and replication; hoso never makes it). A missing bucket is
        ``BLOB_BUCKET_MISSING``, a service that does not answer ``BLOB_STORE_UNREACHABLE``."""
        self._head_bucket(self.client)

    # The readiness probe's own client: a few seconds and no retry, where a put may wait and retry.
    CHECK_TIMEOUT_SECONDS = 2.0

    def check(self) -> None:
        """Raise :class:`BlobStoreError` unless the bucket answers a HEAD (reachable, credentials valid,
        bucket there). HEAD of a bucket needs the ``s3:ListBucket`` permission, which ``exists`` (and so
        ``put``) needs already: without it S3 answers 403, not 404, for a key not stored yet."""
        if self._check_client is None:
            from botocore.config import Config

            self._check_client = self._session.client(
                "s3",
                endpoint_url=self.endpoint_url,
                config=self.client.meta.config.merge(
                    Config(
                        connect_timeout=self.CHECK_TIMEOUT_SECONDS,
                        read_timeout=self.CHECK_TIMEOUT_SECONDS,
                        retries={"max_attempts": 1, "mode": "standard"},
                    )
                ),
            )
        self._head_bucket(self._check_client)

    def _head_bucket(self, client) -> None:
        try:
            client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            reason = _s3_error_code(exc)
            where = self.endpoint_url or "AWS S3"
            if reason in _MISSING:
                raise BlobStoreError(
                    "BLOB_BUCKET_MISSING",
                    f"Kho lưu chứng cứ S3 ({where}) không có bucket {self.bucket} ({reason}): người quản trị "
                    "dịch vụ cần tạo nó (hoso không tự tạo), rồi chạy lại.",
                    f"The S3 evidence store ({where}) has no bucket {self.bucket} ({reason}): its administrator "
                    "must create it (hoso does not), then run again.",
                ) from exc
            raise BlobStoreError(
                "BLOB_STORE_UNREACHABLE",
                f"Không truy cập được kho lưu chứng cứ S3 ({reason}).",
                f"The S3 evidence store cannot be reached ({reason}).",
            ) from exc


def _read_failed(exc: BaseException) -> BlobStoreError:
    reason = _s3_error_code(exc)
    return BlobStoreError(
        "BLOB_READ_FAILED",
        f"Không đọc được kho lưu chứng cứ S3 ({reason}); thử lại sau.",
        f"The S3 evidence store cannot be read ({reason}); try again later.",
    )


_store: FileBlobStore | S3BlobStore | None = None
_store_config: tuple | None = None


def blob_store() -> FileBlobStore | S3BlobStore:
    """The configured store: ``HOSO_BLOB_STORE`` is a folder (default DATA_DIR/blobs) or s3://bucket/prefix."""
    global _store, _store_config
    from django.conf import settings

    location = str(getattr(settings, "HOSO_BLOB_STORE", None) or settings.DATA_DIR / "blobs")
    config = (location, getattr(settings, "HOSO_S3_ENDPOINT_URL", None))
    if _store is None or _store_config != config:
        _store = (
            S3BlobStore(location, endpoint_url=config[1])
            if location.startswith("s3://")
            else FileBlobStore(location)
        )
        _store_config = config
    return _store
