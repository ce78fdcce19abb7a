"""One cluster, one identity (issue 18, item 1): every server signs receipts as the same gateway, with the
same secret key and the same trust, or refuses to start and fails `hoso check`.

In-process tests run on both databases; the several-servers tests start real `hoso` processes with data
directories of their own over one PostgreSQL database (skipped on SQLite: it has one server).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from shutil import which
from urllib.parse import urlsplit, urlunsplit

import pytest
from cryptography import x509

from hoso.intake import cluster, gateway
from hoso.intake.receipts import ReceiptContent, build_receipt
from hoso.operations import health
from hoso.signature.certs import common_name

SECRET = "s" * 60


@pytest.fixture
def fresh_gateway():
    gateway.forget()
    yield
    gateway.forget()


def _receipt() -> bytes:
    return build_receipt(
        ReceiptContent(
            submission_id=str(uuid.uuid4()),
            received_at=datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
            outcome="accepted",
            sha256="0" * 64,
            channel="ivan",
        )
    )


def _xmlsec1_verifies(receipt: bytes, cert_pem: bytes, tmp_path: Path) -> subprocess.CompletedProcess:
    (tmp_path / "receipt.xml").write_bytes(receipt)
    (tmp_path / "gateway.pem").write_bytes(cert_pem)
    return subprocess.run(
        ["xmlsec1", "--verify", "--pubkey-cert-pem", str(tmp_path / "gateway.pem"), "--enabled-key-data",
         "rsa,x509", str(tmp_path / "receipt.xml")],
        capture_output=True, text=True,
    )  # fmt: skip


# --- where the key is: PKCS#12 -------------------------------------------------------------------------


@pytest.mark.skipif(which("xmlsec1") is None, reason="Debian package xmlsec1 not installed (make test does)")
def test_receipts_signed_with_a_pkcs12_gateway_key_verify_with_xmlsec1(
    settings, test_pki, fresh_gateway, tmp_path
):
    settings.HOSO_GATEWAY_P12 = str(test_pki["gateway"].p12_path)
    settings.HOSO_GATEWAY_P12_PASSWORD = test_pki.password
    assert gateway.configured_source() == "p12"
    receipt = _receipt()
    result = _xmlsec1_verifies(receipt, test_pki["gateway"].cert_path.read_bytes(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert gateway.gateway_certificate() == test_pki["gateway"].certificate


def test_a_wrong_pkcs12_password_fails_readiness_with_a_reason_not_a_traceback(
    settings, test_pki, fresh_gateway, db
):
    settings.HOSO_GATEWAY_P12 = str(test_pki["gateway"].p12_path)
    settings.HOSO_GATEWAY_P12_PASSWORD = "wrong"
    result = health.gateway_key()
    assert result.status == health.FAIL
    assert "không đọc được" in result.detail.lower() and str(test_pki["gateway"].p12_path) in result.cause


# --- the cluster's record ------------------------------------------------------------------------------


def test_the_first_join_records_the_cluster_and_a_server_that_differs_is_told_how(
    settings, test_pki, fresh_gateway, db
):
    from hoso.intake.models import ClusterIdentity, GatewayCertificate

    assert cluster.join(register=True) == "registered"
    identity = ClusterIdentity.objects.get(pk=1)
    builtin = GatewayCertificate.objects.get(sha256=identity.gateway_sha256)
    assert builtin.sealed_key and b"PRIVATE KEY" not in bytes(builtin.sealed_key)  # sealed, never in clear
    assert identity.secret_fingerprint == cluster.secret_fingerprint() and settings.SECRET_KEY not in str(
        identity.secret_fingerprint
    )
    assert cluster.join(register=False) == "same" and cluster.divergences() == []

    # Another server configured with a CA-issued key: refused, readiness fails, `hoso check` says why.
    settings.HOSO_GATEWAY_P12 = str(test_pki["gateway"].p12_path)
    settings.HOSO_GATEWAY_P12_PASSWORD = test_pki.password
    gateway.forget()
    with pytest.raises(cluster.ClusterError) as refused:
        cluster.join(register=False)
    assert (
        refused.value.code == "CLUSTER_GATEWAY_DIFFERS" and "hoso cluster adopt" in refused.value.message_vi
    )
    assert [d.code for d in cluster.divergences()] == ["CHECK_CLUSTER_GATEWAY_DIFFERS"]
    assert health.gateway_key().status == health.FAIL

    # The rotation: adopt the new key; the built-in certificate stays recorded for older receipts.
    new = cluster.adopt()
    assert new == cluster.sha256_of(test_pki["gateway"].certificate)
    assert ClusterIdentity.objects.get(pk=1).gateway_sha256 == new
    assert GatewayCertificate.objects.count() == 2
    assert cluster.divergences() == [] and health.gateway_key().status != health.FAIL

    # A server left with the built-in identity now has no key the cluster accepts.
    settings.HOSO_GATEWAY_P12 = None
    gateway.forget()
    with pytest.raises(cluster.ClusterError) as refused:
        cluster.join(register=False)
    assert refused.value.code == "CLUSTER_GATEWAY_NOT_CONFIGURED"


def test_a_server_with_another_secret_key_is_refused_and_cannot_unseal_the_built_in_key(
    settings, fresh_gateway, db
):
    from hoso.intake.models import ClusterIdentity, GatewayCertificate

    cluster.join(register=True)
    sealed = bytes(
        GatewayCertificate.objects.get(sha256=ClusterIdentity.objects.get().gateway_sha256).sealed_key
    )
    settings.SECRET_KEY = "another secret key of another server, fifty characters or more...."
    with pytest.raises(cluster.ClusterError) as refused:
        cluster.join(register=False)
    assert refused.value.code == "CLUSTER_SECRET_DIFFERS" and "HOSO_SECRET_KEY" in refused.value.message_vi
    assert [d.code for d in cluster.divergences()] == ["CHECK_CLUSTER_SECRET_DIFFERS"]
    with pytest.raises(cluster.ClusterError):
        cluster.unseal(sealed)
    with pytest.raises(cluster.ClusterError):
        cluster.unseal(sealed[:-1] + bytes([sealed[-1] ^ 1]))


def test_sealing_round_trips_under_one_secret(settings):
    settings.SECRET_KEY = SECRET
    blob = cluster.seal(b"key bytes")
    assert cluster.unseal(blob) == b"key bytes" and b"key bytes" not in blob
    assert cluster.seal(b"key bytes") != blob  # a fresh nonce each time


def test_a_ca_added_to_the_cluster_is_trusted_by_the_trust_store_and_removed_again(
    test_pki, fresh_gateway, db
):
    root = test_pki.root.certificate
    assert root not in gateway.trust_store().anchors
    assert cluster.add_trusted(root, "anchor") is True
    assert cluster.add_trusted(root, "anchor") is False  # once
    assert root in gateway.trust_store().anchors
    assert cluster.remove_trusted(cluster.sha256_of(root)[:4]) == []  # too short a prefix removes nothing
    assert cluster.remove_trusted(cluster.sha256_of(root)[:12]) == [common_name(root.subject)]
    gateway.forget()
    assert root not in gateway.trust_store().anchors


# --- several servers over one PostgreSQL ---------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture
def shared_database():
    import psycopg

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("several servers share a PostgreSQL database: set DATABASE_URL=postgresql://… (CI does)")
    name = f"hoso_cluster_{uuid.uuid4().hex[:12]}"
    admin = _with_database(server_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server_url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _server(tmp_path: Path, name: str, url: str, **variables: str) -> dict:
    data = tmp_path / name
    data.mkdir()
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("HOSO_", "DATABASE_URL", "DJANGO_"))}
    return keep | {"HOSO_DATA_DIR": str(data), "DATABASE_URL": url, "HOSO_SECRET_KEY": SECRET} | variables


def _hoso(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoso", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _refused(result: subprocess.CompletedProcess, code_words: str) -> None:
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert code_words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert "Booting worker" not in result.stderr and "Listening" not in result.stderr


@pytest.mark.slow
def test_two_servers_sign_as_one_gateway_and_a_divergent_one_is_refused(shared_database, tmp_path, test_pki):
    a = _server(tmp_path, "a", shared_database)
    b = _server(tmp_path, "b", shared_database)
    assert _hoso(a, "init").returncode == 0
    joined = _hoso(b, "init")
    assert joined.returncode == 0 and "nhận từ cơ sở dữ liệu" in joined.stdout, joined.stderr
    key_a, key_b = (Path(env["HOSO_DATA_DIR"]) / "gateway" / "gateway.key.pem" for env in (a, b))
    assert key_a.read_bytes() == key_b.read_bytes() and key_b.stat().st_mode & 0o077 == 0
    assert _hoso(a, "gateway-cert").stdout == _hoso(b, "gateway-cert").stdout
    assert _hoso(b, "cluster", "status").returncode == 0

    # A third server started without the cluster's secret key: refused at init and at serve.
    c = _server(tmp_path, "c", shared_database)
    del c["HOSO_SECRET_KEY"]
    _refused(_hoso(c, "init"), "HOSO_SECRET_KEY")
    _refused(_hoso(c, "serve", "--port", "1", "--no-worker"), "HOSO_SECRET_KEY")

    # A server configured with a CA-issued key the cluster does not use: refused with the way out.
    d = _server(
        tmp_path, "d", shared_database,
        HOSO_GATEWAY_P12=str(test_pki["gateway"].p12_path), HOSO_GATEWAY_P12_PASSWORD=test_pki.password,
    )  # fmt: skip
    _refused(_hoso(d, "serve", "--port", "1", "--no-worker"), "hoso cluster adopt")
    # Rotation: adopt it there; now A (still on the built-in key) diverges and `hoso check` fails on it.
    adopted = _hoso(d, "cluster", "adopt")
    assert adopted.returncode == 0, adopted.stderr
    assert _hoso(d, "cluster", "status").returncode == 0
    checked = _hoso(a, "check")
    assert checked.returncode == 1 and "CHECK_CLUSTER_GATEWAY_DIFFERS" in checked.stdout
    _refused(_hoso(a, "serve", "--port", "1", "--no-worker"), "CA")
    assert (
        x509.load_pem_x509_certificate(_hoso(d, "gateway-cert").stdout.encode())
        == test_pki["gateway"].certificate
    )


@pytest.mark.slow
def test_a_ca_in_one_servers_folder_only_is_a_divergence_until_added_for_all(
    shared_database, tmp_path, test_pki
):
    a = _server(tmp_path, "a", shared_database)
    b = _server(tmp_path, "b", shared_database)
    anchors = Path(a["HOSO_DATA_DIR"]) / "trust" / "anchors"
    anchors.mkdir(parents=True)
    (anchors / "root.pem").write_bytes(test_pki.root.cert_path.read_bytes())
    assert _hoso(a, "init").returncode == 0  # the first server's folders become the cluster's trust
    assert _hoso(b, "init").returncode == 0
    listed = _hoso(b, "trust", "list")
    assert cluster.sha256_of(test_pki.root.certificate) in listed.stdout
    # B gets a CA in its own folder only: `hoso check` names it; `hoso trust add` shares it.
    folder = Path(b["HOSO_DATA_DIR"]) / "trust" / "intermediates"
    folder.mkdir(parents=True)
    (folder / "issuing.pem").write_bytes(test_pki.issuing.cert_path.read_bytes())
    checked = _hoso(b, "check")
    assert checked.returncode == 1 and "CHECK_CLUSTER_TRUST_LOCAL" in checked.stdout
    added = _hoso(b, "trust", "add", str(folder / "issuing.pem"), "--intermediate")
    assert added.returncode == 0 and "Đã thêm" in added.stdout
    assert "CHECK_CLUSTER_TRUST_LOCAL" not in _hoso(b, "check").stdout
    assert cluster.sha256_of(test_pki.issuing.certificate) in _hoso(a, "trust", "list").stdout


def test_serve_with_the_database_unreachable_says_so_without_a_traceback(tmp_path):
    env = _server(tmp_path, "a", "postgresql://postgres@127.0.0.1:1/nothing", HOSO_DB_CONNECT_TIMEOUT="2")
    result = _hoso(env, "serve", "--port", "1", "--no-worker")
    _refused(result, "Không kết nối được cơ sở dữ liệu")
