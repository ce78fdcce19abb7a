"""Prometheus metrics at ``/metrics`` (issue 18, item 6), for machines; who may read them: ``HOSO_METRICS_ALLOW``.

Two kinds, each from where its truth lives:

- **The cluster's facts, from the database, at each scrape**, so that every server answers the same:
  receptions by channel, outcome and first refusal code (counters); runs of each job kept by the job runner,
  and when each last succeeded and failed; the age of each CA's freshest fetched CRL and the time left to
  its nextUpdate; the age of the job worker's heartbeat.
- **This machine's timings, per process** (``prometheus_client``): latency histograms of the requests (by
  route name, method and status class), of receptions and of signature verifications. Under `hoso serve`
  gunicorn runs several worker processes, and a scrape reaches one of them: the metrics are kept in
  ``prometheus_client``'s multiprocess mode, in files under ``DATA_DIR/run/metrics`` that every worker
  writes and the answering one sums (the directory is emptied when gunicorn starts; ``hoso.serving``'s
  hooks). A process started otherwise (the test client, `hoso manage runserver`) keeps them in memory.

The receptions are counted from ``intake_submission`` without an index more on the table every reception
writes: each process keeps the counts of the rows it has already seen, and a scrape groups only the rows
with a greater id (the primary key's range), one query. Rows are settled — folded into the kept
counts — up to the id of the last row received ``SETTLE_SECONDS`` (120) ago: a lower id was taken before
that row was written, at most a request's life (gunicorn kills a worker after 60 s) after its reception
began, and the submission is the last row a reception writes before its commit, so the transaction that
took it has committed or rolled back since (PostgreSQL hands out ids before commits, in another order).
Each scrape thus reads the rows of the last two minutes; a process's first scrape reads the whole table.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import CollectorRegistry, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from hoso.client_address import client_address, in_networks
from hoso.intake import pipeline
from hoso.intake.models import FetchedCrl
from hoso.jobs.status import worker_alive

#: Where a process of `hoso serve` keeps its metrics (set in every worker by hoso.serving's gunicorn hooks).
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SETTLE_SECONDS = 120.0
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# --- this process's timings -------------------------------------------------------------------------------

disable_created_metrics()  # no *_created series: the multiprocess mode has none, so neither has one process

_PROCESS = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram(
    "hoso_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name, method and status class (per server).",
    ["route", "method", "status"],
    registry=_PROCESS,
)
RECEPTION_SECONDS = Histogram(
    "hoso_reception_duration_seconds",
    "Time of one reception through the pipeline (evidence, checks, transaction, receipt), by channel and "
    "outcome (accepted, refused, repeat, invalid, error).",
    ["channel", "outcome"],
    registry=_PROCESS,
)
SIGNATURE_SECONDS = Histogram(
    "hoso_signature_verification_seconds",
    "Time of one XML signature verification of a reception, by its indication.",
    ["indication"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=_PROCESS,
)


def _observe_pipeline(sender, *, stage: str, channel: str, outcome: str, seconds: float, **_kwargs) -> None:
    if stage == "signature":
        SIGNATURE_SECONDS.labels(outcome).observe(seconds)
    elif stage == "reception":
        RECEPTION_SECONDS.labels(channel, outcome).observe(seconds)


pipeline.timed.connect(_observe_pipeline, dispatch_uid="hoso.operations.metrics")


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unmatched"  # no route: a 404 before any view, or answered by a middleware


class RequestMetricsMiddleware:
    """Times every request (first in MIDDLEWARE: the whole of Django's work is counted)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(_route(request), method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


# --- the cluster's facts, from the database ---------------------------------------------------------------


class _ReceptionCounts:
    """Receptions per (channel, outcome, code), all rows counted; the settled ones are kept here and never
    read again (module docstring)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kept: dict[tuple[str, str, str], int] = {}
        self.kept_id = 0

    def read(self) -> dict[tuple[str, str, str], int]:
        if connection.vendor == "postgresql":
            code = "COALESCE(s.reasons -> 0 ->> 'code', '')"
        else:
            code = "COALESCE(json_extract(s.reasons, '$[0].code'), '')"
        # h.id: the id of the last row received before the cutoff; every row with an id up to it is settled.
        sql = (
            f"SELECT s.channel, s.outcome, {code}, COUNT(*), SUM(CASE WHEN s.id <= h.id THEN 1 ELSE 0 END), "  # noqa: S608 — fixed SQL
            "MAX(h.id) FROM intake_submission s, (SELECT COALESCE((SELECT id FROM intake_submission "
            "WHERE received_at < %s ORDER BY received_at DESC LIMIT 1), 0) AS id) h "
            f"WHERE s.id > %s GROUP BY s.channel, s.outcome, {code}"
        )
        cutoff = timezone.now() - timedelta(seconds=SETTLE_SECONDS)
        with self.lock:
            with connection.cursor() as cursor:
                cursor.execute(sql, [cutoff, self.kept_id])
                rows = cursor.fetchall()
            counts = dict(self.kept)
            settled = self.kept_id
            for channel, outcome, reason, count, settling, last_settled in rows:
                key = (channel, outcome, reason)
                counts[key] = counts.get(key, 0) + int(count)
                if settling:
                    self.kept[key] = self.kept.get(key, 0) + int(settling)
                settled = max(settled, int(last_settled))
            self.kept_id = settled
            return counts


_receptions = _ReceptionCounts()


def forget() -> None:
    """Drop the kept reception counts (tests whose rows were rolled back)."""
    _receptions.__init__()


def _epoch(moment) -> float:
    return moment.timestamp() if moment is not None else float("nan")


class DatabaseCollector:
    """The cluster's facts, read at each scrape (four small queries)."""

    def collect(self):
        up = GaugeMetricFamily(
            "hoso_metrics_database_up", "Whether this scrape could read the database (1) or not (0)."
        )
        try:
            families = list(self._families())
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self):
        from django_q.models import Task

        receptions = CounterMetricFamily(
            "hoso_receptions",
            "Receptions stored (every server's), by channel, outcome and the first refusal code (empty "
            "when accepted).",
            labels=["channel", "outcome", "code"],
        )
        for (channel, outcome, code), count in sorted(_receptions.read().items()):
            receptions.add_metric([channel, outcome, code], count)
        yield receptions

        runs = GaugeMetricFamily(
            "hoso_job_runs",
            "Runs of each job the job runner keeps (its successes are pruned past the newest 1000), by "
            "outcome.",
            labels=["job", "outcome"],
        )
        last = GaugeMetricFamily(
            "hoso_job_last_run_timestamp_seconds",
            "When each job last finished with each outcome (Unix time).",
            labels=["job", "outcome"],
        )
        rows = (
            Task.objects.annotate(job=Coalesce("group", "func"))  # a scheduled job's group is its name
            .values_list("job", "success")
            .order_by("job", "success")
            .annotate(count=Count("id"), stopped=Max("stopped"))
        )
        for job, success, count, stopped in rows:
            outcome = "success" if success else "failure"
            runs.add_metric([job, outcome], count)
            last.add_metric([job, outcome], _epoch(stopped))
        yield runs
        yield last

        now = timezone.now()
        age = GaugeMetricFamily(
            "hoso_crl_age_seconds",
            "Seconds since the thisUpdate of each CA's freshest CRL fetched by the revocation job.",
            labels=["ca", "ca_sha256"],
        )
        left = GaugeMetricFamily(
            "hoso_crl_next_update_seconds",
            "Seconds until the nextUpdate of each CA's freshest fetched CRL (negative: expired).",
            labels=["ca", "ca_sha256"],
        )
        crls = (
            FetchedCrl.objects.values_list("ca_sha256")
            .order_by("ca_sha256")
            .annotate(name=Max("ca_name"), this=Max("this_update"), next=Max("next_update"))
        )
        for ca_sha256, name, this_update, next_update in crls:
            age.add_metric([name, ca_sha256], (now - this_update).total_seconds())
            left.add_metric([name, ca_sha256], (next_update - now).total_seconds())
        yield age
        yield left

        heartbeat = GaugeMetricFamily(
            "hoso_job_worker_heartbeat_age_seconds",
            "Seconds since a job worker last ran the heartbeat job (absent: never).",
        )
        _alive, beat = worker_alive()
        if beat is not None:
            heartbeat.add_metric([], (now - beat).total_seconds())
        yield heartbeat


# --- the view -----------------------------------------------------------------------------------------------


def allowed(address: str) -> bool:
    """Whether ``address`` is in ``HOSO_METRICS_ALLOW`` (an IPv4-mapped IPv6 address as its IPv4)."""
    return in_networks(address, getattr(settings, "HOSO_METRICS_ALLOW", None) or [])


def registry() -> CollectorRegistry:
    """What a scrape answers: every worker's timings (or this process's) and the database's facts."""
    answer = CollectorRegistry(auto_describe=False)
    directory = os.environ.get(MULTIPROCESS_ENV)
    if directory:
        MultiProcessCollector(answer, path=directory)
    else:
        answer.register(_PROCESS)
    answer.register(DatabaseCollector())
    return answer


def metrics(request):
    if not allowed(client_address(request)):
        return HttpResponse(
            "403 Forbidden: /metrics is not open to this address (HOSO_METRICS_ALLOW).\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE)
