"""Liveness and readiness: ``GET /healthz`` and ``GET /readyz`` (issue 18), for load balancers and
monitoring; ``hoso check`` reports the same readiness checks.

- ``/healthz``: the process answers. Always 200 ``{"status": "ok"}``; touches neither the database nor
  a session nor a file.
- ``/readyz``: this server can serve. One entry per check, each ``{"status": "ok" | "warn" | "fail",
  "detail": <Vietnamese>, "detail_en": <English>, ...}``; 200 when none fails, 503 otherwise.

Each check is a plain function returning a :class:`CheckResult`; the views only run them and shape the
answer. Details name what is wrong and what to do, never a secret or the path of a key. Nothing that
could hide a failure is cached: every probe queries the database, writes to the evidence store, loads
and uses the signing key and compares every CRL with the clock. Two things are kept between probes
because they cannot change unseen: what a CRL file says, per file identity (size, modification time,
inode — a file replaced or rewritten is read again), and the migrations this process's code has (the
code does not change under a running process).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from pathlib import Path
from zoneinfo import ZoneInfo

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from hoso.caching import ExpiringCache
from hoso.intake import cluster, gateway
from hoso.intake.blobstore import BlobStoreError, S3BlobStore, blob_store
from hoso.intake.models import CrlSource, FetchedCrl
from hoso.intake.revocation import FAILURE_WARN_AFTER, FAILURE_WARN_COUNT, failing_sources
from hoso.jobs.status import HEARTBEAT_STALE, worker_alive

logger = logging.getLogger("hoso.health")

OK, WARN, FAIL = "ok", "warn", "fail"
_RANK = {OK: 0, WARN: 1, FAIL: 2}
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

# A healthy database answers SELECT 1 in well under a millisecond; past this the probe gives up (and the
# connection, which may be stuck mid-answer, is closed). Connecting is bounded by the connect timeout of
# the database settings (HOSO_DB_CONNECT_TIMEOUT).
DATABASE_DEADLINE_SECONDS = 2.0
DATABASE_SLOW_SECONDS = 0.5  # answered, but this slowly: warn
GATEWAY_CERT_WARN_DAYS = 30
CRL_WARN_HOURS = 24
# The files of the CRL folder that the trust store reads as CRLs (hoso.signature TrustStore.from_paths).
CRL_SUFFIXES = (".crl", ".pem", ".der")


@dataclass(frozen=True)
class CheckResult:
    status: str  # OK | WARN | FAIL
    detail: str  # Vietnamese, for people
    detail_en: str
    fields: dict[str, object] = field(default_factory=dict)  # machine-readable extras (ISO 8601 times)
    ms: float | None = None  # how long the check took (set by run_checks)
    cause: str = field(default="", compare=False)  # for the server's log only (may name hosts, files)

    def as_dict(self) -> dict[str, object]:
        answer: dict[str, object] = {
            "status": self.status,
            "detail": self.detail,
            "detail_en": self.detail_en,
        }
        answer.update(self.fields)
        if self.ms is not None:
            answer["ms"] = round(self.ms, 2)
        return answer


def hanoi_time(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM in Hanoi time, as people here read a time."""
    return f"{moment.astimezone(HANOI):%d/%m/%Y %H:%M}"


# --- database -------------------------------------------------------------------------------------------


class _NoAnswer(Exception):
    """The database did not answer within the deadline."""


def _ping(connection, deadline: float) -> None:
    """``SELECT 1`` on Django's connection, given up after ``deadline`` seconds whatever the server or the
    network does: a watchdog then cuts the connection (PostgreSQL: shuts its socket down, which a frozen
    server or a dropped network cannot delay; SQLite: interrupts the statement). The caller closes the
    connection after any failure."""
    lock = threading.Lock()
    state = {"done": False, "cut": False}

    def cut() -> None:
        with lock:
            if state["done"]:
                return
            state["cut"] = True
            raw = connection.connection
            with contextlib.suppress(Exception):  # the connection may be gone already: nothing to cut
                if connection.vendor == "postgresql":
                    with socket.socket(fileno=os.dup(raw.fileno())) as sock:
                        sock.shutdown(socket.SHUT_RDWR)
                elif connection.vendor == "sqlite":
                    raw.interrupt()

    timer = threading.Timer(deadline, cut)
    timer.daemon = True
    timer.start()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        if state["cut"]:
            raise _NoAnswer from exc
        raise
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
    if state["cut"]:  # cut just as the answer came: the connection is of no use any more
        raise _NoAnswer


def database(deadline: float = DATABASE_DEADLINE_SECONDS) -> CheckResult:
    """A trivial query. After any failure the connection is closed, so that no broken connection is left
    to the next request. A connection kept from an earlier request that turns out broken (PostgreSQL
    restarted, a failover) is replaced once: if the new one answers, the database is reachable (warn)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db import Error as DatabaseError

    connection = connections[DEFAULT_DB_ALIAS]
    kept = connection.connection is not None
    attempts, broken = 0, ""
    while True:
        attempts += 1
        start = time.perf_counter()
        try:
            _ping(connection, deadline)
        except (DatabaseError, _NoAnswer) as exc:
            with contextlib.suppress(DatabaseError):
                connection.close()
            if isinstance(exc, _NoAnswer):
                return CheckResult(
                    FAIL,
                    f"Cơ sở dữ liệu không trả lời trong {f'{deadline:g}'.replace('.', ',')} giây; "
                    "kết nối đã được đóng.",
                    f"The database did not answer within {deadline:g} s; the connection was closed.",
                )
            if kept and attempts == 1:
                broken = f"{type(exc).__name__}: {exc}"
                continue  # the kept connection was broken: try a new one
            return CheckResult(
                FAIL,
                f"Không kết nối được cơ sở dữ liệu ({type(exc).__name__}).",
                f"The database cannot be reached ({type(exc).__name__}).",
                cause=f"{type(exc).__name__}: {exc}",
            )
        elapsed = time.perf_counter() - start
        break
    if attempts > 1:
        return CheckResult(
            WARN,
            "Kết nối cơ sở dữ liệu giữ từ trước đã hỏng (cơ sở dữ liệu khởi động lại?); kết nối mới dùng được.",
            "The kept database connection was broken (database restarted?); a new connection works.",
            cause=broken,
        )
    if elapsed > DATABASE_SLOW_SECONDS:
        return CheckResult(
            WARN,
            f"Cơ sở dữ liệu trả lời chậm ({elapsed * 1000:.0f} ms cho một truy vấn đơn giản).",
            f"The database answers slowly ({elapsed * 1000:.0f} ms for a trivial query).",
        )
    return CheckResult(OK, "Cơ sở dữ liệu trả lời.", "The database answers.")


# --- migrations -----------------------------------------------------------------------------------------


@cache
def _migrations_in_code() -> tuple[frozenset, dict, frozenset]:
    """The migrations this process's code has: their keys, what each squashed one replaces, and the apps
    that have migrations. Read from disk once: the code does not change under a running process."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)  # as if none applied: squashed ones kept
    nodes = frozenset(loader.graph.nodes)
    replaces = {
        key: tuple(loader.graph.nodes[key].replaces) for key in nodes if loader.graph.nodes[key].replaces
    }
    return nodes, replaces, frozenset(loader.migrated_apps)


def _names(keys) -> str:
    keys = sorted(f"{app}.{name}" for app, name in keys)
    return ", ".join(keys[:5]) + (", …" if len(keys) > 5 else "")


def migrations() -> CheckResult:
    """Every migration of this version is applied (one query); a database migrated by a newer version
    (during a rolling upgrade) is a warning."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db import Error as DatabaseError

    nodes, replaces, apps = _migrations_in_code()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = set(cursor.fetchall())
    except DatabaseError as exc:
        return CheckResult(
            FAIL,
            f"Không đọc được danh sách bước chuyển đổi (migration) đã áp dụng ({type(exc).__name__}): "
            "cơ sở dữ liệu chưa được khởi tạo? Chạy `hoso init`.",
            f"The applied migrations cannot be read ({type(exc).__name__}): database not initialised? "
            "Run `hoso init`.",
            cause=f"{type(exc).__name__}: {exc}",
        )
    pending = [
        key
        for key in nodes
        if key not in applied and not (key in replaces and all(r in applied for r in replaces[key]))
    ]
    if pending:
        return CheckResult(
            FAIL,
            f"Còn {len(pending)} bước chuyển đổi (migration) chưa áp dụng ({_names(pending)}): chạy `hoso init`.",
            f"{len(pending)} migration(s) not applied ({_names(pending)}): run `hoso init`.",
        )
    replaced = {r for group in replaces.values() for r in group}
    unknown = [key for key in applied if key[0] in apps and key not in nodes and key not in replaced]
    if unknown:
        return CheckResult(
            WARN,
            f"Cơ sở dữ liệu có {len(unknown)} bước chuyển đổi mà phiên bản này không có ({_names(unknown)}): "
            "một phiên bản mới hơn đã cập nhật nó; hãy nâng cấp máy chủ này.",
            f"The database has {len(unknown)} migration(s) this version does not have ({_names(unknown)}): "
            "a newer version migrated it; upgrade this server.",
        )
    return CheckResult(
        OK,
        f"Đã áp dụng đủ {len(nodes)} bước chuyển đổi (migration) của phiên bản này.",
        f"All {len(nodes)} migrations of this version are applied.",
    )


# --- evidence store -------------------------------------------------------------------------------------


def evidence_store() -> CheckResult:
    """The blob store is reachable and writable (a folder: it exists and a probe file can be written;
    S3: the bucket answers a HEAD)."""
    store = blob_store()
    try:
        store.check()
    except BlobStoreError as error:
        where = store.url if isinstance(store, S3BlobStore) else store.root
        cause = f"{where}: {error.code}: {error.__cause__ or ''}"
        return CheckResult(FAIL, error.message_vi, error.message_en, cause=cause)
    if isinstance(store, S3BlobStore):
        return CheckResult(OK, "Kho lưu chứng cứ S3 trả lời.", "The S3 evidence store answers.")
    return CheckResult(OK, "Thư mục lưu chứng cứ ghi được.", "The evidence folder is writable.")


# --- the gateway's signing key --------------------------------------------------------------------------


def gateway_key(now: datetime | None = None) -> CheckResult:
    """The receipt signer loads (PEM files, PKCS#12 or token), signs what its certificate verifies, the
    certificate is valid now (warn within GATEWAY_CERT_WARN_DAYS of its end), and it is the cluster's
    (:mod:`hoso.intake.cluster`: a server signing as another gateway is not ready)."""
    from django.conf import settings

    now = now or timezone.now()
    try:
        # Files are read again (a key replaced on disk shows at once); RSA's consistency check costs
        # ~100 ms a load and signing and verifying below catches a damaged key. A token's session is
        # the process's own, opened once.
        if gateway.configured_source() == "pkcs11":
            signer = gateway.gateway_signer()
        else:
            signer = gateway.load_signer(validate_key=False)
    except Exception as exc:  # noqa: BLE001 - missing, unreadable, encrypted, wrong PIN, no token: a failure
        where = {"pkcs11": settings.HOSO_GATEWAY_PKCS11, "p12": settings.HOSO_GATEWAY_P12}.get(
            gateway.configured_source(), gateway.key_path()
        )
        return CheckResult(
            FAIL,
            f"Không đọc được khoá hoặc chứng thư ký biên nhận ({type(exc).__name__}).",
            f"The receipt-signing key or certificate cannot be loaded ({type(exc).__name__}).",
            cause=f"{where}: {type(exc).__name__}: {exc}",
        )
    certificate = signer.certificate
    if not gateway.signer_signs(signer):
        return CheckResult(
            FAIL,
            "Khoá ký biên nhận không khớp với chứng thư ký biên nhận.",
            "The receipt-signing key does not match the receipt-signing certificate.",
        )
    if differs := cluster.gateway_divergence(cluster.sha256_of(certificate)):
        return CheckResult(FAIL, differs.message_vi, differs.message_en)
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    fields = {"not_before": start.isoformat(), "not_after": end.isoformat()}
    if now < start:
        return CheckResult(
            FAIL,
            f"Chứng thư ký biên nhận chưa có hiệu lực (từ {hanoi_time(start)} giờ Hà Nội).",
            f"The receipt-signing certificate is not valid yet (from {hanoi_time(start)} Hanoi time).",
            fields,
        )
    if now >= end:
        return CheckResult(
            FAIL,
            f"Chứng thư ký biên nhận đã hết hạn lúc {hanoi_time(end)} giờ Hà Nội: biên nhận ký bằng nó không còn giá trị.",
            f"The receipt-signing certificate expired at {hanoi_time(end)} Hanoi time: receipts signed with it are not valid.",
            fields,
        )
    if end - now <= timedelta(days=GATEWAY_CERT_WARN_DAYS):
        days = (end - now).days
        return CheckResult(
            WARN,
            f"Chứng thư ký biên nhận hết hạn lúc {hanoi_time(end)} giờ Hà Nội (còn {days} ngày): hãy xin cấp chứng thư mới.",
            f"The receipt-signing certificate expires at {hanoi_time(end)} Hanoi time (in {days} days): renew it.",
            fields,
        )
    return CheckResult(
        OK,
        f"Khoá và chứng thư ký biên nhận dùng được; chứng thư còn hiệu lực đến {hanoi_time(end)} giờ Hà Nội.",
        f"The receipt-signing key and certificate work; the certificate is valid until {hanoi_time(end)} Hanoi time.",
        fields,
    )


# --- CRL freshness --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CrlFacts:
    issuer: bytes  # the issuer's name, DER
    ca: str  # the issuer's common name, for people
    next_update: datetime | None


#: What a CRL says, by file (path and identity) or by stored row (a row is never changed): what a key
#: names never changes, so the facts are kept an hour (a bound on memory, not on staleness).
_crl_facts_cache: ExpiringCache[tuple, _CrlFacts] = ExpiringCache("CRL facts", seconds=3600, max_entries=4096)


def _crl_facts(path: Path) -> _CrlFacts:
    """What the CRL file says that freshness needs (ValueError when it holds no CRL). Parsing a large
    CRL takes milliseconds (10 ms for 50,000 entries), so the facts are kept per file identity."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    stat = path.stat()

    def parse() -> _CrlFacts:
        data = path.read_bytes()
        crl = x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data)
        names = crl.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
        return _CrlFacts(
            crl.issuer.public_bytes(),
            str(names[0].value) if names else crl.issuer.rfc4514_string(),
            crl.next_update_utc,
        )

    return _crl_facts_cache.get(("file", str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino), parse)


_NEVER = datetime.min.replace(tzinfo=UTC)


def _latest(facts: _CrlFacts) -> datetime:
    return facts.next_update or _NEVER


def _judge(facts: _CrlFacts, now: datetime) -> tuple[str, tuple[str, str] | None]:
    """The status of one CA's newest CRL, and what to tell people when it is not OK."""
    when = facts.next_update
    if when is None:
        return WARN, (
            f"CRL của {facts.ca} không ghi thời điểm cập nhật tiếp theo (nextUpdate).",
            f"The CRL of {facts.ca} has no nextUpdate: its freshness cannot be judged.",
        )
    if when <= now:
        return FAIL, (
            f"CRL của {facts.ca} đã quá hạn từ {hanoi_time(when)} giờ Hà Nội: hồ sơ ký bằng chứng thư do CA "
            "này cấp bị từ chối tạm (bên gửi gửi lại sau) cho tới khi có CRL mới.",
            f"The CRL of {facts.ca} went stale at {hanoi_time(when)} Hanoi time: dossiers signed with its "
            "certificates are refused for now (to be sent again later) until a new CRL is installed.",
        )
    if when - now <= timedelta(hours=CRL_WARN_HOURS):
        return WARN, (
            f"CRL của {facts.ca} hết hạn lúc {hanoi_time(when)} giờ Hà Nội, còn dưới {CRL_WARN_HOURS} giờ: "
            "công việc hoso:revocation chưa tải được CRL mới (xem revocation_fetch) — hoặc hãy chép CRL mới "
            "vào thư mục CRL.",
            f"The CRL of {facts.ca} expires at {hanoi_time(when)} Hanoi time, within {CRL_WARN_HOURS} hours: "
            "the hoso:revocation job has not fetched a newer one (see revocation_fetch) — or install one.",
        )
    return OK, None


def _stored_facts() -> list[_CrlFacts]:
    """What the CRLs the revocation job stored in the database say (one query for ids and nextUpdate;
    a row's CRL is parsed once per process)."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    def parse(row_id: int, next_update: datetime | None) -> _CrlFacts | None:
        der = FetchedCrl.objects.filter(id=row_id).values_list("der", flat=True).first()
        if der is None:
            return None
        issuer = x509.load_der_x509_crl(bytes(der)).issuer
        names = issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
        ca = str(names[0].value) if names else issuer.rfc4514_string()
        return _CrlFacts(issuer.public_bytes(), ca, next_update)

    facts = []
    for row_id, next_update in FetchedCrl.objects.values_list("id", "next_update"):
        kept = _crl_facts_cache.get(("row", row_id), partial(parse, row_id, next_update))
        if kept is not None:
            facts.append(kept)
    return facts


def crl_freshness(now: datetime | None = None) -> CheckResult:
    """Each CA's CRL in the trust store is before its nextUpdate: past it, every dossier signed with a
    certificate of that CA is refused TRY_LATER (fail); within CRL_WARN_HOURS of it, warn. Where a CA
    has several CRLs (files of the CRL folder, CRLs the revocation job stored), its newest counts."""
    now = now or timezone.now()
    folder = gateway.crl_dir()
    files = (
        sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CRL_SUFFIXES)
        if folder.is_dir()
        else []
    )
    stored = _stored_facts()
    if not files and not stored:
        return CheckResult(
            WARN,
            "Kho tin cậy chưa có CRL nào: hồ sơ ký số sẽ bị từ chối tạm (bên gửi gửi lại sau) vì không biết chứng thư "
            "có bị thu hồi không. Chép CRL của các CA vào thư mục CRL.",
            "The trust store has no CRL: signed dossiers are refused for now (to be sent again later), their certificates' "
            "revocation being unknown. Copy the CAs' CRLs into the CRL folder.",
            {"next_update": None, "crls": []},
        )
    unreadable: list[str] = []
    newest: dict[bytes, _CrlFacts] = {}
    for facts in stored:
        best = newest.get(facts.issuer)
        if best is None or _latest(facts) > _latest(best):
            newest[facts.issuer] = facts
    for path in files:
        try:
            facts = _crl_facts(path)
        except (OSError, ValueError):
            unreadable.append(path.name)
            continue
        best = newest.get(facts.issuer)
        if best is None or _latest(facts) > _latest(best):
            newest[facts.issuer] = facts

    rows, vi, en = [], [], []
    for name in unreadable:
        rows.append({"file": name, "status": FAIL})
        vi.append(
            f"Không đọc được tệp CRL {name}: kho tin cậy không dựng được, không chữ ký số nào kiểm tra được."
        )
        en.append(
            f"CRL file {name} cannot be read: the trust store cannot be built and no signature can be verified."
        )
    for facts in sorted(newest.values(), key=_latest):
        status, problem = _judge(facts, now)
        if problem:
            vi.append(problem[0])
            en.append(problem[1])
        when = facts.next_update
        rows.append({"issuer": facts.ca, "next_update": when.isoformat() if when else None, "status": status})

    dated = [f for f in newest.values() if f.next_update is not None]
    first = min(dated, key=lambda f: f.next_update) if dated else None
    fields = {"next_update": first.next_update.isoformat() if first else None, "crls": rows}
    status = max((row["status"] for row in rows), key=_RANK.__getitem__)
    if status == OK:
        assert first is not None
        when = hanoi_time(first.next_update)
        return CheckResult(
            OK,
            f"{len(newest)} CRL còn hạn; sớm hết hạn nhất là CRL của {first.ca}, đến {when} giờ Hà Nội.",
            f"{len(newest)} CRL(s) current; the first to expire is that of {first.ca}, at {when} Hanoi time.",
            fields,
        )
    return CheckResult(status, " ".join(vi), " ".join(en), fields)


# --- running them ---------------------------------------------------------------------------------------


# What /readyz (and `hoso check`) run, in this order.
def job_worker(now: datetime | None = None) -> CheckResult:
    """Whether some job worker of the cluster ran the heartbeat job within the last few minutes.

    A warning, never a failure: the web serves without it, and every server reads the same heartbeat,
    so a failure would take every server out of the load balancer at once for work none of them does.
    """
    alive, beat_at = worker_alive(now)
    fields = {"last_beat": beat_at.isoformat() if beat_at else None}
    if alive:
        return CheckResult(
            OK,
            f"Bộ chạy công việc định kỳ hoạt động (lần cuối {hanoi_time(beat_at)}).",
            f"The job worker is running (last beat {beat_at.isoformat()}).",
            fields,
        )
    minutes = int(HEARTBEAT_STALE.total_seconds() // 60)
    if beat_at is None:
        return CheckResult(
            WARN,
            "Chưa có bộ chạy công việc định kỳ nào hoạt động (`hoso serve` chạy một bộ, hoặc `hoso worker`).",
            "No job worker has run yet (`hoso serve` runs one, or `hoso worker`).",
            fields,
        )
    return CheckResult(
        WARN,
        f"Bộ chạy công việc định kỳ không hoạt động quá {minutes} phút (lần cuối {hanoi_time(beat_at)}): "
        "thông báo, dữ liệu thu hồi và báo cáo không được cập nhật.",
        f"No job worker for more than {minutes} minutes (last beat {beat_at.isoformat()}): letters, "
        "revocation data and reports are not being updated.",
        fields,
    )


def revocation_fetch(now: datetime | None = None) -> CheckResult:
    """Whether the revocation job keeps failing to fetch a CA's CRL (FAILURE_WARN_COUNT times in a row, or
    for FAILURE_WARN_AFTER). A warning: the CRL held serves until its nextUpdate (crl_freshness)."""
    now = now or timezone.now()
    sources = list(CrlSource.objects.order_by("ca_name", "url"))  # one query: a row per CRL address
    failing = failing_sources(now, sources)
    total = len(sources)
    rows = [
        {
            "issuer": s.ca_name,
            "failures": s.failures_in_a_row,
            "failing_since": s.failing_since.isoformat() if s.failing_since else None,
            "last_success": s.last_success_at.isoformat() if s.last_success_at else None,
        }
        for s in failing
    ]
    fields = {"sources": total, "failing": rows}
    if not failing:
        return CheckResult(
            OK,
            f"Công việc hoso:revocation tải được CRL từ {total} địa chỉ (hoặc chưa đến lúc tải).",
            f"The hoso:revocation job fetches the CRLs of {total} address(es) (or none is due).",
            fields,
        )
    hours = int(FAILURE_WARN_AFTER.total_seconds() // 3600)
    vi = [
        f"Không tải được CRL của {s.ca_name} {s.failures_in_a_row} lần liên tiếp"
        f"{f' từ {hanoi_time(s.failing_since)} giờ Hà Nội' if s.failing_since else ''}."
        for s in failing
    ]
    en = [
        f"Fetching the CRL of {s.ca_name} failed {s.failures_in_a_row} time(s) in a row"
        f"{f' since {s.failing_since.isoformat()}' if s.failing_since else ''}."
        for s in failing
    ]
    return CheckResult(
        WARN,
        " ".join(vi) + f" (cảnh báo sau {FAILURE_WARN_COUNT} lần hoặc {hours} giờ.) Kiểm tra kết nối ra "
        "Internet tới CA; CRL đang có vẫn dùng được đến nextUpdate (xem crl_freshness).",
        " ".join(en) + f" (warned after {FAILURE_WARN_COUNT} failures or {hours} h.) Check the outbound "
        "connection to the CA; the CRL held serves until its nextUpdate (see crl_freshness).",
        fields,
        cause="; ".join(f"{s.url}: {s.last_error}" for s in failing),
    )


READINESS_CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": database,
    "migrations": migrations,
    "evidence_store": evidence_store,
    "gateway_key": gateway_key,
    "crl_freshness": crl_freshness,
    "job_worker": job_worker,
    "revocation_fetch": revocation_fetch,
}
# A check that cannot be run while another one fails (it would fail again, for the same reason).
REQUIRES = {
    "migrations": "database",
    "crl_freshness": "migrations",
    "job_worker": "migrations",
    "revocation_fetch": "migrations",
}

_last_status: dict[str, str] = {}  # per process: to log a change of a check's status once, not every probe


def run_checks(checks: dict[str, Callable[[], CheckResult]] | None = None) -> dict[str, CheckResult]:
    """Run the readiness checks; an unexpected exception in a check is its failure (and is logged)."""
    results: dict[str, CheckResult] = {}
    for name, check in (READINESS_CHECKS if checks is None else checks).items():
        start = time.perf_counter()
        needed = REQUIRES.get(name)
        if needed in results and results[needed].status == FAIL:
            result = CheckResult(
                FAIL,
                f"Chưa kiểm tra được vì kiểm tra {needed} thất bại.",
                f"Not checked: the {needed} check failed.",
            )
        else:
            try:
                result = check()
            except Exception as exc:  # noqa: BLE001 - a probe answers, whatever a check does
                if _last_status.get(name) != FAIL:  # the traceback once, not at every probe
                    logger.exception("readiness check %s raised", name)
                result = CheckResult(
                    FAIL,
                    f"Lỗi không lường trước khi kiểm tra ({type(exc).__name__}).",
                    f"Unexpected error while checking ({type(exc).__name__}).",
                )
        results[name] = replace(result, ms=(time.perf_counter() - start) * 1000)
        _log_change(name, results[name])
    return results


def overall(results: dict[str, CheckResult]) -> str:
    return max((r.status for r in results.values()), key=_RANK.__getitem__, default=OK)


def _log_change(name: str, result: CheckResult) -> None:
    before = _last_status.get(name, OK)
    _last_status[name] = result.status
    if result.status != before:
        level = logging.INFO if result.status == OK else logging.WARNING
        why = f" ({result.cause})" if result.cause else ""
        logger.log(level, "readiness %s: %s -> %s: %s%s", name, before, result.status, result.detail_en, why)


# --- views ----------------------------------------------------------------------------------------------


@never_cache
@require_safe
def healthz(request):
    """The process is alive: nothing is looked at."""
    return JsonResponse({"status": OK})


@never_cache
@require_safe
def readyz(request):
    """Whether this server can serve: 200 unless a check fails, then 503."""
    results = run_checks()
    status = overall(results)
    response = JsonResponse(
        {"status": status, "checks": {name: result.as_dict() for name, result in results.items()}},
        status=503 if status == FAIL else 200,
        json_dumps_params={"ensure_ascii": False},
    )
    # Django logs every 5xx answer as an error; a load balancer probing every few seconds would repeat
    # it all through an outage. run_checks logs each change of a check's status instead (with its cause).
    response._has_been_logged = True
    return response
