"""A server worker collects rarely and never rescans what it loaded at start-up (hoso.gc_tuning)."""

from __future__ import annotations

import gc
import weakref

from hoso.gc_tuning import YOUNG_THRESHOLD, settle_after_startup


class _Node:
    itself: _Node


def test_settling_freezes_the_startup_heap_and_raises_the_young_threshold():
    threshold = gc.get_threshold()
    try:
        settle_after_startup()
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD and gc.get_threshold()[1:] == threshold[1:]
        assert gc.get_freeze_count() > 10_000  # Django, the URLconf and every view module
        node = _Node()
        node.itself = node
        gone = weakref.ref(node)
        del node
        gc.collect()
        assert gone() is None  # cycles made after start-up are still collected
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
