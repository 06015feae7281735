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
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from paperdesk import clock, plurals, policy
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, venue_for_request
from paperdesk.venues.models import Venue

from . import author_response, history, ratings, selectors, services, supplementary
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
        "rating_summary": ratings.my_rating_summary(request.user),
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
        "materials": supplementary.reviewer_materials(submission),
        "rating_panel": ratings.panel_for(request.user, submission),
        "rating_scores": ratings.SCORES.items(),
        "author_response": author_response.response_for(request.user, submission),
        "updated_after_response": author_response.updated_after_response(submission),
    }, status=status)


@require_safe
def paper(request, public_id):
    return _page(request, _paper(request, public_id))


@require_safe
def paper_pdf(request, public_id):
    """The paper PDF in force (the submitted version: never a newer upload still being
    checked, or refused) without its author metadata (Info, XMP, annotation authors)."""
    submission = _paper(request, public_id)
    upload = submission.paper_in_force()
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


@require_safe
def paper_supplementary(request, public_id):
    """The latest supplementary archive as a zip without .git directories and notebook
    metadata (the original stays with the authors and chairs)."""
    submission = _paper(request, public_id)
    upload = supplementary.latest_archive(submission)
    if upload is None:
        raise Http404("No supplementary material")
    try:
        copy = supplementary.cleaned_archive(upload)
    except supplementary.CleanFailed as error:
        log.warning("cannot prepare supplementary upload %s: %s", upload.public_id, error)
        return render(request, "reviews/refused.html", {
            "reason": "This supplementary archive could not be prepared for reviewers (it cannot be read safely). "
                      f"The chairs have been told; write to {submission.venue.contact_email} if you need it.",
            "submission": submission}, status=422)
    response = FileResponse(default_storage.open(copy.blob, "rb"), as_attachment=True,
                            filename=f"supplementary-{submission.public_id}.zip", content_type="application/zip")
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
    venue = venue_for_request(request, venue_slug, Need.AREA_CHAIR)  # someone without papers to chair: 404
    rows = selectors.area_chair_batch(request.user, venue)
    return render(request, "reviews/area_chair.html", {"venue": venue, "rows": rows,
                                                       "deadline_passed": policy.review_deadline_passed(venue)})


# --- chasing reviews: remind late reviewers, extend deadlines, give a paper back ---------------


def _chase_paper(request, venue: Venue, public_id: str):
    if not public_id:
        return None
    submission = policy.get_review_paper_for(request.user, public_id)
    if submission.venue_id != venue.pk or not policy.can_chase_reviews(request.user, submission):
        raise Http404("No such paper")
    return submission


@require_http_methods(["GET", "POST"])
def chase(request, venue_slug):
    """Remind late reviewers: the preview (who gets what) on GET, the sending on POST, once
    per preview (the form's key)."""
    from . import chasing

    venue = venue_for_request(request, venue_slug, Need.CHASE_REVIEWS)
    submission = _chase_paper(request, venue, (request.POST.get("paper") or request.GET.get("paper") or "").strip()[:32])
    late_only = (request.POST.get("scope") or request.GET.get("scope") or "late") != "all"
    error, status = "", 200
    if request.method == "POST":
        try:
            result = chasing.remind_late_reviewers(actor=request.user, venue=venue, key=request.POST.get("key", ""),
                                                   submission=submission, late_only=late_only, note=request.POST.get("note", ""))
        except ServiceError as failure:
            error, status = failure.message, failure.status
        else:
            sent = (f"Reminder sent to {plurals.count(result.reviewers, 'reviewer')} "
                    f"for {plurals.count(result.reviews, 'review')}")
            if result.already:  # the first submit's answer may never have been shown (a double click)
                messages.info(request, f"{sent} (the form was submitted twice: it went out once, nothing more was sent)."
                              if result.reviewers else "This reminder was already sent (the form was submitted twice); nothing more went out.")
            else:
                messages.success(request, f"{sent}.")
            target = reverse("reviews:chase", args=[venue.slug])
            return redirect(target + (f"?paper={submission.public_id}" if submission else ""))
    people = chasing.remind_preview(request.user, venue, submission, late_only=late_only)
    return render(request, "reviews/chase.html", {
        "venue": venue, "submission": submission, "people": people, "late_only": late_only, "key": chasing.new_click_key(),
        "error": error, "count": sum(len(p.reviews) for p in people), "now": clock.now(),
    }, status=status)


@require_POST
def extend(request, public_id):
    """A chair or the paper's area chair moves the review deadline of one reviewer of the
    paper (reviewer = the assignment's id) or of all its reviewers still owing a review."""
    from . import chasing

    submission = _paper(request, public_id)
    if not policy.can_chase_reviews(request.user, submission):
        raise Http404("No such paper")
    user_id = None
    pair = (request.POST.get("reviewer") or "").strip()
    if pair:
        from paperdesk.committee.models import Assignment

        row = Assignment.objects.filter(pk=int(pair) if pair.isdigit() else 0, submission=submission, kind=Assignment.Kind.REVIEWER, published=True).first()
        if row is None:
            raise Http404("No such reviewer")
        user_id = row.user_id
    try:
        deadline = chasing.parse_deadline(submission.venue, request.POST.get("deadline", ""))
        result = chasing.extend_deadline(actor=request.user, submission=submission, deadline=deadline, user_id=user_id)
    except ServiceError as error:
        if error.status == 404:
            raise Http404("No such paper") from None
        messages.error(request, error.message)
    else:
        messages.success(request, f"New review deadline for {result.message} The reviewer{'s are' if len(result.changed) != 1 else ' is'} told by e-mail.")
    return redirect("reviews:paper", submission.public_id)


@require_http_methods(["GET", "POST"])
def give_back(request, public_id):
    """A reviewer declines a paper or flags a conflict with it, with a reason; the chairs
    are told and the slot reopens."""
    from . import chasing

    submission = _paper(request, public_id)
    decision = policy.can_give_back_paper(request.user, submission)
    if not decision:
        return render(request, "reviews/refused.html", {"reason": decision.reason, "submission": submission}, status=403)
    kind = request.POST.get("kind") or request.GET.get("kind") or "decline"
    reason = request.POST.get("reason", "")
    error, status = "", 200
    if request.method == "POST":
        try:
            chasing.give_back(actor=request.user, submission=submission, kind=kind, reason=reason)
        except ServiceError as failure:
            error, status = failure.message, failure.status
        else:
            messages.success(request, "The chairs are told: the paper is no longer yours to review." if kind == "decline"
                             else "Conflict recorded: the paper is no longer yours to review, and the chairs are told.")
            return redirect("reviews:dashboard")
    assignment = policy.published_assignment(request.user, submission)
    return render(request, "reviews/give_back.html", {
        "submission": submission, "venue": submission.venue, "kind": kind if kind in chasing.GIVE_BACK else "decline",
        "reason": reason, "error": error, "alias": assignment.alias if assignment else "",
        "has_draft": bool(assignment and getattr(assignment, "review", None) is not None),
    }, status=status)
