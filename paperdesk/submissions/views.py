"""Submission pages. Each view parses the request, calls one service or selector, renders.

Single submissions come through `policy.get_submission_for`: one 404 for "missing" and
"forbidden", also for someone not signed in (no login redirect tells that an address is
meaningful; the 404 page offers to sign in). Every refusal carries the policy's or the
service's reason and status. Views that take files install `UploadLimitHandler` before the body is read, which is why
they are `csrf_exempt` on the outside and `csrf_protect` on the inside (CSRF is still
checked, after the handler is in place).
"""

from __future__ import annotations

import logging
import re
import unicodedata

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from paperdesk import policy
from paperdesk.csvexport import csv_response
from paperdesk.venues.lookup import Need, venue_for_request
from paperdesk.venues.models import Venue

from . import exports, selectors, services, supplementary, upload_handlers
from .body_limit import checks_upload_limits
from .forms import ExtensionForm, SubmissionForm, UploadForm, author_formset
from .models import Submission, Upload
from .services import ServiceError
from .uploads import is_gzip, max_upload_bytes

log = logging.getLogger(__name__)
PAGE_SIZE = 100


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _refused(request, reason: str, *, status: int = 403, venue: Venue | None = None, submission: Submission | None = None):
    return render(request, "submissions/refused.html", {"reason": reason, "venue": venue, "submission": submission}, status=status)


def _upload_limits(venue: Venue) -> dict[str, int]:
    rules = venue.spec.submission
    limits = {"pdf": max_upload_bytes(rules, Upload.Kind.PAPER)}
    if rules.supplementary:
        limits["supplementary"] = max_upload_bytes(rules, Upload.Kind.SUPPLEMENTARY)
    return limits


def _submission(request, public_id: str) -> Submission:
    submission = policy.get_submission_for(request.user, public_id)
    request.venue = submission.venue  # the layout's venue (footer contact)
    return submission


# --- my submissions ----------------------------------------------------------------------


@login_required
def mine(request):
    return render(request, "submissions/mine.html", {
        "submissions": selectors.my_submissions(request.user),
        "open_venues": selectors.venues_open_for_submission(),
        "invitations": selectors.pending_invitations(request.user),
    })


# --- the form: create and edit ----------------------------------------------------------


def _form_context(request, venue: Venue, form, authors, submission=None, **extra) -> dict:
    return {
        "venue": venue,
        "form": form,
        "authors": authors,
        "submission": submission,
        "rules": venue.spec.submission,
        "template": venue.spec.template,
        "tracks": list(venue.tracks.all()),
        "identities": selectors.author_identities(request.user),
        "deadline": submission.deadline if submission else venue.submission_deadline,
        **extra,
    }


def _apply_service_error(form, error: ServiceError) -> dict:
    """Show a service's refusal next to the field it names; returns extra context."""
    if error.field == "authors":
        return {"authors_error": error.message}
    if error.field == "attestations":
        return {"attestations_error": error.message}
    if error.field in form.fields:
        form.add_error(error.field, error.message)
        return {}
    form.add_error(None, error.message)
    return {}


def _save_form(request, venue: Venue, handler, submission: Submission | None):
    form = SubmissionForm(venue, request.POST, request.FILES, submission=submission)
    authors = author_formset(request.POST)
    form_ok = form.is_valid()
    authors_ok = authors.is_valid()
    extra: dict = {}
    status = 400
    if handler.too_large:
        for field_name, limit in handler.too_large.items():
            form.add_error(field_name if field_name in form.fields else None, upload_handlers.too_large_message(field_name, limit))
        status = 413
    elif form_ok and authors_ok:
        data = form.to_input(authors.authors())
        try:
            if submission is None:
                saved = services.submission_create_with_files(venue=venue, actor=request.user, data=data, files=form.file_inputs())
            else:
                saved = services.submission_update_with_files(submission=submission, actor=request.user, data=data, files=form.file_inputs())
        except ServiceError as error:
            extra = _apply_service_error(form, error)
            status = error.status
        else:
            return _after_save(request, saved, created=submission is None, wants_submit=request.POST.get("action") == "submit")
    return render(request, "submissions/form.html", _form_context(request, venue, form, authors, submission, had_errors=True, **extra), status=status)


def _after_save(request, submission: Submission, *, created: bool, wants_submit: bool):
    if wants_submit and submission.status == Submission.Status.DRAFT:
        try:
            services.submission_submit(submission=submission, actor=request.user)
        except ServiceError as error:
            messages.warning(request, f"Your changes are saved as a draft, but the paper is not submitted yet: {error.message}")
        else:
            messages.success(request, "Your paper is submitted. A receipt with the PDF's SHA-256 was sent to all authors. You can still edit it until the deadline.")
    elif created:
        messages.success(request, "Draft saved. It is not submitted yet: submit it before the deadline.")
    else:
        messages.success(request, "Changes saved.")
    return redirect("submissions:detail", submission.public_id)


@checks_upload_limits
@csrf_exempt
@login_required
def create(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    decision = policy.can_create_submission(request.user, venue)
    if not decision:
        return _refused(request, decision.reason, venue=venue)
    handler = upload_handlers.install(request, _upload_limits(venue)) if request.method == "POST" else None
    return _create(request, venue, handler)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _create(request, venue, handler):
    if request.method == "POST":
        return _save_form(request, venue, handler, None)
    form = SubmissionForm(venue)
    return render(request, "submissions/form.html", _form_context(request, venue, form, author_formset(user=request.user)))


@checks_upload_limits
@csrf_exempt
def edit(request, public_id):
    submission = _submission(request, public_id)
    decision = policy.can_edit_submission(request.user, submission)
    if not decision:
        return _refused(request, decision.reason, venue=submission.venue, submission=submission)
    handler = upload_handlers.install(request, _upload_limits(submission.venue)) if request.method == "POST" else None
    return _edit(request, submission, handler)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _edit(request, submission, handler):
    if request.method == "POST":
        return _save_form(request, submission.venue, handler, submission)
    form = SubmissionForm(submission.venue, submission=submission)
    authors = author_formset(submission=submission)
    return render(request, "submissions/form.html", _form_context(request, submission.venue, form, authors, submission))


# --- one submission ----------------------------------------------------------------------


def _detail(request, submission: Submission, *, error: str = "", status: int = 200, extension_form=None):
    if not policy.can_view_authors(request.user, submission):
        # The authors' page (files, who uploaded them, ...) is never an error page for a reader
        # blind to the authors (a reviewer refused an action): the refusal alone.
        return _refused(request, error or "No such submission.", status=status if status >= 400 else 404, venue=submission.venue)
    view = selectors.submission_view(request.user, submission)
    if extension_form is None and view.can_grant_extension:
        initial = submission.venue.local(submission.deadline).replace(tzinfo=None)
        extension_form = ExtensionForm(submission.venue, initial={"until": initial})
    context = {
        "view": view,
        "submission": submission,
        "venue": submission.venue,
        "error": error,
        "extension_form": extension_form,
        "rules": submission.venue.spec.submission,
        "archive": supplementary.archive_panel(request.user, submission),
    }
    return render(request, "submissions/detail.html", context, status=status)


@require_safe
def detail(request, public_id):
    submission = _submission(request, public_id)
    if not policy.can_view_authors(request.user, submission) and policy.can_open_review_page(request.user, submission):
        # Reviewers read a paper on the reviewing page, which never shows its authors.
        return redirect("reviews:paper", submission.public_id)
    return _detail(request, submission)


def check_status(request, public_id):
    """The checker report of the latest PDF (or of `?version=N`): a fragment polled while
    the check runs (with the versions table, whose verdicts change with it), a page when
    opened from the versions table. Its authors and the chairs without a conflict only (it
    quotes what leaked, author names among it); everyone else gets the 404 of a missing
    submission."""
    submission = policy.get_check_submission_for(policy.viewer_for(request), public_id)
    request.venue = submission.venue
    version = request.GET.get("version", "")
    if version:
        check = selectors.version_check(submission, int(version)) if version.isdigit() and len(version) < 9 else None
        if check is None:
            raise Http404("No such version")
    else:
        check = selectors.latest_check(submission)
    context = {"check": check, "submission": submission, "venue": submission.venue}
    if _is_htmx(request):
        if not version:
            view = selectors.submission_view(request.user, submission)
            context.update(view=view, oob_versions=view.paper_versions)
        return render(request, "submissions/_check_poll.html", context)
    return render(request, "submissions/check_report.html", context)


@checks_upload_limits
@csrf_exempt
@require_POST
def upload(request, public_id):
    submission = _submission(request, public_id)
    if not policy.is_author(request.user, submission):  # the rights before the body: who may, not what was sent
        return _refused(request, "Only its authors add files to a submission.", status=403)
    handler = upload_handlers.install(request, _upload_limits(submission.venue))
    return _upload(request, submission, handler)


@csrf_protect
def _upload(request, submission, handler):
    form = UploadForm(request.POST, request.FILES)
    status, error = 400, ""
    if handler.too_large:
        field_name, limit = next(iter(handler.too_large.items()))
        status, error = 413, upload_handlers.too_large_message(field_name, limit)
    elif not form.is_valid():
        error = " ".join(form.non_field_errors()) or "Choose a file to upload."
    else:
        try:
            for item in form.file_inputs():
                services.upload_add(submission=submission, actor=request.user, stream=item.stream, original_name=item.original_name, kind=item.kind)
        except ServiceError as refused:
            status, error = refused.status, refused.message
        else:
            if _is_htmx(request):
                return _files_fragment(request, submission, notice="Uploaded and stored. The checker is reading the PDF now.")
            messages.success(request, "Uploaded and stored. Every earlier version is kept below.")
            return redirect("submissions:detail", submission.public_id)
    if _is_htmx(request):
        return _files_fragment(request, submission, error=error, status=status)
    return _detail(request, submission, error=error, status=status)


def _files_fragment(request, submission, *, notice: str = "", error: str = "", status: int = 200):
    view = selectors.submission_view(request.user, submission)
    context = {"view": view, "submission": submission, "notice": notice, "upload_error": error, "rules": submission.venue.spec.submission}
    return render(request, "submissions/_files.html", context, status=status)


def _action(request, public_id, service, success: str):
    submission = _submission(request, public_id)
    try:
        service(submission=submission, actor=request.user)
    except ServiceError as error:
        return _detail(request, submission, error=error.message, status=error.status)
    messages.success(request, success)
    return redirect("submissions:detail", submission.public_id)


@require_POST
def submit(request, public_id):
    return _action(request, public_id, services.submission_submit,
                   "Your paper is submitted. A receipt with the PDF's SHA-256 was sent to all authors.")


@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    if request.method == "GET":
        submission = _submission(request, public_id)
        decision = policy.can_withdraw(request.user, submission)
        if not decision:
            return _refused(request, decision.reason, venue=submission.venue, submission=submission)
        return render(request, "submissions/withdraw_confirm.html", {
            "submission": submission,
            "can_restore": policy.submission_window(submission.venue, submission),
        })
    return _action(request, public_id, services.submission_withdraw,
                   "The submission is withdrawn. It will not be reviewed. You can restore it until the deadline.")


@require_POST
def restore(request, public_id):
    return _action(request, public_id, services.submission_unwithdraw, "The submission is restored.")


@require_POST
def extension(request, public_id):
    submission = _submission(request, public_id)
    form = ExtensionForm(submission.venue, request.POST)
    if not form.is_valid():
        return _detail(request, submission, error="Enter the new deadline as a date and time.", status=400, extension_form=form)
    try:
        services.extension_grant(submission=submission, actor=request.user, until=form.cleaned_data["until"])
    except ServiceError as error:
        return _detail(request, submission, error=error.message, status=error.status, extension_form=form)
    until = form.cleaned_data["until"]
    if until:
        messages.success(request, f"Extension granted: this submission's deadline is {submission.venue.moment_text(until)}.")
    else:
        messages.success(request, "Extension removed: the venue's deadline applies.")
    return redirect("submissions:detail", submission.public_id)


# --- files -------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_filename(upload: Upload, gzip: bool = False) -> str:
    """A download name that cannot break the header or the user's file system (`gzip`: the
    supplementary archive's content is a .tar.gz)."""
    extension = (".tar.gz" if gzip else ".zip") if upload.kind == Upload.Kind.SUPPLEMENTARY else ".pdf"
    name = unicodedata.normalize("NFC", upload.original_name or "").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")[:150]
    stem = name
    for known in (extension, ".zip", ".tar.gz", ".tgz") if upload.kind == Upload.Kind.SUPPLEMENTARY else (extension,):
        if stem.lower().endswith(known):
            stem = stem[: -len(known)]
            break
    if not stem:
        stem = f"submission-{upload.submission.number}-v{upload.version}"
    return stem + extension


def download(request, upload_public_id):
    upload = policy.get_upload_for(request.user, upload_public_id)
    try:
        handle = default_storage.open(upload.blob, "rb")
    except FileNotFoundError:
        log.error("blob %s of upload %s is missing from storage", upload.blob, upload.public_id)
        raise Http404("No such file") from None
    gzip = False
    if upload.kind == Upload.Kind.SUPPLEMENTARY:  # named by its content, never by what the uploader called it
        gzip = is_gzip(handle.read(2))
        handle.seek(0)
    content_type = ("application/gzip" if gzip else "application/zip") if upload.kind == Upload.Kind.SUPPLEMENTARY else "application/pdf"
    response = FileResponse(handle, as_attachment=True, filename=safe_filename(upload, gzip), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{upload.sha256}"'
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- invitations -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim(request, token):
    """The invitation link: the invited person confirms (only then linked as an author) or
    declines."""
    if request.method == "POST":
        return _answer(request, request.POST.get("action", "confirm"), token=token)
    invitation = selectors.invitation(token)
    if invitation is None:
        if (answered := _answered_here(request, token)) is not None:
            return answered
        return _refused(request, "This invitation link is not valid any more (it may have been answered already).", status=404)
    request.venue = invitation.submission.venue
    return render(request, "submissions/claim.html", {"invitation": invitation, "submission": invitation.submission})


@login_required
def invitations(request):
    """Invitations to co-author listed under the viewer's verified addresses."""
    return render(request, "submissions/invitations.html", {"invitations": selectors.pending_invitations(request.user)})


@login_required
@require_POST
def invitation_answer(request, authorship_id: int, action: str):
    return _answer(request, action, authorship_id=authorship_id)


def _answered_here(request, token: str):
    """The submission the viewer already confirmed through `token`: the link opened again, or
    its Confirm button sent twice (the second request may be answered before the first one's
    response is read), leads there instead of to "not valid any more" under the message that
    it worked. Looked up in the database, so two racing requests agree; anyone else who holds
    a used link still gets the 404."""
    submission = selectors.confirmed_through(request.user, token)
    if submission is None:
        return None
    messages.info(request, f"You already confirmed: you are an author of “{submission.title}”.")
    return redirect("submissions:detail", submission.public_id)


def _answer(request, action: str, **which):
    if action not in ("confirm", "decline"):
        return _refused(request, "Answer the invitation with Confirm or Decline.", status=400)
    service = services.authorship_confirm if action == "confirm" else services.authorship_decline
    try:
        row = service(actor=request.user, **which)
    except ServiceError as error:
        if error.status == 404 and (answered := _answered_here(request, which.get("token", ""))) is not None:
            return answered
        return _refused(request, error.message, status=error.status)
    if action == "confirm":
        messages.success(request, f"You are now an author of “{row.submission.title}”.")
        return redirect("submissions:detail", row.submission.public_id)
    messages.success(request, f"You declined: you are not linked to “{row.submission.title}”, and its authors are told.")
    return redirect("submissions:invitations")


# --- chairs ------------------------------------------------------------------------------


def chair_table(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    filters = selectors.TableFilters.from_query(request.GET)
    qs = selectors.chair_queryset(request.user, venue, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    columns = [("number", "#"), ("title", "Title"), ("track", "Track"), ("topic", "Primary topic"), ("status", "Status"),
               ("submitted", "Submitted"), ("pages", "Check")]
    counts = selectors.status_counts(request.user, venue, filters)
    return render(request, "submissions/chair_table.html", {
        "venue": venue,
        "filters": filters,
        "page": page,
        "rows": selectors.chair_rows(page.object_list, venue, policy.viewer_for(request)),
        "counts": counts,
        "status_links": [(value, label, counts[value], filters.as_query(status=value)) for value, label in Submission.Status.choices],
        "statuses": Submission.Status.choices,
        "tracks": list(venue.tracks.all()),
        "topics": list(venue.topics.all()),
        "columns": [(key, label, filters.as_query(sort=key if (filters.sort != key or filters.descending) else f"-{key}"))
                    for key, label in columns],
        "csv_query": filters.as_query(),
    })


def chair_csv(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    filters = selectors.TableFilters.from_query(request.GET)
    qs = selectors.chair_queryset(request.user, venue, filters)

    def rows():
        for row in selectors.chair_rows_all(qs, venue, policy.viewer_for(request)):
            yield exports.csv_row(row, venue)

    return csv_response(f"{venue.slug}-submissions.csv", exports.CSV_COLUMNS, rows())
