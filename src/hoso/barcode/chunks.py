"""The HOSO1 chunk format and the reassembly of dossiers from chunks. Pure: no images, no Django.

A dossier (the unsigned ``Hoso`` envelope XML, UTF-8) travels as ``n`` PDF417 symbols, each carrying
one ASCII line ``HOSO1|{h}|{i}|{n}|{data}``:

* payload = zlib (RFC 1950) compression of the envelope bytes;
* ``h`` = the first 16 lowercase hex digits of SHA-256(payload);
* ``i`` = 1-based index, ``n`` = count, both decimal;
* ``data`` = standard base64 (with padding) of the i-th consecutive slice of the payload.

The writer cuts the payload into ``n`` slices of nearly equal size, none larger than ``max_slice``;
the reader accepts any slice size. See ``docs/barcode-format.md``.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import itertools
import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from hoso.barcode.errors import (
    BarcodeError,
    ChunkFormatError,
    HashMismatchError,
    IncompleteError,
    PayloadError,
    PayloadTooLargeError,
)

PREFIX = "HOSO1"
# 600 payload bytes = 800 base64 characters: with error-correction level 5 this stays well inside
# one PDF417 symbol (928 codewords at most; 900 payload bytes = 1,200 base64 characters do not fit).
DEFAULT_MAX_SLICE = 600
DEFAULT_INFLATE_CAP = 16 * 1024 * 1024
MAX_COUNT = 9999
# When the same index arrives with different data (a damaged symbol that still passed PDF417's own
# error correction, or two printings with different slice sizes), the reader tries the combinations,
# each checked against the hash, up to this many.
MAX_COMBINATIONS = 256

_CHUNK_RE = re.compile(
    r"HOSO1\|(?P<h>[0-9a-f]{16})\|(?P<i>[1-9][0-9]{0,3})\|(?P<n>[1-9][0-9]{0,3})\|(?P<data>[A-Za-z0-9+/=]*)"
)


@dataclass(frozen=True)
class Chunk:
    """One parsed symbol."""

    h: str
    i: int
    n: int
    data: bytes

    @property
    def text(self) -> str:
        return format_chunk(self.h, self.i, self.n, self.data)


def payload_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()[:16]


def format_chunk(h: str, i: int, n: int, data: bytes) -> str:
    return f"{PREFIX}|{h}|{i}|{n}|{base64.b64encode(data).decode('ascii')}"


def compress(envelope: bytes) -> bytes:
    return zlib.compress(envelope, 9)


def split_payload(payload: bytes, max_slice: int = DEFAULT_MAX_SLICE) -> list[bytes]:
    """Consecutive slices of nearly equal size, none larger than ``max_slice``."""
    if max_slice < 1:
        raise ValueError("max_slice must be positive")
    n = max(1, math.ceil(len(payload) / max_slice))
    if n > MAX_COUNT:
        raise ValueError(f"payload needs {n} symbols, more than {MAX_COUNT}")
    size = math.ceil(len(payload) / n)
    return [payload[k * size : (k + 1) * size] for k in range(n)]


def make_chunks(envelope: bytes, max_slice: int = DEFAULT_MAX_SLICE) -> list[str]:
    """The texts of the symbols that carry ``envelope`` (UTF-8 XML bytes), in order."""
    payload = compress(envelope)
    h = payload_hash(payload)
    slices = split_payload(payload, max_slice)
    return [format_chunk(h, k, len(slices), part) for k, part in enumerate(slices, start=1)]


def parse_chunk(text: str) -> Chunk:
    """Parse one symbol's text; surrounding white space (a scanner's CR/LF) is ignored."""
    stripped = text.strip()
    m = _CHUNK_RE.fullmatch(stripped)
    if m is None:
        if not stripped.startswith(PREFIX + "|"):
            raise ChunkFormatError("không bắt đầu bằng HOSO1|", "does not start with HOSO1|")
        raise ChunkFormatError("sai cấu trúc các trường", "malformed fields")
    i, n = int(m["i"]), int(m["n"])
    if i > n:
        raise ChunkFormatError(f"số thứ tự {i} lớn hơn tổng số {n}", f"index {i} is greater than count {n}")
    encoded = m["data"]
    if not encoded:
        raise ChunkFormatError("phần dữ liệu rỗng", "empty data")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ChunkFormatError("phần dữ liệu không phải base64", "data is not base64") from exc
    if base64.b64encode(data).decode("ascii") != encoded:
        # Non-canonical padding bits: base64 that no conforming writer produces.
        raise ChunkFormatError("base64 không chuẩn", "non-canonical base64")
    return Chunk(m["h"], i, n, data)


_CHUNK_ALPHABET_RUN = re.compile(r"[A-Za-z0-9+/=|]*")


def find_chunk_texts(line: str) -> list[str]:
    """The HOSO1 texts inside a scanner line.

    A scanner may add a prefix or suffix (a symbology identifier such as ``]L2``, a tab), and one that
    is not set to send Enter after each symbol types them all on one line. ``HOSO1|`` cannot occur
    inside a chunk (base64 has no ``|``), so every occurrence starts one, and a chunk ends at the first
    character that no chunk contains.
    """
    marker = PREFIX + "|"
    pieces = line.split(marker)[1:]
    return [marker + _CHUNK_ALPHABET_RUN.match(piece).group() for piece in pieces]


def inflate(h: str, payload: bytes, cap: int = DEFAULT_INFLATE_CAP) -> bytes:
    """Inflate a zlib payload, refusing to produce more than ``cap`` bytes."""
    d = zlib.decompressobj()
    try:
        out = d.decompress(payload, cap + 1)
    except zlib.error as exc:
        raise PayloadError(h, "dòng zlib hỏng", f"bad zlib stream: {exc}") from exc
    if len(out) > cap or d.unconsumed_tail:
        raise PayloadTooLargeError(h, cap)
    if not d.eof:
        raise PayloadError(h, "dòng zlib bị cắt cụt", "truncated zlib stream")
    if d.unused_data:
        raise PayloadError(h, "có dữ liệu thừa sau dòng zlib", "trailing data after the zlib stream")
    try:
        out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(h, "không phải văn bản UTF-8", "not UTF-8 text") from exc
    return out


class Added(enum.Enum):
    NEW = "new"
    REPEAT = "repeat"  # exactly the same text seen before: ignored
    VARIANT = "variant"  # same h, i, n but other data: kept, the hash decides


@dataclass(frozen=True)
class Dossier:
    """A reassembled, verified dossier."""

    h: str
    n: int
    payload: bytes
    envelope: bytes  # the UTF-8 envelope XML


@dataclass
class DossierStatus:
    """What is known of one dossier (one ``h``) after all inputs were read."""

    h: str
    n: int
    received: list[int]
    missing: list[int]
    dossier: Dossier | None = None
    error: BarcodeError | None = None
    counts_seen: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.dossier is not None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "hash": self.h,
            "count": self.n,
            "received": self.received,
            "missing": self.missing,
            "complete": self.complete,
        }
        if self.dossier is not None:
            out["envelope_bytes"] = len(self.dossier.envelope)
        if self.error is not None:
            out["error"] = self.error.as_dict()
        return out


class Collector:
    """Collects chunks in any order, from any number of pages, and reassembles the dossiers."""

    def __init__(self, inflate_cap: int = DEFAULT_INFLATE_CAP) -> None:
        self.inflate_cap = inflate_cap
        # h -> n -> i -> distinct data variants in arrival order
        self._groups: dict[str, dict[int, dict[int, list[bytes]]]] = {}
        self.repeats = 0
        self.variants = 0

    def add(self, chunk: Chunk) -> Added:
        slots = self._groups.setdefault(chunk.h, {}).setdefault(chunk.n, {}).setdefault(chunk.i, [])
        if chunk.data in slots:
            self.repeats += 1
            return Added.REPEAT
        slots.append(chunk.data)
        if len(slots) > 1:
            self.variants += 1
            return Added.VARIANT
        return Added.NEW

    def add_text(self, text: str) -> Added:
        """Parse and add; raises :class:`ChunkFormatError` for text that is not a HOSO1 chunk."""
        return self.add(parse_chunk(text))

    def has(self, h: str, n: int, i: int) -> bool:
        return bool(self._groups.get(h, {}).get(n, {}).get(i))

    def __len__(self) -> int:
        return len(self._groups)

    def results(self) -> list[DossierStatus]:
        return [self._assemble(h, by_n) for h, by_n in self._groups.items()]

    def _assemble(self, h: str, by_n: dict[int, dict[int, list[bytes]]]) -> DossierStatus:
        best: DossierStatus | None = None
        counts = sorted(by_n)
        for n, slots in by_n.items():
            status = self._assemble_set(h, n, slots)
            status.counts_seen = counts
            if status.complete:
                return status
            if best is None or _rank(status) > _rank(best):
                best = status
        assert best is not None
        return best

    def _assemble_set(self, h: str, n: int, slots: dict[int, list[bytes]]) -> DossierStatus:
        received = sorted(slots)
        missing = [i for i in range(1, n + 1) if i not in slots]
        status = DossierStatus(h=h, n=n, received=received, missing=missing)
        if missing:
            status.error = IncompleteError(h, n, missing)
            return status
        choices = [slots[i] for i in range(1, n + 1)]
        for combo in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
            payload = b"".join(combo)
            if payload_hash(payload) != h:
                continue
            try:
                envelope = inflate(h, payload, self.inflate_cap)
            except (PayloadError, PayloadTooLargeError) as exc:
                status.error = exc
                return status
            status.dossier = Dossier(h=h, n=n, payload=payload, envelope=envelope)
            return status
        status.error = HashMismatchError(h, n)
        return status


def _rank(status: DossierStatus) -> tuple[int, int]:
    # A complete-but-wrong set says more than an incomplete one; then the one with most indexes.
    return (0 if status.missing else 1, len(status.received))


def collect(texts: Iterable[str], inflate_cap: int = DEFAULT_INFLATE_CAP) -> list[DossierStatus]:
    """Reassemble from symbol texts; texts that are not HOSO1 chunks are skipped."""
    collector = Collector(inflate_cap)
    for text in texts:
        try:
            collector.add_text(text)
        except ChunkFormatError:
            continue
    return collector.results()
