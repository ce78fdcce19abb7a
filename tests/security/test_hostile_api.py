"""Issue 9, item 4 (the API part): the hostile corpus of tests/security/test_hostile_inputs.py sent over
real HTTP to a real server (`hoso serve`, several gunicorn workers) with a valid I-VAN key.

Every file gets a coded answer (a status of docs/ivan-guide.md with the signed refusal receipt or the
JSON error shape) within a time bound; what the API says it received (a receipt with a submission id)
is kept as evidence, byte for byte; the server answers `GET /api/v1/ping` after each file, no worker
dies or is restarted, and the workers' resident memory stays bounded. Also: bodies over the size limit,
bodies shorter than their declared length, chunked and non-XML bodies, and the corpus as supplements to
a real dossier (refused with a code, kept as evidence, the dossier unchanged). Runs on SQLite, or on
PostgreSQL (in a database of its own) when DATABASE_URL is set.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hoso.testing.loadtest import HOST, Server, make_envelopes, request, run_clients
from tests.api.conftest import live_site  # noqa: F401 — the real-server gateway (its own data dir / database)
from tests.security.test_hostile_inputs import hostile_corpus

pytestmark = pytest.mark.slow

WORKERS = 3
TIME_BOUND_S = 10  # generous on a loaded 2-core machine; the typical answer takes milliseconds
MEMORY_BOUND_MB = 200  # growth of a worker's resident memory over the whole corpus (largest file: 8 MB)
CODED = {400, 411, 413, 415, 422}  # the refusal statuses of docs/ivan-guide.md §2 and §5
SMALL_LIMIT = 64 * 1024  # HOSO_MAX_UPLOAD_BYTES of the second server, for the oversize bodies


@pytest.fixture(scope="module")
def server(live_site):  # noqa: F811 — the fixture imported above
    with Server(live_site, workers=WORKERS) as running:
        yield running


# --- the corpus as dossiers -----------------------------------------------------------------------------


def test_the_hostile_corpus_over_http_gets_coded_refusals_kept_as_evidence(live_site, server):  # noqa: F811
    site, corpus = live_site, hostile_corpus()
    _warm_up(site, server)
    log_start = _log_size(site)
    workers = _workers(server)
    assert len(workers) == WORKERS, workers
    before = {pid: _memory_kb(pid) for pid in workers}

    figures, receipts = [], {}
    for name in sorted(corpus):
        raw = corpus[name]
        status, headers, body, seconds = _timed_post(server, site, "/api/v1/dossiers", raw)
        codes = _assert_coded(name, status, headers, body)
        assert seconds < TIME_BOUND_S, f"{name}: answered in {seconds:.1f} s"
        if "X-Submission-Id" in headers:  # the API says it received the file: it is kept, byte for byte
            _assert_kept(site, server, headers["X-Submission-Id"], raw, outcome="refused")
            receipts[name] = (headers["X-Submission-Id"], body)
        _assert_up(site, server, workers)
        figures.append((name, len(raw), status, ",".join(codes), seconds))

    # Every file of the corpus is XML-shaped: each is received and refused with the signed receipt.
    assert sorted(receipts) == sorted(corpus), [f for f in figures if f[0] not in receipts]
    # A refusal is final for those bytes: sending a file again answers the same refusal, byte for byte.
    for name, (submission_id, receipt) in receipts.items():
        status, headers, body, seconds = _timed_post(server, site, "/api/v1/dossiers", corpus[name])
        assert (status, headers["X-Submission-Id"], body) == (422, submission_id, receipt), name
        assert seconds < TIME_BOUND_S, f"{name} again: answered in {seconds:.1f} s"

    after = {pid: _memory_kb(pid) for pid in workers}
    print(f"\nhostile corpus over HTTP ({WORKERS} workers, bound {TIME_BOUND_S} s):")
    for name, size, status, codes, seconds in figures:
        print(f"  {name:<24} {size:>10,} B  {status}  {seconds:6.2f} s  {codes}")
    _print_memory(before, after)
    _assert_memory_bounded(before, after)
    _assert_quiet_log(site, log_start)


def _assert_coded(name: str, status: int, headers: dict, body: bytes) -> list[str]:
    """A status of the documented set with the signed refusal receipt or the JSON error shape."""
    assert status in CODED, f"{name}: {status} {body[:300]!r}"
    media = headers.get("Content-Type", "")
    if media.startswith("application/xml"):
        assert status == 422 and headers.get("X-Outcome") == "refused", f"{name}: {status} {headers}"
        assert b"<Ma>TU_CHOI</Ma>" in body and b"SignatureValue" in body, f"{name}: {body[:300]!r}"
        codes = [c.decode() for c in re.findall(rb"<LyDoItem>\s*<Ma>([^<]+)</Ma>", body)]
        assert codes, f"{name}: a refusal receipt without a coded reason"
        return codes
    assert media.startswith("application/json"), f"{name}: {status} {media}"
    error = json.loads(body)
    assert error["code"] and error["message"] and error["message_en"], f"{name}: {error}"
    return [error["code"]]


def _assert_kept(site, server, submission_id: str, raw: bytes, *, outcome: str) -> None:
    status, _, body = request(server.port, "GET", f"/api/v1/dossiers/{submission_id}", key=site.key)
    assert status == 200, body
    found = json.loads(body)
    digest = hashlib.sha256(raw).hexdigest()
    assert found["outcome"] == outcome and found["sha256"] == digest and found["size"] == len(raw), found
    assert found["reasons"] and all(r["code"] and r["message"] for r in found["reasons"]), found
    assert _blob(site, digest) == raw


def _print_memory(before: dict[int, dict], after: dict[int, dict]) -> None:
    for pid in before:
        b, a = before[pid], after[pid]
        print(
            f"  worker {pid}: VmRSS {b['VmRSS'] // 1024} MB -> {a['VmRSS'] // 1024} MB "
            f"(+{(a['VmRSS'] - b['VmRSS']) // 1024} MB), peak VmHWM {a['VmHWM'] // 1024} MB"
        )
    total_before = sum(m["VmRSS"] for m in before.values()) // 1024
    total_after = sum(m["VmRSS"] for m in after.values()) // 1024
    print(f"  all workers: VmRSS {total_before} MB -> {total_after} MB (+{total_after - total_before} MB)")


def _assert_memory_bounded(before: dict[int, dict], after: dict[int, dict]) -> None:
    bound_kb = MEMORY_BOUND_MB * 1024
    for pid in before:
        grown = after[pid]["VmRSS"] - before[pid]["VmRSS"]
        peak = after[pid]["VmHWM"] - before[pid]["VmRSS"]
        assert grown < bound_kb, f"worker {pid}: resident memory grew by {grown // 1024} MB"
        assert peak < bound_kb, f"worker {pid}: peak resident memory {peak // 1024} MB over its start"
    total = sum(after[p]["VmRSS"] - before[p]["VmRSS"] for p in before)
    assert total < bound_kb, f"the workers' resident memory grew by {total // 1024} MB together"


# --- bodies the HTTP layer refuses ------------------------------------------------------------------------


def test_oversize_truncated_chunked_and_mistyped_bodies_get_coded_answers(live_site):  # noqa: F811
    """On a server of its own with a small size limit (HOSO_MAX_UPLOAD_BYTES): a body over the limit is
    413 (answered from Content-Length, nothing kept), even when the client sends it all; a body shorter
    than its Content-Length (a cut upload) is 400, nothing kept; chunked is 411, a non-XML Content-Type
    415, bytes that are not XML 415."""
    site = dataclasses.replace(live_site, env={**live_site.env, "HOSO_MAX_UPLOAD_BYTES": str(SMALL_LIMIT)})
    corpus = hostile_corpus()
    figures = []
    with Server(site, workers=1) as small:
        workers = _workers(small)
        log_start = _log_size(site)

        def exchange(label, head, body=b"", *, half_close=False):
            started = time.monotonic()
            status, headers, answer = _raw_exchange(small.port, head, body, half_close=half_close)
            seconds = time.monotonic() - started
            codes = _assert_coded(label, status, headers, answer)
            assert seconds < TIME_BOUND_S, f"{label}: answered in {seconds:.1f} s"
            _assert_up(site, small, workers)
            figures.append((label, status, ",".join(codes), seconds))
            return status, codes

        def post(body, *, length=None, media="application/xml"):
            declared = len(body) if length is None else length
            return (
                f"POST /api/v1/dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {site.key}\r\n"
                f"Content-Type: {media}\r\nContent-Length: {declared}\r\n\r\n"
            ).encode()

        # Over the limit, sent in full by a client that does not wait: 413 from the declared length.
        for label, body in (
            ("oversize_spaces", b"<Hoso>" + b" " * SMALL_LIMIT + b"</Hoso>"),
            ("oversize_deep_nesting", corpus["deep_nesting"]),
            ("oversize_huge_attribute", corpus["huge_attribute"]),
        ):
            digest = hashlib.sha256(body).hexdigest()
            kept_before = _blob_exists(site, digest)  # the corpus files were sent to the other server
            assert exchange(label, post(body), body) == (413, ["INTAKE_TOO_LARGE"])
            assert _blob_exists(site, digest) == kept_before  # never read, so nothing kept

        # Declared longer than sent, then the client stops sending (a cut upload): 400, nothing kept.
        cut = make_envelopes(site, 1)[0]
        cut = cut[: len(cut) // 2]
        head = post(cut, length=2 * len(cut) + 1)
        assert exchange("truncated", head, cut, half_close=True) == (400, ["API_INCOMPLETE_BODY"])
        assert not _blob_exists(site, hashlib.sha256(cut).hexdigest())

        # Chunked (no Content-Length): 411. Not XML by its Content-Type, or by its bytes: 415.
        chunk = corpus["billion_laughs"]
        chunked = (
            f"POST /api/v1/dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {site.key}\r\n"
            "Content-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n"
        ).encode()
        body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
        assert exchange("chunked", chunked, body) == (411, ["API_LENGTH_REQUIRED"])
        assert exchange("form_media_type", post(chunk, media="application/x-www-form-urlencoded"), chunk) == (
            415,
            ["API_UNSUPPORTED_MEDIA_TYPE"],
        )
        zeros = b"\x00" * 4096
        assert exchange("zeros_not_xml", post(zeros), zeros) == (415, ["INTAKE_NOT_XML"])
        _assert_quiet_log(site, log_start)
    print(f"\nHTTP-level refusals (limit {SMALL_LIMIT} B):")
    for label, status, codes, seconds in figures:
        print(f"  {label:<24} {status}  {seconds:6.2f} s  {codes}")


# --- the corpus as supplements ----------------------------------------------------------------------------


def test_a_hostile_supplement_is_refused_and_the_dossier_unchanged(live_site, server):  # noqa: F811
    site, corpus = live_site, hostile_corpus()
    status, headers, body = request(
        server.port, "POST", "/api/v1/dossiers", key=site.key, body=make_envelopes(site, 1)[0]
    )
    assert status == 201, body
    submission_id = headers["X-Submission-Id"]
    _request_supplement(site, headers["X-Dossier-Number"])
    state = _dossier(site, server, submission_id)
    assert state["dossier"]["status"] == "supplement_requested", state
    workers = _workers(server)
    log_start = _log_size(site)

    figures = []
    for name in sorted(corpus):
        status, headers, body, seconds = _timed_post(
            server, site, f"/api/v1/dossiers/{submission_id}/supplements", corpus[name]
        )
        codes = _assert_coded(name, status, headers, body)
        assert status in (415, 422), f"{name}: {status} {body[:300]!r}"
        assert seconds < TIME_BOUND_S, f"{name}: answered in {seconds:.1f} s"
        assert _dossier(site, server, submission_id) == state, f"{name} changed the dossier"
        # Kept all the same (the corpus test kept these bytes too; the log below names this refusal).
        assert _blob(site, hashlib.sha256(corpus[name]).hexdigest()) == corpus[name]
        _assert_up(site, server, workers)
        figures.append((name, status, ",".join(codes), seconds))
    logged = _log_since(site, log_start)
    for name in corpus:  # each refusal is logged with the dossier, its code and the kept bytes' hash
        assert hashlib.sha256(corpus[name]).hexdigest() in logged, name
    _assert_quiet_log(site, log_start)
    print("\nhostile corpus as supplements:")
    for name, status, codes, seconds in figures:
        print(f"  {name:<24} {status}  {seconds:6.2f} s  {codes}")

    # The dossier still takes the real answer to its request.
    status, _, body = request(
        server.port,
        "POST",
        f"/api/v1/dossiers/{submission_id}/supplements",
        key=site.key,
        body=make_envelopes(site, 1, employees=1)[0],
    )
    assert status == 201, body
    assert b"<Ma>TIEP_NHAN</Ma>" in body  # the supplement's signed receipt (issue 19, item 7)
    assert _dossier(site, server, submission_id)["dossier"]["status"] == "supplement_received"


_REQUEST_SUPPLEMENT = """
import sys
from hoso import django_setup
django_setup()
from hoso.workflow.models import Dossier
from hoso.workflow.services import request_supplement, transition
dossier = Dossier.objects.get(number=sys.argv[1])
transition(dossier, "in_process", actor_label="Cán bộ thu")
request_supplement(dossier, actor_label="Cán bộ thu", note="Bổ sung tờ khai TK1-TS.")
"""


def _request_supplement(site, number: str) -> None:
    """An officer asks for a supplement (server side, in the site's database)."""
    result = subprocess.run(
        [sys.executable, "-c", _REQUEST_SUPPLEMENT, number],
        env=site.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _dossier(site, server, submission_id: str) -> dict:
    status, _, body = request(server.port, "GET", f"/api/v1/dossiers/{submission_id}", key=site.key)
    assert status == 200, body
    return json.loads(body)


# --- helpers ----------------------------------------------------------------------------------------------


def _warm_up(site, server) -> None:
    """Valid dossiers from concurrent clients, so that every worker has loaded what a reception needs
    before its memory is measured."""
    jobs = [("POST", "/api/v1/dossiers", raw) for raw in make_envelopes(site, 3 * WORKERS)]
    results = run_clients(server.port, site.key, jobs, clients=2 * WORKERS)
    assert sorted(r.status for r in results) == [201] * len(jobs), [(r.status, r.body[:200]) for r in results]


def _timed_post(server, site, path: str, raw: bytes) -> tuple[int, dict, bytes, float]:
    started = time.monotonic()
    status, headers, body = request(
        server.port, "POST", path, key=site.key, body=raw, timeout=3 * TIME_BOUND_S
    )
    return status, headers, body, time.monotonic() - started


def _assert_up(site, server, workers: list[int]) -> None:
    """The server answers, and no worker died or was replaced (a crash, a timeout, the OOM killer)."""
    status, _, body = request(server.port, "GET", "/api/v1/ping", key=site.key, timeout=TIME_BOUND_S)
    assert status == 200 and json.loads(body)["ivan"] == "00030", body
    assert server.process.poll() is None, server.log_tail()
    assert _workers(server) == workers, server.log_tail()


def _workers(server) -> list[int]:
    """The gunicorn workers: the children of the master (`hoso serve` execs gunicorn in its process)."""
    master, found = server.process.pid, []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def _memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def _blob_root(site) -> Path:
    configured = site.env.get("HOSO_BLOB_STORE") or str(site.data_dir / "blobs")
    if "://" in configured:
        pytest.skip("the blob store is not a folder")
    return Path(configured)


def _blob(site, digest: str) -> bytes:
    return (_blob_root(site) / digest[:2] / digest[2:4] / digest).read_bytes()


def _blob_exists(site, digest: str) -> bool:
    return (_blob_root(site) / digest[:2] / digest[2:4] / digest).exists()


def _log_size(site) -> int:
    path = site.data_dir / "server.log"
    return path.stat().st_size if path.exists() else 0


def _log_since(site, start: int) -> str:
    with (site.data_dir / "server.log").open("rb") as log:
        log.seek(start)
        return log.read().decode(errors="replace")


def _assert_quiet_log(site, start: int) -> None:
    """No traceback and no killed worker in what the server logged since ``start``."""
    text = _log_since(site, start)
    for sign in ("Traceback", "WORKER TIMEOUT", "API_INTERNAL_ERROR", "was sent SIGKILL", "Worker exiting"):
        assert sign not in text, text[-3000:]


def _raw_exchange(port: int, head: bytes, body: bytes, *, half_close: bool) -> tuple[int, dict, bytes]:
    """Send ``head`` and ``body`` on a raw socket without waiting for the server, then read its answer. A
    server that answers before reading the body may reset the connection: the answer already came."""
    with socket.create_connection((HOST, port), timeout=3 * TIME_BOUND_S) as sock:
        try:
            sock.sendall(head + body)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    head_part, _, content = answer.partition(b"\r\n\r\n")
    lines = head_part.decode("latin-1").split("\r\n")
    assert lines and lines[0].startswith("HTTP/1."), answer[:300]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().title()] = value.strip()
    if "Content-Length" in headers:
        content = content[: int(headers["Content-Length"])]
    return int(lines[0].split()[1]), headers, content
