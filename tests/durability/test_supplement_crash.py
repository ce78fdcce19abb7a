"""Issue 9, item 5 — the crash test of the intake, for supplements: dossiers wait for a supplement (an
officer asked for it through the workflow's services), the I-VAN posts the signed supplements
concurrently to a real `hoso serve` with several workers, and master and workers are killed with
SIGKILL. After a restart: every supplement acknowledged (201) is kept with its bytes (hash), its event
is in the dossier's history and in the I-VAN's feed, every dossier's status agrees with its history
(and its deadline clock), the audit chain verifies, and posting again what got no answer never records
a supplement twice."""

from __future__ import annotations

import json
import threading
import time

import pytest

from hoso.testing.loadtest import Server, check, make_envelopes, run_clients, sha256
from hoso.testing.loadtest import request as http

from .conftest import kill_when, step

pytestmark = pytest.mark.slow

DOSSIERS = 100
KILL_AFTER = 30  # supplements acknowledged before the kill
CLIENTS = 12
OFFICE = "00105"  # the demo unit's office


def test_sigkill_while_supplements_arrive_loses_none_acknowledged(site, request):
    started = time.monotonic()
    envelopes = make_envelopes(site, DOSSIERS)
    supplements = make_envelopes(site, DOSSIERS, employees=5)
    assert len({sha256(raw) for raw in envelopes + supplements}) == 2 * DOSSIERS

    server = Server(site, workers=4).start()
    request.addfinalizer(server.kill)  # also when the test fails before the crash
    filed = run_clients(
        server.port, site.key, [("POST", "/api/v1/dossiers", raw) for raw in envelopes], clients=8
    )
    assert all(r.status == 201 for r in filed), {(r.status, r.body[:200]) for r in filed}
    sids = step(site, "request-supplements", {"office": OFFICE})["submissions"]
    assert sorted(sids) == sorted(r.headers["X-Submission-Id"] for r in filed)
    cursor = _feed(site, server, "0")[1]  # the I-VAN has read its feed up to the requests
    jobs = [
        ("POST", f"/api/v1/dossiers/{sid}/supplements", raw)
        for sid, raw in zip(sids, supplements, strict=True)
    ]

    acknowledged, enough, lock = [], threading.Event(), threading.Lock()

    def on_result(result):
        if result.status == 201:
            with lock:
                acknowledged.append(result)
                if len(acknowledged) >= KILL_AFTER:
                    enough.set()

    stopping, killed = kill_when(server, enough)
    results = run_clients(
        server.port, site.key, jobs, clients=CLIENTS, on_result=on_result, timeout=30, stop=stopping
    )
    killed.wait(timeout=60)
    load_seconds = time.monotonic() - started
    assert all(r.status in (201, None) for r in results), {(r.status, r.body[:200]) for r in results}
    lost = [r.index for r in results if r.status is None]
    unsent = sorted(set(range(DOSSIERS)) - {r.index for r in results})
    assert len(acknowledged) >= KILL_AFTER and (lost or unsent), "the kill came after all the work was done"
    for r in acknowledged:  # what the I-VAN was told: the supplement's signed receipt of these bytes
        assert b"<Ma>TIEP_NHAN</Ma>" in r.body
        assert f"<SHA256HoSo>{sha256(supplements[r.index])}</SHA256HoSo>".encode() in r.body

    with Server(site, workers=2) as restarted:
        # Every acknowledged supplement: in the dossier's history with its bytes, and in the feed.
        for r in acknowledged:
            status, _, body = http(restarted.port, "GET", f"/api/v1/dossiers/{sids[r.index]}", key=site.key)
            assert status == 200, body
            found = json.loads(body)
            assert found["dossier"]["status"] == "supplement_received"
            kept = [e for e in found["events"] if e["kind"] == "supplement_received"]
            assert [e["data"]["sha256"] for e in kept] == [sha256(supplements[r.index])]
        feed, cursor = _feed(site, restarted, cursor)
        in_feed = {(e["dossier_id"], e["data"]["sha256"]) for e in feed if e["kind"] == "supplement_received"}
        assert {(sids[r.index], sha256(supplements[r.index])) for r in acknowledged} <= in_feed
        assert len(in_feed) == len(feed)  # the feed since the requests: one event per supplement kept
        state = step(site, "supplement-check", {"acknowledged": _digests(sids, supplements, acknowledged)})
        assert state["wrong"] == []
        after_crash = check(site)
        _assert_sound(after_crash)
        assert len(state["received"]) == len(in_feed) and len(state["waiting"]) == DOSSIERS - len(in_feed)

        # The I-VAN sends again what got no answer, and a few acknowledged ones: nothing is recorded
        # twice — 201 when it had not committed, 200 (a repeat, its first receipt) when it had.
        again = lost + unsent + [r.index for r in acknowledged[:5]]
        resent = run_clients(restarted.port, site.key, [jobs[i] for i in again], clients=8)
        committed = {sid for sid, _ in in_feed}
        for r in resent:
            i = again[r.index]
            if sids[i] in committed:
                assert r.status == 200 and sha256(supplements[i]).encode() in r.body, r.body  # its receipt
            else:
                assert r.status == 201, r.body
        final = step(site, "supplement-check", {"acknowledged": _digests(sids, supplements, range(DOSSIERS))})
        assert final["wrong"] == [] and final["waiting"] == [] and len(final["received"]) == DOSSIERS
        feed, _ = _feed(site, restarted, cursor)
        assert sorted(e["dossier_id"] for e in feed) == sorted(
            sids[i] for i in again if sids[i] not in committed
        )
        totals = check(site)
        _assert_sound(totals)
        assert totals["dossiers"] == DOSSIERS and totals["events"] == 4 * DOSSIERS
    print(
        f"\nsupplement crash test: {len(acknowledged)} supplements acknowledged before the kill, "
        f"{len(lost)} requests cut, {len(unsent)} not sent ({load_seconds:.0f} s); after restart "
        f"{len(in_feed)} kept; all {DOSSIERS} once after resending ({time.monotonic() - started:.0f} s in all)"
    )


def _digests(sids, supplements, indexes) -> dict[str, str]:
    return {sids[i]: sha256(supplements[i]) for i in (getattr(x, "index", x) for x in indexes)}


def _feed(site, server, after: str) -> tuple[list[dict], str]:
    """The I-VAN's feed after ``after``, every page; the events and the next cursor."""
    events = []
    while True:
        status, _, body = http(server.port, "GET", f"/api/v1/feed?after={after}&limit=50", key=site.key)
        assert status == 200, body
        page = json.loads(body)
        events += page["events"]
        after = page["next"]
        if not page["has_more"]:
            sequences = [e["sequence"] for e in events]
            assert sequences == sorted(set(sequences))
            return events, after


def _assert_sound(state: dict) -> None:
    assert state["gaps"] == [] and state["chain_break"] is None and state["missing_blobs"] == []
    assert state["dossiers_without_submission"] == 0 and state["accepted_without_dossier"] == 0
    assert state["dossiers_without_event"] == 0 and state["submissions_without_receipt"] == 0
