"""Camera-ready over the API: the authors of an accepted, released paper read their
checklist, upload camera-ready PDF versions (checked in camera-ready mode), confirm the
published details and choose whether the PDF is hosted, as on the authors' page.

The paper comes through `policy.get_submission_for` + `can_view_author_results`: anyone
but its authors gets the same 404 as for a missing paper. Writes go through
`paperdesk.cameraready.services`, reads through `paperdesk.cameraready.selectors`; the details are
validated by the page's own form, so the messages are the page's.
"""

from __future__ import annotations

import re

from django.http import Http404
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from paperdesk import policy
from paperdesk.cameraready import selectors as camera_ready_selectors
from paperdesk.cameraready import services as writes
from paperdesk.cameraready.forms import CameraReadyMetadataForm
from paperdesk.ids import ALPHABET
from paperdesk.submissions.models import Submission, Upload
from paperdesk.submissions.services import ServiceError

from .schemas import ErrorOut, InputSchema, MomentOut, VersionOut, moment, text, versions_view

router = Router(tags=["camera-ready"])

_PUBLIC_ID = re.compile(f"[{ALPHABET}]{{1,16}}")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}

# Bounds only: the lengths and messages the page gives come from its form.
ShortText = text(1000)
LongText = text(20000)


# --- schemas ----------------------------------------------------------------------------------


class ChecklistItemOut(Schema):
    key: str = Field(description="pdf | metadata | hosting")
    label: str
    done: bool
    detail: str


class PdfStatusOut(Schema):
    state: str = Field(description="missing | checking | problems | checked")
    version: int | None
    problems: list[str]
    notes: list[str]


class HostingOut(Schema):
    chosen: bool
    host_pdf: bool


class PublishedAuthorOut(Schema):
    authorship_id: int
    position: int
    name: str
    affiliation: str


class PublishedOut(Schema):
    title: str
    abstract: str
    code_url: str
    data_url: str
    confirmed: bool = Field(description="False while the public page shows the submission's own details.")
    authors: list[PublishedAuthorOut]


class EditOut(Schema):
    allowed: bool
    reason: str


class CameraReadyOut(Schema):
    paper: str
    deadline: MomentOut = Field(description="This paper's camera-ready deadline (a chair's extension included).")
    deadline_extended: bool
    page_limit: int = Field(description="Pages of main content allowed in the camera-ready version.")
    can_edit: EditOut = Field(description="Whether PDFs and details may still be sent, and why not.")
    complete: bool
    checklist: list[ChecklistItemOut]
    pdf: PdfStatusOut
    details_confirmed: bool
    hosting: HostingOut
    published: PublishedOut
    versions: list[VersionOut] = Field(description="Every camera-ready version, newest first.")


class AuthorDetailsIn(InputSchema):
    authorship_id: int = Field(description="An authorship id from `published.authors` of GET .../camera-ready.")
    name: ShortText
    affiliation: ShortText = ""
    position: int = Field(description="The author's place in the published list, from 1.", ge=-1_000_000, le=1_000_000)


class DetailsIn(InputSchema):
    title: ShortText
    abstract: LongText
    code_url: ShortText = ""
    data_url: ShortText = ""
    authors: list[AuthorDetailsIn] = Field(max_length=1000, description="Every author of the paper, once each.")


class HostingIn(InputSchema):
    host_pdf: bool


# --- helpers ----------------------------------------------------------------------------------


def _own_paper(user, public_id: str) -> Submission:
    """The caller's own paper; the same 404 for a malformed id, a missing paper and one the
    caller is not an author of."""
    if not _PUBLIC_ID.fullmatch(public_id or ""):
        raise Http404("No such submission")
    submission = policy.get_submission_for(user, public_id)
    if not policy.can_view_author_results(user, submission):
        raise Http404("No such submission")
    return submission


def _view(user, submission: Submission) -> dict:
    checklist = camera_ready_selectors.checklist(user, submission)
    if checklist is None:  # not accepted, not released or withdrawn: there is no camera-ready
        raise Http404("No camera-ready")
    venue = submission.venue
    pdf, published, row = checklist.pdf, checklist.published, checklist.camera_ready
    uploads = list(submission.uploads.filter(kind=Upload.Kind.CAMERA_READY).select_related("check_run").order_by("-version"))
    return {
        "paper": submission.public_id,
        "deadline": moment(venue, checklist.deadline),
        "deadline_extended": checklist.extended,
        "page_limit": checklist.page_limit,
        "can_edit": {"allowed": checklist.can_edit.allowed, "reason": checklist.can_edit.reason},
        "complete": checklist.complete,
        "checklist": [{"key": i.key, "label": i.label, "done": i.done, "detail": i.detail} for i in checklist.items],
        "pdf": {"state": pdf.state, "version": pdf.upload.version if pdf.upload else None, "problems": pdf.problems, "notes": pdf.notes},
        "details_confirmed": row is not None and row.confirmed_at is not None,
        "hosting": {"chosen": row is not None and row.hosting_chosen_at is not None, "host_pdf": checklist.host_pdf},
        "published": {
            "title": published.title, "abstract": published.abstract, "code_url": published.code_url, "data_url": published.data_url,
            "confirmed": published.confirmed,
            "authors": [{"authorship_id": a.authorship_id, "position": a.position, "name": a.name, "affiliation": a.affiliation}
                        for a in published.authors],
        },
        "versions": versions_view(user, submission, uploads),
    }


def _form_data(payload: DetailsIn, author_ids: list[int]) -> dict:
    """The payload as the page's form would post it."""
    given = [a.authorship_id for a in payload.authors]
    if len(given) != len(set(given)):
        raise ServiceError("Each author appears once in `authors`.", 400, "authors")
    if set(given) != set(author_ids):
        listed = ", ".join(str(i) for i in author_ids)
        raise ServiceError(f"`authors` must list every author of the paper once, by authorship id ({listed}).", 400, "authors")
    data = {"title": payload.title, "abstract": payload.abstract, "code_url": payload.code_url, "data_url": payload.data_url}
    for a in payload.authors:
        prefix = f"author-{a.authorship_id}-"
        data.update({prefix + "name": a.name, prefix + "affiliation": a.affiliation, prefix + "position": str(a.position)})
    return data


def _field_name(name: str) -> str | None:
    """The form's field name in the API's terms: author-12-name -> authors.12.name."""
    if name == "__all__":
        return "authors"
    match = re.fullmatch(r"author-(\d+)-(\w+)", name)
    return f"authors.{match[1]}.{match[2]}" if match else name


# --- operations -------------------------------------------------------------------------------


@router.get(
    "/submissions/{public_id}/camera-ready",
    response={200: CameraReadyOut, 404: ErrorOut},
    summary="The camera-ready checklist of my accepted paper",
    description=(
        "For the authors of an accepted paper once the decision is released: what is still to do (PDF checked, "
        "details confirmed, hosting chosen), the deadline, the details as published and every camera-ready version. "
        "Any other paper is a 404."
    ),
)
def get_camera_ready(request, public_id: str):
    return _view(request.auth, _own_paper(request.auth, public_id))


@router.post(
    "/submissions/{public_id}/camera-ready/versions",
    response={201: CameraReadyOut, 413: ErrorOut, **WRITE_ERRORS},
    summary="Upload a camera-ready version (multipart)",
    description=(
        "Send the PDF as the multipart part `file` and `host_pdf` (true: the public page hosts the PDF). "
        "Every version is kept; the checker reads it in camera-ready mode (the track's limit plus its extra pages, "
        "the authors named on the first page). Until the paper's camera-ready deadline."
    ),
)
def upload_camera_ready(request, public_id: str, file: File[UploadedFile], host_pdf: Form[bool]):
    submission = _own_paper(request.auth, public_id)
    name = _CONTROL.sub("", file.name or "").strip()
    writes.camera_ready_upload(submission=submission, actor=request.auth, stream=file, original_name=name, host_pdf=host_pdf)
    return Status(201, _view(request.auth, submission))


@router.put(
    "/submissions/{public_id}/camera-ready/details",
    response={200: CameraReadyOut, **WRITE_ERRORS},
    summary="Confirm the published details",
    description=(
        "The title, abstract, links and authors (each by authorship id: name, affiliation, place from 1) as the public "
        "page shows them; the reviewed submission is unchanged. Replaces the whole set and confirms it."
    ),
)
def put_details(request, public_id: str, payload: DetailsIn):
    submission = _own_paper(request.auth, public_id)
    allowed = policy.can_edit_camera_ready_metadata(request.auth, submission)
    checklist = camera_ready_selectors.checklist(request.auth, submission)
    if not allowed or checklist is None:
        raise ServiceError(allowed.reason or "This paper has no camera-ready version.", 403)
    authors = checklist.published.authors
    form = CameraReadyMetadataForm(_form_data(payload, [a.authorship_id for a in authors]), authors=authors)
    if not form.is_valid():
        errors = form.errors
        messages = [str(message) for messages in errors.values() for message in messages]
        first = next(iter(errors))
        raise ServiceError("The details were not saved: " + " ".join(dict.fromkeys(messages)), 400, _field_name(first))
    data = writes.MetadataInput(
        title=form.cleaned_data["title"], abstract=form.cleaned_data["abstract"],
        code_url=form.cleaned_data["code_url"], data_url=form.cleaned_data["data_url"], authors=form.authors_in_order(),
    )
    writes.metadata_confirm(submission=submission, actor=request.auth, data=data)
    return _view(request.auth, submission)


@router.put(
    "/submissions/{public_id}/camera-ready/hosting",
    response={200: CameraReadyOut, **WRITE_ERRORS},
    summary="Choose whether the PDF is hosted",
    description="true: the public accepted-papers page hosts the latest camera-ready PDF; false: it lists the paper without it.",
)
def put_hosting(request, public_id: str, payload: HostingIn):
    submission = _own_paper(request.auth, public_id)
    writes.hosting_set(submission=submission, actor=request.auth, host_pdf=payload.host_pdf)
    return _view(request.auth, submission)
