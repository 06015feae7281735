"""Area chairs (and chairs) rate the quality of each review: 1 (poor), 2 (good), 3 (excellent)
with an optional note. Chairs read every rating with who gave it; the area chair reads back
their own; a reviewer reads only the average and count of the ratings of their reviews
(never who rated, nor the notes). Writes here are one transaction with an audit entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Avg, Count

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError, require

from .models import Review, ReviewRating

SCORES = {1: "Poor", 2: "Good", 3: "Excellent"}
NOTE_MAX_CHARS = 2000


def _score(raw) -> int:
    try:
        score = int(str(raw).strip())
    except (TypeError, ValueError):
        score = 0
    if score not in SCORES:
        raise ServiceError("Rate the review 1, 2 or 3 (1 poor, 2 good, 3 excellent).", 400, "score")
    return score


def rate_review(*, review: Review, actor, score, note: str = "", now=None) -> ReviewRating:
    """Give (or change) the actor's rating of one review."""
    require(policy.can_rate_review(actor, review), 404)
    value = _score(score)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise ServiceError(f"The note is {len(note):,} characters long; the limit is {NOTE_MAX_CHARS:,}.", 400, "note")
    now = now or clock.now()
    submission = review.assignment.submission
    with transaction.atomic():
        rating, created = ReviewRating.objects.select_for_update().get_or_create(
            review=review, rater=actor, defaults={"score": value, "note": note, "created_at": now, "updated_at": now})
        before = None if created else rating.score
        if not created:
            rating.score, rating.note, rating.updated_at = value, note, now
            rating.save(update_fields=["score", "note", "updated_at"])
        record("review.rated", review, actor=actor, venue=submission.venue, paper=submission, score=value, previous=before,
               alias=str(review.assignment.alias))
    return rating


# --- reads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingView:
    review_id: str
    reviewer: str  # the review's label as the viewer may see it
    rater: str
    score: int
    label: str
    note: str
    at: object


def ratings_for(viewer, submission: Submission) -> list[RatingView]:
    """The ratings of a paper's reviews the viewer may read: all of them for the unconflicted
    chairs, the viewer's own for the area chair, none for anyone else."""
    rows = ReviewRating.objects.filter(review__assignment__submission=submission).select_related(
        "rater", "review__assignment__user", "review__assignment__submission__venue")
    if not policy.can_view_review_ratings(viewer, submission):
        if not policy.is_area_chair_of(viewer, submission):
            return []
        rows = rows.filter(rater_id=policy.as_viewer(viewer).pk)
    return [RatingView(r.review.public_id, policy.reviewer_label(viewer, r.review.assignment), r.rater.display_name, r.score,
                       SCORES[r.score], r.note, r.updated_at) for r in rows]


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None


def my_rating_summary(viewer, venue=None) -> RatingSummary:
    """A reviewer's own summary: how many ratings their reviews got and their average."""
    v = policy.as_viewer(viewer)
    if not v.is_authenticated:
        return RatingSummary(0, None)
    rows = ReviewRating.objects.filter(review__assignment__user_id=v.user_id, review__assignment__kind="reviewer")
    if venue is not None:
        rows = rows.filter(review__assignment__submission__venue=venue)
    totals = rows.aggregate(n=Count("id"), avg=Avg("score"))
    average = round(float(totals["avg"]), 2) if totals["avg"] is not None else None
    return RatingSummary(totals["n"], average)


def get_review_for_rating(viewer, submission: Submission, review_id: str) -> Review:
    """A review of this paper the viewer may rate; the same 404 as a missing one otherwise."""
    from django.http import Http404

    review = Review.objects.select_related("assignment__submission__venue", "assignment__user").filter(
        public_id=review_id, assignment__submission=submission).first()
    if review is None or not policy.can_rate_review(viewer, review):
        raise Http404("No such review")
    return review


@dataclass(frozen=True)
class RateRow:
    review_id: str
    label: str
    score: int | None  # the viewer's own rating, if any
    note: str


@dataclass(frozen=True)
class RatingPanel:
    rows: list[RateRow]  # the reviews the viewer may rate, with their own rating
    ratings: list[RatingView]  # what the viewer may read of all ratings (chairs: all)
    chair_view: bool


def panel_for(viewer, submission: Submission) -> RatingPanel | None:
    """The review-quality box of a paper's review page: None for anyone who rates nothing."""
    if not (policy.is_unconflicted_chair(viewer, submission) or policy.is_area_chair_of(viewer, submission)):
        return None
    v = policy.as_viewer(viewer)
    reviews = (Review.objects.filter(assignment__submission=submission, assignment__kind="reviewer", state=Review.State.SUBMITTED)
               .exclude(assignment__user_id=v.user_id).select_related("assignment__user", "assignment__submission__venue")
               .order_by("assignment__alias_number"))
    mine = {r.review_id: r for r in ReviewRating.objects.filter(review__assignment__submission=submission, rater_id=v.pk)}
    rows = []
    for review in reviews:
        if not policy.can_rate_review(v, review):
            continue
        own = mine.get(review.pk)
        rows.append(RateRow(review.public_id, policy.reviewer_label(v, review.assignment), own.score if own else None, own.note if own else ""))
    return RatingPanel(rows, ratings_for(v, submission), policy.can_view_review_ratings(v, submission))
