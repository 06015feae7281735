"""Surge bench (issue 9): the deadline hour on loopback, as `paperdesk serve` runs it.

    .venv/bin/python bench/surge.py --minutes 5                  # embedded SQLite
    .venv/bin/python bench/surge.py --minutes 5 --database-url postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/surge.py --minutes 1 --uploads-per-minute 60 --views-per-second 10

Everything runs in a throwaway folder (for PostgreSQL: a throwaway database
`paperdesk_surge_bench` on the server the URL names, dropped at the end). The server is
`paperdesk serve` with its defaults (gunicorn and its background worker), plus W-1 more
`paperdesk db_worker` processes with --workers W. Open-loop load, so a slow server cannot
slow the load down and hide its own latency (no coordinated omission):

- authors upload new versions of their paper through the REST API at the given rate: real
  submissions from the shared corpus (`../shared/samples/real`, 0.5-2 MB), each made unique
  by a comment after `%%EOF`; an upload is acknowledged by its 201;
- page views at the given rate: the venue's call for papers and dates pages, and authors'
  own submission pages and the check fragment those pages poll (signed in);

each request timed from the moment the schedule meant to send it. After the last request
the bench waits (at most --drain-limit seconds) for the checker's queue to drain.

Reported: achieved rates, p50/p95/p99 of upload acknowledgement and of page views, answers
by status, the checker's backlog (upload -> report: p50/p99; how long after the end the
queue drained) and lost (acknowledged but no stored version with that SHA-256) or
duplicated (the same bytes stored twice as versions of one paper) uploads.
The last line is exactly:
    surge: uploads=N acked=A lost=L duplicated=D p99_ack_s=X p99_view_s=Y drain_s=Z
Bounded: --minutes <= 15, rates <= 600 uploads a minute and 200 views a second, loopback only.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import hashlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from serverenv import drop_database, throwaway_environment

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples" / "real"
VENUE_FILE = ROOT / "venues" / "mechinterp-2025.toml"
PG_NAME = "paperdesk_surge_bench"
AUTHORS = 60


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--database-url", default="", help="PostgreSQL server to use (a throwaway database is created on it)")
    parser.add_argument("--workers", type=int, default=1, help="background worker processes in all (serve starts one)")
    parser.add_argument("--uploads-per-minute", type=float, default=200)
    parser.add_argument("--views-per-second", type=float, default=50)
    parser.add_argument("--drain-limit", type=float, default=600, help="seconds to wait for the check queue after the load")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if not 0 < args.minutes <= 15:
        parser.error("--minutes must be in (0, 15]")
    if not 0 < args.uploads_per_minute <= 600 or not 0 < args.views_per_second <= 200:
        parser.error("rates are bounded: uploads <= 600 a minute, views <= 200 a second")
    if not 1 <= args.workers <= 8:
        parser.error("--workers must be between 1 and 8")
    return args


def prepare_environment(args) -> dict[str, str]:
    return throwaway_environment("paperdesk-surge-", args.database_url, PG_NAME, PAPERDESK_LOG_LEVEL="WARNING")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], port: int, log) -> subprocess.Popen:
    argv = [sys.executable, "-m", "paperdesk.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"paperdesk serve exited ({process.returncode}); see {log.name}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def start_workers(env: dict[str, str], count: int, log) -> list[subprocess.Popen]:
    argv = [sys.executable, "-m", "paperdesk.cli", "db_worker", "--queue-name", "*", "--interval", "1", "--no-reload"]
    return [subprocess.Popen(argv + ["--worker-id", f"surge-worker-{n}"], env=env, cwd=ROOT, stdout=log, stderr=log,
                             start_new_session=True) for n in range(count)]


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


# --- the world ------------------------------------------------------------------------------


def setup_world():
    """The default venue open for submissions, AUTHORS authors with a submitted paper, an API
    token and a signed-in session each."""
    import dataclasses
    import datetime as dt

    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from paperdesk.accounts.models import User
    from paperdesk.api.models import ApiToken
    from paperdesk.submissions import services
    from paperdesk.venueconfig import load_venue_file, rehearsal_copy
    from paperdesk.venues.services import venue_load

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    spec = dataclasses.replace(rehearsal_copy(load_venue_file(VENUE_FILE), dt.datetime.now(dt.UTC)), slug="surge", rehearsal=False)
    venue, _ = venue_load(spec)
    authors = []
    for n in range(AUTHORS):
        mail = f"author{n}@surge.test"
        user = User.objects.create_user(email=mail, password="x" * 12, full_name=f"Author {n}", moderation_status="active")
        EmailAddress.objects.create(user=user, email=mail, verified=True, primary=True)
        data = services.SubmissionInput(
            title=f"Surge paper {n}", abstract="A study of sparse features.", track="short", primary_topic="circuits",
            contribution_type="empirical", authors=[services.AuthorInput(mail, user.full_name, "Uni")],
            attestations={"not-accepted-archival": True, "anonymized": True})
        paper = services.submission_create(venue=venue, actor=user, data=data)
        session = SessionStore()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        authors.append({"public_id": paper.public_id, "token": ApiToken.issue(user, "surge bench")[1],
                        "session": session.session_key})
    return venue, authors


def sample_pdfs() -> list[bytes]:
    files = sorted(p for p in SAMPLES.glob("real_sub_*.pdf") if 400_000 <= p.stat().st_size <= 3_000_000)
    if not files:
        raise SystemExit(f"no real submissions of 0.4-3 MB in {SAMPLES} (the shared corpus beside the repository)")
    return [p.read_bytes() for p in files]


# --- the load -------------------------------------------------------------------------------


def upload(port: int, author: dict, body: bytes) -> int:
    boundary = "surgebench" + os.urandom(6).hex()
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"paper.pdf\"\r\n"
               "Content-Type: application/pdf\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", f"/api/submissions/{author['public_id']}/versions", body=payload,
                     headers={"Authorization": f"Bearer {author['token']}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def view(port: int, path: str, session: str | None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": f"sessionid={session}"} if session else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def run_load(args, port: int, venue_slug: str, authors: list[dict], pdfs: list[bytes]):
    rng = random.Random(args.seed)
    duration = args.minutes * 60
    upload_gap, view_gap = 60.0 / args.uploads_per_minute, 1.0 / args.views_per_second
    schedule: list[tuple[float, str]] = [(i * upload_gap, "upload") for i in range(int(duration / upload_gap))]
    schedule += [(i * view_gap, "view") for i in range(int(duration / view_gap))]
    schedule.sort()
    pages = [f"/v/{venue_slug}/", f"/v/{venue_slug}/dates/"]
    results: dict[str, list[float]] = collections.defaultdict(list)
    statuses: collections.Counter = collections.Counter()
    acked: list[tuple[str, str]] = []
    lock = threading.Lock()

    def one(due: float, kind: str, started: float) -> None:
        try:
            if kind == "upload":
                author = rng.choice(authors)
                body = rng.choice(pdfs) + b"\n%" + os.urandom(16).hex().encode() + b"\n"
                status = upload(port, author, body)
                if status == 201:
                    with lock:
                        acked.append((author["public_id"], hashlib.sha256(body).hexdigest()))
            else:
                author = rng.choice(authors)
                roll = rng.random()
                # 60 % public pages; the rest an author's own page or the check fragment it polls
                own = f"/submissions/{author['public_id']}/" + ("check/" if roll >= 0.8 else "")
                path = rng.choice(pages) if roll < 0.6 else own
                status = view(port, path, author["session"] if roll >= 0.6 else None)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        latency = time.monotonic() - (started + due)  # from when the schedule meant to send it
        with lock:
            results[kind].append(latency)
            statuses[f"{kind} {status}"] += 1

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=256) as pool:
        for due, kind in schedule:
            delay = started + due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, due, kind, started)
    load_seconds = time.monotonic() - started
    return results, statuses, acked, load_seconds


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    env = prepare_environment(args)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from paperdesk.submissions.models import CheckRun, Upload

    pdfs = sample_pdfs()
    venue, authors = setup_world()
    connection.close()
    var = Path(env["PAPERDESK_VAR"])
    log = open(var / "processes.log", "ab")  # noqa: SIM115 - the servers write to it until the bench ends
    port = free_port()
    server = start_server(env, port, log)
    extra = start_workers(env, args.workers - 1, log)
    drain_s: float | None = None
    try:
        results, statuses, acked, load_seconds = run_load(args, port, venue.slug, authors, pdfs)
        ended = time.monotonic()
        pending = (CheckRun.State.QUEUED, CheckRun.State.RUNNING)
        while time.monotonic() - ended < args.drain_limit:
            connection.close()
            if not CheckRun.objects.filter(state__in=pending).exists():
                drain_s = round(time.monotonic() - ended, 1)
                break
            time.sleep(0.5)
    finally:
        stop(server)
        for process in extra:
            stop(process)

    connection.close()
    stored = set(Upload.objects.values_list("submission__public_id", "sha256"))
    lost = sum(1 for pair in acked if pair not in stored)
    duplicated = sum(row["n"] - 1 for row in Upload.objects.values("submission_id", "sha256").annotate(n=Count("id")).filter(n__gt=1))
    finished = CheckRun.objects.filter(finished_at__isnull=False, upload__uploaded_at__isnull=False).values_list(
        "upload__uploaded_at", "finished_at")
    backlog = [(done - uploaded).total_seconds() for uploaded, done in finished]
    states = collections.Counter(CheckRun.objects.values_list("state", flat=True))
    uploads, views = results["upload"], results["view"]
    print(json.dumps({
        "database": connection.vendor, "minutes": args.minutes, "workers": args.workers,
        "uploads_per_minute": round(len(uploads) / load_seconds * 60, 1), "views_per_second": round(len(views) / load_seconds, 1),
        "upload_ack_s": {"p50": quantile(uploads, 0.5), "p95": quantile(uploads, 0.95), "p99": quantile(uploads, 0.99)},
        "view_s": {"p50": quantile(views, 0.5), "p95": quantile(views, 0.95), "p99": quantile(views, 0.99)},
        "answers": dict(sorted(statuses.items())),
        "checks": dict(states), "upload_to_report_s": {"p50": quantile(backlog, 0.5), "p99": quantile(backlog, 0.99)},
    }, indent=1))
    if args.database_url:
        connection.close()
        drop_database(args.database_url, PG_NAME)
    drain = "none" if drain_s is None else drain_s
    print(f"surge: uploads={len(uploads)} acked={len(acked)} lost={lost} duplicated={duplicated} "
          f"p99_ack_s={quantile(uploads, 0.99)} p99_view_s={quantile(views, 0.99)} drain_s={drain}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
