"""Encryption of backup files: a streaming AEAD in a small framed format (docs/operations.md).

A sealed file is a header, then the plaintext in chunks of ``CHUNK`` bytes each sealed with AES-256-GCM:

    magic   b"HOSOENC" + version (1 byte, 0x01)                       8 bytes
    key id  HMAC-SHA256(key, "hoso-backup key id")[:8]                8 bytes
    salt    random, per file                                        16 bytes
    prefix  random nonce prefix, per file                            7 bytes
    chunk   plaintext bytes per chunk, big-endian                    4 bytes
    then each chunk: AES-GCM(file key, prefix + counter (4 bytes) + last (1 byte), chunk, aad=header)

The file key is HKDF-SHA256(key, salt): every file has its own key and random nonce, so no nonce repeats
under one key however many files are sealed. The counter and the "last chunk" flag in each nonce make a
reordered, dropped or truncated chunk fail authentication (the STREAM construction, as in Tink's streaming
AEAD). Memory stays at one chunk whatever the file's size. The key id tells a wrong key from a file that
was changed. Nothing here logs or shows the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hoso.errors import CodedError

MAGIC = b"HOSOENC\x01"
SUFFIX = ".enc"  # a sealed file's name ends so
CHUNK = 1 << 20
TAG = 16
_HEADER = struct.Struct(">8s8s16s7sI")
HEADER_SIZE = _HEADER.size


class BackupError(CodedError):
    """A backup, restore or verification that cannot go on (a coded message, Vietnamese and English)."""


def load_key(path: str | Path) -> bytes:
    """The 32-byte key in ``path``: 64 hexadecimal characters (``openssl rand -hex 32``), whitespace
    ignored. The key itself never appears in an error."""
    try:
        text = Path(path).read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(
            "BACKUP_KEY_INVALID",
            f"Không đọc được khoá sao lưu từ {path}: cần 64 ký tự thập lục phân (openssl rand -hex 32).",
            f"The backup key cannot be read from {path}: 64 hexadecimal characters needed "
            "(openssl rand -hex 32).",
        ) from exc
    if len(key) != 32:
        raise BackupError(
            "BACKUP_KEY_INVALID",
            f"Khoá sao lưu trong {path} phải dài 32 byte (64 ký tự thập lục phân).",
            f"The backup key in {path} must be 32 bytes (64 hexadecimal characters).",
        )
    return key


def key_id(key: bytes) -> bytes:
    return hmac.new(key, b"hoso-backup key id", hashlib.sha256).digest()[:8]


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"hoso-backup-1 file key").derive(
        key
    )
    return AESGCM(derived)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def _chunks(source: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """The chunks of ``source`` and, with each, whether it is the last (one empty chunk for nothing)."""
    current = source.read(size)
    while True:
        following = source.read(size) if len(current) == size else b""
        last = not following
        yield current, last
        if last:
            return
        current = following


def seal_stream(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    salt, prefix = os.urandom(16), os.urandom(7)
    header = _HEADER.pack(MAGIC, key_id(key), salt, prefix, CHUNK)
    target.write(header)
    aead = _file_key(key, salt)
    for counter, (chunk, last) in enumerate(_chunks(source, CHUNK)):
        target.write(aead.encrypt(_nonce(prefix, counter, last), chunk, header))


def open_stream(source: BinaryIO, key: bytes | None, name: str) -> Iterator[bytes]:
    """The plaintext of a sealed ``source``, chunk by chunk, each authenticated before it is given."""
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC[:-1]):
        raise _tampered(name)
    magic, kid, salt, prefix, size = _HEADER.unpack(header)
    if magic != MAGIC or not 0 < size <= 64 * CHUNK:
        raise BackupError(
            "BACKUP_ENCRYPTION_FORMAT",
            f"Tệp {name} được mã hoá theo định dạng không được hỗ trợ.",
            f"File {name} is encrypted in an unsupported format.",
        )
    if key is None:
        raise BackupError(
            "BACKUP_KEY_NEEDED",
            f"Tệp {name} được mã hoá: cần khoá sao lưu (HOSO_BACKUP_KEY_FILE).",
            f"File {name} is encrypted: the backup key is needed (HOSO_BACKUP_KEY_FILE).",
        )
    if not hmac.compare_digest(kid, key_id(key)):
        raise BackupError(
            "BACKUP_WRONG_KEY",
            f"Tệp {name} được mã hoá bằng một khoá sao lưu khác (HOSO_BACKUP_KEY_FILE).",
            f"File {name} was encrypted with another backup key (HOSO_BACKUP_KEY_FILE).",
        )
    aead = _file_key(key, salt)
    for counter, (chunk, last) in enumerate(_chunks(source, size + TAG)):
        try:
            yield aead.decrypt(_nonce(prefix, counter, last), chunk, header)
        except InvalidTag:
            raise _tampered(name) from None


def _tampered(name: str) -> BackupError:
    return BackupError(
        "BACKUP_TAMPERED",
        f"Tệp mã hoá {name} của bản sao lưu đã bị thay đổi hoặc cắt cụt (xác thực thất bại).",
        f"Encrypted backup file {name} was changed or truncated (authentication failed).",
    )


def read_chunks(path: str | Path, key: bytes | None, name: str, size: int = CHUNK) -> Iterator[bytes]:
    """The plaintext of a backup file, chunk by chunk: sealed when its name ends in ``SUFFIX`` (the name
    says it, never the content: a received blob may begin with any bytes)."""
    with open(path, "rb") as handle:
        if str(path).endswith(SUFFIX):
            yield from open_stream(handle, key, name)
            return
        while block := handle.read(size):
            yield block
