"""Submissions: the caller's own (create, read, change, upload, submit, withdraw, restore)
and the chairs' list. Every write goes through `paperdesk.submissions.services`; every
read through `paperdesk.policy`."""

from __future__ import annotations

import re

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from paperdesk import policy
from paperdesk.ids import ALPHABET
from paperdesk.submissions import services
from paperdesk.submissions.models import Authorship, Submission, Upload
from paperdesk.submissions.selectors import version_verdict
from paperdesk.venues.lookup import Need, get_venue_for

from .schemas import (
    ChairListParams,
    ErrorOut,
    PageParams,
    SubmissionCreateIn,
    SubmissionOut,
    SubmissionPage,
    SubmissionPatchIn,
    UploadKind,
    VersionOut,
    page_view,
    submission_view,
    version_view,
    versions_view,
)

router = Router(tags=["submissions"])

_PUBLIC_ID = re.compile(f"[{ALPHABET}]{{1,16}}")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _submission(user, public_id: str) -> Submission:
    """The same 404 for a malformed id, a missing one and one the caller may not see."""
    if not _PUBLIC_ID.fullmatch(public_id or ""):
        raise Http404("No such submission")
    return policy.get_submission_for(user, public_id)


def _with_rows(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """What `submission_view` reads, in a fixed number of queries per page."""
    return queryset.select_related("venue", "track", "primary_topic", "contribution_type").prefetch_related(
        "secondary_topics",
        Prefetch("authorships", queryset=Authorship.objects.order_by("position")),
        Prefetch("uploads", queryset=Upload.objects.filter(kind=Upload.Kind.PAPER).select_related("check_run")),
    )


def _detail(user, submission: Submission) -> dict:
    fresh = _with_rows(Submission.objects.filter(pk=submission.pk)).get()
    return submission_view(user, fresh, detail=True)


def _input_from(submission: Submission) -> services.SubmissionInput:
    """The submission as it stands, in the shape the services take (for PATCH)."""
    return services.SubmissionInput(
        title=submission.title,
        abstract=submission.abstract,
        track=submission.track.slug,
        primary_topic=submission.primary_topic.slug,
        contribution_type=submission.contribution_type.slug,
        authors=[
            services.AuthorInput(a.email, a.name, a.affiliation, a.is_corresponding, a.is_co_first)
            for a in submission.authorships.order_by("position")
        ],
        secondary_topics=list(submission.secondary_topics.values_list("slug", flat=True)),
        attestations=dict(submission.attestations or {}),
        under_review_at=submission.under_review_at,
        attendance=submission.attendance,
        code_url=submission.code_url,
        data_url=submission.data_url,
    )


def _authors(rows: list[dict]) -> list[services.AuthorInput]:
    return [services.AuthorInput(**row) for row in rows]


# --- the caller's own submissions -------------------------------------------------------

@router.get("/submissions", response=SubmissionPage, exclude_unset=True, summary="My submissions")
def my_submissions(request, page: Query[PageParams]):
    rows = policy.my_submissions(request.auth).order_by("-created_at", "pk")
    count = rows.count()
    items = _with_rows(rows)[page.offset : page.offset + page.limit]
    return page_view(request.auth, items, count=count, limit=page.limit, offset=page.offset)


@router.post("/venues/{slug}/submissions", response={201: SubmissionOut, **ERRORS}, exclude_unset=True, summary="Create a draft submission")
def create_submission(request, slug: str, payload: SubmissionCreateIn):
    venue = get_venue_for(request.auth, slug, Need.SEE)
    data = payload.model_dump()
    data["authors"] = _authors(data["authors"])
    submission = services.submission_create(venue=venue, actor=request.auth, data=services.SubmissionInput(**data))
    return Status(201, _detail(request.auth, submission))


@router.get("/submissions/{public_id}", response={200: SubmissionOut, 404: ErrorOut}, exclude_unset=True, summary="One submission")
def get_submission(request, public_id: str):
    return _detail(request.auth, _submission(request.auth, public_id))


@router.patch("/submissions/{public_id}", response={200: SubmissionOut, **ERRORS}, exclude_unset=True, summary="Change a submission")
def update_submission(request, public_id: str, payload: SubmissionPatchIn):
    submission = _submission(request.auth, public_id)
    data = _input_from(submission)
    changes = payload.model_dump(exclude_unset=True)
    if "authors" in changes:
        changes["authors"] = _authors(changes["authors"])
    for name, value in changes.items():
        setattr(data, name, value)
    submission = services.submission_update(submission=submission, actor=request.auth, data=data)
    return _detail(request.auth, submission)


@router.post(
    "/submissions/{public_id}/versions",
    response={201: VersionOut, 413: ErrorOut, **ERRORS},
    exclude_unset=True,
    summary="Upload a new version (multipart)",
    description="Send the file as the multipart part `file`; `kind` is `paper` (a PDF, the default) or `supplementary` (a .zip or .tar.gz archive, checked like a PDF: `check.mode` is `supplementary`).",
)
def upload_version(request, public_id: str, file: File[UploadedFile], kind: Form[UploadKind] = "paper"):
    submission = _submission(request.auth, public_id)
    name = _CONTROL.sub("", file.name or "").strip()
    upload = services.upload_add(submission=submission, actor=request.auth, stream=file, original_name=name, kind=kind)
    upload = Upload.objects.select_related("check_run").get(pk=upload.pk)
    submission.refresh_from_db(fields=["submitted_paper"])
    authors_visible = policy.can_view_authors(request.auth, submission)
    hash_visible = policy.can_view_original_file_hash(request.auth, submission)
    # A new PDF of a submitted paper is current only once its check has passed.
    current = upload.kind != Upload.Kind.PAPER or submission.submitted_paper_id in (None, upload.pk)
    return Status(201, version_view(upload, submission.venue, current=current, authors_visible=authors_visible, hash_visible=hash_visible,
                                    findings_visible=policy.can_view_check_findings(request.auth, submission),
                                    verdict=version_verdict(upload, submission) if upload.kind == Upload.Kind.PAPER else None))


@router.get("/submissions/{public_id}/versions", response={200: list[VersionOut], 404: ErrorOut}, exclude_unset=True, summary="Every uploaded version")
def list_versions(request, public_id: str):
    submission = _submission(request.auth, public_id)
    uploads = list(submission.uploads.select_related("check_run").order_by("kind", "-version"))
    return versions_view(request.auth, submission, uploads)


@router.post("/submissions/{public_id}/submit", response={200: SubmissionOut, **ERRORS}, exclude_unset=True, summary="Submit (draft → submitted)")
def submit_submission(request, public_id: str):
    submission = services.submission_submit(submission=_submission(request.auth, public_id), actor=request.auth)
    return _detail(request.auth, submission)


@router.post("/submissions/{public_id}/withdraw", response={200: SubmissionOut, **ERRORS}, exclude_unset=True, summary="Withdraw")
def withdraw_submission(request, public_id: str):
    submission = services.submission_withdraw(submission=_submission(request.auth, public_id), actor=request.auth)
    return _detail(request.auth, submission)


@router.post("/submissions/{public_id}/restore", response={200: SubmissionOut, **ERRORS}, exclude_unset=True, summary="Restore a withdrawn submission")
def restore_submission(request, public_id: str):
    submission = services.submission_unwithdraw(submission=_submission(request.auth, public_id), actor=request.auth)
    return _detail(request.auth, submission)


# --- chairs -----------------------------------------------------------------------------

def _search(queryset: QuerySet[Submission], q: str) -> QuerySet[Submission]:
    match = Q(title__icontains=q) | Q(abstract__icontains=q)
    number = q.lstrip("#")
    if number.isdigit() and len(number) <= 9:
        match |= Q(number=int(number))
    by_author = Authorship.objects.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(affiliation__icontains=q))
    return queryset.filter(match | Q(pk__in=by_author.values("submission_id")))


def _matched_without_authors(submission: Submission, q: str) -> bool:
    needle = q.casefold()
    number = q.lstrip("#")
    return (
        needle in submission.title.casefold()
        or needle in submission.abstract.casefold()
        or (number.isdigit() and len(number) <= 9 and int(number) == submission.number)
    )


@router.get(
    "/venues/{slug}/submissions",
    response={200: SubmissionPage, 404: ErrorOut},
    exclude_unset=True,
    summary="All submissions of a venue (chairs)",
)
def venue_submissions(request, slug: str, params: Query[ChairListParams]):
    user = request.auth
    venue = get_venue_for(user, slug, Need.MANAGE_VENUE)  # as for the chairs' pages: the same 404 as a missing venue
    rows = policy.submissions_visible_to(user, venue)
    if params.track:
        rows = rows.filter(track__slug=params.track)
    if params.topic:
        secondary = Submission.secondary_topics.through.objects.filter(topicarea__slug=params.topic).values("submission_id")
        rows = rows.filter(Q(primary_topic__slug=params.topic) | Q(pk__in=secondary))
    if params.status:
        rows = rows.filter(status=params.status)
    if params.q:
        rows = _search(rows, params.q)
    count = rows.count()
    page = list(_with_rows(rows.order_by("number"))[params.offset : params.offset + params.limit])
    view = page_view(user, page, count=count, limit=params.limit, offset=params.offset)
    if params.q:
        # Outbound gate: a row found only through its authors stays out unless the viewer
        # may see them (search never matches on fields the searcher cannot see).
        view["items"] = [
            item for item, s in zip(view["items"], page)
            if "authors" in item or _matched_without_authors(s, params.q)
        ]
    return view
