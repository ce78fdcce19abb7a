"""Issue 18, item 9: the production topology, started from deploy/ — two `hoso serve` with separate data
directories behind nginx (round robin, TLS), PgBouncer in transaction mode before a PostgreSQL of its own,
the job workers, one shared evidence store, one gateway identity, a test CA publishing its CRLs over HTTP.

The tests run in file order on one cluster (tests/cluster/conftest.py): the officer, the revocation
refresh (made due here, checked to have run once later, when every worker's scheduler has looked), the
load with a server killed and PostgreSQL restarted, the rate limit, then a CRL left to expire (last: it
fails readiness).
"""

from __future__ import annotations

import hashlib
import html
import http.client
import itertools
import json
import re
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from shutil import which
from urllib.parse import urlencode

import pytest

from hoso.testing.loadtest import Result, request, run_sessions
from tests.cluster.harness import HOST, get

CLUSTER_ENV = {"HOSO_API_RATE": "5", "HOSO_API_BURST": "40", "HOSO_API_RATE_BACKEND": "database"}
LOAD_CLIENTS = 20
LOAD_RATE = 25.0  # dossiers offered a second through nginx (2 cores: the servers, PostgreSQL, the clients)
KILL_AT = 2.0  # seconds into the load
AFTER_REQUESTS = 150  # dossiers sent once both restarts are done, every one accepted
RATE_LIMIT_REQUESTS = 200


_SEEDS = itertools.count(1)  # every envelope of the module a declaration of its own (not a repeat)


def _envelopes(cluster, entity: str, ivans: list[str], count: int) -> list[tuple[str, bytes]]:
    """``count`` distinct declarations signed by the test PKI's ``entity``, sent by the I-VANs in turn."""
    from hoso.signature.sign import Pkcs12Signer
    from hoso.testing.envelopes import envelope

    unit = cluster.site["units"][entity]
    signer = Pkcs12Signer.from_file(unit["p12"], cluster.site["password"])
    today = datetime.now().astimezone()
    made = [
        (
            ivans[i % len(ivans)],
            envelope(
                unit_code=unit["code"], tax_code=unit["tax_code"], signer=signer, ivan=ivans[i % len(ivans)],
                employees=1 + i % 3, period=today.strftime("%m/%Y"), created=today.date(), seed=next(_SEEDS),
            ),
        )
        for i in range(count)
    ]  # fmt: skip
    assert len({hashlib.sha256(raw).digest() for _, raw in made}) == count
    return made


def _submit(cluster, ivan: str, raw: bytes, *, port: int | None = None, agent: str = "cluster-test"):
    """POST a dossier as ``ivan``: through nginx (TLS), or straight to one server's ``port`` (as nginx
    would: X-Forwarded-Proto from a trusted proxy)."""
    key = cluster.site["keys"][ivan]
    headers = {"User-Agent": agent}
    if port is None:
        return request(cluster.nginx.port, "POST", "/api/v1/dossiers", key=key, body=raw, headers=headers,
                       tls=cluster.nginx.tls())  # fmt: skip
    headers["X-Forwarded-Proto"] = "https"
    return request(port, "POST", "/api/v1/dossiers", key=key, body=raw, headers=headers)


# --- PgBouncer in transaction mode ----------------------------------------------------------------------


def test_init_through_pgbouncer_left_no_lock_and_no_setting_on_the_pooled_sessions(cluster):
    """Both machines ran `hoso init` at once through PgBouncer (the cluster's start): the init lock, held
    in a transaction, is gone, and no session of the pool kept a setting of it (a session-level
    `SET statement_timeout = 0` would have stayed on whichever server session ran it)."""
    assert cluster.postgres.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", "hoso") == "0"
    found = cluster.python(0, "sessions", json.dumps({"count": 6}))
    assert found["sessions"] == 6 and set(found["statement_timeout"]) == {"30s"}, found  # the role's


# --- an officer across both servers ----------------------------------------------------------------------


class Browser:
    """An officer's browser through nginx (TLS): cookies kept, each request marked in its User-Agent so
    that nginx's access log tells which app server answered it."""

    def __init__(self, cluster) -> None:
        self.cluster, self.cookies = cluster, {}
        self.origin = f"https://{HOST}:{cluster.nginx.port}"
        self.marker = f"officer-{uuid.uuid4().hex[:12]}"

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPSConnection(
            HOST, self.cluster.nginx.port, context=self.cluster.nginx.tls(), timeout=30
        )
        headers = {
            "User-Agent": self.marker,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.origin + path,
                        "Origin": self.origin}  # fmt: skip
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie, _, _ = value.partition(";")
                    key, _, val = cookie.partition("=")
                    if val.strip('"'):
                        self.cookies[key.strip()] = val.strip('"')
                    else:
                        self.cookies.pop(key.strip(), None)
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def csrf(self, page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[:500]
        return html.unescape(found[1])

    def upstreams(self) -> list[str]:
        return [upstream for upstream, _status in self.cluster.upstream_of(marker=self.marker)]


def test_an_officer_logs_in_through_nginx_and_works_on_both_servers(cluster):
    browser = Browser(cluster)
    status, _, page = browser.send("GET", "/dang-nhap/")
    assert status == 200
    officer = cluster.site["officer"]
    status, headers, _ = browser.send(
        "POST", "/dang-nhap/",
        {"username": officer["username"], "password": officer["password"], "csrfmiddlewaretoken": browser.csrf(page)},
    )  # fmt: skip
    assert status == 302 and headers["Location"].endswith("/tiep-nhan/"), (status, headers)
    assert "sessionid" in browser.cookies

    for path in ["/tiep-nhan/", "/ho-so/", "/tra-ket-qua/", "/ho-so/", "/tiep-nhan/", "/ho-so/"] * 2:
        status, headers, page = browser.send("GET", path)
        assert status == 200, (path, status, headers.get("Location"))  # never sent back to the log-in page
        assert officer["username"] in page
    served = browser.upstreams()
    assert set(served) == {f"{HOST}:{port}" for port in cluster.ports}, (
        served
    )  # both servers served the session

    # A form posted to whichever server: the CSRF token and the session made by the other one hold.
    status, _, page = browser.send("GET", "/tiep-nhan/")
    status, headers, _ = browser.send("POST", "/dang-xuat/", {"csrfmiddlewaretoken": browser.csrf(page)})
    assert status == 302 and "/dang-nhap/" in headers["Location"]
    for _ in range(2):  # logged out on both servers
        status, headers, _ = browser.send("GET", "/ho-so/")
        assert status == 302 and "/dang-nhap/" in headers["Location"]

    # Plain HTTP is sent to HTTPS; static files come from nginx's folder, not from an app server.
    connection = http.client.HTTPConnection(HOST, cluster.nginx.http_port, timeout=10)
    connection.request("GET", "/ho-so/", headers={"Host": "hoso.example"})
    answer = connection.getresponse()
    assert answer.status == 301 and answer.getheader("Location") == "https://hoso.example/ho-so/"
    connection.close()
    css = next(cluster.static.rglob("*.css")).relative_to(cluster.static)
    status, headers, _ = browser.send("GET", f"/static/{css}")
    assert status == 200 and headers.get("Cache-Control") == "max-age=604800"  # nginx's `expires 7d`
    assert "X-Request-ID" not in headers  # every answer of hoso carries one
    # The probes are not for the Internet: nginx hides them; each server answers its own.
    assert browser.send("GET", "/readyz")[0] == 404
    assert all(get(port, "/healthz")[0] == 200 for port in cluster.ports)


# --- revocation: refused after the refresh, not before; the job once for the cluster ---------------------


def test_a_certificate_revoked_at_the_ca_is_refused_after_the_refresh_and_not_before(cluster):
    ivan = sorted(cluster.site["keys"])[0]
    first, before, *after = [
        raw for _, raw in _envelopes(cluster, "unit-revoked", [ivan], 2 + len(cluster.ports))
    ]
    assert _submit(cluster, ivan, first)[0] == 201

    serial = cluster.pki["unit-revoked"].certificate.serial_number
    cluster.revoke(serial)  # the CA revokes it: a new CRL, and its OCSP responder (openssl ocsp) says so
    assert _submit(cluster, ivan, before)[0] == 201  # the gateway does not know yet: not before the refresh

    fetched = cluster.ca.fetches()
    cluster.revocation_due = (cluster.python(0, "due", json.dumps({"job": "hoso:revocation"}))["at"], fetched)
    deadline = time.monotonic() + 75  # every job worker's scheduler looks every 30 s
    while cluster.ca.fetches() < fetched + 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert cluster.ca.fetches() >= fetched + 2, [w.log_tail(20) for w in cluster.worker]
    time.sleep(2.5)  # the job stores the CRLs; every server's trust store looks again within a second

    for port, raw in zip(cluster.ports, after, strict=True):  # refused by every server
        status, _, body = _submit(cluster, ivan, raw, port=port)
        assert status == 422 and b"REVOKED" in body, (port, status, body[:600])
    # The same run asked the responder about the registered certificates and kept its answers.
    answers = cluster.python(0, "ocsp")["answers"]
    assert answers[cluster.site["units"]["unit-revoked"]["code"]] == "revoked", answers
    assert answers[cluster.site["units"]["unit-valid"]["code"]] == "good", answers


# --- 20 I-VAN clients, a server killed, PostgreSQL restarted ---------------------------------------------


def test_load_through_nginx_survives_a_killed_server_and_a_postgresql_restart(cluster, tmp_path):
    ivans = sorted(cluster.site["keys"])[:9]  # the tenth is the rate-limit test's
    jobs = _envelopes(cluster, "unit-valid", ivans, int(LOAD_RATE * 40))
    tls = cluster.nginx.tls()
    timeline: dict[str, float] = {}
    sent_at: dict[int, float] = {}
    answered_after = []  # answers to requests sent once both restarts were done
    stop = threading.Event()

    def send(_session, index):
        ivan, raw = jobs[index]
        sent_at[index] = time.perf_counter()
        try:
            return request(cluster.nginx.port, "POST", "/api/v1/dossiers", key=cluster.site["keys"][ivan], body=raw,
                           timeout=60, tls=tls)  # fmt: skip
        finally:
            if "done" in timeline and sent_at[index] >= timeline["done"]:
                answered_after.append(index)

    def chaos():
        try:
            time.sleep(KILL_AT)
            timeline["kill"] = time.perf_counter()
            victim = cluster.web[0]
            victim.kill()  # SIGKILL to gunicorn's master and workers at once
            victim.start()  # systemd's Restart=on-failure, then until /healthz answers
            timeline["restarted"] = time.perf_counter()
            cluster.postgres.restart()  # pg_ctl restart -m fast: every session ended
            cluster.wait_database()  # … and PgBouncer logged in again
            timeline["done"] = time.perf_counter()
            deadline = time.monotonic() + 40
            while len(answered_after) < AFTER_REQUESTS and time.monotonic() < deadline:
                time.sleep(0.1)
        except Exception as exc:  # noqa: BLE001 — reported below
            timeline["error"] = exc
        finally:
            stop.set()

    controller = threading.Thread(target=chaos, daemon=True)
    controller.start()
    results: list[Result] = run_sessions(
        range(LOAD_CLIENTS), list(range(len(jobs))), send=send, stop=stop, rate=LOAD_RATE
    )
    controller.join(timeout=120)
    assert "done" in timeline, f"the restarts did not finish: {timeline.get('error')}"

    after = [r for r in results if r.index in sent_at and sent_at[r.index] >= timeline["done"]]
    accepted = [r for r in results if r.status == 201]
    failed = [r for r in results if r.status != 201]
    assert len(after) >= AFTER_REQUESTS, (len(after), timeline)
    if not all(r.status == 201 for r in after):
        print(cluster.errors())
    assert all(r.status == 201 for r in after), [
        (r.index, r.status, r.error, r.body[:200]) for r in after if r.status != 201
    ] + [cluster.errors()]
    # Only what was in flight while a server died or PostgreSQL restarted may have failed.
    in_flight = [r for r in failed if timeline["kill"] - 15 <= sent_at[r.index] < timeline["done"]]
    assert len(in_flight) == len(failed), "a request failed outside the restarts"
    assert all(r.status in (None, 500, 502, 503, 504) for r in failed), {r.status for r in failed}

    # What failed was not acknowledged: sent again, each is new (201) or its first receipt (200), never twice.
    again = [(r.index, *_submit(cluster, jobs[r.index][0], jobs[r.index][1], agent="resend")) for r in failed]
    assert all(status in (200, 201) for _, status, _, _ in again), [(s, b[:200]) for _, s, _, b in again]
    receipts = {r.index: (r.headers, r.body) for r in accepted} | {i: (h, b) for i, s, h, b in again}

    # Every receipt is signed by the one gateway certificate (the xmlsec1 command, not our code).
    _xmlsec1_verifies(cluster, [body for _, body in receipts.values()], tmp_path)
    # … names the SHA-256 of the bytes sent, which the evidence store holds.
    digests = {}
    for index, (_, body) in receipts.items():
        named = re.search(rb"<(?:\w+:)?SHA256HoSo>([0-9a-f]{64})<", body)
        assert named and named[1].decode() == hashlib.sha256(jobs[index][1]).hexdigest()
        digests[index] = named[1].decode()
    stored = cluster.python(0, "evidence", json.dumps({"sha256": sorted(set(digests.values()))}))["found"]
    assert {d: h for d, h in stored.items() if d != h} == {}
    # Numbers: one dossier per envelope accepted, gapless per office and year.
    numbers = [headers["X-Dossier-Number"] for headers, _ in receipts.values()]
    assert len(set(numbers)) == len(receipts)
    rows = cluster.python(0, "dossiers")["dossiers"]
    sequences: dict = {}
    for office, year, sequence, _sha in rows:
        sequences.setdefault((office, year), []).append(sequence)
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in sequences.values()), {
        k: (len(s), max(s)) for k, s in sequences.items()
    }
    assert {sha for *_, sha in rows} >= set(digests.values())
    served = {
        upstream
        for upstream, status in cluster.upstream_of(marker="POST /api/v1/dossiers")
        if status == "201"
    }
    assert served >= {f"{HOST}:{port}" for port in cluster.ports}
    print(
        f"\ncluster load: {len(results)} sent at {LOAD_RATE:.0f}/s by {LOAD_CLIENTS} clients, {len(accepted)} accepted, "
        f"{len(failed)} failed in flight ({sorted({str(r.status) for r in failed})}), {len(after)} sent after the restarts "
        f"all accepted; kill→restarted {timeline['restarted'] - timeline['kill']:.1f} s, PostgreSQL restart "
        f"{timeline['done'] - timeline['restarted']:.1f} s"
    )


def _xmlsec1_verifies(cluster, bodies: list[bytes], folder) -> None:
    if which("xmlsec1") is None:
        pytest.skip("the xmlsec1 command is absent (Debian package xmlsec1)")
    cert = str(cluster.pki["gateway"].cert_path)

    def verify(item):
        index, body = item
        path = folder / f"receipt-{index}.xml"
        path.write_bytes(body)
        result = subprocess.run(
            ["xmlsec1", "--verify", "--pubkey-cert-pem", cert, "--enabled-key-data", "rsa,x509", str(path)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return index, result.returncode, result.stderr[-300:]

    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [r for r in pool.map(verify, enumerate(bodies)) if r[1] != 0]
    assert failures == []


# --- the per-I-VAN limit across servers ------------------------------------------------------------------


def test_the_per_ivan_rate_limit_holds_across_both_servers(cluster):
    ivan = sorted(cluster.site["keys"])[9]
    key, tls, marker = cluster.site["keys"][ivan], cluster.nginx.tls(), f"burst-{uuid.uuid4().hex[:8]}"
    rate, burst = float(CLUSTER_ENV["HOSO_API_RATE"]), int(CLUSTER_ENV["HOSO_API_BURST"])

    def send(_session, _job):
        return request(
            cluster.nginx.port, "GET", "/api/v1/ping", key=key, headers={"User-Agent": marker}, tls=tls
        )

    started = time.perf_counter()
    results = run_sessions(range(20), [None] * RATE_LIMIT_REQUESTS, send=send)
    elapsed = time.perf_counter() - started
    allowed = sum(r.status == 200 for r in results)
    limited = sum(r.status == 429 for r in results)
    assert allowed + limited == RATE_LIMIT_REQUESTS, {r.status for r in results}
    # One bucket for the cluster: the burst and what refilled meanwhile, whichever server answered. Two
    # buckets (one a server) would have let 2 × burst through.
    assert burst <= allowed <= burst + rate * elapsed + 1, (allowed, elapsed)
    assert allowed < 2 * burst
    refused_by = {upstream for upstream, status in cluster.upstream_of(marker=marker) if status == "429"}
    assert refused_by == {f"{HOST}:{port}" for port in cluster.ports}, refused_by


# --- the revocation job ran once for the cluster ----------------------------------------------------------


def test_the_revocation_refresh_ran_once_for_the_cluster_not_once_per_server(cluster):
    at, fetched = cluster.revocation_due
    since = datetime.fromisoformat(at)
    # By now every job worker's scheduler has looked at least once since the job became due (every 30 s).
    wait = (since + timedelta(seconds=35) - datetime.now(UTC)).total_seconds()
    if wait > 0:
        time.sleep(wait)
    runs = cluster.python(
        0, "runs", json.dumps({"job": "hoso:revocation", "func": "hoso.jobs.tasks.revocation", "since": at})
    )
    assert [run["success"] for run in runs["runs"]] == [True], runs
    assert cluster.ca.fetches() == fetched + 2  # one CRL of each CA, fetched once


# --- a CRL left to expire ----------------------------------------------------------------------------------


def test_a_crl_left_to_expire_raises_the_alert_on_every_server(cluster):
    lifetime = timedelta(seconds=20)
    expires = datetime.now(UTC) + lifetime  # no earlier than the nextUpdate published
    cluster.publish_crls(lifetime=lifetime)
    cluster.command(0, "jobs", "--run", "hoso:revocation")  # IT's "run now": the short-lived CRLs stored
    time.sleep(1.5)
    for port in cluster.ports:
        status, _, body = get(port, "/readyz")
        check = json.loads(body)["checks"]["crl_freshness"]
        assert status == 200 and check["status"] == "warn", check  # within 24 h: a warning, still ready
    time.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 1.5)
    for port in cluster.ports:
        status, _, body = get(port, "/readyz")
        check = json.loads(body)["checks"]["crl_freshness"]
        assert status == 503 and check["status"] == "fail", (status, check)
    ivan = sorted(cluster.site["keys"])[0]
    ((_, raw),) = _envelopes(cluster, "unit-valid", [ivan], 1)
    status, _, body = _submit(cluster, ivan, raw)
    # A dossier is never refused for it (issue 19, item 4): held (202) while no revocation data is fresh,
    # or decided by the OCSP answers the revocation job keeps for registered units' certificates.
    assert status in (200, 201, 202) and b"TRY_LATER" not in body, (status, body[:500])
