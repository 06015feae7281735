"""The chairs' camera-ready pages: the status of every accepted paper's camera-ready
version (checked, problems, missing), its CSV, the reminder to the authors of missing ones
and per-paper deadline extensions. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from paperdesk import plurals, policy
from paperdesk.csvexport import csv_response
from paperdesk.submissions.forms import ExtensionForm
from paperdesk.submissions.services import ServiceError

from . import camera_ready as camera_ready_writes
from . import camera_ready_selectors
from .views import _chair_venue


def _camera_ready_status_page(request, venue, *, error: str = "", status: int = 200, typed: dict | None = None):
    rows = camera_ready_selectors.status_rows(request.user, venue)
    shown = request.GET.get("status", "")
    return render(request, "decisions/camera_ready_status.html", {
        "venue": venue, "error": error, "counts": camera_ready_selectors.status_counts(rows), "shown": shown,
        "rows": [r for r in rows if not shown or (not r.conflict and r.status == shown)],
        "to_remind": camera_ready_selectors.papers_to_remind(venue), "reminded_today": camera_ready_selectors.reminder_today(venue),
        "typed": typed or {},
    }, status=status)


@require_safe
def camera_ready_status(request, venue_slug):
    return _camera_ready_status_page(request, _chair_venue(request, venue_slug))


@require_POST
def camera_ready_remind(request, venue_slug):
    venue = _chair_venue(request, venue_slug)
    try:
        run = camera_ready_writes.reminders_start(venue=venue, actor=request.user)
    except ServiceError as error:
        return _camera_ready_status_page(request, venue, error=error.message, status=error.status)
    messages.success(request, f"Reminding the authors of {plurals.count(run.papers, 'paper')} without a camera-ready PDF; the e-mails are being sent.")
    return redirect("decisions:camera_ready_status", venue.slug)


@require_POST
def camera_ready_extension(request, venue_slug, public_id):
    venue = _chair_venue(request, venue_slug)
    submission = policy.accepted_papers(venue).select_related("venue").filter(public_id=public_id).first()
    if submission is None:
        raise Http404("No such paper")
    form = ExtensionForm(venue, request.POST)
    typed = {submission.public_id: request.POST.get("until", "")}
    if not form.is_valid():
        return _camera_ready_status_page(request, venue, error="Enter the new camera-ready deadline as a date and time.", status=400, typed=typed)
    try:
        camera_ready_writes.extension_grant(submission=submission, actor=request.user, until=form.cleaned_data["until"])
    except ServiceError as error:
        return _camera_ready_status_page(request, venue, error=error.message, status=error.status, typed=typed)
    until = form.cleaned_data["until"]
    messages.success(request, f"Paper #{submission.number}: camera-ready due {venue.moment_text(until)}." if until
                     else f"Paper #{submission.number}: the extension is removed; the venue's camera-ready deadline applies.")
    return redirect("decisions:camera_ready_status", venue.slug)


@require_safe
def camera_ready_csv(request, venue_slug):
    """One row per accepted paper: the state of its camera-ready version."""
    venue = _chair_venue(request, venue_slug)
    header = ["number", "id", "published title", "submitted title", "decision", "camera-ready pdf", "version", "problems",
              "metadata confirmed", "hosting", "deadline", "extended", "last reminded", "complete"]

    def rows():
        for r in camera_ready_selectors.status_rows(request.user, venue):
            s = r.submission
            if r.conflict:
                yield [s.number, s.public_id, r.title, s.title, "", "conflict: another chair follows this paper", "", "", "", "", "", "", "", ""]
                continue
            yield [s.number, s.public_id, r.title, s.title, r.outcome_name, r.pdf.label, r.pdf.upload.version if r.pdf.upload else "",
                   " ".join(r.pdf.problems), "yes" if r.confirmed else "no", r.hosting, venue.local(r.deadline).isoformat(),
                   "yes" if r.extended else "", r.reminded_on.isoformat() if r.reminded_on else "", "yes" if r.complete else "no"]

    return csv_response(f"{venue.slug}-camera-ready.csv", header, rows())
