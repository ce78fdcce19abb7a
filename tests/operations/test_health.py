"""Issue 18, item 6: ``/healthz`` (alive, touches nothing) and ``/readyz`` (one entry per check, 503 when
any fails), each readiness check passing and failing, and ``hoso check`` reporting the same checks."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import stat
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoso.operations import health
from tests.pki_fixtures import test_pki  # noqa: F401 — the session's test PKI

ON_POSTGRES = connection.vendor == "postgresql"
CHECKS = [
    "database",
    "migrations",
    "evidence_store",
    "gateway_key",
    "crl_freshness",
    "job_worker",
    "revocation_fetch",
]


def _crl(issued, next_update: datetime, *, last_update: datetime | None = None) -> bytes:
    """A CRL of the test PKI's CA ``issued`` (DER), with the given nextUpdate."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issued.certificate.subject)
        .last_update(last_update or next_update - timedelta(days=7))
        .next_update(next_update)
    )
    return builder.sign(issued.key, hashes.SHA256()).public_bytes(Encoding.DER)


@pytest.fixture
def ready(settings, tmp_path, test_pki):  # noqa: F811
    """A configuration in which every check passes: the test PKI's anchor and CRLs, an evidence folder,
    the receipt-signing identity `hoso init` made in the data directory."""
    anchors, crls, blobs = tmp_path / "anchors", tmp_path / "crls", tmp_path / "blobs"
    shutil.copytree(test_pki.anchors_dir, anchors)
    shutil.copytree(test_pki.crls_dir, crls)
    blobs.mkdir()
    settings.HOSO_TRUST_ANCHORS, settings.HOSO_CRL_DIR, settings.HOSO_BLOB_STORE = anchors, crls, blobs
    settings.HOSO_GATEWAY_KEY = settings.HOSO_GATEWAY_CERT = None
    return tmp_path


@pytest.fixture
def beating(db):
    """A job worker ran the heartbeat job a moment ago (hoso.jobs)."""
    import os

    from django.utils import timezone

    from hoso.jobs.models import Heartbeat

    Heartbeat.objects.create(name="worker", beat_at=timezone.now(), host="test", pid=os.getpid())


# --- /healthz ---------------------------------------------------------------------------------------------


def test_healthz_answers_without_the_database_or_a_session(client):
    """No database marker: pytest-django refuses any database access in this test."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_the_probes_answer_plain_http_when_https_is_required_if_exempted(settings):
    """With HOSO_HTTPS=1 Django redirects plain HTTP to HTTPS; a load balancer probing the server on the
    loopback speaks plain HTTP, so the probes are exempted (SECURE_REDIRECT_EXEMPT)."""
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 301  # what the exemption is for
    settings.SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
    probe = Client()
    assert probe.get("/healthz").status_code == 200
    assert probe.get("/dang-nhap/").status_code == 301  # everything else still goes to HTTPS
    assert probe.get("/healthz/x").status_code == 301


# --- /readyz ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_reports_every_check_and_passes(client, ready, beating):
    client.get("/readyz")  # the first probe of a process reads the migrations of the code once
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and list(body["checks"]) == CHECKS
    for name, check in body["checks"].items():
        assert check["status"] == "ok", (name, check)
        assert check["detail"] and check["detail_en"] and check["ms"] >= 0
    # SELECT 1, the applied migrations, the cluster's signing certificate, the fetched CRLs, the job
    # worker's heartbeat, the CRL addresses' fetch outcomes: nothing else
    assert len(queries) == 6
    crl = body["checks"]["crl_freshness"]
    assert datetime.fromisoformat(crl["next_update"]) > datetime.now(UTC) + timedelta(days=300)
    assert {row["issuer"] for row in crl["crls"]} == {"HOSO TEST ROOT CA", "HOSO TEST ISSUING CA"}
    assert "Cơ sở dữ liệu trả lời" in response.content.decode()  # UTF-8, not \u escapes
    # Nothing in the answer points at a file.
    assert str(ready) not in response.content.decode() and "gateway.key" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_is_503_when_a_check_fails_and_logs_the_change_once(client, ready, caplog):
    client.get("/readyz")  # (whatever an earlier test left as the last status is logged here)
    shutil.rmtree(ready / "blobs")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            response = client.get("/readyz")
            assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["checks"]["evidence_store"]["status"] == "fail"
    assert body["checks"]["database"]["status"] == "ok"
    # One line when the check starts failing, with the folder for the administrator; not one a probe, and
    # not Django's "Service Unavailable" error for every 503.
    changes = [r.getMessage() for r in caplog.records if r.name == "hoso.health"]
    assert len(changes) == 1 and "evidence_store: ok -> fail" in changes[0] and str(ready) in changes[0]
    assert not [r for r in caplog.records if r.name == "django.request"]
    (ready / "blobs").mkdir()
    with caplog.at_level(logging.INFO):
        assert client.get("/readyz").status_code == 200
    assert any("evidence_store: fail -> ok" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_a_warning_is_still_ready(client, ready):
    for crl in (ready / "crls").iterdir():
        crl.unlink()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "warn"
    assert response.json()["checks"]["crl_freshness"]["status"] == "warn"


@pytest.mark.django_db
def test_a_check_that_raises_is_a_failure_not_a_500(client, ready, monkeypatch):
    def broken():
        raise RuntimeError("/secret/path/in/a/message")

    monkeypatch.setitem(health.READINESS_CHECKS, "gateway_key", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["gateway_key"]
    assert check["status"] == "fail" and "RuntimeError" in check["detail_en"]
    assert "/secret" not in response.content.decode()


# --- database ---------------------------------------------------------------------------------------------


def _unreachable() -> dict:
    """Settings of the same database at an address where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connecting is refused
    if ON_POSTGRES:
        return {"HOST": "127.0.0.1", "PORT": port}
    return {"NAME": "/nonexistent-folder/hoso.sqlite3"}


@pytest.mark.django_db(transaction=True)
def test_a_database_that_went_away_fails_then_recovers(client, ready):
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(_unreachable())
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        checks = response.json()["checks"]
        assert (
            checks["database"]["status"] == "fail" and "OperationalError" in checks["database"]["detail_en"]
        )
        assert checks["migrations"]["status"] == "fail" and "database" in checks["migrations"]["detail_en"]
        assert checks["gateway_key"]["status"] == "ok"  # the others are still checked
        assert connection.connection is None  # nothing broken left behind
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["database"]["status"] == "ok"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: SQLite has no server to lose")
@pytest.mark.django_db(transaction=True)
def test_a_terminated_postgresql_session_is_replaced(client, ready):
    """A restart or failover ends the server side of a kept connection: the probe must not answer 500 and
    must not leave the dead connection to the next request."""
    import psycopg

    assert client.get("/readyz").json()["checks"]["database"]["status"] == "ok"
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(
        host=params.get("host"), port=params.get("port"), user=params.get("user"), dbname=params["dbname"],
        password=params.get("password"), autocommit=True,
    ) as other:  # fmt: skip
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    response = client.get("/readyz")
    assert response.status_code in (200, 503)
    assert response.json()["checks"]["database"]["status"] in ("warn", "fail")  # the dead one was seen
    assert connection.connection is None or connection.connection.info.backend_pid != pid
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["database"]["status"] == "ok"
    from hoso.reference.models import Office

    Office.objects.count()  # and any other query


class _FreezableRelay:
    """A TCP relay to PostgreSQL that can stop passing bytes on: a frozen server or a dropped network,
    where the client waits for an answer that never comes."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.frozen.is_set():
                    time.sleep(0.01)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def close(self) -> None:
        self.frozen.clear()
        self.listener.close()


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only: a server behind a network")
@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_is_given_up_on_time():
    saved = dict(connection.settings_dict)
    relay = _FreezableRelay(str(saved.get("HOST") or "127.0.0.1"), int(saved.get("PORT") or 5432))
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": relay.port})
    try:
        assert health.database(deadline=0.3).status == "ok"  # connected through the relay
        relay.frozen.set()
        start = time.monotonic()
        result = health.database(deadline=0.3)
        assert time.monotonic() - start < 2
        assert result.status == "fail" and "0.3 s" in result.detail_en and "0,3 giây" in result.detail
        assert connection.connection is None  # the stuck connection is not kept
    finally:
        relay.close()
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert health.database().status == "ok"


# --- migrations -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unapplied_migration_fails_and_a_newer_one_warns():
    from django.db.migrations.recorder import MigrationRecorder

    assert health.migrations().status == "ok"
    last = MigrationRecorder.Migration.objects.filter(app="reports").order_by("-name").first()
    MigrationRecorder.Migration.objects.filter(pk=last.pk).delete()
    result = health.migrations()
    assert (
        result.status == "fail" and f"reports.{last.name}" in result.detail and "hoso init" in result.detail
    )
    MigrationRecorder.Migration.objects.create(app=last.app, name=last.name)
    MigrationRecorder.Migration.objects.create(app="reports", name="9999_from_a_newer_version")
    result = health.migrations()
    assert result.status == "warn" and "reports.9999_from_a_newer_version" in result.detail_en


# --- evidence store ---------------------------------------------------------------------------------------


def _probe_files(folder) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".incoming-")]


def test_the_evidence_folder_must_exist_and_take_a_write(settings, tmp_path):
    from hoso.intake.blobstore import blob_store

    folder = settings.HOSO_BLOB_STORE = tmp_path / "data" / "blobs"
    result = health.evidence_store()
    assert result.status == "fail" and "không tồn tại" in result.detail and "not mounted" in result.detail_en
    assert not folder.parent.exists()  # not made by the probe (an unmounted share stays visible)
    blob_store().prepare()  # what `hoso init` is for
    assert health.evidence_store().status == "ok"
    assert _probe_files(folder) == []  # the probe file is removed
    digest = blob_store().put(b"evidence")
    assert health.evidence_store().status == "ok" and blob_store().get(digest) == b"evidence"


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder no file can be created in: read-only mode, or immutable when running as root."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    immutable = False
    if os.access(folder, os.W_OK):  # root: modes do not stop it
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("no way to make a folder unwritable for this user (root without chattr)")
    yield folder
    if immutable:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    folder.chmod(stat.S_IRWXU)


def test_an_unwritable_evidence_folder_fails(settings, unwritable_folder):
    settings.HOSO_BLOB_STORE = unwritable_folder
    result = health.evidence_store()
    assert result.status == "fail" and "cannot be written" in result.detail_en
    assert "Không ghi được" in result.detail and str(unwritable_folder) not in result.detail


def test_an_s3_evidence_store_is_checked_with_a_head_of_its_bucket(settings, monkeypatch):
    pytest.importorskip("boto3")
    server_module = pytest.importorskip("moto.server")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            monkeypatch.setenv(key, value)
        settings.HOSO_BLOB_STORE = "s3://hoso-health/evidence"
        settings.HOSO_S3_ENDPOINT_URL = f"http://127.0.0.1:{port}"
        result = health.evidence_store()
        assert result.status == "fail" and "S3" in result.detail_en and "404" in result.detail_en
        from hoso.intake.blobstore import blob_store

        blob_store().client.create_bucket(Bucket="hoso-health")
        assert health.evidence_store().status == "ok"
    finally:
        server.stop()
    result = health.evidence_store()  # the server gone: no long wait, no retries
    assert result.status == "fail"


# --- the gateway's key ------------------------------------------------------------------------------------


def _use_identity(settings, key_of, cert_of):
    settings.HOSO_GATEWAY_KEY, settings.HOSO_GATEWAY_CERT = key_of.key_path, cert_of.cert_path


def test_the_gateway_key_passes_and_warns_before_the_certificate_expires(settings, test_pki):  # noqa: F811
    _use_identity(settings, test_pki["gateway"], test_pki["gateway"])
    result = health.gateway_key()
    end = test_pki["gateway"].certificate.not_valid_after_utc
    assert result.status == "ok" and result.fields["not_after"] == end.isoformat()
    result = health.gateway_key(now=end - timedelta(days=10))
    assert result.status == "warn" and "10" in result.detail_en
    assert health.hanoi_time(end) in result.detail and "giờ Hà Nội" in result.detail
    assert health.gateway_key(now=end - timedelta(days=31)).status == "ok"
    _use_identity(settings, test_pki["unit-ec"], test_pki["unit-ec"])  # an ECDSA pair works too
    assert health.gateway_key().status == "ok"


@pytest.mark.parametrize(
    ("key", "cert", "words"),
    [
        ("unit-expired", "unit-expired", "expired"),
        ("unit-notyet", "unit-notyet", "not valid yet"),
        ("unit-valid", "gateway", "does not match"),
    ],
)
def test_the_gateway_key_fails(settings, test_pki, key, cert, words):  # noqa: F811
    _use_identity(settings, test_pki[key], test_pki[cert])
    result = health.gateway_key()
    assert result.status == "fail" and words in result.detail_en


def test_a_missing_gateway_key_fails_without_naming_its_path(settings, tmp_path, test_pki):  # noqa: F811
    settings.HOSO_GATEWAY_KEY = tmp_path / "secret-place" / "gateway.key.pem"
    settings.HOSO_GATEWAY_CERT = test_pki["gateway"].cert_path
    result = health.gateway_key()
    assert result.status == "fail" and "cannot be loaded" in result.detail_en
    assert "secret-place" not in result.detail + result.detail_en
    (tmp_path / "broken.pem").write_text(
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n"
    )
    settings.HOSO_GATEWAY_KEY = tmp_path / "broken.pem"
    assert health.gateway_key().status == "fail"


# --- CRL freshness ----------------------------------------------------------------------------------------


@pytest.mark.django_db  # the CRLs the revocation job stored count too
def test_the_test_pki_crls_are_fresh_until_their_next_update(settings, test_pki):  # noqa: F811
    settings.HOSO_CRL_DIR = test_pki.crls_dir
    result = health.crl_freshness()
    assert result.status == "ok"
    next_update = datetime.fromisoformat(result.fields["next_update"])
    assert "HOSO TEST" in result.detail and health.hanoi_time(next_update) in result.detail
    assert health.crl_freshness(now=next_update - timedelta(hours=2)).status == "warn"
    expired = health.crl_freshness(now=next_update + timedelta(minutes=1))
    assert (
        expired.status == "fail"
        and "từ chối tạm" in expired.detail
        and "refused for now" in expired.detail_en
    )
    assert "TRY_LATER" not in expired.detail  # the IT page shows it: no internal code (issue 20, item 8)


def test_an_expired_crl_fails_readyz_naming_its_ca_and_time(client, ready, test_pki, db):  # noqa: F811
    stale_at = datetime(2016, 3, 15, 1, 30, tzinfo=UTC)  # 08:30 in Hanoi
    (ready / "crls" / "issuing-ca.crl").write_bytes(_crl(test_pki.issuing, stale_at))
    response = client.get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["crl_freshness"]
    assert check["status"] == "fail" and check["next_update"] == "2016-03-15T01:30:00+00:00"
    assert "HOSO TEST ISSUING CA" in check["detail"] and "15/03/2016 08:30 giờ Hà Nội" in check["detail"]
    assert "15/03/2016 08:30 Hanoi time" in check["detail_en"]
    rows = {row["issuer"]: row for row in check["crls"]}
    assert rows["HOSO TEST ISSUING CA"]["status"] == "fail" and rows["HOSO TEST ROOT CA"]["status"] == "ok"


@pytest.mark.django_db  # the CRLs the revocation job stored count too
def test_a_crl_near_its_next_update_warns(settings, ready, test_pki):  # noqa: F811
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=5)
    (ready / "crls" / "issuing-ca.crl").write_bytes(_crl(test_pki.issuing, soon))
    result = health.crl_freshness()
    assert result.status == "warn" and result.fields["next_update"] == soon.isoformat()
    assert "24" in result.detail and health.hanoi_time(soon) in result.detail


@pytest.mark.django_db  # the CRLs the revocation job stored count too
def test_the_newest_crl_of_a_ca_counts(settings, ready, test_pki):  # noqa: F811
    (ready / "crls" / "issuing-ca-old.crl").write_bytes(
        _crl(test_pki.issuing, datetime(2016, 1, 1, tzinfo=UTC))
    )
    assert health.crl_freshness().status == "ok"


@pytest.mark.django_db  # the CRLs the revocation job stored count too
def test_a_crl_file_replaced_in_place_is_read_again(settings, ready, test_pki):  # noqa: F811
    path = ready / "crls" / "issuing-ca.crl"
    assert health.crl_freshness().status == "ok"
    path.write_bytes(_crl(test_pki.issuing, datetime(2016, 1, 1, tzinfo=UTC)))
    assert health.crl_freshness().status == "fail"


@pytest.mark.django_db  # the CRLs the revocation job stored count too
def test_an_unreadable_crl_file_fails(settings, ready):
    (ready / "crls" / "damaged.crl").write_bytes(b"not a CRL")
    result = health.crl_freshness()
    assert result.status == "fail" and "damaged.crl" in result.detail_en
    (ready / "crls" / "README.txt").write_text("not read by the trust store either")
    (ready / "crls" / "damaged.crl").unlink()
    assert health.crl_freshness().status == "ok"


# --- hoso check -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_hoso_check_reports_the_readiness_checks(ready, test_pki, beating):  # noqa: F811
    from hoso.operations.checks import production_findings

    assert not [f for f in production_findings() if f.code.startswith("CHECK_READY")]
    (ready / "crls" / "issuing-ca.crl").write_bytes(_crl(test_pki.issuing, datetime(2016, 1, 1, tzinfo=UTC)))
    shutil.rmtree(ready / "crls" / ".." / "blobs")
    findings = {f.code: f for f in production_findings()}
    assert findings["CHECK_READY_CRL_FRESHNESS"].severity == "error"
    assert "HOSO TEST ISSUING CA" in findings["CHECK_READY_CRL_FRESHNESS"].message_vi
    assert findings["CHECK_READY_EVIDENCE_STORE"].severity == "error"
    assert "CHECK_READY_DATABASE" not in findings
