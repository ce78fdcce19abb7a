"""A real gateway under load, for the crash test (tests/api/test_crash.py) and the benchmark
(bench/intake.py): a throw-away data directory (SQLite, or a fresh PostgreSQL database), the demo signing
world, an I-VAN key, `hoso serve` with several worker processes, and concurrent HTTP clients.

Traffic goes only to 127.0.0.1. The server side runs in its own processes (``python -m hoso …``); this
module's client side needs no Django. ``python -m hoso.testing.loadtest setup|check`` are the server-side
steps, run with the data directory's environment.
"""

from __future__ import annotations

import hashlib
import http.client
import itertools
import json
import os
import random
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HOST = "127.0.0.1"  # never anything else: load and crash tests stay on this machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- the data directory -------------------------------------------------------------------------------


@dataclass
class Site:
    """A prepared gateway: its environment, an I-VAN key and what is needed to sign as the demo unit."""

    data_dir: Path
    env: dict
    key: str
    p12: Path
    password: str
    unit_code: str
    tax_code: str
    database: str | None = None  # the PostgreSQL database made for this site (dropped by close())
    admin_url: str | None = None

    def close(self) -> None:
        if self.database and self.admin_url:
            _postgres(self.admin_url, f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _postgres(admin_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(statement)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def prepare(data_dir: Path, *, database_url: str | None = None, extra_env: dict | None = None) -> Site:
    """Initialise a gateway in ``data_dir`` (and a new PostgreSQL database when ``database_url`` is given)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env |= {"HOSO_DATA_DIR": str(data_dir), **(extra_env or {})}
    database = admin_url = None
    if database_url:
        database = f"hoso_load_{uuid.uuid4().hex[:12]}"
        admin_url = _with_database(database_url, "postgres")
        _postgres(admin_url, f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = _with_database(database_url, database)
    for step in (["-m", "hoso", "init"], ["-m", "hoso.testing.loadtest", "setup"]):
        result = subprocess.run([sys.executable, *step], env=env, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(step)} failed:\n{result.stdout}\n{result.stderr}")
    info = json.loads(result.stdout.strip().splitlines()[-1])
    return Site(
        data_dir,
        env,
        info["key"],
        Path(info["p12"]),
        info["password"],
        info["unit_code"],
        info["tax_code"],
        database,
        admin_url,
    )


# --- the server ---------------------------------------------------------------------------------------


class Server:
    """`hoso serve` in its own process group, so that a crash can kill master and workers at once."""

    def __init__(
        self, site: Site, *, workers: int = 4, port: int | None = None, job_worker: bool = False
    ) -> None:
        self.site, self.workers, self.port = site, workers, port or free_port()
        self.job_worker = job_worker  # off by default: a measurement sees the web workers alone
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> Server:
        log = (self.site.data_dir / "server.log").open("ab")
        command = [
            sys.executable,
            "-m",
            "hoso",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.process = subprocess.Popen(
            command if self.job_worker else [*command, "--no-worker"],
            env=self.site.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                status, _, _ = request(self.port, "GET", "/api/v1/ping", key=self.site.key, timeout=5)
                if status == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start: " + self.log_tail())
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL to the master and every worker: no shutdown code runs."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 40) -> str:
        path = self.site.data_dir / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- the clients --------------------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    *,
    key: str,
    body: bytes | None = None,
    headers=None,
    timeout=60,
    tls: ssl.SSLContext | None = None,
) -> tuple[int, dict, bytes]:
    """One request on a new connection: (status, headers as sent, body). A lean HTTP/1.1 client (one
    ``sendall``, read to the end, a small parser) rather than ``http.client``, whose header parsing
    costs several times as much: the clients share the 2 cores with the server they measure. A
    connection closed before a whole answer arrived raises ``http.client.HTTPException`` (or OSError),
    as ``http.client`` would. ``tls``: over TLS with this context (a reverse proxy in front)."""
    fields = {
        "Host": f"{HOST}:{port}",
        "Authorization": f"Bearer {key}",
        **({"Content-Type": "application/xml"} if body else {}),
        **(headers or {}),
    }
    if body is not None or method in ("POST", "PUT", "PATCH"):
        fields.setdefault("Content-Length", str(len(body or b"")))
    fields["Connection"] = "close"  # the answer ends where the connection does
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in fields.items())
    chunks: list[bytes] = []
    plain = socket.create_connection((HOST, port), timeout=timeout)
    with tls.wrap_socket(plain, server_hostname=HOST) if tls is not None else plain as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n" + (body or b""))
        try:
            while chunk := sock.recv(262144):
                chunks.append(chunk)
        except ConnectionResetError:
            # Reset after the answer (a server killed just then): the answer counts if it says where it
            # ends and all of it arrived; otherwise the reset is the result.
            if not chunks:
                raise
            return parse_response(b"".join(chunks), closed_cleanly=False)
    return parse_response(b"".join(chunks))


def parse_response(raw: bytes, *, closed_cleanly: bool = True) -> tuple[int, dict, bytes]:
    """A whole HTTP/1.1 answer read to the end of its connection: (status, headers, body). When the
    connection did not end cleanly, only an answer whose length is declared (Content-Length, or chunks
    up to the last) and complete is taken."""
    try:
        return _parse_response(raw, closed_cleanly)
    except ValueError as error:  # a length that is not a number
        raise http.client.HTTPException(f"malformed answer: {error}") from error


def _parse_response(raw: bytes, closed_cleanly: bool) -> tuple[int, dict, bytes]:
    if not raw:
        raise http.client.RemoteDisconnected("the server closed the connection without an answer")
    head, separator, rest = raw.partition(b"\r\n\r\n")
    if not separator:
        raise http.client.IncompleteRead(raw)
    lines = head.decode("latin-1").split("\r\n")
    version, _, status = lines[0].partition(" ")
    if not version.startswith("HTTP/1.") or not status[:3].isdigit():
        raise http.client.BadStatusLine(lines[0])
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise http.client.HTTPException(f"malformed header line: {line!r}")
        headers[name.strip()] = value.strip()
    found = {name.lower(): value for name, value in headers.items()}
    if found.get("transfer-encoding", "").lower() == "chunked":
        rest = _unchunk(rest)
    elif "content-length" in found:
        length = int(found["content-length"])
        if len(rest) < length:
            raise http.client.IncompleteRead(rest, length - len(rest))
        rest = rest[:length]
    elif not closed_cleanly:
        raise http.client.IncompleteRead(rest)  # read to the end, and the end was a reset
    return int(status[:3]), headers, rest


def _unchunk(data: bytes) -> bytes:
    body, at = [], 0
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            raise http.client.IncompleteRead(b"".join(body))
        size = int(data[at:line_end].split(b";")[0], 16)
        if size == 0:
            return b"".join(body)
        start = line_end + 2
        if len(data) < start + size:
            raise http.client.IncompleteRead(b"".join(body))
        body.append(data[start : start + size])
        at = start + size + 2


def make_envelopes(site: Site, count: int, *, employees: int = 3) -> list[bytes]:
    """``count`` distinct envelopes signed by the demo unit (forms first, then the envelope): distinct
    declarations — their forms' content differs from each other's and from any this process made
    before — so none is a repeat of another."""
    from hoso.signature.sign import Pkcs12Signer
    from hoso.testing.envelopes import envelope

    signer = Pkcs12Signer.from_file(site.p12, site.password)
    today = datetime.now().astimezone()
    return [
        envelope(
            unit_code=site.unit_code,
            tax_code=site.tax_code,
            signer=signer,
            employees=1 + (i % employees),
            seed=next(_DECLARATIONS),
            period=today.strftime("%m/%Y"),
            created=today.date(),
        )
        for i in range(count)
    ]


_DECLARATIONS = itertools.count(1)  # make_envelopes' seeds: every envelope it makes is a new declaration


@dataclass
class Result:
    index: int
    status: int | None
    seconds: float
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str = ""


def run_clients(
    port: int,
    key: str,
    jobs: list[tuple[str, str, bytes | None]],
    *,
    clients: int,
    stop: threading.Event | None = None,
    on_result: Callable[[Result], None] | None = None,
    timeout: float = 60,
    rate: float | None = None,
    arrivals: str = "even",
    tls: ssl.SSLContext | None = None,
) -> list[Result]:
    """Send ``jobs`` (method, path, body) from ``clients`` concurrent connections; one result a job sent.
    ``rate`` and ``arrivals``: see :func:`run_sessions`; ``tls``: see :func:`request`."""

    def send(_client, job):
        method, path, body = job
        return request(port, method, path, key=key, body=body, timeout=timeout, tls=tls)

    return run_sessions(
        range(clients), jobs, send=send, stop=stop, on_result=on_result, rate=rate, arrivals=arrivals
    )


ARRIVALS = ("even", "poisson")


def due_times(count: int, rate: float, arrivals: str = "even", *, seed: int = 2671) -> list[float]:
    """When each of ``count`` jobs offered at ``rate`` a second is due, in seconds from the start:
    ``even``, one every 1/rate seconds; ``poisson``, independent senders (exponential gaps of mean
    1/rate, so bursts come as they do from many employers), the same draw for the same seed."""
    if rate <= 0:
        raise ValueError("rate must be a positive number of jobs a second")
    if arrivals == "even":
        return [index / rate for index in range(count)]
    if arrivals != "poisson":
        raise ValueError(f"arrivals must be one of {', '.join(ARRIVALS)}")
    draw, at, dues = random.Random(seed), 0.0, []  # noqa: S311 — a load pattern, not a secret
    for _ in range(count):
        dues.append(at)
        at += draw.expovariate(rate)
    return dues


def run_sessions(
    sessions,
    jobs: list,
    *,
    send: Callable[[object, object], tuple[int, dict, bytes]],
    stop: threading.Event | None = None,
    on_result: Callable[[Result], None] | None = None,
    rate: float | None = None,
    arrivals: str = "even",
) -> list[Result]:
    """Each session (an I-VAN connection, an officer's browser) takes the next job from one queue and
    ``send(session, job)``s it, all in parallel; one Result a job sent (status None: no answer).

    Without ``rate``, each session sends its next job as soon as it has its answer (a closed loop: the
    most the server can take). With ``rate``, job *i* is due at ``due_times(…)[i]`` seconds after the
    start (``arrivals``: evenly spaced, or at random as from independent senders), as if senders
    arrived at that pace (an open loop, at most one job in flight per session), and its time
    is counted from when it was due, not from when a session was free to send it: a server that falls
    behind shows its backlog in the latencies instead of slowing the senders down. The sessions bound
    what can be offered (sessions / latency a second): past that, the wait for a free session is
    counted too, as a sender would wait for it. ``stop`` also ends a session waiting for its job."""
    dues = due_times(len(jobs), rate, arrivals) if rate is not None else None
    results: list[Result] = []
    lock = threading.Lock()
    cursor = iter(range(len(jobs)))
    stop = stop or threading.Event()
    begin = time.perf_counter()

    def worker(session) -> None:
        while not stop.is_set():
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            started = time.perf_counter()
            if dues is not None:
                due = begin + dues[index]
                if due > started and stop.wait(due - started):
                    return
                started = due
            try:
                status, headers, data = send(session, jobs[index])
                result = Result(index, status, time.perf_counter() - started, headers, data)
            except (OSError, http.client.HTTPException) as exc:
                result = Result(index, None, time.perf_counter() - started, error=repr(exc))
            with lock:
                results.append(result)
            if on_result is not None:
                on_result(result)

    threads = [threading.Thread(target=worker, args=(session,), daemon=True) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- server-side steps (python -m hoso.testing.loadtest setup|check) -----------------------------------


def _setup() -> dict:
    from hoso.api.models import IvanKey
    from hoso.intake.demo import DEMO_UNIT, prepare_demo_signing
    from hoso.reference.models import IvanProvider

    signing = prepare_demo_signing()
    _row, key = IvanKey.issue(IvanProvider.objects.get(code="00030"), label="load test")
    return {
        "key": key,
        "p12": str(signing.unit_p12),
        "password": signing.password,
        "unit_code": DEMO_UNIT[0],
        "tax_code": DEMO_UNIT[1],
    }


def _check() -> dict:
    """The database after a crash: gapless numbers, nothing half-written, every blob present."""
    from django.db.models import Count, Max

    from hoso.intake.blobstore import blob_store
    from hoso.intake.models import Submission
    from hoso.workflow.audit import verify_chain
    from hoso.workflow.models import Dossier

    gaps = []
    for row in Dossier.objects.values("office_id", "year").annotate(n=Count("id"), top=Max("sequence")):
        sequences = sorted(
            Dossier.objects.filter(office_id=row["office_id"], year=row["year"]).values_list(
                "sequence", flat=True
            )
        )
        if sequences != list(range(1, len(sequences) + 1)):
            gaps.append(f"{row['office_id']}/{row['year']}: {len(sequences)} dossiers, top {row['top']}")
    store = blob_store()

    def intact(digest: str) -> bool:
        try:
            return sha256(store.get(digest)) == digest
        except Exception:  # noqa: BLE001 — a missing or unreadable blob is what we look for
            return False

    missing_blobs = [s.sha256 for s in Submission.objects.only("sha256") if not intact(s.sha256)]
    events, chain_break = verify_chain()
    return {
        "dossiers": Dossier.objects.count(),
        "submissions": Submission.objects.count(),
        "accepted": Submission.objects.filter(outcome="accepted").count(),
        "gaps": gaps,
        "dossiers_without_submission": Dossier.objects.filter(submission__isnull=True).count(),
        "accepted_without_dossier": Submission.objects.filter(
            outcome="accepted", dossier__isnull=True
        ).count(),
        "dossiers_without_event": Dossier.objects.annotate(n=Count("events")).filter(n=0).count(),
        "submissions_without_receipt": Submission.objects.filter(receipt_sha256="").count(),
        "missing_blobs": missing_blobs,
        "events": events,
        "chain_break": chain_break.reason_en if chain_break else None,
    }


def check(site: Site) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "hoso.testing.loadtest", "check"],
        env=site.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    from hoso import django_setup

    django_setup()
    step = {"setup": _setup, "check": _check}[argv[0]]
    print(json.dumps(step(), ensure_ascii=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
