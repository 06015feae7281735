"""Identical bytes uploaded at the same moment land under one key: the storage reuses an
existing key, never renames it, raises nothing and leaves no orphan. On a real
S3-compatible server (moto's server mode on loopback) and on the local disk."""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from paperdesk.submissions.storage import DurableFileSystemStorage, blob_name, sha256_of, store_blob
from tests.conftest import make_pdf_bytes
from tests.ops.conftest import s3_keys

UPLOADERS = 8
ROUNDS = 6


def race(pool: ThreadPoolExecutor, storage, payload: bytes) -> list:
    """UPLOADERS threads store the same bytes, released together by a barrier. The pool's
    threads live across rounds (S3Storage keeps one boto3 session per thread)."""
    barrier = threading.Barrier(UPLOADERS)

    def upload(_):
        barrier.wait()
        return store_blob(io.BytesIO(payload), storage=storage)

    futures = [pool.submit(upload, i) for i in range(UPLOADERS)]
    return [f.result() for f in futures]  # re-raises an uploader's exception


def s3_storage(bucket: str, endpoint: str, options: dict):
    from storages.backends.s3 import S3Storage

    return S3Storage(**{**options, "bucket_name": bucket, "endpoint_url": endpoint, "region_name": "us-east-1"})


def production_s3_options(monkeypatch, bucket: str, endpoint: str) -> dict:
    """The options settings.py gives the S3 backend, from the variables an operator sets."""
    import importlib

    import paperdesk.settings as real

    monkeypatch.setenv("PAPERDESK_S3_BUCKET", bucket)
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    try:
        fresh = importlib.reload(real)
        backend = fresh.STORAGES["default"]
    finally:
        monkeypatch.undo()
        importlib.reload(real)
    assert backend["BACKEND"] == "storages.backends.s3.S3Storage"
    return backend["OPTIONS"]


@pytest.mark.parametrize("configured", ["as settings.py configures it", "with django-storages' renaming default"])
def test_identical_concurrent_uploads_on_s3_share_one_key(s3_bucket, s3_endpoint, monkeypatch, configured):
    bucket, client = s3_bucket
    if configured == "as settings.py configures it":
        options = production_s3_options(monkeypatch, bucket, s3_endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "paperdesk-test")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "paperdesk-test-secret")
    else:
        options = {"file_overwrite": False}
    storage = s3_storage(bucket, s3_endpoint, options)
    names = set()
    with ThreadPoolExecutor(UPLOADERS) as pool:
        race(pool, storage, b"warm up each thread's connection")
        names.add(blob_name(sha256_of(io.BytesIO(b"warm up each thread's connection"))[0]))
        for n in range(ROUNDS):
            payload = make_pdf_bytes(1, text=f"round {n}")
            blobs = race(pool, storage, payload)
            assert {b.name for b in blobs} == {blobs[0].name}
            names.add(blobs[0].name)
            assert client.get_object(Bucket=bucket, Key=blobs[0].name)["Body"].read() == payload
    assert s3_keys(client, bucket) == sorted(names)  # one key per content, no renamed orphan


def test_identical_concurrent_uploads_on_disk_share_one_file(tmp_path):
    storage = DurableFileSystemStorage(location=str(tmp_path))
    payload = make_pdf_bytes(2)
    with ThreadPoolExecutor(UPLOADERS) as pool:
        for _ in range(ROUNDS):
            blobs = race(pool, storage, payload)
            assert {b.name for b in blobs} == {blob_name(blobs[0].sha256)}
    files = [os.path.relpath(os.path.join(d, f), tmp_path) for d, _, fs in os.walk(tmp_path) for f in fs]
    assert files == [blobs[0].name]  # no renamed copy, no leftover temporary file
    assert (tmp_path / blobs[0].name).read_bytes() == payload


def test_a_backend_that_renames_anyway_leaves_no_orphan(tmp_path):
    """A storage configured to rename (any backend's default get_available_name): the copy
    it renamed is removed and the existing key reused."""
    from django.core.files.storage import FileSystemStorage

    class Racing(FileSystemStorage):
        """Answers "absent" once for a key that exists: another upload stored it meanwhile."""

        raced = False

        def exists(self, name):
            if name == first.name and not self.raced:
                self.raced = True
                return False
            return super().exists(name)

    payload = b"%PDF-1.4 same bytes"
    first = store_blob(io.BytesIO(payload), storage=FileSystemStorage(location=str(tmp_path)))
    storage = Racing(location=str(tmp_path))
    second = store_blob(io.BytesIO(payload), storage=storage)
    assert second == first
    files = [os.path.relpath(os.path.join(d, f), tmp_path) for d, _, fs in os.walk(tmp_path) for f in fs]
    assert files == [first.name]
