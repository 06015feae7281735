"""Reviewing pages: the reviewer's dashboard, a paper's review page (PDF, checker report,
review form with autosave, the other reviews, meta-review, discussion) and the area chair's
batch. Papers come through `policy.get_review_paper_for`: the same 404 for "missing" and
"not yours to review", also for someone not signed in (no login redirect tells that an
address is meaningful). Views parse, call one service or selector, render."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from paperdesk import clock, policy
from paperdesk.submissions.models import Upload
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.models import Venue

from . import history, selectors, services
from .anonymize import StripFailed, anonymized_copy
from .forms import DISCUSSION_MAX_CHARS, MetaReviewForm, initial_from_review, review_form_class

log = logging.getLogger(__name__)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _paper(request, public_id: str):
    submission = policy.get_review_paper_for(request.user, public_id)
    request.venue = submission.venue
    return submission


@login_required
@require_safe
def dashboard(request):
    return render(request, "reviews/dashboard.html", {
        "groups": selectors.reviewer_dashboard(request.user),
        "ac_venues": Venue.objects.filter(pk__in=policy.my_assignments(request.user, kind="area_chair").values("submission__venue")),
    })


def _page(request, submission, *, form=None, meta_form=None, error: str = "", status: int = 200, post_text: str = ""):
    page = selectors.review_page(request.user, submission)
    if form is None and page.assignment is not None:
        form = review_form_class(submission.venue.spec.review_form)(initial=initial_from_review(page.my_review))
    if meta_form is None and (page.is_chair or page.is_area_chair):
        meta = page.meta_review
        meta_form = MetaReviewForm(submission.venue, initial={"recommendation": meta.recommendation, "text": meta.text} if meta else {})
    return render(request, "reviews/paper.html", {
        "page": page,
        "submission": submission,
        "venue": submission.venue,
        "form": form,
        "meta_form": meta_form,
        "error": error,
        "post_text": post_text,
        "discussion_max": DISCUSSION_MAX_CHARS,
        "reverted": history.last_revert_of(page.my_review),
    }, status=status)


@require_safe
def paper(request, public_id):
    return _page(request, _paper(request, public_id))


@require_safe
def paper_pdf(request, public_id):
    """The latest paper PDF without its author metadata (Info, XMP, annotation authors)."""
    submission = _paper(request, public_id)
    upload = submission.uploads.filter(kind=Upload.Kind.PAPER).order_by("-version").first()
    if upload is None:
        raise Http404("No PDF")
    try:
        copy = anonymized_copy(upload)
    except StripFailed as error:
        log.warning("cannot anonymize upload %s: %s", upload.public_id, error)
        return render(request, "reviews/refused.html", {
            "reason": f"This PDF could not be prepared for reviewers (it may be damaged). The chairs have been told; write to {submission.venue.contact_email} for a copy.",
            "submission": submission}, status=422)
    response = FileResponse(default_storage.open(copy.blob, "rb"), as_attachment=False,
                            filename=f"paper-{submission.public_id}.pdf", content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response


def _review_input(request, submission):
    form = review_form_class(submission.venue.spec.review_form)(request.POST)
    return form, form.is_valid()


def _save(request, submission, *, submit: bool):
    form, valid = _review_input(request, submission)
    if not valid:
        return form, ServiceError("Some answers need a fix: see the marked fields.", 400)
    try:
        services.review_save(
            submission=submission, actor=request.user, answers=form.answers(),
            overall=form.cleaned_data.get("overall"), confidence=form.cleaned_data.get("confidence"),
            comments_to_chairs=form.cleaned_data.get("comments_to_chairs") or "", submit=submit,
        )
    except ServiceError as error:
        if error.field and f"q_{error.field}" in form.fields:
            form.add_error(f"q_{error.field}", error.message)
        return form, error
    return form, None


@require_POST
def review_save(request, public_id):
    submission = _paper(request, public_id)
    submit = request.POST.get("action") == "submit"
    form, error = _save(request, submission, submit=submit)
    if error is not None:
        return _page(request, submission, form=form, error=error.message, status=error.status)
    review = selectors.review_page(request.user, submission).my_review
    if submit:
        if review.late:
            messages.warning(request, "Your review is submitted. It is marked late: the review deadline had passed. Thank you for sending it.")
        else:
            messages.success(request, "Your review is submitted. You can change it until the review deadline; the other reviews are below.")
    else:
        messages.success(request, "Saved." if review.state == "submitted" else "Draft saved. It is not submitted yet.")
    return redirect("reviews:paper", submission.public_id)


@require_POST
def review_autosave(request, public_id):
    """htmx: save the draft while the reviewer types; answers with a one-line status."""
    submission = _paper(request, public_id)
    form, error = _save(request, submission, submit=False)
    if error is not None:
        message = error.message
        if not form.is_valid():
            message = " ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items() if name in form.fields) or message
        return render(request, "reviews/_autosave.html", {"error": message}, status=error.status)
    return render(request, "reviews/_autosave.html", {"saved_at": clock.now(), "venue": submission.venue})


@require_http_methods(["GET", "POST"])
def discussion(request, public_id):
    submission = _paper(request, public_id)
    if not policy.can_view_discussion(request.user, submission):
        raise Http404("No discussion")
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            services.discussion_post_create(submission=submission, actor=request.user, body=body)
        except ServiceError as error:
            if _is_htmx(request):
                return _thread(request, submission, error=error.message, status=error.status, post_text=body)
            return _page(request, submission, error=error.message, status=error.status, post_text=body)
        if _is_htmx(request):
            return _thread(request, submission, notice="Posted. The others taking part are told by e-mail.")
        messages.success(request, "Posted. The others taking part are told by e-mail.")
        return redirect(f"{request.path.rsplit('discussion/', 1)[0]}#discussion")
    return _thread(request, submission)


def _thread(request, submission, *, error: str = "", notice: str = "", status: int = 200, post_text: str = ""):
    page = selectors.review_page(request.user, submission)
    return render(request, "reviews/_discussion.html", {
        "page": page, "submission": submission, "discussion_error": error, "discussion_notice": notice,
        "post_text": post_text, "discussion_max": DISCUSSION_MAX_CHARS,
    }, status=status)


@require_POST
def meta_review(request, public_id):
    submission = _paper(request, public_id)
    form = MetaReviewForm(submission.venue, request.POST)
    if not form.is_valid():
        return _page(request, submission, meta_form=form, error="Choose a recommendation for the meta-review.", status=400)
    try:
        services.meta_review_save(submission=submission, actor=request.user, recommendation=form.cleaned_data["recommendation"],
                                  text=form.cleaned_data["text"], submit=request.POST.get("action") == "submit")
    except ServiceError as error:
        return _page(request, submission, meta_form=form, error=error.message, status=error.status)
    messages.success(request, "Meta-review submitted." if request.POST.get("action") == "submit" else "Meta-review saved (not submitted yet).")
    return redirect("reviews:paper", submission.public_id)


@require_safe
def area_chair(request, venue_slug):
    venue = Venue.objects.filter(slug=venue_slug).first()
    if venue is None:
        raise Http404("No such venue")
    rows = selectors.area_chair_batch(request.user, venue)
    if not rows:
        raise Http404("No papers")
    request.venue = venue
    return render(request, "reviews/area_chair.html", {"venue": venue, "rows": rows,
                                                       "deadline_passed": policy.review_deadline_passed(venue)})
