"""Crash bench (issue 9): kill -9 web workers mid-upload and job workers mid-check and
mid-release at random moments, restart them, and count what was lost or done twice.

    .venv/bin/python bench/crash.py --rounds 20                    # embedded SQLite
    .venv/bin/python bench/crash.py --rounds 20 --database-url postgres://postgres@127.0.0.1:5432/x

Everything runs on loopback in a throwaway folder (and, for PostgreSQL, a throwaway
database `paperdesk_crash_bench` on the server the URL names, dropped at the end): gunicorn
(2 workers) serving the API, two `paperdesk db_worker` processes with 3-second leases,
e-mails written to files. Each round:
  1. four authors upload a new version of their paper at once (real PDFs, 0.3-1 MB); at
     a random moment within 0.8 s the whole web server (master and workers) is killed with
     SIGKILL and restarted; an upload is acknowledged when it got its 201;
  2. when a check is running, after a random delay, the worker holding it is killed and
     restarted;
  3. a release wave of 30 decision notices is started; after a random delay the worker
     holding it is killed and restarted;
  4. the round ends when every check and the wave have ended (at most 90 s).
Afterwards: every acknowledged upload must be a stored version whose file has the same
SHA-256 (lost otherwise); checks never finished are stuck; a notice (recipient, subject)
written twice is a duplicate. Bounded: rounds <= 100, each at most ~2 minutes.
The last line is exactly:
    crash: rounds=R acked=A lost=L stuck_checks=S duplicate_emails=D
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import email
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from serverenv import drop_database, throwaway_environment

ROOT = Path(__file__).resolve().parent.parent
VENUE_FILE = ROOT / "venues" / "mechinterp-2025.toml"
PG_NAME = "paperdesk_crash_bench"
LEASE_SECONDS = 3
AUTHORS = 4
RELEASE_PAPERS = 10  # x 3 authors = 30 notices a wave


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default="", help="PostgreSQL server to use (a throwaway database is created on it)")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    if not 1 <= args.rounds <= 100:
        parser.error("--rounds must be between 1 and 100")
    return args


def prepare_environment(args) -> dict[str, str]:
    return throwaway_environment("paperdesk-crash-", args.database_url, PG_NAME, PAPERDESK_JOB_LEASE_SECONDS=str(LEASE_SECONDS))


def pdf(number: int, size: int) -> bytes:
    sys.path.insert(0, str(ROOT))
    from tests.conftest import make_pdf_bytes

    data = make_pdf_bytes(2, text=f"Version {number} of a study of sparse features")
    header, _, body = data.partition(b"\n")
    return header + b"\n%" + os.urandom(8).hex().encode() + b"0" * max(0, size - len(data)) + b"\n" + body


# --- processes ------------------------------------------------------------------------------


class Web:
    def __init__(self, env, log):
        self.env, self.log, self.process = env, log, None
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]

    def start(self):
        argv = [sys.executable, "-m", "gunicorn", "paperdesk.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", "2", "--threads", "2", "--worker-class", "gthread", "--timeout", "60"]
        self.process = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the web server did not start")

    def kill(self):
        kill_group(self.process)


class Workers:
    def __init__(self, env, log):
        self.env, self.log = env, log
        self.by_id: dict[str, subprocess.Popen] = {}
        self.generation = 0

    def start(self):
        self.generation += 1
        worker_id = f"crash-worker-{self.generation}"
        argv = [sys.executable, "-m", "paperdesk.cli", "db_worker", "--queue-name", "*", "--interval", "0.2",
                "--no-startup-delay", "--no-reload", "--worker-id", worker_id]
        self.by_id[worker_id] = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=self.log, stderr=self.log, start_new_session=True)

    def kill(self, worker_id: str) -> bool:
        process = self.by_id.pop(worker_id, None)
        if process is None or process.poll() is not None:
            return False
        kill_group(process)
        self.start()
        return True

    def stop_all(self):
        for process in self.by_id.values():
            kill_group(process)


def kill_group(process):
    if process is None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def wait(predicate, timeout: float) -> bool:
    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection.close()
        if predicate():
            return True
        time.sleep(0.05)
    return False


# --- the world ------------------------------------------------------------------------------


def setup_world(rounds: int):
    import datetime as dt

    from allauth.account.models import EmailAddress
    from django.core.management import call_command

    from paperdesk.accounts.models import User
    from paperdesk.api.models import ApiToken
    from paperdesk.submissions import services
    from paperdesk.submissions.models import CheckRun, Submission
    from paperdesk.venueconfig import load_venue_file, rehearsal_copy
    from paperdesk.venues.models import VenueRole
    from paperdesk.venues.services import venue_load

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    import dataclasses

    spec = dataclasses.replace(rehearsal_copy(load_venue_file(VENUE_FILE), dt.datetime.now(dt.UTC)), slug="crash", rehearsal=False)
    venue, _ = venue_load(spec)

    def user(mail, name):
        made = User.objects.create_user(email=mail, password="x" * 12, full_name=name, moderation_status="active")
        EmailAddress.objects.create(user=made, email=mail, verified=True, primary=True)
        return made

    chair = user("chair@crash.test", "Pat Chair")
    VenueRole.objects.create(venue=venue, user=chair, role=VenueRole.Role.CHAIR)

    def paper(author, title, coauthors=()):
        data = services.SubmissionInput(
            title=title, abstract="A.", track="short", primary_topic="circuits", contribution_type="empirical",
            authors=[services.AuthorInput(author.email, author.full_name, "Uni")] + [services.AuthorInput(m, n, "Lab") for n, m in coauthors],
            attestations={"not-accepted-archival": True, "anonymized": True})
        return services.submission_create(venue=venue, actor=author, data=data)

    uploaders = []
    for n in range(AUTHORS):
        author = user(f"author{n}@crash.test", f"Author {n}")
        uploaders.append((paper(author, f"Uploaded paper {n}").public_id, ApiToken.issue(author, "crash bench")[1]))
    released = []
    for r in range(rounds):
        author = user(f"decided{r}@crash.test", f"Decided {r}")
        batch = []
        for p in range(RELEASE_PAPERS):
            s = paper(author, f"Round {r} paper {p}", coauthors=[(f"Co {r}-{p}-{k}", f"co{r}-{p}-{k}@crash.test") for k in range(2)])
            Submission.objects.filter(pk=s.pk).update(status=Submission.Status.SUBMITTED)
            batch.append(s.pk)
        released.append(batch)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()  # set-up e-mails (invitations) are not the bench's
    CheckRun.objects.all().delete()
    return venue, chair, uploaders, released


def start_release(venue, chair, wave: int, submission_ids):
    from django.utils import timezone

    from paperdesk.decisions.models import Decision, Release
    from paperdesk.decisions.services import send_release_notices

    outcome = venue.spec.outcomes[0].slug
    release = Release.objects.create(
        venue=venue, wave=wave, started_by=chair, decision_count=len(submission_ids), total=3 * len(submission_ids),
        accept_subject="Decision on {{ title }}", accept_body="Dear {{ author_name }}: {{ outcome }}.",
        reject_subject="Decision on {{ title }}", reject_body="Dear {{ author_name }}: {{ outcome }}.")
    for pk in submission_ids:
        Decision.objects.create(submission_id=pk, outcome=outcome, decided_by=chair, release=release, released_at=timezone.now())
    result = send_release_notices.enqueue(release.pk)
    return release, str(result.id)


def upload(port: int, public_id: str, token: str, body: bytes) -> bool:
    boundary = "crashbench" + os.urandom(6).hex()
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"paper.pdf\"\r\n"
               "Content-Type: application/pdf\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", f"/api/submissions/{public_id}/versions", body=payload,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = conn.getresponse()
    except (OSError, http.client.HTTPException):
        return False
    try:
        response.read()
    except (OSError, http.client.HTTPException):
        pass  # a 201 whose body was cut off by the kill still counts as acknowledged (the stricter count)
    return response.status == 201


def mail_counts(folder: Path) -> collections.Counter:
    """(recipient, subject) of every decision notice written by the file e-mail backend."""
    seen = collections.Counter()
    for path in folder.glob("*.log") if folder.exists() else []:
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.lstrip())
            subject = str(message.get("Subject") or "")
            if "Decision on" in subject:
                seen[(message.get("To"), subject)] += 1
    return seen


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped: still kill what it started
    rng = random.Random(args.seed)
    env = prepare_environment(args)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from paperdesk.decisions.models import Release
    from paperdesk.jobs.models import Claim, JobLease
    from paperdesk.submissions.models import CheckRun, Upload

    started = time.monotonic()
    venue, chair, uploaders, released = setup_world(args.rounds)
    connection.close()
    var = Path(env["PAPERDESK_VAR"])
    log = open(var / "processes.log", "ab")  # noqa: SIM115 - the servers write to it until the bench ends
    web, workers = Web(env, log), Workers(env, log)
    web.start()
    workers.start()
    workers.start()
    acked: list[tuple[str, str]] = []
    kills = collections.Counter()
    recoveries: list[float] = []
    try:
        for r in range(args.rounds):
            round_started = time.monotonic()
            # 1. uploads, web server killed at a random moment
            bodies = [pdf(r * AUTHORS + n, rng.randint(300_000, 1_000_000)) for n in range(AUTHORS)]
            with concurrent.futures.ThreadPoolExecutor(AUTHORS) as pool:
                futures = [pool.submit(upload, web.port, pid, token, body) for (pid, token), body in zip(uploaders, bodies)]
                time.sleep(rng.uniform(0, 0.8))
                web.kill()
                kills["web"] += 1
                for (pid, _), body, future in zip(uploaders, bodies, futures):
                    if future.result():
                        acked.append((pid, hashlib.sha256(body).hexdigest()))
            web.start()
            # more uploads after the restart, so every round has checks to kill
            with concurrent.futures.ThreadPoolExecutor(AUTHORS) as pool:
                bodies = [pdf(10_000 + r * AUTHORS + n, rng.randint(300_000, 1_000_000)) for n in range(AUTHORS)]
                for (pid, _), body, ok in zip(uploaders, bodies, pool.map(lambda a: upload(web.port, *a), [(p, t, b) for (p, t), b in zip(uploaders, bodies)])):
                    if ok:
                        acked.append((pid, hashlib.sha256(body).hexdigest()))
            # 2. a job worker killed mid-check
            if wait(lambda: CheckRun.objects.filter(state=CheckRun.State.RUNNING).exists(), 20):
                time.sleep(rng.uniform(0, 0.3))
                connection.close()
                running = list(CheckRun.objects.filter(state=CheckRun.State.RUNNING).values_list("pk", flat=True)[:1])
                owner = Claim.objects.filter(key__in=[f"check:{pk}" for pk in running]).values_list("owner", flat=True).first()
                if owner and workers.kill(owner):
                    kills["check"] += 1
            # 3. a job worker killed mid-release
            release, task_id = start_release(venue, chair, r + 1, released[r])
            if wait(lambda task_id=task_id: JobLease.objects.filter(pk=task_id, state=JobLease.State.RUNNING).exists(), 30):
                time.sleep(rng.uniform(0, 0.5))
                connection.close()
                owner = JobLease.objects.filter(pk=task_id).values_list("owner", flat=True).first()
                if Release.objects.filter(pk=release.pk, state=Release.State.RUNNING).exists() and owner and workers.kill(owner):
                    kills["release"] += 1
                    killed_at = time.monotonic()
                    if wait(lambda release=release: not Release.objects.filter(pk=release.pk, state=Release.State.RUNNING).exists(), 90):
                        recoveries.append(time.monotonic() - killed_at)
            # 4. the round settles
            wait(lambda: not CheckRun.objects.filter(state__in=(CheckRun.State.QUEUED, CheckRun.State.RUNNING)).exists()
                 and not Release.objects.filter(state=Release.State.RUNNING).exists(), 90)
            print(f"round {r + 1}: acked so far {len(acked)}, kills {dict(kills)}, {time.monotonic() - round_started:.0f} s", flush=True)
        wait(lambda: not CheckRun.objects.filter(state__in=(CheckRun.State.QUEUED, CheckRun.State.RUNNING)).exists(), 60)
    finally:
        web.kill()
        workers.stop_all()

    connection.close()
    from django.core.files.storage import default_storage

    lost = 0
    for public_id, sha in acked:
        row = Upload.objects.filter(submission__public_id=public_id, sha256=sha).first()
        if row is None:
            lost += 1
            continue
        with default_storage.open(row.blob, "rb") as stored:
            if hashlib.sha256(stored.read()).hexdigest() != sha:
                lost += 1
    stuck = CheckRun.objects.filter(state__in=(CheckRun.State.QUEUED, CheckRun.State.RUNNING)).count()
    failed_checks = CheckRun.objects.filter(state=CheckRun.State.FAILED).count()
    counts = mail_counts(var / "mail")
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    from paperdesk.decisions.models import NoticeSent

    unconfirmed = NoticeSent.objects.filter(state=NoticeSent.State.SENDING).count()
    waves = collections.Counter(Release.objects.values_list("state", flat=True))
    takeovers = JobLease.objects.exclude(state=JobLease.State.RUNNING).count()
    print(json.dumps({
        "database": connection.vendor, "kills": dict(kills), "checks": CheckRun.objects.count(), "failed_checks": failed_checks,
        "notices_written": sum(counts.values()), "unconfirmed_notices": unconfirmed, "waves": dict(waves),
        "leases_left_failed_or_retrying": takeovers,
        "release_recovery_s": {"n": len(recoveries), "max": round(max(recoveries), 1) if recoveries else None,
                               "median": round(sorted(recoveries)[len(recoveries) // 2], 1) if recoveries else None},
        "wall_s": round(time.monotonic() - started, 1),
    }))
    if args.database_url:
        connection.close()
        drop_database(args.database_url, PG_NAME)
    print(f"crash: rounds={args.rounds} acked={len(acked)} lost={lost} stuck_checks={stuck} duplicate_emails={duplicates}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
