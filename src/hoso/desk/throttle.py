"""A per-client limit on the public pages (today: the dossier lookup), shared by every server process.

Dossier numbers are sequential (``{seq:05d}/{yyyy}/{office}``), so the lookup could be walked number by
number. It asks for a second factor (see ``hoso.desk.queues.lookup``) and, here, counts the look-ups of
each client in fixed windows: ``HOSO_LOOKUP_LIMIT`` per ``HOSO_LOOKUP_WINDOW`` seconds (default 30 a
minute; 0 turns the limit off).

Where the counts live: the Django cache alias ``ratelimit`` (settings ``CACHES``). ``default`` is a
local-memory cache, private to each gunicorn worker, so a client spread over N workers would get N times
the limit; ``ratelimit`` is a file-based cache under ``DATA_DIR/cache/ratelimit``, which every worker of
the machine shares — like the I-VAN API's bucket files (``hoso.api.ratelimit``), with no extra service and
no database write on an unauthenticated page (a database cache would turn a flood of look-ups into write
load on the one SQLite writer). Entries expire with their window and the cache culls itself past
``MAX_ENTRIES``, so its size stays bounded. The read-increment-write of a count is done under an exclusive
``flock`` of a lock file next to it, so that two workers cannot lose each other's increments (Django's
``incr`` on a file or database cache is a get then a set). Several application servers count together in
the database instead (``HOSO_API_RATE_BACKEND=database``, the setting of every rate limit's counts:
``hoso.api.ratelimit.window_hit``).

The client is :func:`hoso.client_address.client_address` (the peer, or behind the trusted proxies the
address they saw). An IPv6 client is counted by its /64 network, which
one host or household usually holds whole.
"""

from __future__ import annotations

import fcntl
import ipaddress
import math
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

from hoso.api import ratelimit
from hoso.client_address import client_address

CACHE_ALIAS = "ratelimit"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends, when refused


def client_key(request) -> str:
    """Who is counted: the client's address (an IPv6 address by its /64)."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"other:{address[:64]}"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return f"ip:{ip.ipv4_mapped}"
        return f"ip6:{ipaddress.ip_network(f'{ip}/64', strict=False).network_address}"
    return f"ip:{ip}"


@contextmanager
def _machine_lock(name: str):
    folder = Path(settings.DATA_DIR) / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def hit(scope: str, request, *, limit: int, window: int) -> Verdict:
    """Count one request of this client in ``scope``; refused past ``limit`` in the current window."""
    if limit <= 0:
        return Verdict(True, 0, 0)
    now = time.time()
    slot = int(now // window)
    key = f"{scope}:{client_key(request)}:{slot}"
    retry_after = max(1, math.ceil((slot + 1) * window - now))
    if ratelimit.backend() == "database":  # several servers: counted together, in the database
        count = ratelimit.window_hit(key, limit, expires=(slot + 1) * window + 1)
        return Verdict(True, count, 0) if count is not None else Verdict(False, limit, retry_after)
    cache = caches[CACHE_ALIAS]
    with _machine_lock(scope):
        count = cache.get(key) or 0
        if count < limit:  # once over, the refusals write nothing
            count += 1
            cache.set(key, count, timeout=window + 1)
            return Verdict(True, count, 0)
    return Verdict(False, count, retry_after)


def lookup_hit(request) -> Verdict:
    """One look-up of the public dossier lookup page."""
    return hit(
        "lookup",
        request,
        limit=int(getattr(settings, "HOSO_LOOKUP_LIMIT", 30)),
        window=max(1, int(getattr(settings, "HOSO_LOOKUP_WINDOW", 60))),
    )


def forget() -> None:
    """Clear every count (tests)."""
    caches[CACHE_ALIAS].clear()
