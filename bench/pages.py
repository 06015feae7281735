#!/usr/bin/env python3
"""Speed of the chairs' pages at conference scale.

For each size N (default 2,000 and 25,000 papers) this builds, in a throwaway database,
the default venue (venues/mechinterp-2025.toml, dates shifted so that reviewing is over)
with N submissions, their authors, about three published reviewer assignments per paper
with submitted reviews, area-chair meta-reviews, check runs of every PDF and released
decisions, all with bulk_create. Then, signed in as a chair through django.test.Client,
it requests every chairs' page (and the public accepted page) and prints per page: wall
time, CPU time of this process (with SQLite the database works in this process too; CPU
time barely moves with other load on the machine, wall time does), time to the first
byte (for streamed downloads), SQL queries and response size.

The database is a SQLite file in a temporary directory, or, when DATABASE_URL is set, a
fresh database on that server (Django's test database, named test_<name>, dropped at the
end). It prints figures and never asserts.

    .venv/bin/python bench/pages.py                          # N = 2,000 and 25,000
    .venv/bin/python bench/pages.py --papers 25000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paperdesk_scale .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

from benchdb import fresh_database, load_venue
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

AUTHORS_PER_PAPER = 3
REVIEWERS_PER_PAPER = 3
REVIEWER_LOAD = 6
BATCH = 2000


def _venue(now: dt.datetime):
    """The default venue, deadline 35 days ago: reviews are in, decisions are made."""
    return load_venue(deadline_in_days=-35)


def _report(rng: random.Random, limit: int) -> tuple[dict, dict]:
    """A checker report and the summary columns the check run keeps of it."""
    end = rng.choice([limit - 1, limit, limit, limit, limit + 1])
    leaks = [{"kind": "author_name", "value": "A. Author", "context": "by A. Author et al.", "page": 1}] if rng.random() < 0.08 else []
    violations = [{"code": "margins", "detail": "left margin 1.2 in", "page": 2}] if rng.random() < 0.1 else []
    limitations = rng.random() > 0.15
    verdict = "over_limit" if end > limit else "ok"
    findings = [{"severity": "warning", "code": "leak_name", "message": "Author name found on page 1", "page": 1} for _ in leaks]
    findings += [{"severity": "warning", "code": "margins", "message": "Left margin is 1.2 in.", "page": 2} for _ in violations]
    if verdict == "over_limit":
        findings.append({"severity": "error", "code": "over_limit", "message": f"Main content ends on page {end}.", "page": end})
    if not limitations:
        findings.append({"severity": "warning", "code": "no_limitations_section", "message": "No limitations section was found."})
    report = {
        "file": "paper.pdf", "status": "problems" if findings else "ok",
        "pages": {"total": end + 3, "main_content_end": end, "references_start": end + 1, "appendix_start": None, "limit": limit, "verdict": verdict},
        "format": {"violations": violations}, "anonymity": {"leaks": leaks},
        "signals": {"line_numbers": True, "checklist": False, "limitations_section": limitations},
        "findings": findings,
    }
    codes = " ".join(f["code"] for f in findings)
    columns = {"verdict": verdict, "leak_count": len(leaks), "format_count": len(violations),
               "finding_codes": f" {codes} " if codes else "", "blocking": verdict == "over_limit"}
    return report, columns


def seed(papers: int, seed_value: int = 7):
    """The venue and everything in it; returns (venue, chair)."""
    from paperdesk.accounts.models import User
    from paperdesk.committee.models import Assignment, Conflict
    from paperdesk.decisions.models import Decision
    from paperdesk.reviews.models import MetaReview, Review
    from paperdesk.submissions.models import Authorship, CheckRun, Submission, Upload
    from paperdesk.venues.models import VenueRole

    rng = random.Random(seed_value)
    now = dt.datetime.now(dt.UTC)
    venue = _venue(now)
    tracks = list(venue.tracks.order_by("position"))
    topics = list(venue.topics.order_by("position"))
    kinds = list(venue.contribution_types.all())
    limits = {t.pk: t.max_pages for t in tracks}
    outcomes = [o.slug for o in venue.spec.outcomes]

    chair = User.objects.create_user(email="chair@bench.example.edu", password="bench", full_name="Bench Chair", moderation_status="active")
    VenueRole.objects.create(venue=venue, user=chair, role=VenueRole.Role.CHAIR)

    n_authors = max(10, papers * 2 // 3)
    n_reviewers = max(REVIEWERS_PER_PAPER + 1, papers * REVIEWERS_PER_PAPER // REVIEWER_LOAD)
    n_acs = max(1, papers // 40)
    users = [User(email=f"author{i}@uni{i % 900}.edu", full_name=f"Author {i}", password="!", moderation_status="active") for i in range(n_authors)]
    users += [User(email=f"reviewer{i}@lab{i % 700}.edu", full_name=f"Reviewer {i}", password="!", moderation_status="active") for i in range(n_reviewers)]
    users += [User(email=f"ac{i}@inst{i % 300}.edu", full_name=f"Area Chair {i}", password="!", moderation_status="active") for i in range(n_acs)]
    User.objects.bulk_create(users, batch_size=BATCH)
    ids = list(User.objects.exclude(pk=chair.pk).order_by("pk").values_list("pk", flat=True))
    author_ids, reviewer_ids, ac_ids = ids[:n_authors], ids[n_authors:n_authors + n_reviewers], ids[n_authors + n_reviewers:]
    VenueRole.objects.bulk_create([VenueRole(venue=venue, user_id=u, role=VenueRole.Role.REVIEWER) for u in reviewer_ids]
                                  + [VenueRole(venue=venue, user_id=u, role=VenueRole.Role.AREA_CHAIR) for u in ac_ids], batch_size=BATCH)

    # Submissions: mostly submitted, some drafts, withdrawn and desk-rejected; spread over
    # the submission window, crowding toward the deadline.
    window = (venue.submission_deadline - venue.submission_open).total_seconds()
    statuses = [Submission.Status.SUBMITTED] * 90 + [Submission.Status.DRAFT] * 5 + [Submission.Status.WITHDRAWN] * 3 + [Submission.Status.DESK_REJECTED] * 2
    subs = []
    for number in range(1, papers + 1):
        status = rng.choice(statuses)
        moment = venue.submission_open + dt.timedelta(seconds=window * (1 - rng.random() ** 3))
        subs.append(Submission(
            venue=venue, number=number, track=rng.choice(tracks), primary_topic=rng.choice(topics), contribution_type=rng.choice(kinds),
            title=f"Paper {number}: circuits for {rng.choice(['induction', 'modular addition', 'refusal', 'factual recall', 'indirect objects'])}",
            abstract=f"We study mechanism {number} in small transformers. " * 6, status=status,
            attestations={"not-accepted-archival": True, "anonymized": True}, created_by_id=author_ids[number % n_authors],
            submitted_at=moment if status != Submission.Status.DRAFT else None,
        ))
    Submission.objects.bulk_create(subs, batch_size=BATCH)
    from django.db.models import F

    Submission.objects.filter(venue=venue, submitted_at__isnull=False).update(created_at=F("submitted_at"))
    subs = list(Submission.objects.filter(venue=venue).order_by("number").values_list("pk", "status", "track_id", "primary_topic_id"))
    secondary = Submission.secondary_topics.through
    secondary.objects.bulk_create([secondary(submission_id=pk, topicarea_id=rng.choice([t.pk for t in topics if t.pk != topic]))
                                   for pk, _, _, topic in subs], batch_size=BATCH)

    authorships = []
    for index, (pk, *_rest) in enumerate(subs):
        for position in range(AUTHORS_PER_PAPER):
            user_id = author_ids[(index * AUTHORS_PER_PAPER + position) % n_authors] if position < 2 else None
            email = f"author{(index * AUTHORS_PER_PAPER + position) % n_authors}@uni{index % 900}.edu" if user_id else f"coauthor{index}@elsewhere.org"
            authorships.append(Authorship(submission_id=pk, position=position + 1, email=email, name=f"Author {index}-{position}",
                                          affiliation=f"University {index % 900}", user_id=user_id, is_corresponding=position == 0))
    Authorship.objects.bulk_create(authorships, batch_size=BATCH)

    uploads = [Upload(submission_id=pk, kind=Upload.Kind.PAPER, version=1, sha256=f"{pk:064x}", size=400_000, blob=f"bench/{pk}.pdf",
                      original_name="paper.pdf", uploaded_by_id=author_ids[i % n_authors]) for i, (pk, *_r) in enumerate(subs)]
    Upload.objects.bulk_create(uploads, batch_size=BATCH)
    upload_of = dict(Upload.objects.filter(submission__venue=venue).values_list("submission_id", "pk"))
    runs = []
    for pk, _status, track_id, _topic in subs:
        report, columns = _report(rng, limits[track_id])
        runs.append(CheckRun(upload_id=upload_of[pk], state=CheckRun.State.DONE, report=report, finished_at=now, **columns))
    CheckRun.objects.bulk_create(runs, batch_size=BATCH)

    # Reviewing of the submitted papers: three reviewers each (round robin), an area chair;
    # 95% of the reviews are submitted, the rest are still missing.
    reviewed = [pk for pk, status, _t, _p in subs if status == Submission.Status.SUBMITTED]
    assignments = []
    for index, pk in enumerate(reviewed):
        for slot in range(REVIEWERS_PER_PAPER):
            assignments.append(Assignment(submission_id=pk, user_id=reviewer_ids[(index * REVIEWERS_PER_PAPER + slot) % n_reviewers],
                                          kind=Assignment.Kind.REVIEWER, alias_number=slot + 1, published=True, source="bench"))
        assignments.append(Assignment(submission_id=pk, user_id=ac_ids[index % n_acs], kind=Assignment.Kind.AREA_CHAIR,
                                      alias_number=1, published=True, source="bench"))
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    questions = venue.spec.review_form.questions
    reviews = []
    for assignment_id in Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER).values_list("pk", flat=True):
        if rng.random() < 0.05:
            continue
        answers = {q.key: (q.options[0].slug if q.kind == "choice" else f"{q.label}: the analysis is careful and the claims are scoped.") for q in questions}
        reviews.append(Review(assignment_id=assignment_id, answers=answers, overall=rng.randint(1, 5), confidence=rng.randint(1, 5),
                              comments_to_chairs="", state=Review.State.SUBMITTED, submitted_at=now - dt.timedelta(days=rng.randint(14, 30))))
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    MetaReview.objects.bulk_create([MetaReview(submission_id=pk, author_id=ac_ids[i % n_acs], recommendation=rng.choice(outcomes),
                                               text="The reviewers agree on the main points.", submitted=True, submitted_at=now)
                                    for i, pk in enumerate(reviewed)], batch_size=BATCH)
    released = now - dt.timedelta(days=2)
    # About 30% accepted (5% orals), as at a large ML conference.
    weights = [5 if o.accepted and "oral" in o.slug else 25 if o.accepted else 70 for o in venue.spec.outcomes]
    Decision.objects.bulk_create([Decision(submission_id=pk, outcome=rng.choices(outcomes, weights)[0], decided_by=chair, released_at=released,
                                           host_pdf=rng.random() < 0.5) for pk in reviewed], batch_size=BATCH)
    # The chair co-wrote a few papers elsewhere: those rows show as an author sees them.
    Conflict.objects.bulk_create([Conflict(submission_id=pk, user=chair, source=Conflict.Source.COAUTHOR, reason="Recent co-author")
                                  for pk in reviewed[:: max(1, len(reviewed) // 5)]], batch_size=BATCH)
    return venue, chair


def pages(venue) -> list[tuple[str, str]]:
    slug = venue.slug
    return [
        ("submissions table", reverse("submissions:chair_table", args=[slug])),
        ("submissions table, page 50", reverse("submissions:chair_table", args=[slug]) + "?page=50"),
        ("submissions table, search", reverse("submissions:chair_table", args=[slug]) + "?q=refusal&sort=-pages"),
        ("findings overview", reverse("submissions:chair_findings", args=[slug])),
        ("findings: leaks", reverse("submissions:chair_findings", args=[slug]) + "?finding=leaks"),
        ("decision table", reverse("decisions:table", args=[slug])),
        ("decision table, split, by spread", reverse("decisions:table", args=[slug]) + "?agreement=split&sort=-spread"),
        ("decision table, page 20", reverse("decisions:table", args=[slug]) + "?page=20"),
        ("dashboard", reverse("decisions:dashboard", args=[slug])),
        ("submissions CSV", reverse("submissions:chair_csv", args=[slug])),
        ("papers CSV", reverse("decisions:export_csv", args=[slug])),
        ("reviews CSV", reverse("decisions:export_reviews_csv", args=[slug])),
        ("everything JSON", reverse("decisions:export_json", args=[slug])),
        ("accepted papers (public)", reverse("cameraready:accepted", args=[slug])),
    ]


def measure(client: Client, url: str) -> dict:
    with CaptureQueriesContext(connection) as queries:
        cpu = time.process_time()
        start = time.perf_counter()
        response = client.get(url)
        first = None
        if response.streaming:
            size = 0
            for chunk in response.streaming_content:
                if first is None:
                    first = time.perf_counter() - start
                size += len(chunk)
        else:
            size = len(response.content)
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
    return {"status": response.status_code, "seconds": elapsed, "cpu": cpu, "first_byte": first, "queries": len(queries), "bytes": size,
            "streamed": response.streaming}


def run(papers: int) -> list[dict]:
    with fresh_database() as test_name:
        start = time.perf_counter()
        venue, chair = seed(papers)
        seeded = time.perf_counter() - start
        print(f"N = {papers:,}: seeded in {seeded:.1f} s ({connection.vendor}, {test_name})", file=sys.stderr, flush=True)
        client = Client()
        client.force_login(chair)
        client.get(reverse("decisions:table", args=[venue.slug]))  # warm templates and the venue spec
        rows = []
        for name, url in pages(venue):
            result = measure(client, url)
            rows.append({"papers": papers, "page": name, **result})
            print(f"  {name}: {result['seconds']:.2f} s, {result['queries']} queries", file=sys.stderr, flush=True)
        return rows


def print_table(rows: list[dict]) -> None:
    head = ("papers", "page", "status", "time s", "CPU s", "first byte s", "queries", "size KB", "streamed")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = (f"{r['papers']:,}", r["page"], str(r["status"]), f"{r['seconds']:.3f}", f"{r['cpu']:.3f}",
                 "-" if r["first_byte"] is None else f"{r['first_byte']:.3f}", str(r["queries"]), f"{r['bytes'] / 1024:,.0f}",
                 "yes" if r["streamed"] else "no")
        print("| " + " | ".join(cells) + " |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", default="2000,25000", help="comma-separated sizes (default: 2000,25000)")
    args = parser.parse_args(argv)
    sizes = [int(p.replace("_", "")) for p in args.papers.split(",") if p.strip()]
    setup_test_environment()
    rows = []
    for papers in sizes:
        rows.extend(run(papers))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"database: {connection.vendor}; machine: {os.cpu_count()} CPUs, load average {load:.2f} at the end")
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
