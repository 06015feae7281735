#!/usr/bin/env python3
"""Cost of the review-integrity hints on a paper's page at a conference's size.

Builds, in a throwaway database (SQLite in a temporary folder, or a test database on the
server DATABASE_URL names), the default venue with P papers of three submitted reviews each
(texts drawn from a shared vocabulary of review phrases, a few reviews copied from others),
then, as a chair, asks for one paper's hints three times: the first computes the venue-wide
comparison (every review against every other), the next ones find it in the cache; then a
review is edited and the hints asked again (the comparison runs again, never stale). Per
call it prints wall time and SQL queries, and the ratio first/cached. It never asserts.

    .venv/bin/python bench/integrity_hints.py                 # 3,000 papers, 9,000 reviews
    .venv/bin/python bench/integrity_hints.py --papers 500
"""

from __future__ import annotations

import argparse
import random
import time

from benchdb import fresh_database, load_venue
from django.db import connection
from django.test.utils import CaptureQueriesContext

PHRASES = ["the paper studies", "a small transformer", "the circuit analysis", "is careful", "the ablations support",
           "the main hypothesis", "causal claims", "rest on a single seed", "more seeds", "a linear probe baseline",
           "the writing is clear", "figure three", "hard to read", "a solid contribution", "sparse autoencoders",
           "dead latents", "the evaluation", "is limited to", "toy models", "attention heads", "induction", "superposition",
           "the related work", "misses", "steering vectors", "the metric", "is not defined", "I recommend", "acceptance",
           "rejection", "the authors should", "clarify", "the method", "scales poorly", "to larger models"]


VOCABULARY = [f"{stem}{suffix}" for stem in ("circuit", "feature", "probe", "layer", "head", "neuron", "model", "token", "latent",
                                               "vector", "result", "claim", "method", "baseline", "dataset", "metric", "figure",
                                               "section", "appendix", "experiment") for suffix in map(str, range(400))]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]  # Zipf: a few words everywhere, most rare


def review_text(rng: random.Random) -> str:
    """About 450 words: one part in seven from the stock phrases every review uses, the rest
    from a Zipf-distributed vocabulary of 8,000 words (`--phrases-only`: stock phrases only,
    a worst case where any two reviews share a tenth of their word triples)."""
    if PHRASES_ONLY:
        return " ".join(rng.choice(PHRASES) for _ in range(rng.randint(60, 160))) + "."
    parts: list[str] = []
    while len(parts) < 120:
        parts.append(rng.choice(PHRASES) if rng.random() < 0.15 else " ".join(rng.choices(VOCABULARY, WEIGHTS, k=4)))
    return " ".join(parts) + "."


PHRASES_ONLY = False


def build(papers: int, rng: random.Random):
    from django.utils import timezone

    from paperdesk.accounts.models import User
    from paperdesk.committee.models import Assignment
    from paperdesk.reviews.models import Review
    from paperdesk.submissions.models import Submission
    from paperdesk.venues.models import ContributionType, TopicArea, Track, VenueRole

    venue = load_venue(deadline_in_days=-40)
    chair = User.objects.create_user("chair@bench.org", None, full_name="Bench Chair", moderation_status=User.Moderation.ACTIVE)
    VenueRole.objects.create(venue=venue, user=chair, role=VenueRole.Role.CHAIR)
    track = Track.objects.filter(venue=venue).first()
    topic, kind = TopicArea.objects.filter(venue=venue).first(), ContributionType.objects.filter(venue=venue).first()
    reviewers = User.objects.bulk_create(User(email=f"r{i}@rev.org", full_name=f"Reviewer {i}", moderation_status=User.Moderation.ACTIVE)
                                         for i in range(max(30, papers // 2)))
    now = timezone.now()
    subs = Submission.objects.bulk_create(Submission(venue=venue, number=n + 1, title=f"Paper {n + 1}", abstract="We study circuits.",
                                                     track=track, primary_topic=topic, contribution_type=kind, created_by=chair,
                                                     status=Submission.Status.SUBMITTED, submitted_at=now)
                                          for n in range(papers))
    assignments = Assignment.objects.bulk_create(
        Assignment(submission=s, user=reviewers[(i * 3 + k) % len(reviewers)], kind=Assignment.Kind.REVIEWER, alias_number=k + 1, published=True)
        for i, s in enumerate(subs) for k in range(3))
    questions = list(venue.spec.review_form.questions)
    text_questions = [q for q in questions if q.kind == "text"]  # the review in the first, a line in the others
    texts = [review_text(rng) for _ in assignments]
    for i in rng.sample(range(1, len(texts)), k=max(1, len(texts) // 500)):
        texts[i] = texts[i - 1]  # a few copies for the hints to find
    Review.objects.bulk_create(
        Review(assignment=a, state=Review.State.SUBMITTED, submitted_at=now, overall=3, confidence=3,
               answers={q.key: ((t if q is text_questions[0] else "See above.") if q.kind == "text" else (q.options[0].slug if q.options else 3))
                        for q in questions})
        for a, t in zip(assignments, texts, strict=True))
    return venue, chair, subs


def timed(label: str, call) -> float:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = call()
        took = time.perf_counter() - start
    print(f"{label:<34} {took * 1000:9.1f} ms {len(queries):5d} queries {len(result):3d} hints")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=3000)
    parser.add_argument("--phrases-only", action="store_true", help="reviews made of stock phrases only (worst case)")
    args = parser.parse_args()
    global PHRASES_ONLY
    PHRASES_ONLY = args.phrases_only
    rng = random.Random(7)
    with fresh_database():
        from django.core.cache import cache

        from paperdesk.reviews import integrity
        from paperdesk.reviews.models import Review

        venue, chair, subs = build(args.papers, rng)
        paper = subs[len(subs) // 2]
        print(f"{venue.slug}: {args.papers} papers, {Review.objects.count()} submitted reviews ({connection.vendor})")
        cache.clear()
        first = timed("first (computes the comparison)", lambda: integrity.hints_for(chair, paper))
        cached = [timed(f"again #{i} (cached)", lambda: integrity.hints_for(chair, paper)) for i in (1, 2)]
        review = Review.objects.filter(assignment__submission=subs[0]).first()
        review.answers = {k: (v + " Edited." if isinstance(v, str) else v) for k, v in review.answers.items()}
        review.save()
        timed("after a review is edited", lambda: integrity.hints_for(chair, paper))
        print(f"first / cached: {first / max(cached):.1f}x")


if __name__ == "__main__":
    main()
