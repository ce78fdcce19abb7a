"""Issue 18, item 6: ``/metrics`` in Prometheus text — receptions counted from the database, latency
histograms per process (summed over gunicorn's workers under `hoso serve`), job outcomes, CRL and heartbeat
ages — and only for the addresses of ``HOSO_METRICS_ALLOW``."""

from __future__ import annotations

import os
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from hoso.operations import metrics
from tests.api.conftest import (  # noqa: F401 — fixtures
    ApiClient,
    ivan_key,
    make_envelope,
    pki,
    rate_limit_off,
    signers,
    trusted,
    unit,
)

LOOPBACK = "127.0.0.1"


@pytest.fixture(autouse=True)
def _no_kept_counts():
    """The kept reception counts belong to rows a test's rollback removes."""
    metrics.forget()
    yield
    metrics.forget()


def scrape(client, **extra) -> dict[str, dict]:
    """/metrics parsed: family name → {"type", samples: {(sample name, sorted labels): value}}."""
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return parse(response.content.decode())


def parse(text: str) -> dict[str, dict]:
    families = {}
    for family in text_string_to_metric_families(text):
        samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples}
        families[family.name] = {"type": family.type, "samples": samples}
    return families


def value(families: dict, family: str, sample: str, **labels) -> float:
    return families[family]["samples"].get((sample, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_metrics_are_valid_prometheus_text_with_every_family(client):
    families = scrape(client)
    assert families["hoso_metrics_database_up"]["samples"] == {("hoso_metrics_database_up", ()): 1.0}
    assert families["hoso_receptions"]["type"] == "counter"
    for name in (
        "hoso_job_runs",
        "hoso_job_last_run_timestamp_seconds",
        "hoso_crl_age_seconds",
        "hoso_crl_next_update_seconds",
        "hoso_job_worker_heartbeat_age_seconds",
    ):
        assert families[name]["type"] == "gauge", name
    # The first scrape was timed by the middleware: the second sees it, under the route's name.
    again = scrape(client)
    assert again["hoso_http_request_duration_seconds"]["type"] == "histogram"
    labels = {"route": "metrics", "method": "GET", "status": "2xx"}
    assert (
        value(
            again, "hoso_http_request_duration_seconds", "hoso_http_request_duration_seconds_count", **labels
        )
        >= 1
    )
    assert value(again, "hoso_http_request_duration_seconds", "hoso_http_request_duration_seconds_bucket", le="+Inf", **labels) >= 1  # fmt: skip
    client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    after = scrape(client)
    assert value(after, "hoso_http_request_duration_seconds", "hoso_http_request_duration_seconds_count", route="unmatched", method="GET", status="4xx") >= 1  # fmt: skip


@pytest.mark.django_db
def test_other_addresses_are_refused_and_a_forwarded_address_counts_only_from_a_trusted_proxy(
    client, settings
):
    settings.HOSO_METRICS_ALLOW = ["127.0.0.1/32", "::1/128", "10.20.0.0/16"]
    settings.HOSO_TRUSTED_PROXIES = []

    def status(remote: str, forwarded: str | None = None) -> int:
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        response = client.get("/metrics", REMOTE_ADDR=remote, **extra)
        if response.status_code == 403:
            assert response["Content-Type"].startswith("text/plain")
            assert b"HOSO_METRICS_ALLOW" in response.content and b"hoso_" not in response.content
        return response.status_code

    assert status(LOOPBACK) == 200 and status("::1") == 200 and status("::ffff:127.0.0.1") == 200
    assert status("10.20.3.4") == 200
    assert status("192.0.2.7") == 403 and status("2001:db8::1") == 403 and status("") == 403
    # A client cannot claim an allowed address: X-Forwarded-For from a peer that is not a trusted proxy.
    assert status("192.0.2.7", forwarded=LOOPBACK) == 403
    # Through a trusted proxy, the address it forwarded counts — not the proxy's own.
    settings.HOSO_TRUSTED_PROXIES = ["127.0.0.1/32", "10.99.0.0/24"]
    assert status(LOOPBACK, forwarded="192.0.2.7") == 403  # the internet through a proxy on this machine
    assert status("10.99.0.5", forwarded="10.20.1.1") == 200
    assert status("10.99.0.5", forwarded=f"{LOOPBACK}, 192.0.2.7") == 403  # rightmost untrusted hop
    assert status("10.99.0.5", forwarded="192.0.2.7, 10.20.1.1, 10.99.0.9") == 200  # proxies skipped
    assert status("10.99.0.5", forwarded="not-an-address") == 403
    settings.HOSO_METRICS_ALLOW = []  # nobody
    assert status(LOOPBACK) == 403


@pytest.mark.django_db(transaction=True)
def test_receptions_change_the_counters_and_the_timings(client, unit, ivan_key, make_envelope):  # noqa: F811
    api = ApiClient(client, ivan_key)
    before = scrape(client)
    accepted = {"channel": "electronic", "outcome": "accepted", "code": ""}
    assert api.submit(make_envelope()).status_code == 201
    refused = api.submit(make_envelope(signer="unit-wrong-ku", employees=2))
    assert refused.status_code == 422 and refused["X-Outcome"] == "refused", refused.content[:300]
    after = scrape(client)
    count = "hoso_receptions_total"
    assert (
        value(after, "hoso_receptions", count, **accepted)
        == value(before, "hoso_receptions", count, **accepted) + 1
    )
    samples = after["hoso_receptions"]["samples"].items()
    refusals = [(dict(labels), n) for (_name, labels), n in samples if dict(labels)["outcome"] == "refused"]
    assert [n for _labels, n in refusals] == [1], refusals
    labels = refusals[0][0]
    assert labels["code"].startswith("SIG_") and labels["channel"] == "electronic"
    assert labels["code"].encode() in refused.content  # the code the I-VAN was told

    # Timed in this process (whose earlier tests were timed too): the receptions, the signature
    # verifications, the API route.
    def more(family: str, **labels) -> float:
        sample = family + "_count"
        return value(after, family, sample, **labels) - value(before, family, sample, **labels)

    timed = "hoso_reception_duration_seconds"
    assert more(timed, channel="electronic", outcome="accepted") == 1
    assert more(timed, channel="electronic", outcome="refused") == 1
    assert more("hoso_signature_verification_seconds", indication="TOTAL_PASSED") >= 1
    route = {"route": "api_v1:submit_dossier", "method": "POST"}
    assert more("hoso_http_request_duration_seconds", status="2xx", **route) == 1  # 201
    assert more("hoso_http_request_duration_seconds", status="4xx", **route) == 1  # 422: the refusal


@pytest.mark.django_db(transaction=True)
def test_settled_receptions_are_kept_and_not_read_again(client, unit, ivan_key, make_envelope):  # noqa: F811
    from hoso.intake.pipeline import receive

    old = receive(make_envelope(), ivan_code="00030", received_at=datetime.now(UTC) - timedelta(minutes=5))
    assert old.outcome == "accepted", old.submission.reasons
    first = metrics._receptions.read()
    assert metrics._receptions.kept_id == old.submission.pk  # received before the cutoff: settled
    ApiClient(client, ivan_key).submit(make_envelope(employees=2))  # now: not settled yet
    with CaptureQueriesContext(connection) as queries:
        second = metrics._receptions.read()
    assert len(queries) == 1 and f"> {old.submission.pk}" in queries[0]["sql"].replace("%s", "")
    key = ("electronic", "accepted", "")
    assert first[key] == 1 and second[key] == 2 and metrics._receptions.kept == {key: 1}


@pytest.mark.django_db
def test_job_outcomes_crl_ages_and_heartbeat_come_from_the_database(client):
    from django_q.models import Task

    from hoso.intake.models import FetchedCrl
    from hoso.jobs.models import Heartbeat

    now = datetime.now(UTC)
    for n, success in enumerate([True, True, False]):
        Task.objects.create(
            id=f"t{n}", name=f"run-{n}", func="hoso.jobs.tasks.revocation", group="hoso:revocation",
            started=now - timedelta(minutes=n + 1), stopped=now - timedelta(minutes=n), success=success,
        )  # fmt: skip
    for url, this_update in (("http://a/ca.crl", now - timedelta(hours=2)), ("http://b/ca.crl", now - timedelta(hours=30))):  # fmt: skip
        FetchedCrl.objects.create(
            ca_sha256="ab" * 32, ca_name="Test CA", url=url, der=b"", sha256="cd" * 32,
            this_update=this_update, next_update=this_update + timedelta(days=7), fetched_at=now,
        )  # fmt: skip
    Heartbeat.objects.create(name="worker", beat_at=now - timedelta(seconds=40), host="h", pid=1)
    families = scrape(client)
    job = {"job": "hoso:revocation"}
    assert value(families, "hoso_job_runs", "hoso_job_runs", outcome="success", **job) == 2
    assert value(families, "hoso_job_runs", "hoso_job_runs", outcome="failure", **job) == 1
    last_failure = value(families, "hoso_job_last_run_timestamp_seconds", "hoso_job_last_run_timestamp_seconds", outcome="failure", **job)  # fmt: skip
    assert abs(last_failure - (now - timedelta(minutes=2)).timestamp()) < 1
    ca = {"ca": "Test CA", "ca_sha256": "ab" * 32}
    assert 7190 < value(families, "hoso_crl_age_seconds", "hoso_crl_age_seconds", **ca) < 7300  # the freshest
    left = value(families, "hoso_crl_next_update_seconds", "hoso_crl_next_update_seconds", **ca)
    assert abs(left - timedelta(days=7, hours=-2).total_seconds()) < 100
    beat = value(families, "hoso_job_worker_heartbeat_age_seconds", "hoso_job_worker_heartbeat_age_seconds")
    assert 39 < beat < 100


# --- a real `hoso serve` with two gunicorn workers ---------------------------------------------------------


@pytest.mark.slow
def test_under_hoso_serve_the_histograms_sum_every_workers_requests(tmp_path):
    from hoso.testing.loadtest import Server, make_envelopes, prepare, request, run_clients

    site = prepare(tmp_path / "site", database_url=os.environ.get("DATABASE_URL"))
    stale = site.data_dir / "run" / "metrics" / "histogram_1.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by an earlier server")
    try:
        with Server(site, workers=2) as server:
            assert not stale.exists()  # emptied when `hoso serve` started

            def metrics_text() -> dict:
                status, _headers, body = request(server.port, "GET", "/metrics", key="")
                assert status == 200, body
                return parse(body.decode())

            # One worker is kept busy by a request whose head has not all arrived: the other must answer
            # the requests sent meanwhile; then the first request is completed.
            healthz = {"route": "healthz", "method": "GET", "status": "2xx"}
            with socket.create_connection(("127.0.0.1", server.port), timeout=30) as held:
                held.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                time.sleep(0.5)  # accepted by a worker, which now waits for the rest
                results = run_clients(server.port, site.key, [("GET", "/healthz", None)] * 20, clients=2)
                held.sendall(b"Connection: close\r\n\r\n")
                assert held.recv(100).startswith(b"HTTP/1.1 200")
            assert [r.status for r in results] == [200] * 20
            name = "hoso_http_request_duration_seconds"
            # Each worker counted its own share, in its own file …
            shares = []
            for path in sorted((site.data_dir / "run" / "metrics").glob("histogram_*.db")):
                merged = {m.name: m for m in MultiProcessCollector.merge([str(path)])}
                samples = merged[name].samples if name in merged else []
                shares.append(
                    sum(s.value for s in samples if s.name == name + "_count" and s.labels == healthz)
                )
            assert sorted(shares) == [1, 20], shares
            # … and whichever worker answers a scrape sums both.
            for _ in range(4):
                assert value(metrics_text(), name, name + "_count", **healthz) == 21
            raw = make_envelopes(site, 1)[0]
            status, _headers, body = request(server.port, "POST", "/api/v1/dossiers", key=site.key, body=raw)
            assert status == 201, body
            families = metrics_text()
            accepted = {"channel": "electronic", "outcome": "accepted", "code": ""}
            assert value(families, "hoso_receptions", "hoso_receptions_total", **accepted) == 1
            timed = "hoso_reception_duration_seconds"
            assert value(families, timed, timed + "_count", channel="electronic", outcome="accepted") == 1
            verified = "hoso_signature_verification_seconds"
            assert value(families, verified, verified + "_count", indication="TOTAL_PASSED") == 1
    finally:
        site.close()


def test_with_https_on_metrics_is_still_served_over_plain_http(tmp_path):
    """Prometheus scrapes each server's own address over plain HTTP, like the load balancer's probes."""
    import re
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"HOSO_HTTPS": "1", "HOSO_DATA_DIR": str(tmp_path)}
    code = "import hoso.settings as s; print(*s.SECURE_REDIRECT_EXEMPT, sep='\\n')"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    exempt = result.stdout.split()
    assert any(re.search(pattern, "metrics") for pattern in exempt), exempt


def test_serve_gives_gunicorn_the_hooks_unless_a_configuration_is_given():
    from hoso.serving import use_hooks

    for given, expected in (
        ({}, "--config python:hoso.serving"),
        ({"GUNICORN_CMD_ARGS": "--log-level debug"}, "--log-level debug --config python:hoso.serving"),
        ({"GUNICORN_CMD_ARGS": "-c /etc/hoso/gunicorn.py"}, "-c /etc/hoso/gunicorn.py"),
        ({"GUNICORN_CMD_ARGS": "--config=/etc/g.py"}, "--config=/etc/g.py"),
    ):
        use_hooks(given)
        assert given["GUNICORN_CMD_ARGS"] == expected
