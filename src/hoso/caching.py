"""The one rule for a per-process cache: every entry expires, and an edit made in this process clears it.

A gunicorn worker keeps what every reception asks (the working calendar, the procedure catalogue, the
active policy set) so as not to read it from the database each time. An administrator's edit goes
through one process; the others learn of it only when their entry expires. So every cache of data that
can change outside the process is an :class:`ExpiringCache`: its entries live at most ``seconds``
(a number, or a function read at each store so that a setting changed at run time applies), the process
that makes an edit clears the cache at once (the models' signals call :meth:`ExpiringCache.clear`), and
it holds at most ``max_entries`` entries.

Memoisation of a pure function over immutable input (a certificate parsed from its bytes, an XPath
compiled from its text) is not a cache of state: it stays ``functools.lru_cache``.

Pure: no Django. :func:`forget_every_cache` clears all of them (a test starts with none).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["ExpiringCache", "forget_every_cache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_every: weakref.WeakSet[ExpiringCache] = weakref.WeakSet()


class ExpiringCache(Generic[K, V]):
    """Values by key, each kept ``seconds`` from when it was computed (0 or less: not kept at all)."""

    def __init__(
        self,
        name: str,
        *,
        seconds: float | Callable[[], float],
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._seconds = seconds if callable(seconds) else (lambda: float(seconds))
        self._max_entries = max(1, max_entries)
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, V]] = {}  # key -> (expires at, value)
        self._generation = 0  # moved by clear(): a value computed before a clear is not stored after it
        _every.add(self)

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``compute()``'s, kept from now on."""
        now = self._clock()
        with self._lock:
            kept = self._entries.get(key)
            generation = self._generation
        if kept is not None and now < kept[0]:
            return kept[1]
        value = compute()
        seconds = self._seconds()
        if seconds <= 0:
            return value
        with self._lock:
            if generation != self._generation:  # cleared by an edit while computing: may be stale
                return value
            if key not in self._entries and len(self._entries) >= self._max_entries:
                self._drop_expired(now)
                if len(self._entries) >= self._max_entries:
                    self._entries.clear()
            self._entries[key] = (now + seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._generation += 1

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _drop_expired(self, now: float) -> None:
        for key in [k for k, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[key]

    def __repr__(self) -> str:
        return f"<ExpiringCache {self.name}: {len(self)} entries>"


def forget_every_cache() -> None:
    """Clear every cache of this process."""
    for cache in list(_every):
        cache.clear()
