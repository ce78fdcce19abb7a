"""A per-client limit on the public pages (today: the dossier lookup), counted by the one rate limiter
(``hoso.api.ratelimit``, fixed windows) and so shared by every worker of the machine, or by every server
with ``HOSO_API_RATE_BACKEND=database``.

Dossier numbers are sequential (``{seq:05d}/{yyyy}/{office}``), so the lookup could be walked number by
number. It asks for a second factor (see ``hoso.desk.queues.lookup``) and, here, counts the look-ups of
each client in fixed windows: ``HOSO_LOOKUP_LIMIT`` per ``HOSO_LOOKUP_WINDOW`` seconds (default 30 a
minute; 0 turns the limit off).

The client is :func:`hoso.client_address.client_address` (the peer, or behind the trusted proxies the
address they saw). An IPv6 client is counted by its /64 network, which
one host or household usually holds whole.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

from hoso.api import ratelimit
from hoso.api.ratelimit import Decision
from hoso.client_address import client_address


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


def hit(scope: str, request, *, limit: int, window: int) -> Decision:
    """Count one request of this client in ``scope``; refused past ``limit`` in the current window."""
    if limit <= 0:
        return Decision(True, 0, 0)
    return ratelimit.window_take(scope, client_key(request), limit=limit, window=window)


def lookup_hit(request) -> Decision:
    """One look-up of the public dossier lookup page."""
    return hit("lookup", request, limit=settings.HOSO_LOOKUP_LIMIT, window=settings.HOSO_LOOKUP_WINDOW)


def forget() -> None:
    """Clear every count kept in files (tests)."""
    ratelimit.forget_windows()
