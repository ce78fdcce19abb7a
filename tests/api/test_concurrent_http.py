"""Item 10 over real HTTP: 50 concurrent I-VAN clients against `hoso serve` with several workers get
gapless unique numbers, and racing repeats (same bytes, same Idempotency-Key) never make a second dossier."""

from __future__ import annotations

import json
import threading

import pytest

from hoso.testing.loadtest import Server, check, make_envelopes, request, run_clients

pytestmark = pytest.mark.slow
CLIENTS = 50


def test_fifty_concurrent_clients_get_gapless_numbers_and_repeats_no_second_dossier(live_site):
    site = live_site
    before = check(site)
    envelopes = make_envelopes(site, CLIENTS)
    # Every envelope once, ten of them a second time at the same moment, five more with a shared key.
    jobs = [("POST", "/api/v1/dossiers", raw) for raw in envelopes + envelopes[:10]]
    with Server(site, workers=4) as server:
        done = threading.Event()
        polled: list[int] = []
        poller = threading.Thread(target=_poll_feed, args=(server.port, site.key, done, polled), daemon=True)
        poller.start()
        results = run_clients(server.port, site.key, jobs, clients=CLIENTS)
        done.set()
        poller.join(timeout=120)
        keyed = make_envelopes(site, 1)[0]
        racing = run_clients(server.port, site.key, [("POST", "/api/v1/dossiers", keyed)] * 5, clients=5)
        fresh: list[int] = []
        _poll_feed(server.port, site.key, None, fresh)
    statuses = sorted(r.status for r in results)
    assert statuses.count(201) == CLIENTS and statuses.count(200) == 10, statuses
    numbers = {r.headers["X-Dossier-Number"] for r in results}
    assert len(numbers) == CLIENTS  # repeats answered with the first dossier's number
    assert sorted(r.status for r in racing) == [200, 200, 200, 200, 201]
    after = check(site)
    assert after["dossiers"] - before["dossiers"] == CLIENTS + 1
    assert after["gaps"] == [] and after["chain_break"] is None and after["missing_blobs"] == []
    assert after["dossiers_without_submission"] == 0 and after["accepted_without_dossier"] == 0
    # The feed read while the dossiers arrived missed nothing and repeated nothing.
    assert len(polled) >= CLIENTS and polled == sorted(set(polled))  # in order, no repeats
    assert polled == [s for s in fresh if s <= polled[-1]]  # no misses


def _poll_feed(port: int, key: str, done: threading.Event | None, seen: list[int]) -> None:
    """Follow the feed with small pages, as an I-VAN would, until ``done`` and nothing more is left."""
    cursor = "0"
    while True:
        status, _, body = request(port, "GET", f"/api/v1/feed?after={cursor}&limit=7", key=key)
        assert status == 200, body
        page = json.loads(body)
        seen.extend(event["sequence"] for event in page["events"])
        cursor = page["next"]
        if not page["has_more"] and (done is None or done.is_set()):
            return
