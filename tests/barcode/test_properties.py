"""Property tests (issue 6 item 7): write -> read, any subset, corruption."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoso.barcode import collect, make_chunks, parse_chunk
from hoso.barcode.symbols import make_symbol, render_symbol, scan_image

envelopes = st.one_of(
    st.text(min_size=0, max_size=3000).map(
        lambda s: ("<Hoso>" + s + "</Hoso>").encode("utf-8", "surrogatepass")
    ),
    st.binary(min_size=0, max_size=4000).map(lambda b: b"<Hoso>" + b.hex().encode() + b"</Hoso>"),
)


def _utf8(envelope: bytes) -> bool:
    try:
        envelope.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(envelope=envelopes, max_slice=st.integers(min_value=1, max_value=900), seed=st.integers(0, 2**32))
def test_any_envelope_survives_write_read_in_any_order(envelope, max_slice, seed):
    if not _utf8(envelope):
        return
    chunks = make_chunks(envelope, max_slice)
    random.Random(seed).shuffle(chunks)
    (status,) = collect(chunks)
    assert status.complete and status.dossier.envelope == envelope


@settings(max_examples=150, deadline=None)
@given(
    size=st.integers(min_value=200, max_value=6000),
    max_slice=st.integers(min_value=50, max_value=700),
    data=st.data(),
)
def test_any_subset_shuffled_and_repeated_gives_the_right_answer(size, max_slice, data):
    envelope = ("<Hoso>" + random.Random(size).randbytes(size).hex() + "</Hoso>").encode()
    chunks = make_chunks(envelope, max_slice)
    n = len(chunks)
    kept = data.draw(st.sets(st.integers(1, n)), label="kept")
    repeats = data.draw(st.lists(st.sampled_from(sorted(kept)), max_size=10)) if kept else []
    texts = [chunks[i - 1] for i in kept] + [chunks[i - 1] for i in repeats]
    texts = data.draw(st.permutations(texts), label="order")
    statuses = collect(texts)
    if not kept:
        assert statuses == []
        return
    (status,) = statuses
    assert status.missing == [i for i in range(1, n + 1) if i not in kept]
    assert status.received == sorted(kept)
    if len(kept) == n:
        assert status.complete and status.dossier.envelope == envelope
    else:
        assert not status.complete and status.dossier is None


printable = st.characters(min_codepoint=32, max_codepoint=126)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_corrupted_text_never_yields_a_dossier(data):
    envelope = ("<Hoso>" + random.Random(7).randbytes(1500).hex() + "</Hoso>").encode()
    chunks = make_chunks(envelope, 400)
    k = data.draw(st.integers(0, len(chunks) - 1), label="which")
    text = chunks[k]
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, len(text) - 1), printable), min_size=1, max_size=4), label="edits"
    )
    corrupted = list(text)
    for at, char in edits:
        corrupted[at] = char
    corrupted_text = "".join(corrupted)
    if corrupted_text == text:
        return
    texts = chunks[:k] + [corrupted_text] + chunks[k + 1 :]
    for status in collect(texts):
        # The genuine symbol k is gone: no set may verify (the 64-bit hash prefix stands guard).
        assert status.dossier is None
    # With the genuine symbol present as well, the only dossier that can come out is the original.
    for status in collect(texts + [text]):
        if status.dossier is not None:
            assert status.dossier.envelope == envelope


@settings(max_examples=6, deadline=None)
@given(envelope=st.binary(min_size=1, max_size=1500).map(lambda b: b"<Hoso>" + b.hex().encode() + b"</Hoso>"))
def test_any_envelope_survives_symbol_rendering_and_reading(envelope):
    texts = []
    for chunk in make_chunks(envelope):
        image = render_symbol(make_symbol(chunk), module=2)
        texts.extend(scan_image(image).texts)
        assert parse_chunk(texts[-1]).text == chunk
    (status,) = collect(texts)
    assert status.dossier.envelope == envelope
