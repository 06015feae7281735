"""A real S3-compatible server for the storage tests: moto's server mode, started in this
process on a loopback port the system picks; each test gets its own bucket."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "paperdesk-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "paperdesk-test-secret")
    name = f"paperdesk-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return name, client


def s3_keys(client, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def pytest_collection_modifyitems(config, items):
    """The topology test (marker `topology`) needs the local PostgreSQL server and takes a
    minute or two: it runs under `make test-topology` (`pytest -m topology`), which `.ci/run`
    runs after the PostgreSQL suite, and is left out of runs that do not ask for it (else
    `make test` and `make test-pg` would both run it, and `make test` would need PostgreSQL)."""
    if "topology" in (config.getoption("markexpr") or ""):
        return
    left_out = [item for item in items if item.get_closest_marker("topology")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("topology")]
