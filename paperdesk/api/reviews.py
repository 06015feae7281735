"""Reviews over the API: a reviewer's assignments and own review (draft, submit, edit until
the review deadline), the other reviews of a paper (reviewers once the venue lets them,
area chairs, chairs), and the authors' results after release.

Papers come through `policy.get_review_paper_for` (reviewers, area chairs, unconflicted
chairs) or `policy.get_submission_for` + `can_view_author_results` (authors): the same 404
for a missing paper and one that is not the caller's to see. Writes go through
`paperdesk.reviews.services.review_save`, reads through the reviews and decisions
selectors, as on the pages.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.http import Http404
from ninja import Body, Router

from paperdesk import clock, policy
from paperdesk.committee.models import Assignment
from paperdesk.decisions.selectors import author_results
from paperdesk.ids import ALPHABET
from paperdesk.reviews import selectors, services
from paperdesk.reviews.models import Review
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, get_venue_for

from .reviewing_schemas import AssignmentListOut, MyReviewOut, PaperReviewsOut, ResultsOut, ReviewFormOut, ReviewIn
from .reviewing_views import (
    assignment_view,
    meta_review_view,
    my_review_view,
    results_view,
    review_form_view,
    review_view,
)
from .schemas import ErrorOut, moment

router = Router(tags=["reviews"])

_PUBLIC_ID = re.compile(f"[{ALPHABET}]{{1,16}}")
WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
HIDDEN_UNTIL_OWN = "The other reviews appear here once you have submitted yours."


def review_paper_or_404(user, public_id: str) -> Submission:
    """A paper the caller reviews, area-chairs or (without a conflict) chairs."""
    if not _PUBLIC_ID.fullmatch(public_id or ""):
        raise Http404("No such paper")
    return policy.get_review_paper_for(user, public_id)


def _my_assignment(user, submission: Submission) -> Assignment:
    """The caller's own review slot on this paper; others get the paper's 404."""
    if not policy.is_assigned_reviewer(user, submission):
        raise Http404("No such review")
    return policy.published_assignment(user, submission)


# --- the reviewer's papers ------------------------------------------------------------------


@router.get("/venues/{slug}/review-form", response={200: ReviewFormOut, 404: ErrorOut}, summary="The venue's review form")
def review_form(request, slug: str):
    return review_form_view(get_venue_for(request.auth, slug, Need.SEE))


@router.get(
    "/venues/{slug}/assignments",
    response={200: AssignmentListOut, 404: ErrorOut},
    summary="My papers to review in a venue",
    description="Published assignments without a conflict, as on the reviewer's dashboard: never the authors.",
)
def my_assignments(request, slug: str):
    venue = get_venue_for(request.auth, slug, Need.SEE)
    groups = selectors.reviewer_dashboard(request.auth, venue=venue)
    rows = groups[0].rows if groups else []
    return {
        "venue": venue.slug,
        "review_deadline": moment(venue, venue.review_deadline),
        "deadline_passed": policy.review_deadline_passed(venue, clock.now()),
        "submitted": groups[0].done if groups else 0,
        "items": [assignment_view(row) for row in rows],
    }


# --- my review ------------------------------------------------------------------------------


@router.get("/papers/{public_id}/review", response={200: MyReviewOut, 404: ErrorOut}, summary="My review of a paper")
def get_my_review(request, public_id: str):
    submission = review_paper_or_404(request.auth, public_id)
    assignment = _my_assignment(request.auth, submission)
    review = Review.objects.filter(assignment=assignment).first()
    return my_review_view(request.auth, submission, assignment, review)


def _save(request, public_id: str, payload: ReviewIn | None, *, submit: bool):
    submission = review_paper_or_404(request.auth, public_id)
    assignment = _my_assignment(request.auth, submission)
    with transaction.atomic():
        # A partial PUT merges into the stored review: two at once must not both start
        # from the same state, so saves of one review slot take turns.
        Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
        return _merge_and_save(request, submission, assignment, payload, submit=submit)


def _merge_and_save(request, submission: Submission, assignment: Assignment, payload: ReviewIn | None, *, submit: bool):
    current = Review.objects.filter(assignment=assignment).first()
    changes = payload.model_dump(exclude_unset=True) if payload is not None else {}
    spec = submission.venue.spec.review_form
    known = {q.key for q in spec.questions}
    answers = dict(current.answers or {}) if current else {}
    for key, value in (changes.get("answers") or {}).items():
        if key not in known:
            raise ServiceError(f"“{key}” is not a question of this review form (GET /api/venues/{submission.venue.slug}/review-form).", 400, key)
        answers[key] = value

    def kept(name: str, empty):
        return changes[name] if name in changes else (getattr(current, name) if current else empty)

    services.review_save(
        submission=submission, actor=request.auth, answers=answers,
        overall=kept("overall", None), confidence=kept("confidence", None),
        comments_to_chairs=kept("comments_to_chairs", "") or "", submit=submit,
    )
    review = Review.objects.get(assignment=assignment)
    return my_review_view(request.auth, submission, assignment, review)


@router.put(
    "/papers/{public_id}/review",
    response={200: MyReviewOut, **WRITE_ERRORS},
    summary="Save my review",
    description=(
        "Saves a draft, which may be incomplete; a submitted review stays submitted and must stay complete. "
        "Fields not sent keep their value (within `answers`, questions not sent too). "
        "Allowed until the review deadline; after it a submitted review is final."
    ),
)
def put_my_review(request, public_id: str, payload: ReviewIn):
    return _save(request, public_id, payload, submit=False)


@router.post(
    "/papers/{public_id}/review/submit",
    response={200: MyReviewOut, **WRITE_ERRORS},
    summary="Submit my review",
    description=(
        "Applies the fields sent (as PUT does), then submits: every required question and both scores must be answered. "
        "After the review deadline a review not yet submitted may still be submitted; it is marked late."
    ),
)
def submit_my_review(request, public_id: str, payload: ReviewIn = Body(None)):
    return _save(request, public_id, payload, submit=True)


# --- the reviews of a paper -------------------------------------------------------------------


@router.get(
    "/papers/{public_id}/reviews",
    response={200: PaperReviewsOut, 404: ErrorOut},
    exclude_unset=True,
    summary="The other reviews of a paper",
    description=(
        "For the paper's reviewers (once the venue lets them: after submitting their own), its area chair and the "
        "program chairs without a conflict. Reviewers appear under their alias; only the chairs see who wrote what."
    ),
)
def paper_reviews(request, public_id: str):
    user = request.auth
    submission = review_paper_or_404(user, public_id)
    cards = [card for card in selectors.visible_reviews(user, submission) if not card.is_mine]
    identities = {}
    if policy.can_view_reviewer_identities(user, submission):
        rows = Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER, published=True).select_related("user")
        identities = {a.alias_number: a.user for a in rows}
    hidden = policy.is_assigned_reviewer(user, submission) and not policy.can_view_reviews(user, submission)
    return {
        "paper": submission.public_id,
        "title": submission.title,
        "reviews": [review_view(card, identities) for card in cards],
        "hidden_reason": HIDDEN_UNTIL_OWN if hidden else "",
        "meta_review": meta_review_view(selectors.meta_review_for(user, submission)),
    }


# --- the authors' results ---------------------------------------------------------------------


@router.get(
    "/submissions/{public_id}/results",
    response={200: ResultsOut, 404: ErrorOut},
    exclude_unset=True,
    summary="The decision and the reviews of my submission",
    description="Once the chairs release the decisions: the decision, the reviews under aliases and the meta-review.",
)
def results(request, public_id: str):
    if not _PUBLIC_ID.fullmatch(public_id or ""):
        raise Http404("No such submission")
    submission = policy.get_submission_for(request.auth, public_id)
    if not policy.can_view_author_results(request.auth, submission):
        raise Http404("No such submission")
    return results_view(author_results(request.auth, submission))
