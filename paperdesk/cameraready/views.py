"""Camera-ready pages. The authors': the camera-ready section of their decision page
(registered with decisions.author_page), the upload, the hosting choice and the published
metadata. The chairs': the status of every accepted paper's camera-ready version (checked,
problems, missing), its CSV, the reminder to the authors of missing ones, per-paper deadline
extensions, and publishing the program. The public: the accepted papers, the program JSON
and the hosted PDFs. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from paperdesk import plurals, policy
from paperdesk.csvexport import csv_response
from paperdesk.decisions.author_page import Section
from paperdesk.decisions.views import own_submission, render_author_page
from paperdesk.submissions.forms import ExtensionForm
from paperdesk.submissions.models import Submission, Upload
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, venue_for_request

from . import program
from . import selectors as camera_ready_selectors
from . import services as camera_ready_writes
from .forms import CameraReadyMetadataForm

# --- the authors -------------------------------------------------------------------------------


def _metadata_form(checklist, data=None) -> CameraReadyMetadataForm:
    published = checklist.published
    return CameraReadyMetadataForm(data, authors=published.authors, initial={
        "title": published.title, "abstract": published.abstract, "code_url": published.code_url, "data_url": published.data_url,
    })


def author_page_section(request, submission, results, overrides) -> Section | None:
    """The camera-ready section of the authors' decision page, for a released acceptance:
    the checklist, the versions, the upload and hosting forms, and the published metadata
    (`overrides["metadata_form"]`: a bound form with its errors, after a refused POST)."""
    if not results.released or not results.accepted:
        return None
    checklist = camera_ready_selectors.checklist(request.user, submission)
    metadata_form = overrides.get("metadata_form")
    if metadata_form is None and checklist is not None:
        metadata_form = _metadata_form(checklist)
    return Section("cameraready/_author_section.html",
                   {"checklist": checklist, "versions": camera_ready_selectors.versions(request.user, submission), "metadata_form": metadata_form,
                    "max_mb": submission.venue.spec.submission.max_pdf_mb},
                   stylesheets=["cameraready/camera_ready.css"])


@require_POST
def camera_ready(request, public_id):
    submission = own_submission(request, public_id)
    host_pdf = request.POST.get("host_pdf") == "yes"
    upload = request.FILES.get("pdf")
    try:
        if upload is None:
            if request.POST.get("action") == "hosting":
                camera_ready_writes.hosting_set(submission=submission, actor=request.user, host_pdf=host_pdf)
                messages.success(request, "Saved: the PDF is hosted on the public page." if host_pdf else "Saved: the public page lists the paper without the PDF.")
                return redirect("decisions:author", submission.public_id)
            allowed = policy.can_upload_camera_ready(request.user, submission)
            if not allowed:
                raise ServiceError(allowed.reason, 403)
            raise ServiceError("Choose the camera-ready PDF to upload.", 400)
        camera_ready_writes.camera_ready_upload(submission=submission, actor=request.user, stream=upload, original_name=upload.name, host_pdf=host_pdf)
    except ServiceError as error:
        return render_author_page(request, submission, error=error.message, status=error.status)
    messages.success(request, "Camera-ready version uploaded and stored; the checker reads it in camera-ready mode (one extra page allowed). Earlier versions are kept.")
    return redirect("decisions:author", submission.public_id)


@require_POST
def camera_ready_metadata(request, public_id):
    """The authors confirm the title, abstract, authors and links as published."""
    submission = own_submission(request, public_id)
    allowed = policy.can_edit_camera_ready_metadata(request.user, submission)
    checklist = camera_ready_selectors.checklist(request.user, submission)
    if not allowed or checklist is None:
        return render_author_page(request, submission, error=allowed.reason or "This paper has no camera-ready version.", status=403)
    form = _metadata_form(checklist, request.POST)
    if not form.is_valid():
        return render_author_page(request, submission, error="The details were not saved: correct what is marked below.", status=400, metadata_form=form)
    data = camera_ready_writes.MetadataInput(
        title=form.cleaned_data["title"], abstract=form.cleaned_data["abstract"],
        code_url=form.cleaned_data["code_url"], data_url=form.cleaned_data["data_url"], authors=form.authors_in_order(),
    )
    try:
        camera_ready_writes.metadata_confirm(submission=submission, actor=request.user, data=data)
    except ServiceError as error:
        return render_author_page(request, submission, error=error.message, status=error.status, metadata_form=form)
    messages.success(request, "Saved and confirmed: the public accepted-papers page shows these details. The reviewed submission is unchanged.")
    return redirect(reverse("decisions:author", args=[submission.public_id]) + "#camera-ready-metadata")


# --- the chairs' camera-ready status -------------------------------------------------------------



def _camera_ready_status_page(request, venue, *, error: str = "", status: int = 200, typed: dict | None = None):
    rows = camera_ready_selectors.status_rows(request.user, venue)
    shown = request.GET.get("status", "")
    return render(request, "cameraready/camera_ready_status.html", {
        "venue": venue, "error": error, "counts": camera_ready_selectors.status_counts(rows), "shown": shown,
        "rows": [r for r in rows if not shown or (not r.conflict and r.status == shown)],
        "to_remind": camera_ready_selectors.papers_to_remind(venue), "reminded_today": camera_ready_selectors.reminder_today(venue),
        "typed": typed or {},
    }, status=status)


@require_safe
def camera_ready_status(request, venue_slug):
    return _camera_ready_status_page(request, venue_for_request(request, venue_slug, Need.CHAIR))


@require_POST
def camera_ready_remind(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    try:
        run = camera_ready_writes.reminders_start(venue=venue, actor=request.user)
    except ServiceError as error:
        return _camera_ready_status_page(request, venue, error=error.message, status=error.status)
    messages.success(request, f"Reminding the authors of {plurals.count(run.papers, 'paper')} without a camera-ready PDF; the e-mails are being sent.")
    return redirect("cameraready:camera_ready_status", venue.slug)


@require_POST
def camera_ready_extension(request, venue_slug, public_id):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
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
    return redirect("cameraready:camera_ready_status", venue.slug)


@require_safe
def camera_ready_csv(request, venue_slug):
    """One row per accepted paper: the state of its camera-ready version."""
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
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


# --- publishing the program (chairs) ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def program_publish(request, venue_slug):
    """Publish the program now or at a moment (AoE), or unpublish it; separate from the release."""
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        unconfirmed = request.POST.get("unconfirmed") or None
        try:
            if action == "publish":
                program.program_publish(venue=venue, actor=request.user, unconfirmed=unconfirmed)
                messages.success(request, "The program is published: the accepted-papers page and the program JSON list the papers now.")
            elif action == "schedule":
                at = program.parse_aoe(request.POST.get("at", ""))
                program.program_publish(venue=venue, actor=request.user, at=at, unconfirmed=unconfirmed)
                messages.success(request, f"The program goes public on {venue.moment_text(at)}. Until then the page says it is not published yet.")
            elif action == "unpublish":
                program.program_unpublish(venue=venue, actor=request.user)
                messages.success(request, "The program is unpublished: the public page lists no papers until it is published again.")
            else:
                raise ServiceError("Choose to publish the program now, schedule it, or unpublish it.", 400)
        except ServiceError as refused:
            error, status = refused.message, refused.status
        else:
            return redirect("cameraready:program_publish", venue.slug)
    return render(request, "cameraready/program_publish.html", {
        "venue": venue, "error": error, "p": program.program_state(request.user, venue),
        "choices": program.ProgramPublication.Unconfirmed.choices, "typed_at": request.POST.get("at", ""),
    }, status=status)


# --- public -----------------------------------------------------------------------------------


@require_safe
def accepted(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    shown = program.program_page(venue, page=request.GET.get("page", 1), query=request.GET.get("q", ""), track=request.GET.get("track", ""))
    return render(request, "cameraready/accepted.html", {
        "venue": venue, "program": shown, "entries": shown.entries, "tracks": venue.tracks.order_by("position"),
        "published": policy.program_is_public(venue),
    })


@require_safe
def program_json(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    response = JsonResponse(program.program_json(venue, settings.SITE_URL), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def public_pdf(request, venue_slug, public_id):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    submission = Submission.objects.filter(venue=venue, public_id=public_id).select_related("venue").first()
    if submission is None or not policy.can_view_public_pdf(submission):
        raise Http404("No such file")
    upload = submission.uploads.filter(kind=Upload.Kind.CAMERA_READY).order_by("-version").first()
    if upload is None:
        raise Http404("No such file")
    response = FileResponse(default_storage.open(upload.blob, "rb"), as_attachment=False, filename=f"{venue.slug}-{submission.public_id}.pdf", content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
