"""Reads of the camera-ready side: the metadata a paper publishes (the authors' confirmed
camera-ready metadata, else the submission's), the state of its camera-ready PDF, the
authors' checklist and the chairs' status list. Lists take a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, Subquery

from paperdesk import clock, policy
from paperdesk.decisions.models import Decision
from paperdesk.decisions.table import CheckSummary, summarize_report
from paperdesk.submissions.models import Authorship, CheckRun, Submission, Upload
from paperdesk.venues.models import Venue

from .models import CameraReady, CameraReadyAuthor, CameraReadyReminder, CameraReadyReminderRun

# --- the published metadata ----------------------------------------------------------------


@dataclass
class PublishedAuthor:
    authorship_id: int
    position: int
    name: str
    affiliation: str


@dataclass
class Published:
    title: str
    abstract: str
    authors: list[PublishedAuthor]
    code_url: str = ""
    data_url: str = ""
    confirmed: bool = False


def _authorships(submission: Submission) -> list[Authorship]:
    prefetched = getattr(submission, "_prefetched_objects_cache", {})
    if "authorships" in prefetched:
        return sorted(prefetched["authorships"], key=lambda a: a.position)
    return list(submission.authorships.order_by("position"))


def published_of(submission: Submission, camera_ready: CameraReady | None) -> Published:
    authorships = _authorships(submission)
    if camera_ready is None or camera_ready.confirmed_at is None:
        return Published(
            title=submission.title, abstract=submission.abstract,
            authors=[PublishedAuthor(a.pk, n, a.name, a.affiliation) for n, a in enumerate(authorships, start=1)],
        )
    rows = {r.authorship_id: r for r in camera_ready.authors.all()}
    # An authorship without a published row (none is expected: the list is fixed once the
    # paper is accepted) keeps its submitted name, after the confirmed ones.
    ordered = sorted(authorships, key=lambda a: (rows[a.pk].position if a.pk in rows else 10_000 + a.position))
    authors = [PublishedAuthor(a.pk, n, rows[a.pk].name if a.pk in rows else a.name, rows[a.pk].affiliation if a.pk in rows else a.affiliation)
               for n, a in enumerate(ordered, start=1)]
    return Published(title=camera_ready.title, abstract=camera_ready.abstract, authors=authors,
                     code_url=camera_ready.code_url, data_url=camera_ready.data_url, confirmed=True)


def camera_ready_rows(submission_ids) -> dict[int, CameraReady]:
    """submission id -> its CameraReady row with the published authors (two queries)."""
    rows = CameraReady.objects.filter(submission_id__in=list(submission_ids)).prefetch_related("authors")
    return {row.submission_id: row for row in rows}


def confirmed_author_names(submission: Submission) -> dict[int, tuple[str, str]]:
    """authorship id -> (name, affiliation) as the authors confirmed them for publication;
    empty until they confirm. The camera-ready check expects these names on the PDF."""
    return {
        authorship_id: (name, affiliation)
        for authorship_id, name, affiliation in CameraReadyAuthor.objects.filter(
            camera_ready__submission=submission, camera_ready__confirmed_at__isnull=False,
        ).values_list("authorship_id", "name", "affiliation")
    }


def published_for(submissions: list[Submission], rows: dict[int, CameraReady] | None = None) -> dict[int, Published]:
    """submission id -> what the public page shows of it. Prefetch the authorships."""
    rows = camera_ready_rows(s.pk for s in submissions) if rows is None else rows
    return {s.pk: published_of(s, rows.get(s.pk)) for s in submissions}


# --- the camera-ready PDF --------------------------------------------------------------------


@dataclass
class PdfStatus:
    state: str  # missing | checking | problems | checked
    upload: Upload | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return {"missing": "missing", "checking": "being checked", "problems": "problems", "checked": "checked"}[self.state]


def pdf_status(submission: Submission, upload: Upload | None) -> PdfStatus:
    """The latest camera-ready PDF as the checker read it in camera-ready mode: the page
    limit is the track's plus its extra pages, and the authors' names are expected."""
    if upload is None:
        return PdfStatus("missing")
    run = getattr(upload, "check_run", None)
    if run is None or run.state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING):
        return PdfStatus("checking", upload)
    report = run.check_report
    if run.state == CheckRun.State.FAILED or report.unreadable:
        message = report.error_message or "The checker could not read this PDF."
        return PdfStatus("problems", upload, [f"{message} Upload it again, or write to {submission.venue.contact_email}."])
    problems, notes = [], []
    pages = report.pages
    if pages.over_limit:
        problems.append(f"The main content runs to page {pages.main_content_end}; the camera-ready limit is {pages.limit} pages "
                        "(one more than the submission). References and appendices do not count.")
    for violation in report.violations:
        problems.append(f"Format: {violation.detail}.")
    for finding in report.findings:
        if finding.code == "authors_missing":
            problems.append("None of the authors' names were found on the first page; the camera-ready version names the authors.")
        elif finding.severity == "warning":
            notes.append(finding.message)
    return PdfStatus("problems" if problems else "checked", upload, problems, notes)


def latest_camera_ready_uploads(submission_ids) -> dict[int, Upload]:
    """submission id -> its latest camera-ready upload with its check run (one query)."""
    latest = Upload.objects.filter(submission=OuterRef("submission_id"), kind=Upload.Kind.CAMERA_READY).order_by("-version").values("pk")[:1]
    uploads = Upload.objects.filter(submission_id__in=list(submission_ids), kind=Upload.Kind.CAMERA_READY, pk=Subquery(latest)).select_related("check_run")
    return {u.submission_id: u for u in uploads}


def deadline_of(venue: Venue, camera_ready: CameraReady | None) -> tuple[dt.datetime, bool]:
    """(the paper's camera-ready deadline, whether it is an extension)."""
    extension = camera_ready.deadline_extension if camera_ready is not None else None
    if extension and extension > venue.camera_ready_deadline:
        return extension, True
    return venue.camera_ready_deadline, False


@dataclass
class Versions:
    uploads: list[Upload]  # every camera-ready version, newest first
    check: CheckSummary | None  # the checker's summary of the newest
    can_upload: policy.Decision


def versions(viewer, submission: Submission, now=None) -> Versions:
    """The paper's camera-ready versions for its authors' page, and whether the viewer may
    upload another."""
    uploads = list(submission.uploads.filter(kind=Upload.Kind.CAMERA_READY).select_related("check_run").order_by("-version"))
    check = summarize_report(getattr(uploads[0], "check_run", None)) if uploads else None
    return Versions(uploads, check, policy.can_upload_camera_ready(viewer, submission, now or clock.now()))


# --- the authors' checklist -----------------------------------------------------------------


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str


@dataclass
class Checklist:
    deadline: dt.datetime
    extended: bool
    page_limit: int
    pdf: PdfStatus
    published: Published
    camera_ready: CameraReady | None
    host_pdf: bool
    can_edit: policy.Decision
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def blockers(self) -> list[str]:
        return [item.detail for item in self.items if not item.done]

    @property
    def complete(self) -> bool:
        return not self.blockers


def checklist(viewer, submission: Submission, now=None) -> Checklist | None:
    """What an accepted paper's authors still have to do. None for anyone else and for
    papers without a released acceptance."""
    now = now or clock.now()
    decision = Decision.objects.filter(submission=submission).first()
    if not policy.is_author(viewer, submission) or decision is None or not decision.released_at or not policy.is_accepted(decision):
        return None
    if submission.status == Submission.Status.WITHDRAWN:
        return None
    camera_ready = camera_ready_rows([submission.pk]).get(submission.pk)
    deadline, extended = deadline_of(submission.venue, camera_ready)
    pdf = pdf_status(submission, latest_camera_ready_uploads([submission.pk]).get(submission.pk))
    result = Checklist(
        deadline=deadline, extended=extended, page_limit=submission.track.page_limit("camera-ready"), pdf=pdf,
        published=published_of(submission, camera_ready), camera_ready=camera_ready, host_pdf=decision.host_pdf,
        can_edit=policy.can_edit_camera_ready_metadata(viewer, submission, now),
    )
    pdf_detail = {
        "missing": "Upload the camera-ready PDF.",
        "checking": "The checker is still reading the camera-ready PDF; reload the page in a moment.",
        "problems": "The camera-ready PDF has problems: " + " ".join(pdf.problems),
        "checked": f"Version {pdf.upload.version if pdf.upload else ''} passed the camera-ready check.",
    }[pdf.state]
    confirmed = camera_ready is not None and camera_ready.confirmed_at is not None
    chosen = camera_ready is not None and camera_ready.hosting_chosen_at is not None
    result.items = [
        ChecklistItem("pdf", f"PDF uploaded and checked (camera-ready mode: at most {result.page_limit} pages of main content, authors named)",
                      pdf.state == "checked", pdf_detail),
        ChecklistItem("metadata", "Title, abstract, authors and links confirmed", confirmed,
                      "Confirmed." if confirmed else "Confirm the title, abstract, author names, affiliations and order as they will be published."),
        ChecklistItem("hosting", "Hosting of the PDF chosen", chosen,
                      ("The PDF is hosted on the public page." if decision.host_pdf else "The public page lists the paper without the PDF.") if chosen
                      else "Choose whether the PDF is hosted on the public accepted-papers page."),
    ]
    return result


# --- the chairs' status list ----------------------------------------------------------------


@dataclass
class StatusRow:
    submission: Submission
    conflict: bool
    title: str = ""
    outcome_name: str = ""
    pdf: PdfStatus = field(default_factory=lambda: PdfStatus("missing"))
    confirmed: bool = False
    hosting: str = "not chosen"  # hosted | not hosted | not chosen
    deadline: dt.datetime | None = None
    extended: bool = False
    reminded_on: dt.date | None = None

    @property
    def status(self) -> str:
        return self.pdf.state

    @property
    def complete(self) -> bool:
        return self.pdf.state == "checked" and self.confirmed and self.hosting != "not chosen"


STATUSES = [("missing", "Missing"), ("problems", "Problems"), ("checking", "Being checked"), ("checked", "Checked")]


def status_rows(viewer, venue: Venue) -> list[StatusRow]:
    """Every accepted, released paper with the state of its camera-ready. Papers the chair
    is conflicted with show only their number and title (public once accepted)."""
    if not policy.can_follow_camera_ready(viewer, venue):
        return []
    papers = list(
        policy.accepted_papers(venue).select_related("venue", "track", "decision")
        .prefetch_related("authorships").order_by("number")
    )
    conflicted = policy.conflicted_ids(viewer, venue)
    ids = [p.pk for p in papers]
    rows_by_paper = camera_ready_rows(ids)
    published = published_for(papers, rows_by_paper)
    uploads = latest_camera_ready_uploads(ids)
    reminded = dict(
        CameraReadyReminder.objects.filter(submission_id__in=ids, state=CameraReadyReminder.State.SENT)
        .values("submission_id").annotate(day=Max("run__day")).values_list("submission_id", "day")
    )
    rows = []
    for paper in papers:
        if paper.pk in conflicted:
            rows.append(StatusRow(submission=paper, conflict=True, title=published[paper.pk].title))
            continue
        camera_ready = rows_by_paper.get(paper.pk)
        outcome = policy.outcome_of(venue, paper.decision.outcome)
        deadline, extended = deadline_of(venue, camera_ready)
        chosen = camera_ready is not None and camera_ready.hosting_chosen_at is not None
        rows.append(StatusRow(
            submission=paper, conflict=False, title=published[paper.pk].title,
            outcome_name=outcome.name if outcome else paper.decision.outcome,
            pdf=pdf_status(paper, uploads.get(paper.pk)),
            confirmed=camera_ready is not None and camera_ready.confirmed_at is not None,
            hosting=("hosted" if paper.decision.host_pdf else "not hosted") if chosen else "not chosen",
            deadline=deadline, extended=extended, reminded_on=reminded.get(paper.pk),
        ))
    return rows


def status_counts(rows: list[StatusRow]) -> list[tuple[str, str, int]]:
    counts = {key: 0 for key, _ in STATUSES}
    for row in rows:
        if not row.conflict:
            counts[row.status] += 1
    return [(key, label, counts[key]) for key, label in STATUSES]


def papers_to_remind(venue: Venue, now=None) -> list[Submission]:
    """Accepted papers without any camera-ready PDF whose deadline has not passed."""
    now = now or clock.now()
    papers = list(policy.accepted_papers(venue).select_related("venue", "track").prefetch_related("authorships").order_by("number"))
    ids = [p.pk for p in papers]
    have_pdf = set(Upload.objects.filter(submission_id__in=ids, kind=Upload.Kind.CAMERA_READY).values_list("submission_id", flat=True))
    rows = camera_ready_rows(ids)
    return [p for p in papers if p.pk not in have_pdf and deadline_of(venue, rows.get(p.pk))[0] >= now]


def reminder_today(venue: Venue, now=None) -> CameraReadyReminderRun | None:
    day = venue.local(now or clock.now()).date()
    return CameraReadyReminderRun.objects.filter(venue=venue, day=day).first()
