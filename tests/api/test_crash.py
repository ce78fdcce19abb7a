"""Item 11: submit under load to a real server (`hoso serve`, several workers), kill it with SIGKILL
(master and workers at once), restart it: every receipt a client got has its dossier and its bytes
(hash equal), numbers stay gapless, nothing half-written is visible, and the answers lost in the crash
can be sent again without ever making a second dossier. Runs on SQLite, or on PostgreSQL when
DATABASE_URL is set (in a database of its own)."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from hoso.testing.loadtest import Server, check, make_envelopes, run_clients, sha256

pytestmark = pytest.mark.slow

ENVELOPES = 240
KILL_AFTER = 60  # receipts received before the kill
CLIENTS = 16


def test_sigkill_under_load_loses_nothing_that_was_acknowledged(live_site):
    site = live_site
    envelopes = make_envelopes(site, ENVELOPES)
    jobs = [("POST", "/api/v1/dossiers", raw) for raw in envelopes]
    server = Server(site, workers=4).start()
    received = []
    enough = threading.Event()

    def on_result(result):
        if result.status in (200, 201):
            received.append(result)
            if len(received) >= KILL_AFTER:
                enough.set()

    killer_done = threading.Event()

    def killer():
        enough.wait(timeout=300)
        server.kill()
        killer_done.set()

    threading.Thread(target=killer, daemon=True).start()
    results = run_clients(server.port, site.key, jobs, clients=CLIENTS, on_result=on_result, timeout=30)
    killer_done.wait(timeout=60)
    acknowledged = [r for r in results if r.status in (200, 201)]
    lost = [r for r in results if r.status is None]
    unsent = sorted(set(range(ENVELOPES)) - {r.index for r in results})
    assert len(acknowledged) >= KILL_AFTER and (lost or unsent), "the kill came after all the work was done"
    assert all(r.status in (200, 201, None) for r in results), {r.status for r in results}

    with Server(site, workers=2) as restarted:
        for r in acknowledged:
            sid, number = r.headers["X-Submission-Id"], r.headers["X-Dossier-Number"]
            status, _, body = _get(restarted, site, f"/api/v1/dossiers/{sid}")
            assert status == 200, body
            found = json.loads(body)
            assert found["sha256"] == sha256(envelopes[r.index]) and found["dossier"]["number"] == number
            status, _, receipt = _get(restarted, site, f"/api/v1/dossiers/{sid}/receipt")
            assert status == 200 and receipt == r.body  # bit-identical to what the client got

        state = check(site)
        assert state["gaps"] == [] and state["chain_break"] is None
        assert state["dossiers_without_submission"] == 0 and state["accepted_without_dossier"] == 0
        assert state["dossiers_without_event"] == 0 and state["submissions_without_receipt"] == 0
        assert state["missing_blobs"] == []
        assert state["dossiers"] >= len(acknowledged)

        # The I-VAN sends again what got no answer: a repeat when it had committed, otherwise new.
        again = run_clients(
            restarted.port, site.key, [jobs[r.index] for r in lost] + [jobs[i] for i in unsent], clients=8
        )
        assert all(r.status in (200, 201) for r in again), [(r.status, r.body[:200]) for r in again]
        final = check(site)
        assert final["dossiers"] == ENVELOPES == final["accepted"] == final["submissions"]
        assert final["gaps"] == [] and final["chain_break"] is None and final["missing_blobs"] == []
    print(
        f"\ncrash test: {len(acknowledged)} acknowledged before the kill, {len(lost)} requests cut or refused, "
        f"{len(unsent)} not sent; after restart {state['dossiers']} dossiers, gapless; all {ENVELOPES} in after resending"
    )


def test_413_over_real_http_before_the_body_is_sent(live_site):
    site = live_site
    """The server answers 413 from the declared length alone: the client never sends the body."""
    with Server(site, workers=1) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(
                b"POST /api/v1/dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Authorization: Bearer " + site.key.encode() + b"\r\n"
                b"Content-Type: application/xml\r\nContent-Length: 500000000\r\n\r\n"
            )
            started = time.monotonic()
            answer = b""
            while chunk := sock.recv(65536):  # the server answers and closes without the body
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 413") and b"INTAKE_TOO_LARGE" in answer
        assert time.monotonic() - started < 5


def _get(server, site, path):
    from hoso.testing.loadtest import request

    return request(server.port, "GET", path, key=site.key)
