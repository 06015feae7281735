"""Review-quality ratings over the API (issue 11 item 4), as on the paper's review page:
the paper's area chair and the unconflicted chairs rate each submitted review 1-3 with a
note (`reviews.ratings.rate_review`); the chairs read every rating with who gave it, the area
chair the ratings they gave; a reviewer reads only the average and count of their own.
Anyone else gets the 404 of a missing paper or review."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from paperdesk import policy
from paperdesk.reviews import ratings

from .reviews import review_paper_or_404
from .schemas import ErrorOut, InputSchema

router = Router(tags=["reviews"])


class RatingIn(InputSchema):
    score: int = Field(description="1 poor, 2 good, 3 excellent")
    note: str = Field("", max_length=ratings.NOTE_MAX_CHARS, description="Read by the chairs, never by the reviewer")


class RatingOut(Schema):
    review: str
    reviewer: str = Field(description="The review's label as you may see it (names for the chairs and, where the venue allows, area chairs)")
    rater: str | None = Field(None, description="Who rated (chairs only)")
    score: int
    label: str
    note: str
    updated_at: dt.datetime


class RatingsOut(Schema):
    items: list[RatingOut]


class RatingSummaryOut(Schema):
    count: int
    average: float | None


def _out(view: ratings.RatingView, show_rater: bool) -> dict:
    return {"review": view.review_id, "reviewer": view.reviewer, "rater": view.rater if show_rater else None, "score": view.score,
            "label": view.label, "note": view.note, "updated_at": view.at}


@router.put(
    "/papers/{public_id}/reviews/{review_id}/rating",
    response={200: RatingOut, 400: ErrorOut, 404: ErrorOut},
    summary="Rate a review's quality (area chair, chairs)",
    description="Gives or changes your rating of one submitted review of the paper: 1 poor, 2 good, 3 excellent, with an optional note.",
)
def rate_review(request, public_id: str, review_id: str, payload: RatingIn):
    user = request.auth
    submission = review_paper_or_404(user, public_id)
    review = ratings.get_review_for_rating(user, submission, review_id)
    rating = ratings.rate_review(review=review, actor=user, score=payload.score, note=payload.note)
    view = ratings.RatingView(review.public_id, policy.reviewer_label(user, review.assignment), user.display_name, rating.score,
                              ratings.SCORES[rating.score], rating.note, rating.updated_at)
    return _out(view, policy.can_view_review_ratings(user, submission))


@router.get(
    "/papers/{public_id}/review-ratings",
    response={200: RatingsOut, 404: ErrorOut},
    summary="The quality ratings of a paper's reviews (chairs; an area chair: their own)",
)
def paper_ratings(request, public_id: str):
    user = request.auth
    submission = review_paper_or_404(user, public_id)
    if not (policy.can_view_review_ratings(user, submission) or policy.is_area_chair_of(user, submission)):
        raise Http404("No such paper")
    show = policy.can_view_review_ratings(user, submission)
    return {"items": [_out(v, show) for v in ratings.ratings_for(user, submission)]}


@router.get(
    "/me/review-ratings",
    response={200: RatingSummaryOut},
    summary="The quality ratings of your reviews: their count and average",
    description="Never who rated, nor their notes.",
)
def my_ratings(request):
    summary = ratings.my_rating_summary(request.auth)
    return {"count": summary.count, "average": summary.average}
