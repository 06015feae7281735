"""The deployment kit's topology, run here without containers (issue 9): what
deploy/compose.yaml starts, as processes on loopback.

- a throwaway PostgreSQL database on the local server (127.0.0.1:5432, dropped at the end);
- moto's S3 server (the S3-compatible store) on a free port, with a bucket of its own;
- a real SMTP server (aiosmtpd) on a free port, as the relay;
- the operator's steps as the kit runs them: `collectstatic` (the image build), `migrate`
  and `createcachetable` (the one-shot migrate step), `venue load`;
- two web servers started with the kit's web command (`paperdesk serve --no-worker
  --no-collectstatic`, each with its own metrics folder, as in two containers) and two
  job workers with the kit's worker command (`paperdesk db_worker --queue-name *`);
- the test plays the proxy: it is the trusted proxy (PAPERDESK_TRUSTED_PROXIES=127.0.0.1)
  and sends X-Forwarded-For.

One paper goes through: created over the API on one web server, its PDF uploaded on the
other, checked by a worker, submitted; the chair signs in on the pages, starts the
assignment run on the other server, decides over the API and releases the decision. Then:
the PDF is in the bucket with its SHA-256, the check and the assignment run finished on one
of the two workers, the decision e-mail reached the SMTP server exactly once, the audit log
has the client's forwarded address, and both web servers answer /readyz. Every wait polls
for the event under one generous bound; every process and the database go at the end.

Run by `make test-topology` (marker `topology`), which `.ci/run` runs after the PostgreSQL suite.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.conftest import make_pdf_bytes
from tests.ops.conftest import s3_keys
from tests.ops.test_deploy_kit import compose

pytestmark = pytest.mark.topology

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("PAPERDESK_TEST_PG", "postgres://postgres@127.0.0.1:5432")
STEP_TIMEOUT = 240.0  # seconds: one bound for each wait, generous for a loaded 2-core machine
CLIENT_IP = "203.0.113.7"  # the address the "proxy" (this test) forwards
WORKER_IDS = ("topology-worker-1", "topology-worker-2")


def wait_for(predicate, what: str, logs: list[Path] = (), timeout: float = STEP_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2500:]}" for log in logs if log.exists())
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tails}")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the pieces --------------------------------------------------------------------------


@pytest.fixture
def database():
    """A fresh PostgreSQL database on the local server, dropped at the end."""
    import psycopg

    try:
        admin = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"the topology test needs the PostgreSQL server at {PG_SERVER} (trust auth, user postgres): {error}")
    name = f"paperdesk_topology_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Inbox:
    """An aiosmtpd handler keeping every message the relay receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 Message accepted for delivery"

    def to(self, address: str, subject_part: str = "") -> list:
        return [m for rcpts, m in list(self.messages) if address in rcpts and subject_part in str(m["Subject"])]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


class Processes:
    """The web servers and workers started for the test; all stopped at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Path:
        log = self.folder / f"{name}.log"
        with open(log, "ab") as output:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        self.running.append((name, process, log))
        return log

    @property
    def logs(self) -> list[Path]:
        return [log for _, _, log in self.running]

    def assert_alive(self) -> bool:
        for name, process, log in self.running:
            assert process.poll() is None, f"{name} exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
        return True

    def stop_all(self) -> None:
        for _, process, _ in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # `serve` stops its gunicorn; workers stop
        for _, process, _ in self.running:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # a worker's checker child too
                process.wait(timeout=10)


@pytest.fixture
def processes(tmp_path):
    started = Processes(tmp_path)
    yield started
    started.stop_all()


def kit_env(tmp_path: Path, database_url: str, s3_endpoint: str, bucket: str, smtp_port: int) -> dict[str, str]:
    """The environment deploy/compose.yaml gives Paperdesk's containers, pointed at loopback."""
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("PAPERDESK_", "AWS_", "PROMETHEUS_")) and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "paperdesk.settings",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT) + os.pathsep + inherited.get("PYTHONPATH", ""),
        "DATABASE_URL": database_url,
        "PAPERDESK_VAR": str(tmp_path / "var"),
        "PAPERDESK_STATIC_ROOT": str(tmp_path / "static"),
        "PAPERDESK_SECRET_KEY": "topology-" + uuid.uuid4().hex,
        "PAPERDESK_SITE_URL": "http://127.0.0.1",
        "PAPERDESK_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PAPERDESK_TRUSTED_PROXIES": "127.0.0.1",
        "PAPERDESK_S3_BUCKET": bucket,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "paperdesk-test",
        "AWS_SECRET_ACCESS_KEY": "paperdesk-test-secret",
        "PAPERDESK_SMTP_HOST": "127.0.0.1",
        "PAPERDESK_SMTP_PORT": str(smtp_port),
        "PAPERDESK_SMTP_TLS": "0",
        "PAPERDESK_FROM_EMAIL": "Paperdesk <noreply@topology.test>",
        "PAPERDESK_LOG_FORMAT": "json",
    }


def operator(env: dict[str, str], *args: str) -> str:
    """One of the operator's commands, as the kit runs it; fails the test on a non-zero exit."""
    done = subprocess.run([sys.executable, "-m", "paperdesk.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=STEP_TIMEOUT, check=False)
    assert done.returncode == 0, f"paperdesk {' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def rows(database_url: str, sql: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


# --- the test ----------------------------------------------------------------------------


def test_one_paper_through_the_kit_topology(tmp_path, database, s3_bucket, s3_endpoint, smtp, processes):
    started = time.monotonic()
    bucket, s3 = s3_bucket
    inbox, smtp_port = smtp
    env = kit_env(tmp_path, database, s3_endpoint, bucket, smtp_port)

    # The operator's steps: the image build collects static files; the one-shot migrate
    # step migrates and creates the cache table; then a venue is loaded.
    operator(env, "collectstatic", "--no-input", "-v0")
    operator(env, "migrate", "--no-input", "-v0")
    operator(env, "createcachetable")
    operator(env, "venue", "load", str(ROOT / "venues" / "mechinterp-2025.toml"), "--rehearsal")
    world_run = subprocess.run([sys.executable, "-m", "tests.ops.topology_world", "mechinterp-2025-rehearsal"], env=env, cwd=ROOT,
                               capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False)
    assert world_run.returncode == 0, world_run.stderr[-3000:]
    world = json.loads(world_run.stdout.strip().splitlines()[-1])
    slug = world["venue"]

    phases = {"operator steps": time.monotonic() - started}

    # Two web servers (each with its own metrics folder, as two containers; the folder
    # exists before `serve` starts, as the image and the unit make it) and two workers,
    # started with the kit's commands.
    ports = [free_port(), free_port()]
    for n, port in enumerate(ports, start=1):
        (tmp_path / f"metrics-web-{n}").mkdir()
        processes.start(f"web-{n}", [sys.executable, "-m", "paperdesk.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                                     "--no-worker", "--no-collectstatic"],
                        {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics-web-{n}")})
    for worker_id in WORKER_IDS:
        processes.start(worker_id, [sys.executable, "-m", "paperdesk.cli", "db_worker", "--queue-name", "*", "--interval", "0.5",
                                    "--no-reload", "--worker-id", worker_id], env)
    web = [f"http://127.0.0.1:{port}" for port in ports]
    logs = processes.logs

    def answers(url: str, status: int = 200) -> bool:
        processes.assert_alive()
        try:
            return requests.get(url, timeout=30).status_code == status
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still loading the app
            return False

    for base in web:
        wait_for(lambda base=base: answers(f"{base}/healthz"), f"{base}/healthz", logs)
    # Ready: the database answers, the bucket takes a write and gives it back, a worker beats.
    for base in web:
        wait_for(lambda base=base: answers(f"{base}/readyz"), f"{base}/readyz", logs)

    # The kit's own container health check (the same in deploy/Containerfile) passes.
    probe = compose()["services"]["web-1"]["healthcheck"]["test"]
    assert probe[:3] == ["CMD", "python", "-c"] and "127.0.0.1:8000" in probe[3]
    for port in ports:
        checked = subprocess.run([sys.executable, "-c", probe[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")],
                                 capture_output=True, text=True, timeout=60, check=False)
        assert checked.returncode == 0, checked.stderr[-2000:]
    phases["processes ready"] = time.monotonic() - started
    forwarded = {"X-Forwarded-For": CLIENT_IP}  # what the proxy sets
    author = {"Authorization": f"Bearer {world['author']['token']}", **forwarded}

    # 1. The author creates the paper on web-1 and uploads its PDF on web-2.
    created = requests.post(f"{web[0]}/api/venues/{slug}/submissions", headers=author, timeout=60, json={
        "title": "Sparse probes find planning in a small transformer",
        "abstract": "We look for implicit planning with sparse probes and report where it fails.",
        "track": "short", "primary_topic": "circuits", "contribution_type": "empirical",
        "authors": [{"email": world["author"]["email"], "name": world["author"]["name"], "affiliation": "Uni"}],
        "attestations": {"not-accepted-archival": True, "anonymized": True},
    })
    assert created.status_code == 201, created.text
    paper = created.json()["public_id"]
    pdf = make_pdf_bytes(2, text="Topology test paper")
    uploaded = requests.post(f"{web[1]}/api/submissions/{paper}/versions", headers=author, timeout=120,
                             files={"file": ("paper.pdf", pdf, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["sha256"] == hashlib.sha256(pdf).hexdigest()

    # 2. A worker checks it; the author reads the report on web-1, then submits on web-2.
    def check_state():
        processes.assert_alive()
        versions = requests.get(f"{web[0]}/api/submissions/{paper}/versions", headers=author, timeout=30).json()
        check = next(v for v in versions if v["kind"] == "paper")["check"]
        return check if check and check["state"] in ("done", "failed") else None

    check = wait_for(check_state, "the PDF check to finish", logs)
    phases["checked"] = time.monotonic() - started
    assert check["state"] == "done" and check["status"] == "ok", check
    submitted = requests.post(f"{web[1]}/api/submissions/{paper}/submit", headers=author, timeout=60)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted", submitted.text

    # 3. The chair signs in on web-1's pages and starts the assignment run on web-2 (the
    # session lives in the database: any web server knows it).
    chair = requests.Session()
    chair.headers.update(forwarded)
    chair.get(f"{web[0]}/accounts/login/", timeout=60).raise_for_status()
    signed_in = chair.post(f"{web[0]}/accounts/login/", allow_redirects=False, timeout=60, data={
        "login": world["chair"]["email"], "password": world["chair"]["password"],
        "csrfmiddlewaretoken": chair.cookies["csrftoken"]})
    assert signed_in.status_code == 302, signed_in.text[-2000:]
    started_run = chair.post(f"{web[1]}/v/{slug}/reviewing/assignment/run/", allow_redirects=False, timeout=60,
                             data={"objective": "total"}, headers={"X-CSRFToken": chair.cookies["csrftoken"]})
    assert started_run.status_code == 302 and "/assignment/" in started_run.headers["Location"], started_run.text[-2000:]

    def run_finished():
        processes.assert_alive()
        found = rows(database, "SELECT state, result FROM reviewing_assignmentrun WHERE venue_id = %s", world["venue_id"])
        return found[0] if found and found[0][0] not in ("queued", "running") else None

    run_state, run_result = wait_for(run_finished, "the assignment run to finish", logs)
    assert run_state == "done", (run_state, run_result)
    phases["assignment run done"] = time.monotonic() - started
    assignment_page = chair.get(f"{web[0]}/v/{slug}/reviewing/assignment/", timeout=60)
    assert assignment_page.status_code == 200
    for reviewer in ("Rui One", "Rae Two", "Ren Three"):  # the proposal: the three reviewers for the one paper
        assert reviewer in assignment_page.text

    # 4. The chair decides over the API (web-1) and releases on the release page (web-2).
    decided = requests.post(f"{web[0]}/api/venues/{slug}/decisions", timeout=60, json={"papers": [paper], "outcome": world["outcome"]},
                            headers={"Authorization": f"Bearer {world['chair']['token']}", **forwarded})
    assert decided.status_code == 200 and decided.json()["changed"], decided.text
    released = chair.post(f"{web[1]}/v/{slug}/chair/release/", allow_redirects=False, timeout=60,
                          data={"action": "release", "confirmed": "yes"}, headers={"X-CSRFToken": chair.cookies["csrftoken"]})
    assert released.status_code == 302 and "/release/progress/" in released.headers["Location"], released.text[-2000:]

    def wave_done():
        processes.assert_alive()
        found = rows(database, "SELECT state FROM decisions_release WHERE venue_id = %s", world["venue_id"])
        return found and found[0][0] != "running"

    wait_for(wave_done, "the release wave to finish sending", logs)
    assert rows(database, "SELECT state, sent, total FROM decisions_release WHERE venue_id = %s", world["venue_id"]) == [("done", 1, 1)]
    wait_for(lambda: inbox.to(world["author"]["email"], "Decision on your submission"), "the decision e-mail at the SMTP server", logs)
    phases["released"] = time.monotonic() - started

    # --- what the topology must have done -------------------------------------------------
    # The decision e-mail reached the relay exactly once (the wave is done: nothing more comes).
    notices = inbox.to(world["author"]["email"], "Decision on your submission")
    assert len(notices) == 1, [str(m["Subject"]) for m in notices]
    assert "Sparse probes find planning" in str(notices[0]["Subject"])
    # The PDF is in the bucket under its SHA-256, with the very bytes uploaded.
    digest = hashlib.sha256(pdf).hexdigest()
    key = f"blobs/{digest[:2]}/{digest[2:4]}/{digest}"
    assert key in s3_keys(s3, bucket)
    assert hashlib.sha256(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest() == digest
    # The check, the assignment run and the release each ran to the end on one of the workers.
    jobs = rows(database, "SELECT task_path, status, worker_ids FROM django_tasks_database_dbtaskresult")
    for task in ("paperdesk.submissions.checking.run_check", "paperdesk.committee.assignment.run_assignment_job",
                 "paperdesk.decisions.services.send_release_notices"):
        ran = [(status, workers) for path, status, workers in jobs if path == task]
        assert ran and all(status == "SUCCESSFUL" and workers and set(workers) <= set(WORKER_IDS) for status, workers in ran), (task, ran)
    assert rows(database, "SELECT state FROM submissions_checkrun") == [("done",)]
    # Behind the "proxy", the audit log has the client's address, not the proxy's.
    audited = rows(database, "SELECT action, host(ip) FROM audit_auditentry WHERE action IN ('submission.create', 'decisions.release')")
    assert sorted(audited) == [("decisions.release", CLIENT_IP), ("submission.create", CLIENT_IP)], audited
    # Both web servers still ready, and each served its share of the requests above.
    for base in web:
        assert answers(f"{base}/readyz")
    for n in (1, 2):
        access = (tmp_path / f"web-{n}.log").read_text(errors="replace")
        assert re.search(r'"logger": "paperdesk.access".*"client_ip": "203\.0\.113\.7"', access), f"web-{n} logged no forwarded request"
    marks = ", ".join(f"{name} {at:.0f} s" for name, at in phases.items())
    print(f"\ntopology: one paper through 2 web servers and 2 workers in {time.monotonic() - started:.1f} s ({marks})")
