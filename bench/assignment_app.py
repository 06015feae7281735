#!/usr/bin/env python3
"""The chairs' assignment run inside the app, from the database to a saved proposal.

`bench/matching.py` times the matching library from CSV to CSV; this times what a chair
waits for after pressing "Run": the job recomputes the venue's conflicts from profiles
and publications, reads papers, reviewers, publications and bids from the database,
scores affinity, solves, explains each pair and saves the proposal. For each size it
builds, in a throwaway database, the default venue with P submitted papers (3 authors
each, with accounts and dated affiliations), R accepted reviewers (5 publications with
co-authors, 2 expertise areas, an affiliation) and 10 bids per reviewer, with bulk_create.
It prints the seeding time, each phase of the run (the run's own timings), the whole
run's wall time, the proposal's size and the process's peak memory. It never asserts.

    .venv/bin/python bench/assignment_app.py                     # 2,000 x 1,500 and 6,000 x 4,500
    .venv/bin/python bench/assignment_app.py --sizes 12000x9000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/paperdesk_bench .venv/bin/python bench/assignment_app.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import time

import django
from benchdb import fresh_database, load_venue

# A field's vocabulary: a few hundred shared terms and a long Zipf tail of rarer ones,
# so that TF-IDF matrices are as sparse as real titles and abstracts make them.
TERMS = ["circuit", "sparse", "autoencoder", "feature", "attention", "head", "probe", "steering", "vector", "superposition", "polysemantic", "neuron", "residual", "stream", "transcoder", "attribution", "patching", "ablation", "causal", "scrubbing", "induction", "grokking", "modular", "arithmetic", "logit", "lens", "tuned", "dictionary", "monosemantic", "crosscoder", "interpretability", "mechanistic", "representation", "linear", "truthfulness", "refusal", "direction", "chain", "thought", "faithfulness", "reward", "model", "language"]
RARE = [f"{a}{b}{c}" for a in "bcdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "ou") for c in ("n", "r", "st", "x", "lk", "m", "th", "ve")]
INSTITUTIONS = [(f"University {i}", f"uni{i}.edu") for i in range(400)] + [("Google DeepMind", "deepmind.com"), ("Google", "google.com")]
BATCH = 5000


def _text(rng: random.Random, n: int) -> str:
    words = []
    for _ in range(n):
        if rng.random() < 0.5:
            words.append(rng.choice(TERMS))
        else:  # Zipf-like rank over the rare terms, with suffixes for a tail of ~8,000 words
            rank = min(int(rng.paretovariate(1.1)) - 1, len(RARE) * 10 - 1)
            words.append(RARE[rank % len(RARE)] + ("" if rank < len(RARE) else str(rank // len(RARE))))
    return " ".join(words)


def seed(papers: int, reviewers: int, seed_value: int = 11):
    from paperdesk.accounts.models import Affiliation, User
    from paperdesk.committee.models import Bid, PoolMember, Publication
    from paperdesk.submissions.models import Authorship, Submission
    from paperdesk.venues.models import ContributionType, TopicArea, Track

    rng = random.Random(seed_value)
    venue = load_venue(slug=f"bench-{papers}x{reviewers}", deadline_in_days=-3)
    topics = list(TopicArea.objects.filter(venue=venue))
    track = Track.objects.filter(venue=venue).first()
    kind = ContributionType.objects.filter(venue=venue).first()
    now = dt.datetime.now(dt.UTC)
    tag = f"{papers}x{reviewers}"

    people = papers * 3 + reviewers
    User.objects.bulk_create([User(email=f"p{i}.{tag}@{rng.choice(INSTITUTIONS)[1]}", full_name=f"Person{i} Bench{rng.randrange(10**6)}",
                                   password="!", moderation_status="active") for i in range(people)], batch_size=BATCH)
    users = list(User.objects.filter(email__contains=f".{tag}@").order_by("pk"))
    Affiliation.objects.bulk_create([
        Affiliation(user=u, institution=dict((d, n) for n, d in INSTITUTIONS).get(u.email.rsplit("@", 1)[1], "Elsewhere"),
                    email_domain=u.email.rsplit("@", 1)[1], start_year=2019, end_year=None)
        for u in users], batch_size=BATCH)
    authors, pool = users[: papers * 3], users[papers * 3:]

    Submission.objects.bulk_create([
        Submission(venue=venue, number=i + 1, public_id=f"b{tag.replace('x', 'y')}n{i}", track=track, title=_text(rng, 8), abstract=_text(rng, 120),
                   primary_topic=rng.choice(topics), contribution_type=kind, status=Submission.Status.SUBMITTED,
                   created_by=authors[3 * i], submitted_at=now)
        for i in range(papers)], batch_size=BATCH)
    submissions = list(Submission.objects.filter(venue=venue).order_by("number"))
    Authorship.objects.bulk_create([
        Authorship(submission=s, position=j, email=authors[3 * i + j].email, name=authors[3 * i + j].full_name, user=authors[3 * i + j])
        for i, s in enumerate(submissions) for j in range(3)], batch_size=BATCH)

    PoolMember.objects.bulk_create([
        PoolMember(venue=venue, public_id=f"m{tag}r{i}", user=u, email=u.email, name=u.full_name, role=PoolMember.Role.REVIEWER,
                   state=PoolMember.State.ACCEPTED, responded_at=now)
        for i, u in enumerate(pool)], batch_size=BATCH)
    members = list(PoolMember.objects.filter(venue=venue).order_by("pk"))
    through = PoolMember.expertise.through
    through.objects.bulk_create([through(poolmember_id=m.pk, topicarea_id=t.pk) for m in members for t in rng.sample(topics, 2)], batch_size=BATCH)
    Publication.objects.bulk_create([
        Publication(user=u, title=_text(rng, 8), abstract=_text(rng, 80), year=rng.randrange(2019, 2026),
                    coauthors=[rng.choice(authors).full_name for _ in range(2)], source="bench")
        for u in pool for _ in range(5)], batch_size=BATCH)
    bids = {(rng.randrange(papers), r) for r in range(len(pool)) for _ in range(10)}
    Bid.objects.bulk_create([Bid(submission=submissions[p], user=pool[r], value=rng.choice(["eager", "willing", "in_a_pinch", "not_willing"]))
                             for p, r in bids], batch_size=BATCH)
    return venue


def run_once(venue):
    from paperdesk.accounts.models import User
    from paperdesk.committee import assignment
    from paperdesk.committee.models import Assignment

    chair = User.objects.create(email=f"chair@{venue.slug}.example", full_name="Bench Chair", password="!", moderation_status="active")
    from paperdesk.venues.models import VenueRole

    VenueRole.objects.create(venue=venue, user=chair, role=VenueRole.Role.CHAIR)
    started = time.perf_counter()
    run = assignment.run_start(venue=venue, actor=chair)  # the immediate task backend runs the job inline
    run.refresh_from_db()
    wall = time.perf_counter() - started
    pairs = Assignment.objects.filter(submission__venue=venue, published=False).count()
    return run, wall, pairs


def main() -> None:
    from django.test.utils import setup_test_environment

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000x1500,6000x4500", help="comma-separated PAPERSxREVIEWERS (default: 2000x1500,6000x4500)")
    args = parser.parse_args()
    setup_test_environment()
    print(f"database: {django.db.connection.vendor}")
    print("| papers x reviewers | seed s | conflicts s | affinity s | solve s | save s | run wall s | pairs | conflicts found | peak MB | state |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        papers, reviewers = (int(x) for x in size.lower().split("x"))
        with fresh_database():
            t = time.perf_counter()
            venue = seed(papers, reviewers)
            seeded = time.perf_counter() - t
            run, wall, pairs = run_once(venue)
        timings = (run.result or {}).get("timings", {})
        found = (run.result or {}).get("conflicts", {})
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"| {papers:,} x {reviewers:,} | {seeded:.1f} | {timings.get('conflicts', '-')} | {timings.get('affinity', '-')} | "
              f"{timings.get('solve', '-')} | {timings.get('save', '-')} | {wall:.1f} | {pairs:,} | {found.get('total', found) if found else '-'} | "
              f"{peak:.0f} | {run.state}: {run.message[:60]} |", flush=True)

if __name__ == "__main__":
    main()
