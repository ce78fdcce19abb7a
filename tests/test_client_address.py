"""The one answer to "who sent this request" (hoso.client_address), as limits, logs and /metrics use it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from hoso.client_address import client_address


def _address(settings, remote: str, forwarded: str | None = None, *, trusted=(), count: int = 0) -> str:
    settings.HOSO_TRUSTED_PROXIES, settings.HOSO_PROXY_COUNT = list(trusted), count
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.7", "198.51.100.1", [], "203.0.113.7"),  # no proxy: the header is the client's words
        ("203.0.113.7", "198.51.100.1", ["10.0.0.0/8"], "203.0.113.7"),  # from an untrusted peer: ignored
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),  # the proxy's entry
        ("10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.3", ["10.0.0.0/8"], "198.51.100.1"),  # two proxies
        ("10.0.0.2", "10.0.0.5", ["10.0.0.0/8"], "10.0.0.5"),  # only proxies: the outermost one
        ("10.0.0.2", None, ["10.0.0.0/8"], "10.0.0.2"),  # no header: the peer
        ("::ffff:10.0.0.2", "198.51.100.1", ["10.0.0.0/8"], "198.51.100.1"),  # IPv4-mapped peer
    ],
)
def test_trusted_proxies_are_walked_from_the_right(settings, remote, forwarded, trusted, expected):
    assert _address(settings, remote, forwarded, trusted=trusted) == expected


def test_a_proxy_count_takes_the_entry_that_many_from_the_right(settings):
    assert _address(settings, "10.0.0.2", "1.2.3.4, 198.51.100.1", count=1) == "198.51.100.1"
    assert _address(settings, "10.0.0.2", "198.51.100.1", count=2) == "10.0.0.2"  # shorter: the peer
