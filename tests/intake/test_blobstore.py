import hashlib
import os
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


def _record_durability_steps(monkeypatch):
    """The store's renames and fsyncs, in order (each still done for real)."""
    from hoso.intake import blobstore

    steps = []
    real_replace, real_fsync = blobstore.os.replace, blobstore._fsync

    def replace(source, target):
        steps.append(("rename", str(target)))
        return real_replace(source, target)

    def fsync(path):
        steps.append(("fsync folder" if os.path.isdir(path) else "fsync file", str(path)))
        return real_fsync(path)

    monkeypatch.setattr(blobstore.os, "replace", replace)
    monkeypatch.setattr(blobstore, "_fsync", fsync)
    return steps


def test_a_new_blob_is_renamed_into_place_then_its_file_and_folders_are_fsynced(tmp_path, monkeypatch):
    store = FileBlobStore(tmp_path / "blobs")
    store.put(b"neighbour")  # the store's root exists; the next blob's folders may still be made
    steps = _record_durability_steps(monkeypatch)
    digest = store.put(b"the evidence")
    target = store.path(digest)
    made = [str(target.parent.parent), str(tmp_path / "blobs")]  # the parents of folders it may make
    assert steps[:3] == [
        ("rename", str(target)),
        ("fsync file", str(target)),
        ("fsync folder", str(target.parent)),
    ]
    assert all(step == "fsync folder" and path in made for step, path in steps[3:])
    assert target.read_bytes() == b"the evidence"


def test_a_blob_already_there_is_made_durable_again_and_not_rewritten(tmp_path, monkeypatch):
    """A put cut short between its rename and its fsyncs left the file; the next put of the same bytes
    (the sender's retry) fsyncs it before anything is acknowledged."""
    store = FileBlobStore(tmp_path)
    digest = store.put(b"sent twice")
    steps = _record_durability_steps(monkeypatch)
    assert store.put(b"sent twice") == digest
    target = store.path(digest)
    assert steps == [("fsync file", str(target)), ("fsync folder", str(target.parent))]


def test_a_file_of_the_right_size_but_wrong_content_is_replaced(tmp_path):
    """After a crash some file systems show a file under its final name with the right size and content
    that never reached the disk: it is not taken for the blob."""
    store = FileBlobStore(tmp_path)
    data = b"the real envelope bytes"
    digest = store.put(data)
    store.path(digest).write_bytes(b"\0" * len(data))
    assert store.put(data) == digest
    assert store.get(digest) == data


def test_concurrent_puts_of_the_same_bytes_all_leave_the_complete_blob(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = FileBlobStore(tmp_path)
    data = bytes(range(256)) * 400
    with ThreadPoolExecutor(8) as pool:
        digests = set(pool.map(lambda _: store.put(data), range(32)))
    assert digests == {hashlib.sha256(data).hexdigest()}
    folder = store.path(next(iter(digests))).parent
    assert store.get(next(iter(digests))) == data
    assert [p.name for p in folder.iterdir()] == [next(iter(digests))]  # no temporary file left
