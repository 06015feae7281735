"""Real `paperdesk db_worker` processes on the test database, for the crash tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2  # short leases: a dead worker is noticed within seconds


def database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PAPERDESK_TASK_BACKEND", "DJANGO_SETTINGS_MODULE", "PAPERDESK_EMAIL_BACKEND")}
    env.update(
        DJANGO_SETTINGS_MODULE="paperdesk.settings",
        DATABASE_URL=database_url(),
        PAPERDESK_VAR=str(settings.VAR_DIR),
        PAPERDESK_JOB_LEASE_SECONDS=str(LEASE_SECONDS),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """A worker in its own process group (so a kill reaches its checker child too)."""
    connection.close()  # SQLite: let the worker write
    argv = [sys.executable, "-m", "paperdesk.cli", "db_worker", "--queue-name", "*", "--interval", "0.1",
            "--no-startup-delay", "--no-reload"]
    out = open(log, "ab")  # noqa: SIM115 - the worker process writes to it for its whole life
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    """kill -9 of the worker and everything it started."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        kill(process)


def wait_for(predicate, timeout: float, what: str, log: Path | None = None):
    """Poll the database (a fresh read each time) until `predicate()` is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        connection.close()
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{tail}")
        time.sleep(0.1)


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
