"""The authors' response page (issue 11 item 1): the reviews they respond to (once the
phase has opened) and the response form while it is open. Anyone who may not read the
response gets the 404 of a missing paper."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from paperdesk import policy
from paperdesk.submissions.services import ServiceError

from . import author_response


@require_http_methods(["GET", "POST"])
def respond(request, public_id: str):
    submission = policy.get_submission_for(request.user, public_id)
    if not (policy.is_author(request.user, submission) and policy.author_response_window(submission.venue)):
        raise Http404("No such paper")
    request.venue = submission.venue
    text, error, status = None, "", 200
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            author_response.save_response(submission=submission, actor=request.user, text=text)
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, "Your response is saved; you can edit it until the response closes.")
            return redirect(reverse("reviews:author_response", args=[submission.public_id]))
    page = author_response.response_page(request.user, submission)
    return render(request, "reviews/author_response.html", {
        "submission": submission, "venue": submission.venue, "page": page, "error": error,
        "text": text if text is not None else (page.response.text if page.response else ""),
    }, status=status)
