"""Who sent a request: the one answer every limit, log and access rule of hoso uses.

- The TCP peer (``REMOTE_ADDR``) when it is not a proxy hoso trusts.
- Behind proxies listed in ``HOSO_TRUSTED_PROXIES`` (addresses or networks): walking ``X-Forwarded-For``
  from the right, the first address that is not one of them (entries further left are whatever the
  client wrote). Only a trusted peer's header is read at all.
- Otherwise, behind ``HOSO_PROXY_COUNT`` proxies that each append to ``X-Forwarded-For``: the entry that
  many from the right (the address the outermost proxy saw); a shorter header: the peer.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def in_networks(address: str, networks) -> bool:
    """Whether ``address`` is in one of ``networks`` (ip_network objects or their texts); an IPv4-mapped
    IPv6 address counts as its IPv4 address, text that is no address as in none."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def client_address(request) -> str:
    peer = request.META.get("REMOTE_ADDR", "") or ""
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if trusted := getattr(settings, "HOSO_TRUSTED_PROXIES", None) or []:
        networks = [ipaddress.ip_network(n, strict=False) for n in trusted]
        if not in_networks(peer, networks):
            return peer
        for hop in reversed(hops):
            if not in_networks(hop, networks):
                return hop
        return hops[0] if hops else peer
    proxies = int(getattr(settings, "HOSO_PROXY_COUNT", 0) or 0)
    if proxies > 0 and len(hops) >= proxies:
        return hops[-proxies]
    return peer
