"""What the API reads and writes.

Input schemas bound every string (length, no control characters, slugs by pattern), so
bad input is a 422 before it reaches a service, a query or the database.

Output is built per viewer: the `*_view(viewer, obj)` functions ask `paperdesk.policy`
about each gated field and leave the key out when the answer is no. The routes render
with `exclude_unset=True`, so a hidden field is absent from the JSON, not null.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from paperdesk import clock, policy
from paperdesk.checks import report as checker_report
from paperdesk.submissions.models import CheckRun, Submission, Upload
from paperdesk.venues.models import Venue

# --- input types ------------------------------------------------------------------------

_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _plain_text(value: str) -> str:
    if _FORBIDDEN_CHARS.search(value):
        raise ValueError("must not contain control characters")
    return value


def _web_link(value: str) -> str:
    value = value.strip()
    if value and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value, flags=re.IGNORECASE):
        raise ValueError("must be a web address starting with http:// or https://")
    return value


# The same rules, written into the OpenAPI description for clients and test generators.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
PLAIN_TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
LINK_PATTERN = "^(|https?://[^\\s/$.?#][^\\s]*)$"


def text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_plain_text),
        Field(json_schema_extra={"pattern": PLAIN_TEXT_PATTERN}),
    ]


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Title = text(300)
Abstract = text(5000)
Email = text(254)
PersonText = text(200)
UnderReviewAt = text(300)
SearchText = text(200)
Link = Annotated[
    str,
    StringConstraints(max_length=500),
    AfterValidator(_plain_text),
    AfterValidator(_web_link),
    Field(json_schema_extra={"pattern": LINK_PATTERN}),
]
Attendance = Literal["yes", "no", "unsure"]
AttestationKey = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Attestations = Annotated[dict[AttestationKey, bool], Field(max_length=50)]
SecondaryTopics = Annotated[list[Slug], Field(max_length=20)]
UploadKind = Literal["paper", "supplementary"]
StatusName = Literal["draft", "submitted", "withdrawn"]


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class AuthorIn(InputSchema):
    email: Email
    name: PersonText
    affiliation: PersonText = ""
    is_corresponding: bool = False
    is_co_first: bool = False


Authors = Annotated[list[AuthorIn], Field(min_length=1, max_length=100)]


class SubmissionCreateIn(InputSchema):
    title: Title
    abstract: Abstract
    track: Slug = Field(description="A track slug of the venue (GET /api/venues/{slug}).")
    primary_topic: Slug
    contribution_type: Slug
    authors: Authors = Field(description="In order; you must be one of them (with a verified e-mail address).")
    secondary_topics: SecondaryTopics = []
    attestations: Attestations = Field(default={}, description="The venue's attestation keys, each true when confirmed.")
    under_review_at: UnderReviewAt = ""
    attendance: Attendance = "unsure"
    code_url: Link = ""
    data_url: Link = ""


class SubmissionPatchIn(InputSchema):
    """Only the fields sent are changed; `authors` replaces the whole list. null is refused."""

    title: Title = None
    abstract: Abstract = None
    track: Slug = None
    primary_topic: Slug = None
    contribution_type: Slug = None
    authors: Authors = None
    secondary_topics: SecondaryTopics = None
    attestations: Attestations = None
    under_review_at: UnderReviewAt = None
    attendance: Attendance = None
    code_url: Link = None
    data_url: Link = None


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


class ChairListParams(PageParams):
    track: Slug | None = None
    topic: Slug | None = Field(None, description="Primary or secondary topic slug.")
    status: StatusName | None = None
    q: SearchText | None = Field(None, description="Words in the title or abstract, a submission number, or an author's name, e-mail or affiliation.")


# --- output schemas ---------------------------------------------------------------------

class ErrorOut(Schema):
    detail: str
    field: str | None = None


class MomentOut(Schema):
    utc: str = Field(description="ISO 8601 in UTC")
    local: str = Field(description="ISO 8601 in the venue's time zone")


class DateOut(MomentOut):
    key: str
    label: str
    passed: bool


class TrackOut(Schema):
    slug: str
    name: str
    max_pages: int
    camera_ready_pages: int
    description: str


class TopicOut(Schema):
    slug: str
    name: str
    subtopics: list[str]


class ChoiceOut(Schema):
    slug: str
    name: str


class TemplateOut(Schema):
    name: str
    url: str
    paper_size: str
    text_width_in: float
    text_height_in: float
    left_margin_in: float
    top_margin_in: float
    body_font_pt: float
    min_font_pt: float
    columns: int
    checklist: str


class AttestationOut(Schema):
    key: str
    text: str
    required: bool


class UnderReviewOut(Schema):
    enabled: bool
    label: str


class SubmissionRulesOut(Schema):
    anonymity: str
    # Whole numbers in the usual venue file, but a fraction (2.5) is allowed; int first keeps 50 as 50.
    max_pdf_mb: int | float
    supplementary: bool
    max_supplementary_mb: int | float
    in_person_question: bool
    code_links: bool
    blocking_findings: list[str]
    attestations: list[AttestationOut]
    under_review: UnderReviewOut


class WindowOut(Schema):
    open: bool
    reason: str = Field(description="Why submissions are not possible now; empty when open.")


class VenueOut(Schema):
    slug: str
    name: str
    short_name: str
    contact_email: str
    website: str
    timezone: str
    archival: bool
    is_rehearsal: bool
    dates: list[DateOut]
    submission_window: WindowOut


class VenueDetailOut(VenueOut):
    description: str = Field(description="Markdown")
    tracks: list[TrackOut]
    topics: list[TopicOut]
    contribution_types: list[ChoiceOut]
    template: TemplateOut
    submission_rules: SubmissionRulesOut


class AuthorOut(Schema):
    position: int
    name: str
    email: str
    affiliation: str
    is_corresponding: bool
    is_co_first: bool
    status: Literal["invited", "confirmed", "declined"] = Field(
        description="invited: the co-author has not answered the invitation sent to this address (no author rights yet); "
        "confirmed: they confirmed and are an author; declined: they said they are not an author. "
        "Whether an address belongs to an account is never told."
    )


class PagesOut(Schema):
    main_content_end: int | None
    limit: int | None
    verdict: str | None


class CheckOut(Schema):
    state: str = Field(description="queued | running | done | failed")
    mode: str
    blocking: bool = Field(None, description="Present only for the authors and the chairs without a conflict (a leak alone can block).")
    status: str | None = Field(None, description="The checker's overall status, once done; present only for the authors and the chairs without a conflict.")
    pages: PagesOut | None
    format_violations: int
    anonymity_leaks: int = Field(None, description="Present only for the authors and the chairs without a conflict: reviewers learn nothing about anonymity findings.")
    blocking_reasons: list[str] = Field(None, description="Present only for the authors and the chairs without a conflict (the reasons can quote the authors).")
    finished_at: dt.datetime | None


class VersionOut(Schema):
    public_id: str
    kind: str
    version: int
    current: bool = Field(description="The version in force: for the paper PDF of a submitted paper, the submitted version "
                          "(a newer upload replaces it only once its check has passed); otherwise the newest.")
    verdict: str | None = Field(None, description="The check's verdict on a paper PDF: checking | compliant | refused (a submitted "
                         "paper's new version the check refused: it did not replace the submitted one) | not_compliant (a draft's "
                         "version with a problem that stops submission) | failed. Present only for the authors and the chairs "
                         "without a conflict.")
    sha256: str = Field(None, description="The file's SHA-256 as uploaded (with its metadata). Present only for the authors and the chairs without a conflict.")
    size: int
    uploaded_at: dt.datetime
    original_name: str = Field(None, description="Present only for people who may see the authors.")
    check: CheckOut | None


class DecisionOut(Schema):
    allowed: bool
    reason: str


class ActionsOut(Schema):
    edit: DecisionOut
    withdraw: DecisionOut
    restore: DecisionOut


class SubmissionOut(Schema):
    public_id: str
    venue: str
    number: int = Field(None, description="Present only for the venue's chairs.")
    title: str
    abstract: str
    status: str
    track: str
    primary_topic: str
    secondary_topics: list[str]
    contribution_type: str
    attestations: dict[str, bool]
    under_review_at: str
    attendance: str
    code_url: str
    data_url: str
    deadline: MomentOut
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    paper: VersionOut | None = Field(description="The current paper PDF, if any.")
    authors: list[AuthorOut] = Field(None, description="Present only for people who may see the authors.")
    actions: ActionsOut = Field(None, description="What you may do now, with the reason when not (single-submission responses).")


class SubmissionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SubmissionOut]


class RoleOut(Schema):
    venue: str
    role: str


class TokenInfoOut(Schema):
    name: str
    prefix: str


class MeOut(Schema):
    email: str
    name: str
    moderation_status: str
    approved: bool
    roles: list[RoleOut]
    auth: Literal["token", "session"]
    token: TokenInfoOut | None


# --- views built for a viewer -----------------------------------------------------------

def moment(venue: Venue, value: dt.datetime) -> dict:
    return {
        "utc": value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "local": venue.local(value).isoformat(),
    }


def window_view(venue: Venue) -> dict:
    decision = policy.submission_window(venue)
    return {"open": decision.allowed, "reason": decision.reason}


def venue_view(venue: Venue) -> dict:
    now = clock.now()
    return {
        "slug": venue.slug,
        "name": venue.name,
        "short_name": venue.short_name,
        "contact_email": venue.contact_email,
        "website": venue.website,
        "timezone": venue.timezone,
        "archival": venue.archival,
        "is_rehearsal": venue.is_rehearsal,
        "dates": [{"key": key, "label": label, "passed": value <= now, **moment(venue, value)} for key, label, value in venue.dates()],
        "submission_window": window_view(venue),
    }


def venue_detail_view(venue: Venue) -> dict:
    spec = venue.spec
    rules = spec.submission
    template = spec.template
    return {
        **venue_view(venue),
        "description": venue.description,
        "tracks": [
            {"slug": t.slug, "name": t.name, "max_pages": t.max_pages, "camera_ready_pages": t.page_limit("camera-ready"), "description": t.description}
            for t in venue.tracks.all()
        ],
        "topics": [{"slug": t.slug, "name": t.name, "subtopics": [str(s) for s in t.subtopics or []]} for t in venue.topics.all()],
        "contribution_types": [{"slug": c.slug, "name": c.name} for c in venue.contribution_types.all()],
        "template": {
            "name": template.name,
            "url": template.url,
            "paper_size": template.paper_size,
            "text_width_in": template.text_width_in,
            "text_height_in": template.text_height_in,
            "left_margin_in": template.left_margin_in,
            "top_margin_in": template.top_margin_in,
            "body_font_pt": template.body_font_pt,
            "min_font_pt": template.min_font_pt,
            "columns": template.columns,
            "checklist": template.checklist,
        },
        "submission_rules": {
            "anonymity": rules.anonymity,
            "max_pdf_mb": rules.max_pdf_mb,
            "supplementary": rules.supplementary,
            "max_supplementary_mb": rules.max_supplementary_mb,
            "in_person_question": rules.in_person_question,
            "code_links": rules.code_links,
            "blocking_findings": list(rules.blocking_findings),
            "attestations": [{"key": a.key, "text": a.text, "required": a.required} for a in rules.attestations],
            "under_review": {"enabled": rules.under_review_enabled, "label": rules.under_review_label},
        },
    }


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def check_view(run: CheckRun | None, venue: Venue, *, findings_visible: bool) -> dict | None:
    """A summary of the checker's report; the report is data from a child process, so
    every part is read defensively. The anonymity findings (how many leaks, the blocking
    reasons that quote them) only with `findings_visible` (policy.can_view_check_findings)."""
    if run is None:
        return None
    report = run.check_report
    pages = report.pages
    view = {
        "state": run.state,
        "mode": run.mode,
        "pages": {
            "main_content_end": pages.main_content_end,
            "limit": pages.limit,
            "verdict": pages.verdict,
        } if pages.present else None,
        "format_violations": len(report.violations),
        "finished_at": run.finished_at,
    }
    if findings_visible:  # blocking and status can be due to a leak alone
        view["blocking"] = run.blocking
        view["status"] = report.status if run.state in (CheckRun.State.DONE, CheckRun.State.FAILED) else None
        view["anonymity_leaks"] = len(report.leaks)
        if run.state == CheckRun.State.DONE:
            view["blocking_reasons"] = checker_report.blocking_reasons(report, venue.spec.submission)
        else:
            view["blocking_reasons"] = []
    return view


def _check_run_of(upload: Upload) -> CheckRun | None:
    try:
        return upload.check_run
    except CheckRun.DoesNotExist:
        return None


def version_view(upload: Upload, venue: Venue, *, current: bool, authors_visible: bool, hash_visible: bool = False,
                 findings_visible: bool = False, verdict: str | None = None) -> dict:
    view = {
        "public_id": upload.public_id,
        "kind": upload.kind,
        "version": upload.version,
        "current": current,
        "size": upload.size,
        "uploaded_at": upload.uploaded_at,
        "check": check_view(_check_run_of(upload), venue, findings_visible=findings_visible),
    }
    if findings_visible and verdict:  # "refused" can be due to a leak alone
        view["verdict"] = verdict
    if authors_visible:  # file names often carry a surname
        view["original_name"] = upload.original_name
    if hash_visible:  # the original's fingerprint confirms a guess of the authors
        view["sha256"] = upload.sha256
    return view


def versions_view(viewer, submission: Submission, uploads: list[Upload]) -> list[dict]:
    authors_visible = policy.can_view_authors(viewer, submission)
    hash_visible = policy.can_view_original_file_hash(viewer, submission)
    from paperdesk.submissions.selectors import version_verdict

    latest: dict[str, int] = {}
    for upload in uploads:
        latest[upload.kind] = max(latest.get(upload.kind, 0), upload.version)
    in_force = next((u for u in uploads if u.pk == submission.submitted_paper_id), None)
    if in_force is not None:
        latest[Upload.Kind.PAPER] = in_force.version
    findings_visible = policy.can_view_check_findings(viewer, submission)
    if not findings_visible:
        # A newer paper PDF being checked or refused is not the paper: nobody else hears of it.
        uploads = [u for u in uploads if not (u.kind == Upload.Kind.PAPER and u.version > latest[u.kind])]
    return [version_view(u, submission.venue, current=u.version == latest[u.kind], authors_visible=authors_visible, hash_visible=hash_visible,
                         findings_visible=findings_visible,
                         verdict=version_verdict(u, submission) if u.kind == Upload.Kind.PAPER else None)
            for u in uploads]


def _decision(decision: policy.Decision) -> dict:
    return {"allowed": decision.allowed, "reason": decision.reason}


def submission_view(viewer, submission: Submission, *, detail: bool = False) -> dict:
    """The submission as `viewer` may see it. Lists should prefetch `authorships`,
    `secondary_topics` and `uploads__check_run`."""
    venue = submission.venue
    authors_visible = policy.can_view_authors(viewer, submission)
    papers = [u for u in submission.uploads.all() if u.kind == Upload.Kind.PAPER]
    # The version in force: a newer upload still being checked, or refused, is not the paper.
    paper = next((u for u in papers if u.pk == submission.submitted_paper_id), None) or (max(papers, key=lambda u: u.version) if papers else None)
    view = {
        "public_id": submission.public_id,
        "venue": venue.slug,
        "title": submission.title,
        "abstract": submission.abstract,
        "status": submission.status,
        "track": submission.track.slug,
        "primary_topic": submission.primary_topic.slug,
        "secondary_topics": sorted(t.slug for t in submission.secondary_topics.all()),
        "contribution_type": submission.contribution_type.slug,
        "attestations": {str(k): bool(v) for k, v in _mapping(submission.attestations).items()},
        "under_review_at": submission.under_review_at,
        "attendance": submission.attendance,
        "code_url": submission.code_url,
        "data_url": submission.data_url,
        "deadline": moment(venue, submission.deadline),
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "submitted_at": submission.submitted_at,
        "withdrawn_at": submission.withdrawn_at,
        "paper": version_view(paper, venue, current=True, authors_visible=authors_visible,
                              hash_visible=policy.can_view_original_file_hash(viewer, submission),
                              findings_visible=policy.can_view_check_findings(viewer, submission)) if paper else None,
    }
    if policy.is_chair(viewer, venue):
        view["number"] = submission.number
    if authors_visible:
        view["authors"] = [
            {
                "position": a.position,
                "name": a.name,
                "email": a.email,
                "affiliation": a.affiliation,
                "is_corresponding": a.is_corresponding,
                "is_co_first": a.is_co_first,
                "status": a.state,
            }
            for a in sorted(submission.authorships.all(), key=lambda a: a.position)
        ]
    if detail:
        view["actions"] = {
            "edit": _decision(policy.can_edit_submission(viewer, submission)),
            "withdraw": _decision(policy.can_withdraw(viewer, submission)),
            "restore": _decision(policy.can_unwithdraw(viewer, submission)),
        }
    return view


def page_view(viewer, rows, *, count: int, limit: int, offset: int) -> dict:
    return {"count": count, "limit": limit, "offset": offset, "items": [submission_view(viewer, s) for s in rows]}
