"""The chairs' review history: a paper's versions of its reviews and meta-review, reverting
one of them or all of the paper's reviews, and reverting every review of the venue to a
moment. Each revert is shown first (what changes, how many reviews, who is told), then
carried out by a POST carrying the number the chair confirmed. Everyone but the chairs
without a conflict gets the same 404 as a missing paper or venue."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from paperdesk import plurals, policy
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, venue_for_request

from . import history, reverts
from .forms import MomentForm


@require_safe
def paper_history(request, public_id):
    submission = history.get_history_paper_for(request.user, public_id)
    request.venue = submission.venue
    return render(request, "reviews/history.html", {
        "submission": submission, "venue": submission.venue,
        "objects": history.paper_history(request.user, submission),
        "moment_form": MomentForm(submission.venue),
        "can_revert": policy.can_revert_reviews(request.user, submission),
    })


def _expected(request) -> int | None:
    try:
        return int(request.POST.get("expected", ""))
    except ValueError:
        return None


def _confirm(request, *, plan, venue, submission, form=None, error="", status=200, hidden=None):
    return render(request, "reviews/revert_confirm.html", {
        "plan": plan, "venue": venue, "submission": submission, "form": form, "error": error, "hidden": hidden or {},
    }, status=status)


@require_http_methods(["GET", "POST"])
def paper_revert(request, public_id):
    """?review=<id>&version=<n> (one review or "meta-review"), or ?at=<moment> (every review of the paper)."""
    submission = history.get_history_paper_for(request.user, public_id)
    venue = request.venue = submission.venue
    data = request.POST if request.method == "POST" else request.GET
    back = reverse("reviews:history", args=[submission.public_id])
    try:
        if data.get("review"):
            try:
                number = int(data.get("version", ""))
            except ValueError:
                raise ServiceError("Choose a version to restore.", 400, "version") from None
            object_id = data["review"]
            hidden = {"review": object_id, "version": number}
            plan = reverts.plan_version(request.user, submission, object_id, number)
            if request.method == "POST":
                expected = _expected(request)
                if expected is None:
                    raise ServiceError("Confirm the revert from its confirmation page.", 400, "expected")
                plan = reverts.revert_version(submission=submission, actor=request.user, object_id=object_id, number=number, expected=expected)
                messages.success(request, _done(plan))
                return redirect(back)
            return _confirm(request, plan=plan, venue=venue, submission=submission, hidden=hidden)
        if request.method == "GET" and "at" not in data:  # choose the moment first
            return _confirm(request, plan=None, venue=venue, submission=submission, form=MomentForm(venue))
        form = MomentForm(venue, data)
        if not form.is_valid():
            return _confirm(request, plan=None, venue=venue, submission=submission, form=form,
                            error=" ".join(form.errors.get("at", [])) or "Choose a moment.", status=400)
        moment = form.cleaned_data["at"]
        hidden = {"at": data.get("at")}
        if request.method == "POST":
            expected = _expected(request)
            if expected is None:
                raise ServiceError("Confirm the revert from its confirmation page.", 400, "expected")
            plan = reverts.revert_to_moment(venue=venue, actor=request.user, moment=moment, expected=expected, submission=submission)
            messages.success(request, _done(plan))
            return redirect(back)
        plan = reverts.plan_moment(request.user, venue, moment, submission)
        return _confirm(request, plan=plan, venue=venue, submission=submission, form=form, hidden=hidden)
    except ServiceError as error:
        if error.status == 404:
            raise Http404("No such version") from None
        plan = _replan(request, submission, venue, data)
        return _confirm(request, plan=plan, venue=venue, submission=submission, form=MomentForm(venue, data) if data.get("at") else None,
                        error=error.message, status=error.status, hidden={k: data.get(k) for k in ("review", "version", "at") if data.get(k)})


def _replan(request, submission, venue, data):
    """The current plan, to show again beside an error (None if it cannot be made)."""
    try:
        if data.get("review"):
            return reverts.plan_version(request.user, submission, data["review"], int(data.get("version", "")))
        form = MomentForm(venue, data)
        if form.is_valid():
            return reverts.plan_moment(request.user, venue, form.cleaned_data["at"], submission)
    except (ServiceError, ValueError):
        return None
    return None


def _done(plan) -> str:
    what = f"{plurals.count(plan.count, 'review')}" if not plan.meta_reviews else (
        f"{plurals.count(plan.reviews, 'review')} and {plurals.count(plan.meta_reviews, 'meta-review')}")
    return f"Reverted {what}. The people who wrote them are told by e-mail; the history keeps every version."


@require_http_methods(["GET", "POST"])
def venue_revert(request, venue_slug):
    """Every review of the venue back to a moment: choose it, read what it does, confirm."""
    venue = venue_for_request(request, venue_slug, Need.REVERT_REVIEWS)
    data = request.POST if request.method == "POST" else request.GET
    if "at" not in data:
        return render(request, "reviews/venue_revert.html", {"venue": venue, "form": MomentForm(venue), "plan": None})
    form = MomentForm(venue, data)
    if not form.is_valid():
        return render(request, "reviews/venue_revert.html", {"venue": venue, "form": form, "plan": None,
                                                              "error": " ".join(form.errors.get("at", []))}, status=400)
    moment = form.cleaned_data["at"]
    try:
        if request.method == "POST":
            expected = _expected(request)
            if expected is None:
                raise ServiceError("Confirm the revert from its confirmation page.", 400, "expected")
            plan = reverts.revert_to_moment(venue=venue, actor=request.user, moment=moment, expected=expected)
            messages.success(request, _done(plan))
            return redirect("reviews:venue_revert", venue.slug)
        plan = reverts.plan_moment(request.user, venue, moment)
    except ServiceError as error:
        plan = None
        if error.status != 400 or error.field != "at":
            try:
                plan = reverts.plan_moment(request.user, venue, moment)
            except ServiceError:
                plan = None
        return render(request, "reviews/venue_revert.html", {"venue": venue, "form": form, "plan": plan, "error": error.message,
                                                              "at": data.get("at")}, status=error.status)
    return render(request, "reviews/venue_revert.html", {"venue": venue, "form": form, "plan": plan, "at": data.get("at")})
