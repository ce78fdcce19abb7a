"""The HOSO1 chunk format exactly as issue 6 fixes it, and reassembly."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest

from hoso.barcode import (
    Added,
    ChunkFormatError,
    Collector,
    HashMismatchError,
    IncompleteError,
    PayloadError,
    PayloadTooLargeError,
    collect,
    make_chunks,
    parse_chunk,
)
from hoso.barcode.chunks import format_chunk, split_payload

from .conftest import random_envelope


def test_format_is_exactly_the_specified_one(envelope):
    chunks = make_chunks(envelope, max_slice=300)
    payload = zlib.compress(envelope, 9)
    h = hashlib.sha256(payload).hexdigest()[:16]
    rebuilt = b""
    for k, text in enumerate(chunks, start=1):
        prefix, hh, i, n, data = text.split("|")
        assert (prefix, hh, int(i), int(n)) == ("HOSO1", h, k, len(chunks))
        assert text.isascii() and "\n" not in text
        piece = base64.b64decode(data, validate=True)
        assert len(piece) <= 300
        rebuilt += piece
    assert zlib.decompress(rebuilt) == envelope


def test_slices_are_even_and_bounded():
    payload = bytes(range(256)) * 10  # 2560 bytes
    slices = split_payload(payload, 600)
    assert len(slices) == 5 and b"".join(slices) == payload
    assert max(map(len, slices)) - min(map(len, slices)) <= 1 or max(map(len, slices)) <= 600
    assert all(len(s) <= 600 for s in slices)
    assert split_payload(b"x", 600) == [b"x"]


def test_reader_accepts_any_slice_size(envelope):
    for size in (1, 7, 64, 2000):
        statuses = collect(reversed(make_chunks(envelope, max_slice=size)))
        assert len(statuses) == 1 and statuses[0].complete
        assert statuses[0].dossier.envelope == envelope


@pytest.mark.parametrize(
    "text",
    [
        "",
        "HOSO2|0123456789abcdef|1|1|AAAA",
        "HOSO1|0123456789ABCDEF|1|1|AAAA",  # upper-case hash
        "HOSO1|0123456789abcde|1|1|AAAA",  # 15 digits
        "HOSO1|0123456789abcdef|0|1|AAAA",  # index 0
        "HOSO1|0123456789abcdef|01|2|AAAA",  # leading zero
        "HOSO1|0123456789abcdef|3|2|AAAA",  # i > n
        "HOSO1|0123456789abcdef|1|1|",  # empty data
        "HOSO1|0123456789abcdef|1|1|AAA",  # bad padding
        "HOSO1|0123456789abcdef|1|1|AA-_",  # url-safe alphabet
        "HOSO1|0123456789abcdef|1|1|AB==",  # non-canonical padding bits
        "HOSO1|0123456789abcdef|1|1|AAAA|x",
    ],
)
def test_malformed_chunks_are_refused(text):
    with pytest.raises(ChunkFormatError) as info:
        parse_chunk(text)
    assert info.value.code == "BARCODE_CHUNK_FORMAT"
    assert "HOSO1" in info.value.message_vi


def test_scanner_white_space_is_ignored():
    chunk = parse_chunk("  HOSO1|0123456789abcdef|2|3|AAAA\r\n")
    assert (chunk.h, chunk.i, chunk.n, chunk.data) == ("0123456789abcdef", 2, 3, b"\0\0\0")


def test_repeats_are_ignored_and_missing_named(envelope):
    chunks = make_chunks(random_envelope(3000), max_slice=400)
    n = len(chunks)
    collector = Collector()
    assert collector.add_text(chunks[0]) is Added.NEW
    assert collector.add_text(chunks[0]) is Added.REPEAT
    collector.add_text(chunks[2])
    (status,) = collector.results()
    assert not status.complete
    assert status.missing == [2] + list(range(4, n + 1))
    assert isinstance(status.error, IncompleteError)
    assert status.error.code == "BARCODE_INCOMPLETE"
    assert "thiếu" in status.error.message_vi and "2, 4" in status.error.message_vi


def test_groups_by_hash(envelope):
    other = random_envelope(1500, seed=9)
    texts = make_chunks(envelope, 200) + make_chunks(other, 200)
    statuses = collect(texts[::-1])
    assert sorted(s.dossier.envelope for s in statuses) == sorted([envelope, other])


def test_hash_mismatch_is_refused():
    payload = zlib.compress(b"<Hoso>x</Hoso>")
    fake_h = "0" * 16
    (status,) = collect([format_chunk(fake_h, 1, 1, payload)])
    assert status.dossier is None and isinstance(status.error, HashMismatchError)
    assert status.error.code == "BARCODE_HASH_MISMATCH"


def test_variant_data_for_an_index_is_resolved_by_the_hash():
    envelope = random_envelope(2000)
    chunks = make_chunks(envelope, 300)
    good = parse_chunk(chunks[1])
    forged = format_chunk(good.h, good.i, good.n, bytes(len(good.data)))
    collector = Collector()
    assert collector.add_text(forged) is Added.NEW
    for text in chunks:
        collector.add_text(text)
    (status,) = collector.results()
    assert status.complete and status.dossier.envelope == envelope
    # Without the genuine symbol, the forged one never passes.
    assert not collect([forged] + chunks[:1] + chunks[2:])[0].complete


def _chunk_for(payload: bytes) -> str:
    return format_chunk(hashlib.sha256(payload).hexdigest()[:16], 1, 1, payload)


def test_compression_bomb_is_refused():
    bomb = zlib.compress(b"<" + b" " * (64 * 1024 * 1024), 9)  # 64 MiB from ~64 KiB
    (status,) = collect([_chunk_for(bomb)], inflate_cap=1024 * 1024)
    assert isinstance(status.error, PayloadTooLargeError) and status.dossier is None
    assert status.error.code == "BARCODE_PAYLOAD_TOO_LARGE"
    exact = zlib.compress(b"a" * 1000)
    assert collect([_chunk_for(exact)], inflate_cap=1000)[0].complete
    assert not collect([_chunk_for(exact)], inflate_cap=999)[0].complete


@pytest.mark.parametrize(
    "payload",
    [
        b"not zlib at all",
        zlib.compress(b"<Hoso/>")[:-3],
        zlib.compress(b"<Hoso/>") + b"x",
        zlib.compress(b"\xff\xfe"),
    ],
)
def test_bad_payloads_matching_their_hash_are_refused(payload):
    (status,) = collect([_chunk_for(payload)])
    assert isinstance(status.error, PayloadError) and status.dossier is None


def test_status_as_dict(envelope):
    chunks = make_chunks(random_envelope(2000), 500)
    (status,) = collect(chunks[1:])
    d = status.as_dict()
    assert d["missing"] == [1] and d["complete"] is False and d["error"]["code"] == "BARCODE_INCOMPLETE"


def test_missing_indexes_are_named_as_ranges():
    from hoso.barcode.errors import format_ranges

    assert format_ranges([2, 3, 4, 7, 9, 10]) == "2-4, 7, 9-10"
    chunk = make_chunks(random_envelope(200), 100)[0].replace("|1|", "|1|", 1)
    h = parse_chunk(chunk).h
    (status,) = collect([format_chunk(h, 1, 9999, b"x")])
    assert status.error.message_vi.count(",") == 0 and "2-9999" in status.error.message_vi
