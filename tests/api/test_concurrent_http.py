"""Item 10 over real HTTP: 50 concurrent I-VAN clients against `hoso serve` with several workers get
gapless unique numbers, and racing repeats (same bytes, same Idempotency-Key) never make a second dossier."""

from __future__ import annotations

import pytest

from hoso.api.loadtest import Server, check, make_envelopes, run_clients

pytestmark = pytest.mark.slow
CLIENTS = 50


def test_fifty_concurrent_clients_get_gapless_numbers_and_repeats_no_second_dossier(live_site):
    site = live_site
    before = check(site)
    envelopes = make_envelopes(site, CLIENTS)
    # Every envelope once, ten of them a second time at the same moment, five more with a shared key.
    jobs = [("POST", "/api/v1/dossiers", raw) for raw in envelopes + envelopes[:10]]
    with Server(site, workers=4) as server:
        results = run_clients(server.port, site.key, jobs, clients=CLIENTS)
        keyed = make_envelopes(site, 1)[0]
        racing = run_clients(
            server.port,
            site.key,
            [("POST", "/api/v1/dossiers", keyed)] * 5,
            clients=5,
        )
    statuses = sorted(r.status for r in results)
    assert statuses.count(201) == CLIENTS and statuses.count(200) == 10, statuses
    numbers = {r.headers["X-Dossier-Number"] for r in results}
    assert len(numbers) == CLIENTS  # repeats answered with the first dossier's number
    assert sorted(r.status for r in racing) == [200, 200, 200, 200, 201]
    after = check(site)
    assert after["dossiers"] - before["dossiers"] == CLIENTS + 1
    assert after["gaps"] == [] and after["chain_break"] is None and after["missing_blobs"] == []
    assert after["dossiers_without_submission"] == 0 and after["accepted_without_dossier"] == 0
