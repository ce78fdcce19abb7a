"""The one cache helper: entries expire, an edit's clear wins over a value being computed, size bounded."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from hoso.caching import ExpiringCache, forget_every_cache


class Clock:
    """A clock the test moves by hand (the cache's clock is a parameter: time.monotonic in production)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_kept_until_its_expiry_then_read_again():
    clock, reads = Clock(), []
    cache = ExpiringCache("test", seconds=60, clock=clock)

    def read() -> int:
        reads.append(clock.now)
        return len(reads)

    assert cache.get("k", read) == 1
    clock.now += 59.9
    assert cache.get("k", read) == 1
    clock.now += 0.1
    assert cache.get("k", read) == 2
    assert reads == [1000.0, 1060.0]


@given(st.lists(st.tuples(st.floats(0, 200), st.booleans()), max_size=40), st.floats(0, 100))
def test_no_value_is_ever_older_than_the_expiry(steps, seconds):
    """Whatever the order of reads, waits and clears, a value returned was computed at most `seconds`
    before (and after the last clear)."""
    clock = Clock()
    cache = ExpiringCache("test", seconds=seconds, clock=clock)
    last_clear = clock.now
    for wait, clear in steps:
        clock.now += wait
        if clear:
            cache.clear()
            last_clear = clock.now
        computed_at = cache.get("k", lambda: clock.now)
        assert clock.now - computed_at <= seconds or computed_at == clock.now
        assert computed_at >= last_clear


def test_an_expiry_of_zero_keeps_nothing_and_a_setting_is_read_at_each_store():
    clock, seconds = Clock(), [0.0]
    cache = ExpiringCache("test", seconds=lambda: seconds[0], clock=clock)
    assert cache.get("k", lambda: 1) == 1
    assert cache.get("k", lambda: 2) == 2 and len(cache) == 0
    seconds[0] = 5
    assert cache.get("k", lambda: 3) == 3
    assert cache.get("k", lambda: 4) == 3


def test_a_clear_while_computing_is_not_undone_by_the_stale_value():
    """A worker reads the calendar, an edit in the same process clears the cache before the read ends:
    the value read before the edit is returned once but not kept."""
    cache = ExpiringCache("test", seconds=60)
    started, edited = threading.Event(), threading.Event()

    def slow_read() -> str:
        started.set()
        edited.wait(10)
        return "before the edit"

    reader = threading.Thread(target=lambda: cache.get("k", slow_read))
    reader.start()
    started.wait(10)
    cache.clear()
    edited.set()
    reader.join(10)
    assert cache.get("k", lambda: "after the edit") == "after the edit"


def test_the_size_is_bounded_expired_entries_dropped_first():
    clock = Clock()
    cache = ExpiringCache("test", seconds=10, max_entries=3, clock=clock)
    cache.get("old", lambda: 0)
    clock.now += 20
    for key in ("a", "b", "c"):
        cache.get(key, lambda: 1)
    assert len(cache) == 3
    cache.get("d", lambda: 1)
    assert len(cache) <= 3


def test_every_cache_is_cleared_at_once():
    first, second = ExpiringCache("one", seconds=60), ExpiringCache("two", seconds=60)
    first.get(1, lambda: 1)
    second.get(2, lambda: 2)
    forget_every_cache()
    assert len(first) == len(second) == 0
