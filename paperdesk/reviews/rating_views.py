"""Rating a review's quality (issue 11 item 4): the paper's area chair and the unconflicted
chairs, from the paper's review page. The same 404 as a missing review for anyone else."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from paperdesk import policy
from paperdesk.submissions.services import ServiceError

from . import ratings


@require_POST
def rate(request, public_id: str, review_id: str):
    submission = policy.get_review_paper_for(request.user, public_id)
    request.venue = submission.venue
    review = ratings.get_review_for_rating(request.user, submission, review_id)
    score, note = request.POST.get("score", ""), request.POST.get("note", "")
    try:
        ratings.rate_review(review=review, actor=request.user, score=score, note=note)
    except ServiceError as error:
        return render(request, "reviews/rate.html", {
            "submission": submission, "venue": submission.venue, "review_id": review.public_id,
            "label": policy.reviewer_label(request.user, review.assignment), "score": score, "note": note,
            "error": error.message, "scores": ratings.SCORES.items(),
        }, status=error.status)
    return redirect(reverse("reviews:paper", args=[submission.public_id]) + "#review-ratings")
