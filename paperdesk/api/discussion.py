"""A paper's discussion and its meta-review over the API, as on the paper's review page.

Papers come through `policy.get_review_paper_for` (the paper's reviewers, its area chair,
the chairs without a conflict): everyone else gets the 404 of a missing paper. The thread
is `reviews.selectors.discussion_for`'s (aliases; names only for the unconflicted chairs;
sanitised HTML), with each post's Markdown. Posts go through
`reviews.services.discussion_post_create` (limits, closed discussion, e-mails after the
commit); meta-reviews through `reviews.services.meta_review_save`, for the area chair and
the chairs, as the page's form.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from ninja import Body, Router, Status

from paperdesk import policy
from paperdesk.reviews import selectors, services
from paperdesk.reviews.models import DiscussionPost, MetaReview
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError

from .reviewing_schemas import DiscussionOut, DiscussionPostIn, MetaReviewFormOut, MetaReviewIn, PostOut
from .reviewing_views import DISCUSSION_HIDDEN, discussion_view, meta_review_form_view, post_view
from .reviews import review_paper_or_404
from .schemas import ErrorOut

router = Router(tags=["reviews"])


def _bodies(submission: Submission) -> dict[str, str]:
    return dict(DiscussionPost.objects.filter(submission=submission).values_list("public_id", "body"))


@router.get(
    "/papers/{public_id}/discussion",
    response={200: DiscussionOut, 404: ErrorOut},
    summary="The discussion of a paper",
    description=(
        "Between the paper's reviewers, its area chair and the program chairs without a conflict. Everyone appears "
        "under an alias ('Reviewer 2', 'Area chair 1', 'Program chair'); only the program chairs see names. A reviewer "
        "reads it once they may read the other reviews (after submitting their own): until then `open` is false."
    ),
)
def get_discussion(request, public_id: str):
    user = request.auth
    submission = review_paper_or_404(user, public_id)
    posts = selectors.discussion_for(user, submission)
    return discussion_view(user, submission, posts, _bodies(submission) if posts else {})


@router.post(
    "/papers/{public_id}/discussion",
    response={201: PostOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut},
    summary="Post to the discussion of a paper",
    description=(
        "Markdown, at most `max_chars` characters (413 above). The others taking part are told by e-mail, each "
        "with what they may see of who wrote it. Closed for a withdrawn paper (403)."
    ),
)
def post_discussion(request, public_id: str, payload: DiscussionPostIn):
    user = request.auth
    submission = review_paper_or_404(user, public_id)
    if not policy.can_view_discussion(user, submission):
        raise ServiceError(DISCUSSION_HIDDEN, 403)
    post = services.discussion_post_create(submission=submission, actor=user, body=payload.body)
    shown = next(p for p in selectors.discussion_for(user, submission) if p.public_id == post.public_id)
    return Status(201, post_view(shown, post.body))


# --- the meta-review ------------------------------------------------------------------------


def _meta_paper(user, public_id: str) -> Submission:
    """A paper whose meta-review form the caller has: its area chair, an unconflicted chair."""
    submission = review_paper_or_404(user, public_id)
    if not (policy.is_area_chair_of(user, submission) or policy.is_unconflicted_chair(user, submission)):
        raise Http404("No such meta-review")
    return submission


@router.get(
    "/papers/{public_id}/meta-review",
    response={200: MetaReviewFormOut, 404: ErrorOut},
    summary="The meta-review of a paper (area chair, chairs)",
    description="For the paper's area chair and the program chairs without a conflict: the draft or submitted meta-review.",
)
def get_meta_review(request, public_id: str):
    submission = _meta_paper(request.auth, public_id)
    return meta_review_form_view(request.auth, submission, selectors.meta_review_for(request.auth, submission))


def _save_meta(request, public_id: str, payload: MetaReviewIn | None, *, submit: bool):
    user = request.auth
    submission = _meta_paper(user, public_id)
    changes = payload.model_dump(exclude_unset=True) if payload is not None else {}
    recommendation = changes.get("recommendation")
    outcomes = [o.slug for o in submission.venue.spec.outcomes]
    if recommendation and recommendation not in outcomes:
        raise ServiceError(f"“{recommendation}” is not an outcome of this venue; choose one of: {', '.join(outcomes)}.", 400, "recommendation")
    with transaction.atomic():
        # Fields not sent keep their stored value: two saves at once must not both start
        # from the same state, so saves of one paper's meta-review take turns.
        Submission.objects.select_for_update().filter(pk=submission.pk).first()
        current = MetaReview.objects.filter(submission=submission).first()
        services.meta_review_save(
            submission=submission, actor=user,
            recommendation=changes.get("recommendation", current.recommendation if current else ""),
            text=changes.get("text", current.text if current else ""),
            submit=submit,
        )
    return meta_review_form_view(user, submission, selectors.meta_review_for(user, submission))


@router.put(
    "/papers/{public_id}/meta-review",
    response={200: MetaReviewFormOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Save the meta-review of a paper",
    description=(
        "Saves a draft (a submitted meta-review stays submitted and must keep its text). Fields not sent keep their "
        "value; the first save needs a recommendation. Closed once the decision is released (403)."
    ),
)
def put_meta_review(request, public_id: str, payload: MetaReviewIn):
    return _save_meta(request, public_id, payload, submit=False)


@router.post(
    "/papers/{public_id}/meta-review/submit",
    response={200: MetaReviewFormOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Submit the meta-review of a paper",
    description="Applies the fields sent (as PUT does), then submits: a recommendation and a text are needed. The paper's reviewers then read it.",
)
def submit_meta_review(request, public_id: str, payload: MetaReviewIn = Body(None)):
    return _save_meta(request, public_id, payload, submit=True)
