import hashlib
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.intake.blobstore import BlobStoreError, FileBlobStore, S3BlobStore


@given(st.binary(max_size=2048))
def test_file_store_round_trip_is_content_addressed(tmp_path_factory, data):
    store = FileBlobStore(tmp_path_factory.mktemp("blobs"))
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.get(digest) == data and store.put(data) == digest
    assert not [p for p in store.path(digest).parent.iterdir() if p.name.startswith(".incoming-")]


def test_bad_keys_and_missing_blobs(tmp_path):
    store = FileBlobStore(tmp_path)
    with pytest.raises(BlobStoreError) as caught:
        store.get("../../etc/passwd")
    assert caught.value.code == "BLOB_BAD_KEY"
    with pytest.raises(BlobStoreError) as caught:
        store.get("0" * 64)
    assert caught.value.code == "BLOB_NOT_FOUND"


def test_a_write_failure_is_a_coded_error(tmp_path):
    (tmp_path / "blobs").write_bytes(b"a file where the store's folder should be")
    with pytest.raises(BlobStoreError) as caught:
        FileBlobStore(tmp_path / "blobs").put(b"x")
    assert caught.value.code == "BLOB_WRITE_FAILED" and "chưa được tiếp nhận" in caught.value.message_vi


def test_s3_compatible_store_against_a_local_s3_server(monkeypatch):
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
        store = S3BlobStore("s3://hoso-evidence/received", endpoint_url=f"http://127.0.0.1:{port}")
        store.client.create_bucket(Bucket="hoso-evidence")
        digest = store.put("hồ sơ".encode())
        assert store.exists(digest) and store.get(digest) == "hồ sơ".encode()
        assert not store.exists("1" * 64)
        with pytest.raises(BlobStoreError):
            store.get("1" * 64)
        keys = [o["Key"] for o in store.client.list_objects_v2(Bucket="hoso-evidence")["Contents"]]
        assert keys == [f"received/{digest}"]
    finally:
        server.stop()


def test_the_first_blob_makes_the_store_and_its_folders(tmp_path):
    store = FileBlobStore(tmp_path / "data" / "blobs")
    digest = store.put(b"first")
    assert store.path(digest).read_bytes() == b"first"
    assert store.put(b"first") == digest  # stored once: the second put finds it
    assert [p.name for p in store.path(digest).parent.iterdir()] == [digest]
