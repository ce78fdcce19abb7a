"""The one rate limiter of hoso, for the I-VAN API and the public pages alike, shared by every server
process.

Two kinds of limit, counted in the same places:

- a **token bucket** per I-VAN (:func:`take`, the API): ``HOSO_API_BURST`` requests at once (default
  200), then ``HOSO_API_RATE`` a second (default 20);
- **fixed windows** per client (:func:`window_take`, the public lookup through ``hoso.desk.throttle``):
  at most ``limit`` requests in each window of ``window`` seconds.

Where the counts live, chosen by ``HOSO_API_RATE_BACKEND``:

- ``file`` (default): one small file per I-VAN and per client of a scope under ``DATA_DIR/ratelimit``,
  read and written under an exclusive ``flock``. Every gunicorn worker of one machine shares it; nothing
  else is needed (no Redis), it costs a few microseconds, and a flood of look-ups on an unauthenticated
  page writes nothing to the database (the one SQLite writer). The read-modify-write happens under the
  lock, so two workers never lose each other's counts.
- ``database``: for several application servers in front of one PostgreSQL. A bucket is one row per
  I-VAN (``api_ratebucket``) updated under ``SELECT … FOR UPDATE``; a window is one row per client and
  window (``api_windowcount``) counted by one atomic ``UPDATE … WHERE count < limit``.
- ``off``: the I-VAN buckets allow everything. The lookup's windows are then counted in files (its own
  switch is ``HOSO_LOOKUP_LIMIT=0``).

The daily retention job forgets the windows of the database that have ended
(:func:`forget_expired_windows`); the files of one scope are culled past :data:`MAX_WINDOW_FILES`, so
their number stays bounded.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import shutil
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F

_STATE = struct.Struct("<dd")  # a bucket: tokens, last refill (UNIX time); a window: its number, count
#: Window files of one scope kept before the ended ones are deleted (a new client's first request).
MAX_WINDOW_FILES = 5000


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int  # requests still allowed now (a window: in this window)
    retry_after: int  # seconds, when refused


def rate() -> float:
    return float(settings.HOSO_API_RATE)


def burst() -> float:
    return max(1.0, float(settings.HOSO_API_BURST))


def backend() -> str:
    return settings.HOSO_API_RATE_BACKEND


def _folder(*parts: str) -> Path:
    folder = Path(settings.DATA_DIR, "ratelimit", *parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


State = tuple[float, float]


def _file_update(path: Path, step: Callable[[State | None], tuple[Decision, State | None]]) -> Decision:
    """Apply ``step`` to the state kept in ``path`` (None: a new file) under an exclusive lock; a new
    state it returns is written, None leaves the file as it was."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = os.pread(fd, _STATE.size, 0)
        decision, state = step(_STATE.unpack(data) if len(data) == _STATE.size else None)
        if state is not None:
            os.pwrite(fd, _STATE.pack(*state), 0)
        return decision
    finally:
        os.close(fd)  # closing releases the lock


# --- the I-VAN's token bucket ------------------------------------------------------------------------


def _take(tokens: float, updated: float, now: float) -> tuple[Decision, float, float]:
    tokens = min(burst(), tokens + max(0.0, now - updated) * rate())
    if tokens >= 1.0:
        tokens -= 1.0
        return Decision(True, int(tokens), 0), tokens, now
    wait = (1.0 - tokens) / rate() if rate() > 0 else 3600.0
    return Decision(False, 0, max(1, math.ceil(wait))), tokens, now


def _file_take(ivan_code: str, now: float) -> Decision:
    def step(state: State | None) -> tuple[Decision, State]:
        decision, tokens, updated = _take(*(state or (burst(), now)), now)
        return decision, (tokens, updated)

    return _file_update(_folder() / f"{ivan_code}.bucket", step)


def _database_take(ivan, now: float) -> Decision:
    # local: the file limiter runs without Django's apps loaded; the database backend's models, when chosen
    from hoso.api.models import RateBucket

    with transaction.atomic():
        RateBucket.objects.bulk_create(
            [RateBucket(ivan=ivan, tokens=burst(), updated=now)], ignore_conflicts=True
        )
        bucket = RateBucket.objects.select_for_update().get(ivan=ivan)
        decision, bucket.tokens, bucket.updated = _take(bucket.tokens, bucket.updated, now)
        bucket.save(update_fields=["tokens", "updated"])
    return decision


def take(ivan) -> Decision:
    """Take one request from ``ivan``'s bucket."""
    kind = backend()
    if kind == "off":
        return Decision(True, int(burst()), 0)
    now = time.time()
    if kind == "database":
        return _database_take(ivan, now)
    return _file_take(ivan.code, now)


# --- a client's fixed windows ------------------------------------------------------------------------


def window_take(scope: str, client: str, *, limit: int, window: int) -> Decision:
    """Count one request of ``client`` in ``scope`` unless ``limit`` is reached in the current window of
    ``window`` seconds; refused, it says when the window ends. Refusals write nothing."""
    now = time.time()
    slot = int(now // window)
    refused = Decision(False, 0, max(1, math.ceil((slot + 1) * window - now)))
    if backend() == "database":  # several servers: counted together, in the database
        count = window_hit(f"{scope}:{client}:{slot}", limit, expires=(slot + 1) * window + 1)
        return refused if count is None else Decision(True, limit - count, 0)

    def step(state: State | None) -> tuple[Decision, State | None]:
        count = int(state[1]) if state is not None and state[0] == slot else 0
        if count >= limit:
            return refused, None
        return Decision(True, limit - count - 1, 0), (slot, count + 1)

    folder = _folder("windows", scope)
    path = folder / (hashlib.sha256(client.encode()).hexdigest()[:32] + ".window")
    if not path.exists():
        _cull(folder, ended_before=slot * window)
    return _file_update(path, step)


def _cull(folder: Path, *, ended_before: float) -> None:
    """Past MAX_WINDOW_FILES files, delete those last counted before the current window began (their
    counts are of ended windows)."""
    entries = list(os.scandir(folder))
    if len(entries) < MAX_WINDOW_FILES:
        return
    for entry in entries:
        try:
            if entry.stat().st_mtime < ended_before:
                os.unlink(entry.path)
        except FileNotFoundError:  # another worker culled it
            pass


def window_hit(key: str, limit: int, expires: float) -> int | None:
    """Count one request under ``key`` (a client in one window) in the database unless ``limit`` is
    reached: the count after it, or None when refused. One atomic ``UPDATE … WHERE count < limit``:
    servers racing on one key never lose an increment nor pass the limit."""
    # local: the file limiter runs without Django's apps loaded; the database backend's models, when chosen
    from hoso.api.models import WindowCount

    with transaction.atomic():
        WindowCount.objects.bulk_create(
            [WindowCount(key=key, count=0, expires=expires)], ignore_conflicts=True
        )
        if not WindowCount.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1):
            return None
        return WindowCount.objects.filter(key=key).values_list("count", flat=True).get()


def forget_expired_windows(now: float | None = None) -> int:
    """Delete the database's counts of windows that have ended (the daily retention job); how many.
    (The files are culled as they grow: :func:`_cull`.)"""
    # local: the file limiter runs without Django's apps loaded; the database backend's models, when chosen
    from hoso.api.models import WindowCount

    return WindowCount.objects.filter(expires__lt=now or time.time()).delete()[0]


def forget_windows() -> None:
    """Forget every window counted in files (tests start with none)."""
    shutil.rmtree(Path(settings.DATA_DIR, "ratelimit", "windows"), ignore_errors=True)
