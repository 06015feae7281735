#!/usr/bin/env python3
"""Speed of the chairs' audit log at 100,000 entries (and more with --entries).

Builds, in a throwaway database (SQLite in a temporary folder, or a test database on the
server DATABASE_URL names), the default venue with a few hundred papers, a chair conflicted
with some of them, and N audit entries spread over a year (actions of every kind, a
quarter of them about papers, some venue-less security entries). Signed in as that chair
through django.test.Client it requests: the first page, a page deep in the log (keyset
cursor), filtered pages (actor, action, paper, time range, a rare action) and the whole
CSV; per request it prints wall time, SQL queries and the response size (and the CSV's rows).
It prints figures and never asserts.

    .venv/bin/python bench/audit_log.py                     # 100,000 entries
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paperdesk_audit .venv/bin/python bench/audit_log.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from benchdb import fresh_database, load_venue
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

ACTIONS = ["submission.update", "upload.add", "assignment.add", "decision.set", "review.submit", "email.sent",
           "pool.invite", "account.approve", "account.signup", "venue.update", "conflict.declare"]


def build(entries: int, papers: int, seed: int = 7):
    from paperdesk.accounts.models import User
    from paperdesk.audit.models import AuditEntry
    from paperdesk.committee.models import Conflict
    from paperdesk.submissions.models import Submission
    from paperdesk.venues.models import VenueRole

    rng = random.Random(seed)
    venue = load_venue(deadline_in_days=-35)
    track, topic, kind = venue.tracks.first(), venue.topics.first(), venue.contribution_types.first()
    people = User.objects.bulk_create(User(email=f"person{i}@uni.edu", full_name=f"Person {i}", moderation_status="active") for i in range(200))
    chair = User.objects.create_user("chair@bench.org", "bench-password", full_name="Bench Chair", moderation_status="active")
    VenueRole.objects.create(venue=venue, user=chair, role=VenueRole.Role.CHAIR)
    subs = Submission.objects.bulk_create(
        Submission(venue=venue, track=track, primary_topic=topic, contribution_type=kind, number=i + 1, title=f"Paper {i + 1}",
                   abstract="A.", created_by=people[i % 200])
        for i in range(papers))
    Conflict.objects.bulk_create(Conflict(submission=s, user=chair, source=Conflict.Source.INSTITUTION) for s in subs[:: max(1, papers // 20)])
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    AuditEntry._meta.get_field("at").auto_now_add = False  # keep the times spread over the year
    batch = []
    for i in range(entries):
        action = "security.login_lockout" if i % 97 == 0 else rng.choice(ACTIONS)
        paper = rng.choice(subs) if action.split(".")[0] in ("submission", "upload", "assignment", "decision", "review", "email", "conflict") else None
        batch.append(AuditEntry(
            venue=None if action.startswith("security.") else venue, actor=rng.choice(people), action=action,
            object_type="submission" if paper else "venue", object_id=paper.public_id if paper else str(venue.pk),
            submission=paper, data={"i": i, "note": "x" * rng.randint(5, 60)},
            at=start + dt.timedelta(seconds=i * 365 * 86400 // entries)))
        if len(batch) == 5000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)
    AuditEntry._meta.get_field("at").auto_now_add = True
    return venue, chair, people, subs


def measure(client: Client, label: str, url: str, params: dict | None = None) -> None:
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        response = client.get(url, params or {})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        wall = time.perf_counter() - t0
    rows = body.count(b"\n") - 1 if response.streaming else body.count(b'<tr id="entry-')
    print(f"{label:<34} {response.status_code} {wall * 1000:8.1f} ms {len(queries):4d} queries {len(body) / 1024:9.1f} KiB {rows:7d} rows")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--papers", type=int, default=500)
    args = parser.parse_args()
    setup_test_environment()
    with fresh_database() as name:
        print(f"database {connection.vendor} {name}: {args.entries} entries, {args.papers} papers")
        from paperdesk.audit.models import AuditEntry

        t0 = time.perf_counter()
        venue, chair, _people, _subs = build(args.entries, args.papers)
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
        ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # statistics, as autovacuum keeps them on a live server
                cursor.execute("ANALYZE")
        print(f"built in {time.perf_counter() - t0:.1f} s")
        client = Client()
        client.force_login(chair)
        url = reverse("audit:venue", args=[venue.slug])
        csv_url = reverse("audit:venue_csv", args=[venue.slug])
        middle = ids[len(ids) // 2]
        measure(client, "first page", url)
        measure(client, "page at the middle (keyset)", url, {"before": middle})
        measure(client, "oldest page", url, {"before": ids[60]})
        measure(client, "filter: actor", url, {"actor": "person17@"})
        measure(client, "filter: action decision", url, {"action": "decision"})
        measure(client, "filter: paper #42", url, {"object": "#42"})
        measure(client, "filter: rare action (security.)", url, {"action": "security."})
        measure(client, "filter: one week", url, {"since": (start + dt.timedelta(days=180)).date().isoformat(),
                                                   "until": (start + dt.timedelta(days=186)).date().isoformat()})
        measure(client, "filter: no match", url, {"action": "nothing.matches"})
        measure(client, "CSV: whole log", csv_url)
        measure(client, "CSV: action email.", csv_url, {"action": "email."})


if __name__ == "__main__":
    main()
