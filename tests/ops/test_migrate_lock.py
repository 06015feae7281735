"""Two hosts starting at once both run `paperdesk migrate` on a fresh database: the second
waits for the first (a PostgreSQL advisory lock, a file lock for SQLite) and then finds
nothing to do. Both exit 0; without the lock one fails half-way with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

PG_SERVER = os.environ.get("PAPERDESK_TEST_PG", "postgres://postgres@127.0.0.1:5432")


def migrate_twice_at_once(database_url: str, var_dir) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "DATABASE_URL": database_url, "PAPERDESK_VAR": str(var_dir),
           "DJANGO_SETTINGS_MODULE": "paperdesk.settings", "PAPERDESK_LOG_LEVEL": "ERROR"}
    argv = [sys.executable, "-m", "paperdesk.cli", "migrate", "--no-input"]
    processes = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(argv, process.returncode, out, err))
    return results


def assert_both_succeeded(results) -> None:
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
    # One did the work; the other waited and found nothing to do (or ran after it).
    assert sum("Applying " in r.stdout for r in results) >= 1


def test_two_migrates_at_once_on_a_fresh_sqlite_database(tmp_path):
    assert_both_succeeded(migrate_twice_at_once(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path))


@pytest.fixture
def fresh_pg_database():
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at {PG_SERVER}: {error}")
    name = f"paperdesk_migrate_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_two_migrates_at_once_on_a_fresh_postgresql_database(fresh_pg_database, tmp_path):
    assert_both_succeeded(migrate_twice_at_once(fresh_pg_database, tmp_path))
