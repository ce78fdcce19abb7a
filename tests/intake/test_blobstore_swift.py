"""The S3 evidence store against a real S3-compatible server: OpenStack Swift 2.30 with s3api (issue 18,
item 8; tests/objectstore.py starts it). moto (tests/intake/test_blobstore.py) stays for fast unit tests;
what a real server does differently is proved here: the store's API, a large blob in one PUT, a body
changed in transit refused, a server frozen or stopped (a coded error, never a success, nothing
acknowledged through the I-VAN API), `hoso init` and readiness with the bucket missing, and backups of
the bucket (incremental) restored into another bucket."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from hoso.intake.blobstore import BlobStoreError, S3BlobStore
from tests.api.conftest import api, ivan_key, make_envelope, pki, rate_limit_off, signers  # noqa: F401
from tests.objectstore import SwiftServer

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "hoso-store"


@pytest.fixture(scope="module")
def bucket(swift):
    swift.make_bucket(BUCKET)
    return BUCKET


@pytest.fixture
def s3_env(swift, monkeypatch):
    """The credentials and region of the session's Swift in this process's environment (boto3 reads
    them when a store makes its client)."""

    def use(server: SwiftServer, bucket: str, prefix: str) -> dict[str, str]:
        env = server.env(bucket, prefix)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return env

    return use


@pytest.fixture
def store(swift, bucket, s3_env) -> S3BlobStore:
    """A store of its own prefix in the session's bucket."""
    env = s3_env(swift, bucket, f"t-{uuid.uuid4().hex[:12]}")
    return S3BlobStore(env["HOSO_BLOB_STORE"], endpoint_url=env["HOSO_S3_ENDPOINT_URL"])


def _requests(store: S3BlobStore) -> list[tuple[str, str]]:
    """The HTTP requests the store's client sends from now on (method, path), appended as they go."""
    sent: list[tuple[str, str]] = []
    store.client.meta.events.register(
        "before-send.s3", lambda request, **_: sent.append((request.method, request.url.split("/", 3)[3]))
    )
    return sent


# --- the store's API ----------------------------------------------------------------------------------


def test_put_get_exists_list_delete(store, swift):
    data = "hồ sơ BHXH".encode()
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.exists(digest) and store.get(digest) == data
    assert store.open(digest).read() == data
    assert list(store.list()) == [digest]
    stored = swift.client().list_objects_v2(Bucket=BUCKET, Prefix=store.prefix + "/")["Contents"]
    assert [o["Key"] for o in stored] == [f"{store.prefix}/{digest}"]
    store.delete(digest)
    assert not store.exists(digest) and list(store.list()) == []
    with pytest.raises(BlobStoreError) as caught:
        store.get(digest)
    assert caught.value.code == "BLOB_NOT_FOUND"


def test_a_repeat_put_is_answered_from_the_store_without_sending_the_bytes_again(store):
    data = os.urandom(1000)
    first = store.put(data)
    sent = _requests(store)
    assert store.put(data) == first
    assert [method for method, _ in sent] == ["HEAD"]  # found: no second PUT
    assert store.get(first) == data


def test_a_25_mb_blob_goes_in_one_put_and_comes_back_whole(store, swift):
    """Larger than HOSO_MAX_UPLOAD_BYTES (20 MB): one PUT, no multipart upload, which would need the
    SLO middleware and send per-part checksums Swift 2.30 does not know."""
    data = os.urandom(25 * 1024 * 1024)
    sent = _requests(store)
    digest = store.put(data)
    assert [method for method, _ in sent] == ["HEAD", "PUT"]
    head = swift.client().head_object(Bucket=BUCKET, Key=f"{store.prefix}/{digest}")
    assert head["ContentLength"] == len(data)
    assert store.get(digest) == data


def test_bad_keys_and_missing_blobs(store):
    for call in (store.get, store.exists, store.delete, store.open):
        with pytest.raises(BlobStoreError) as caught:
            call("../../etc/passwd")
        assert caught.value.code == "BLOB_BAD_KEY"
    missing = "1" * 64
    assert not store.exists(missing)
    for call in (store.get, store.open):
        with pytest.raises(BlobStoreError) as caught:
            call(missing)
        assert caught.value.code == "BLOB_NOT_FOUND"
    store.delete(missing)  # S3 semantics: deleting what is not there succeeds


def test_swift_refuses_a_body_changed_after_it_was_signed(store):
    """The SHA-256 of the body is in the signature (x-amz-content-sha256) and Swift checks it: bytes
    changed on the way are refused, and nothing is stored. (Swift 2.30 ignores x-amz-checksum-sha256,
    so without payload signing nothing would be checked.)"""
    data = b"<HoSo>the evidence as received</HoSo>"

    def corrupt(request, **_):
        if request.method == "PUT":
            request.body = data.replace(b"evidence", b"EVIDENCE")

    store.client.meta.events.register("before-send.s3", corrupt)
    with pytest.raises(BlobStoreError) as caught:
        store.put(data)
    assert caught.value.code == "BLOB_WRITE_FAILED"
    assert "BadDigest" in str(caught.value.__cause__) or "SHA" in str(caught.value.__cause__)
    assert not store.exists(hashlib.sha256(data).hexdigest())


def test_over_https_the_body_is_signed_and_sent_in_one_piece(tmp_path, s3_env):
    """Swift's proxy serving https: botocore's defaults there (since boto3 1.36) send the body
    aws-chunked with a CRC32 trailer and unsigned, which Swift 2.30 refuses (501 NotImplemented); the
    store's client signs the body's SHA-256 and adds no checksum of its own, so its puts are accepted,
    and verified (a body changed after signing is refused over https too)."""
    with SwiftServer.start(tmp_path / "swift", tls=True) as server:
        server.make_bucket("hoso-tls")
        env = s3_env(server, "hoso-tls", "evidence")
        assert env["HOSO_S3_ENDPOINT_URL"].startswith("https://") and "AWS_CA_BUNDLE" in env
        import boto3

        plain = boto3.session.Session().client("s3", endpoint_url=server.endpoint_url)
        with pytest.raises(Exception, match="aws-chunked is not supported"):
            plain.put_object(Bucket="hoso-tls", Key="plain", Body=b"boto3 as it comes")

        store = S3BlobStore(env["HOSO_BLOB_STORE"], endpoint_url=env["HOSO_S3_ENDPOINT_URL"])
        seen: dict[str, dict] = {}
        store.client.meta.events.register(
            "before-send.s3", lambda request, **_: seen.update({request.method: dict(request.headers)})
        )
        data = b"<HoSo>over TLS</HoSo>"
        digest = store.put(data)
        assert store.get(digest) == data
        assert seen["PUT"]["X-Amz-Content-SHA256"].decode() == digest
        assert "Content-Encoding" not in seen["PUT"]

        store.client.meta.events.register(
            "before-send.s3", lambda request, **_: setattr(request, "body", b"X" * len(request.body or b""))
        )
        with pytest.raises(BlobStoreError) as caught:
            store.put(b"<HoSo>changed on the way</HoSo>")
        assert caught.value.code == "BLOB_WRITE_FAILED"


# --- the server frozen, or stopped ----------------------------------------------------------------------


def _timeouts(monkeypatch, seconds: float) -> None:
    monkeypatch.setattr(S3BlobStore, "CONNECT_TIMEOUT_SECONDS", seconds)
    monkeypatch.setattr(S3BlobStore, "READ_TIMEOUT_SECONDS", seconds)
    monkeypatch.setattr(S3BlobStore, "CHECK_TIMEOUT_SECONDS", seconds)


def test_a_frozen_server_is_a_coded_error_within_the_store_s_timeouts(swift, bucket, s3_env, monkeypatch):
    """Swift's proxy stopped with SIGSTOP: connections are accepted by the kernel and never answered.
    Each call gives up after its timeout (one retry) with a coded error; nothing reports success."""
    _timeouts(monkeypatch, 0.3)
    env = s3_env(swift, bucket, "frozen")
    store = S3BlobStore(env["HOSO_BLOB_STORE"], endpoint_url=env["HOSO_S3_ENDPOINT_URL"])
    proxy = swift.processes["proxy"]
    proxy.send_signal(signal.SIGSTOP)
    try:
        began = time.monotonic()
        with pytest.raises(BlobStoreError) as caught:
            store.put(b"sent while the store is frozen")
        assert caught.value.code == "BLOB_WRITE_FAILED" and time.monotonic() - began < 5
        with pytest.raises(BlobStoreError) as caught:
            store.get("2" * 64)
        assert caught.value.code == "BLOB_READ_FAILED"
        with pytest.raises(BlobStoreError) as caught:
            store.check()
        assert caught.value.code == "BLOB_STORE_UNREACHABLE"
    finally:
        proxy.send_signal(signal.SIGCONT)
    assert store.put(b"after the thaw") == hashlib.sha256(b"after the thaw").hexdigest()


@pytest.fixture
def swift_to_stop(tmp_path, s3_env, monkeypatch):
    """A Swift of this test's own, which the test stops."""
    _timeouts(monkeypatch, 1.0)
    with SwiftServer.start(tmp_path / "swift") as server:
        server.make_bucket("hoso-doomed")
        s3_env(server, "hoso-doomed", "evidence")
        yield server


def test_a_put_cut_off_by_the_server_stopping_is_a_coded_error(swift_to_stop):
    """A 25 MB put is under way (the proxy frozen, the bytes in the socket buffers) when the proxy is
    killed: the put fails with BLOB_WRITE_FAILED (its retry finds nothing listening), never success;
    then, the whole server stopped, every call is a coded error at once."""
    env = swift_to_stop.env("hoso-doomed")
    store = S3BlobStore(env["HOSO_BLOB_STORE"], endpoint_url=env["HOSO_S3_ENDPOINT_URL"])
    store.put(b"stored before")
    proxy = swift_to_stop.processes["proxy"]
    proxy.send_signal(signal.SIGSTOP)
    outcome: list = []

    def put():
        try:
            outcome.append(store.put(os.urandom(25 * 1024 * 1024)))
        except BlobStoreError as error:
            outcome.append(error)

    putting = threading.Thread(target=put)
    putting.start()
    time.sleep(0.3)  # connected, sending, blocked on the full socket buffers
    proxy.kill()
    putting.join(30)
    assert not putting.is_alive()
    (error,) = outcome
    assert isinstance(error, BlobStoreError) and error.code == "BLOB_WRITE_FAILED", error
    assert "chưa được tiếp nhận" in error.message_vi

    swift_to_stop.stop()
    began = time.monotonic()
    for call, code in (
        (lambda: store.put(b"after the stop"), "BLOB_WRITE_FAILED"),
        (lambda: store.get(hashlib.sha256(b"stored before").hexdigest()), "BLOB_READ_FAILED"),
        (lambda: store.exists("3" * 64), "BLOB_READ_FAILED"),
        (lambda: store.delete("3" * 64), "BLOB_DELETE_FAILED"),
        (lambda: list(store.list()), "BLOB_READ_FAILED"),
        (store.check, "BLOB_STORE_UNREACHABLE"),
        (store.prepare, "BLOB_STORE_UNREACHABLE"),
    ):
        with pytest.raises(BlobStoreError) as caught:
            call()
        assert caught.value.code == code
    assert time.monotonic() - began < 5  # connection refused: no waiting


# --- the I-VAN API over Swift -------------------------------------------------------------------------


@pytest.fixture
def s3_settings(settings):
    def use(env: dict[str, str]) -> None:
        settings.HOSO_BLOB_STORE = env["HOSO_BLOB_STORE"]
        settings.HOSO_S3_ENDPOINT_URL = env["HOSO_S3_ENDPOINT_URL"]

    return use


@pytest.mark.django_db
def test_a_dossier_submitted_through_the_api_is_kept_in_swift(api, unit, make_envelope, swift, bucket, s3_env, s3_settings):  # noqa: F811  # fmt: skip
    from hoso.intake.models import Submission

    env = s3_env(swift, bucket, "api")
    s3_settings(env)
    raw = make_envelope()
    response = api.submit(raw)
    assert response.status_code == 201, response.content
    submission = Submission.objects.get(public_id=response["X-Submission-Id"])
    assert submission.sha256 == hashlib.sha256(raw).hexdigest()
    kept = swift.client().get_object(Bucket=bucket, Key=f"api/{submission.sha256}")["Body"].read()
    assert kept == raw and response.content == bytes(submission.receipt_xml)
    again = api.submit(raw)  # a repeat: answered from the record, the evidence found in Swift
    assert again.status_code == 200 and again.content == response.content


@pytest.mark.django_db
def test_with_swift_stopped_a_submission_is_refused_and_nothing_is_acknowledged(api, unit, make_envelope, swift_to_stop, s3_settings):  # noqa: F811  # fmt: skip
    from hoso.intake.models import Submission
    from hoso.workflow.models import Dossier

    s3_settings(swift_to_stop.env("hoso-doomed"))
    swift_to_stop.stop()
    response = api.submit(make_envelope())
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "BLOB_WRITE_FAILED" and "nothing was acknowledged" in body["message_en"]
    assert "X-Submission-Id" not in response and b"<" not in response.content  # no receipt
    assert not Submission.objects.exists() and not Dossier.objects.exists()


# --- hoso init, readiness ------------------------------------------------------------------------------


def test_prepare_and_the_readiness_check_name_a_missing_bucket(
    swift, bucket, s3_env, s3_settings, monkeypatch
):
    from hoso.operations import health

    env = s3_env(swift, "hoso-never-made", "evidence")
    missing = S3BlobStore(env["HOSO_BLOB_STORE"], endpoint_url=env["HOSO_S3_ENDPOINT_URL"])
    for call in (missing.prepare, missing.check):
        with pytest.raises(BlobStoreError) as caught:
            call()
        assert caught.value.code == "BLOB_BUCKET_MISSING" and "hoso-never-made" in caught.value.message_en
    s3_settings(env)
    result = health.evidence_store()
    assert result.status == "fail" and "no bucket hoso-never-made" in result.detail_en

    s3_settings(s3_env(swift, bucket, "evidence"))
    assert health.evidence_store().status == "ok"
    from hoso.intake.blobstore import blob_store

    blob_store().prepare()  # the bucket is there: nothing to say

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-key")
    wrong = S3BlobStore(f"s3://{bucket}/evidence", endpoint_url=swift.endpoint_url)
    with pytest.raises(BlobStoreError) as caught:
        wrong.prepare()
    assert caught.value.code == "BLOB_STORE_UNREACHABLE" and "403" in caught.value.message_en


# --- hoso init, check, backup and restore as commands ---------------------------------------------------


def _env(data_dir: Path, s3: dict[str, str]) -> dict[str, str]:
    ours = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "HOSO_TRUSTED_PROXIES", "HOSO_BLOB_STORE")
    env = {k: v for k, v in os.environ.items() if k not in ours and not k.startswith(("HOSO_BACKUP", "AWS_"))}
    return env | {"HOSO_DATA_DIR": str(data_dir)} | s3


def _hoso(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoso", *args], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT
    )


def test_init_backup_and_restore_of_an_s3_evidence_store(swift, tmp_path):
    source = swift.env("hoso-backup-source", "evidence")
    env = _env(tmp_path / "data", source)
    refused = _hoso(env, "init")
    # Said in both languages, without a traceback, exit 3 (what to do: the service's administrator
    # makes the bucket).
    assert refused.returncode == 3 and "Traceback" not in refused.stderr, refused.stderr
    assert "không có bucket hoso-backup-source" in refused.stderr and "has no bucket" in refused.stderr
    swift.make_bucket("hoso-backup-source")
    made = _hoso(env, "init")
    assert made.returncode == 0, made.stderr

    store = S3BlobStore(source["HOSO_BLOB_STORE"], endpoint_url=source["HOSO_S3_ENDPOINT_URL"])
    store.client = swift.client()
    first = {store.put(f"<HoSo n='{i}'/>".encode() + os.urandom(100)) for i in range(3)}
    backups = tmp_path / "backups"
    once = _hoso(env, "backup", str(backups))
    assert once.returncode == 0, once.stderr
    assert "3 blobs needed, 3 copied" in once.stdout, once.stdout
    second = {store.put(os.urandom(3 * 1024 * 1024)), store.put(b"<HoSo n='last'/>")}
    twice = _hoso(env, "backup", str(backups))
    assert twice.returncode == 0 and "5 blobs needed, 2 copied" in twice.stdout, twice.stdout
    older, newer = sorted(backups.glob("hoso-backup-*"))
    assert set(json.loads((newer / "manifest.json").read_text())["blobs"]) == first | second
    assert set(json.loads((older / "manifest.json").read_text())["blobs"]) == first

    # into another server's data directory and an empty bucket: every blob put back, byte for byte
    target = swift.env("hoso-backup-target", "evidence")
    swift.make_bucket("hoso-backup-target")
    restored = _hoso(_env(tmp_path / "restored", target), "restore", str(newer))
    assert restored.returncode == 0, restored.stderr
    copy = S3BlobStore(target["HOSO_BLOB_STORE"], endpoint_url=target["HOSO_S3_ENDPOINT_URL"])
    copy.client = swift.client()
    assert set(copy.list()) == first | second
    assert all(copy.get(sha) == store.get(sha) for sha in first | second)

    # the bucket gone (a wrong name): a coded refusal, nothing written
    lost = _hoso(_env(tmp_path / "data", swift.env("hoso-no-such-bucket")), "backup", str(backups))
    assert lost.returncode == 1 and "BACKUP_EVIDENCE_UNREADABLE" in lost.stderr, lost.stderr
    assert len(list(backups.glob("hoso-backup-*"))) == 2 and not list(backups.glob(".partial-*"))
