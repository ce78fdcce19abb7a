"""A per-I-VAN token bucket shared by every server process.

Two backends, chosen by ``HOSO_API_RATE_BACKEND`` (setting or environment variable):

- ``file`` (default): one small file per I-VAN under ``DATA_DIR/ratelimit``, updated under an exclusive
  ``flock``. Every gunicorn worker of one machine shares it; nothing else is needed (no Redis), and it
  costs a few microseconds and no database write.
- ``database``: one row per I-VAN (``api_ratebucket``) updated under ``SELECT … FOR UPDATE``: for several
  application servers in front of one PostgreSQL.
- ``off``: no limit.

The same setting says where the public lookup's per-client counts live (``hoso.desk.throttle``): with
``database``, in ``api_windowcount`` (:func:`window_hit`), so that several servers count together.

``HOSO_API_RATE`` is the sustained rate in requests per second per I-VAN (default 20) and
``HOSO_API_BURST`` the bucket size (default 200): an I-VAN may send 200 requests at once, then 20 a second.
"""

from __future__ import annotations

import fcntl
import math
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F

_STATE = struct.Struct("<dd")  # tokens, last refill (UNIX time)


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def rate() -> float:
    return float(_setting("HOSO_API_RATE", "20"))


def burst() -> float:
    return max(1.0, float(_setting("HOSO_API_BURST", "200")))


def backend() -> str:
    return _setting("HOSO_API_RATE_BACKEND", "file").strip().lower()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int  # seconds, when refused


def _take(tokens: float, updated: float, now: float) -> tuple[Decision, float, float]:
    tokens = min(burst(), tokens + max(0.0, now - updated) * rate())
    if tokens >= 1.0:
        tokens -= 1.0
        return Decision(True, int(tokens), 0), tokens, now
    wait = (1.0 - tokens) / rate() if rate() > 0 else 3600.0
    return Decision(False, 0, max(1, math.ceil(wait))), tokens, now


def _file_take(ivan_code: str, now: float) -> Decision:
    folder = Path(settings.DATA_DIR) / "ratelimit"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{ivan_code}.bucket", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = os.pread(fd, _STATE.size, 0)
        tokens, updated = _STATE.unpack(data) if len(data) == _STATE.size else (burst(), now)
        decision, tokens, updated = _take(tokens, updated, now)
        os.pwrite(fd, _STATE.pack(tokens, updated), 0)
        return decision
    finally:
        os.close(fd)  # closing releases the lock


def _database_take(ivan, now: float) -> Decision:
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


def window_hit(key: str, limit: int, expires: float) -> int | None:
    """Count one request under ``key`` (a client in one window) unless ``limit`` is reached: the count
    after it, or None when refused. One atomic ``UPDATE … WHERE count < limit``: servers racing on one
    key never lose an increment nor pass the limit."""
    from hoso.api.models import WindowCount

    with transaction.atomic():
        WindowCount.objects.bulk_create(
            [WindowCount(key=key, count=0, expires=expires)], ignore_conflicts=True
        )
        if not WindowCount.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1):
            return None
        return WindowCount.objects.filter(key=key).values_list("count", flat=True).get()


def forget_expired_windows(now: float | None = None) -> int:
    """Delete the counts of windows that have ended (the daily retention job); how many."""
    from hoso.api.models import WindowCount

    return WindowCount.objects.filter(expires__lt=now or time.time()).delete()[0]
