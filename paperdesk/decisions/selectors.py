"""Reads of the decisions app, each built for its viewer: the authors' page of decision and
reviews. The chairs' decision table is in table.py and their exports in exports.py (papers
the chair is conflicted with appear as their authors see them); both stay importable from
here. The public program, made of camera-ready data, is in paperdesk.cameraready.program.

Lists take a fixed number of queries whatever the number of papers."""

from __future__ import annotations

from dataclasses import dataclass, field

from paperdesk import policy
from paperdesk.reviews.selectors import MetaReviewView, ReviewCard, meta_review_for, visible_reviews
from paperdesk.submissions.models import Submission

from .models import Decision

# The decision table lives in table.py; its names stay importable from here.
from .table import (  # noqa: F401
    PAGE_SIZE,
    SORT_KEYS,
    CheckSummary,
    TableFilters,
    TableRow,
    _has_decision,
    decision_rows,
    latest_runs,
    outcome_counts,
    outcome_totals,
    rows_for,
    summarize_report,
    table,
    table_page,
    table_queryset,
)

# --- the authors' page ---------------------------------------------------------------------


@dataclass
class AuthorResults:
    submission: Submission
    released: bool
    outcome_name: str = ""
    accepted: bool = False
    reviews: list[ReviewCard] = field(default_factory=list)
    meta_review: MetaReviewView | None = None
    decision: Decision | None = None


def author_results(viewer, submission: Submission) -> AuthorResults:
    """What an author sees: nothing of the reviewing before release; then the decision, the
    reviews under aliases (answers meant for authors only) and the submitted meta-review.
    (The camera-ready section of an accepted paper comes from paperdesk.cameraready.)"""
    decision = Decision.objects.filter(submission=submission).first()
    released = bool(decision and decision.released_at) and policy.can_view_decision(viewer, submission)
    result = AuthorResults(submission=submission, released=released)
    if not released:
        return result
    outcome = policy.outcome_of(submission.venue, decision.outcome)
    result.decision = decision
    result.outcome_name = outcome.name if outcome else decision.outcome
    result.accepted = bool(outcome and outcome.accepted) and submission.status != Submission.Status.WITHDRAWN
    result.reviews = visible_reviews(viewer, submission, for_author=True)
    result.meta_review = meta_review_for(viewer, submission, for_author=True)
    return result
