"""Reads for the submission pages: what one viewer may see, built as plain view objects.

Every list starts from a `policy` queryset and every single object from
`policy.get_submission_for`; the objects handed to templates hold only what the viewer may
see (chairs' extras are absent, not merely unrendered, for everyone else). Queries are
bounded per page: lists use select_related/prefetch_related and annotations, never one
query per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from paperdesk import clock, plurals, policy, tokens
from paperdesk.audit.models import AuditEntry
from paperdesk.checks import report as checker_report
from paperdesk.checks.report import CheckReport, ReportFinding
from paperdesk.venues.models import Venue

from .models import Authorship, CheckRun, Submission, Upload, paper_in_force_candidates
from .volunteering import volunteer_ask

# --- the checker's report, as people read it ---------------------------------------------------

LEAK_KINDS = {
    "name": "Author name",
    "author_name": "Author name",
    "email": "E-mail address",
    "github": "GitHub username",
    "github_username": "GitHub username",
    "huggingface": "HuggingFace username",
    "huggingface_username": "HuggingFace username",
    "affiliation": "Affiliation",
    "affiliation_footnote": "Affiliation",
    "acknowledgements": "Identifying acknowledgements",
    "self_citation": "Self-citation",
    "metadata": "PDF metadata (Author field)",
    "pdf_metadata": "PDF metadata (Author field)",
    "author_block": "Author block",
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Finding:
    severity: str  # error | warning | info
    message: str
    page: int | None = None
    text: str = ""
    blocking: bool = False


@dataclass
class CheckView:
    """The latest check of one PDF version: state, and once done, the findings."""

    state: str  # none | queued | running | done | failed
    upload: Upload | None = None
    findings: list[Finding] = field(default_factory=list)
    verdict: str = ""  # ok | over_limit | unreadable | ...
    main_content_end: int | None = None
    page_limit: int | None = None
    leak_count: int = 0
    format_count: int = 0
    failure: str = ""
    # A submitted paper's PDF in force when it is not this version (set by `for_version`):
    # a newer version does not replace it until its check passes.
    in_force: Upload | None = None
    latest: bool = True  # the newest upload (a refusal then says what stays submitted)
    rechecking: bool = False  # checked again: what identifies the authors changed since its verdict

    def for_version(self, in_force: Upload | None, latest: bool = True) -> CheckView:
        """This view, told which version of a submitted paper is in force."""
        if in_force is not None and self.upload is not None and in_force.pk != self.upload.pk:
            self.in_force = in_force
        self.latest = latest
        return self

    @property
    def refused(self) -> bool:
        """A submitted paper's new version the check refused: it never became the submitted one."""
        return self.in_force is not None and self.state == CheckRun.State.DONE and self.blocking

    @property
    def pending(self) -> bool:
        return self.state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING)

    # Whether this PDF stops a submission: `checks.report.blocking_reasons`' answer, set by
    # `_done_view` (each finding's own `blocking` only marks it on the page).
    blocking: bool = False

    @property
    def has_warnings(self) -> bool:
        return any(f.severity in ("error", "warning") for f in self.findings)

    @property
    def progress_percent(self) -> int:
        return 15 if self.state == CheckRun.State.QUEUED else 60

    @property
    def summary(self) -> str:
        """One line for tables: pages and the counts of problems."""
        if self.state == HIDDEN_CHECK:
            return "not shown (conflict)"
        if self.state == "none":
            return "no PDF"
        if self.pending:
            return "checking…"
        if self.state == CheckRun.State.FAILED:
            return "checker failed"
        if self.state == CheckRun.State.SUPERSEDED:
            return "not checked (newer version)"
        if self.verdict == "unreadable":
            return "unreadable"
        pages = f"{self.main_content_end}/{self.page_limit} pp" if self.main_content_end is not None else "pages ?"
        return f"{pages}, {plurals.count(self.leak_count, 'leak')}, {self.format_count} format"


HIDDEN_CHECK = "hidden"  # the viewer may see nothing of this check (policy.can_view_format_check)


def check_view_for(viewer, submission: Submission, run: CheckRun | None, upload: Upload | None, venue: Venue) -> CheckView:
    """The check as this viewer may see it (the policy's field-level answer): everything
    for those who may read the findings (authors, unconflicted chairs); the format part
    only (pages, verdict, format notes; no leak count, no anonymity finding) for those who
    may read the format check; nothing for anyone else (a chair conflicted with the paper)."""
    if policy.can_view_check_findings(viewer, submission):
        return check_view(run, upload, venue)
    if not policy.can_view_format_check(viewer, submission):
        return CheckView(state=HIDDEN_CHECK)
    view = check_view(run, upload, venue)
    # The findings' sentences may quote what leaked; whether it blocks can be due to a leak alone.
    view.leak_count, view.findings, view.blocking = 0, [], False
    view.rechecking = False  # why it runs again is about the authors' identities
    return view


def check_view(run: CheckRun | None, upload: Upload | None, venue: Venue) -> CheckView:
    if upload is None:
        return CheckView(state="none")
    if run is None:
        return CheckView(state=CheckRun.State.QUEUED, upload=upload)
    if run.state != CheckRun.State.DONE:
        failure = ""
        if run.state == CheckRun.State.FAILED:
            failure = run.check_report.error_message or "The checker failed."
        return CheckView(state=run.state, upload=upload, failure=failure,
                         rechecking=bool(run.recheck_reason) and run.state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING))
    return _done_view(run.check_report, upload, venue)


def _done_view(report: CheckReport, upload: Upload, venue: Venue) -> CheckView:
    rules = venue.spec.submission
    unreadable = report.unreadable
    pages = report.pages
    view = CheckView(
        state=CheckRun.State.DONE,
        upload=upload,
        verdict="unreadable" if unreadable else (pages.verdict or ""),
        main_content_end=None if unreadable else pages.main_content_end,
        page_limit=pages.limit,
        leak_count=len(report.leaks),
        format_count=len(report.violations),
    )
    listed = [f for f in report.findings if f.message]
    if listed:
        view.findings = _listed_findings(report, listed, rules)
    else:
        view.findings = _derived_findings(report, rules)
    # The page must never disagree with the service's refusal to submit: both ask the one
    # function that decides it.
    view.blocking = checker_report.blocks_submission(report, rules)
    if view.blocking and not any(f.blocking for f in view.findings):
        view.findings.append(Finding("error", "This PDF has a problem that stops submission.", blocking=True))
    view.findings.sort(key=lambda f: (not f.blocking, SEVERITY_ORDER.get(f.severity, 3)))
    return view


def _listed_findings(report: CheckReport, listed: list[ReportFinding], rules) -> list[Finding]:
    """The checker's own sentences; leak findings get the text around the leak (the n-th
    leak finding belongs to the n-th leak, which is how the checker writes them)."""
    findings = []
    leak_texts = iter(leak.text for leak in report.leaks)
    for item in listed:
        stops = checker_report.finding_blocks(report, item, rules)
        severity = item.severity if item.severity in SEVERITY_ORDER else "info"
        text = next(leak_texts, "") if item.code.startswith("leak_") else item.text
        findings.append(Finding("error" if stops else str(severity), item.message, page=item.page, text=text, blocking=stops))
    return findings


def _derived_findings(report: CheckReport, rules) -> list[Finding]:
    """Sentences built from the report's sections, for a report without a findings list."""
    blocking = set(rules.blocking_findings)
    if report.unreadable:
        return [Finding("error", report.error_message or "The PDF could not be read.", blocking="unreadable" in blocking)]
    findings = []
    pages = report.pages
    if pages.over_limit:
        findings.append(Finding(
            "error",
            f"The main content ends on page {pages.main_content_end}; this track allows {pages.limit} pages "
            "(references and appendices do not count).",
            page=pages.main_content_end,
            blocking="over_limit" in blocking,
        ))
    for violation in report.violations:
        findings.append(Finding(
            "error" if "format" in blocking else "warning",
            f"Format: {violation.detail or violation.code}",
            page=violation.page,
            blocking="format" in blocking,
        ))
    for leak in report.leaks:
        kind = LEAK_KINDS.get(leak.kind or "", str(leak.kind or "Identity").replace("_", " ").capitalize())
        findings.append(Finding(
            "error" if "anonymity" in blocking else "warning",
            f"Anonymity: {kind} “{leak.value if leak.value is not None else ''}”",
            page=leak.page,
            text=leak.text,
            blocking="anonymity" in blocking,
        ))
    if report.signals.limitations_section is False:
        findings.append(Finding("warning", "No limitations section was found. The call for papers asks that limitations are not downplayed."))
    if report.signals.checklist:
        findings.append(Finding("info", "A checklist was found; this venue does not require one (it is never counted)."))
    return findings


def latest_check(submission: Submission) -> CheckView:
    upload = submission.uploads.filter(kind=Upload.Kind.PAPER).select_related("check_run").order_by("-version").first()
    run = getattr(upload, "check_run", None) if upload is not None else None
    return check_view(run, upload, submission.venue).for_version(submission.submitted_paper)


def version_check(submission: Submission, version: int) -> CheckView | None:
    """The report of one paper PDF version (None: no such version)."""
    upload = submission.uploads.filter(kind=Upload.Kind.PAPER, version=version).select_related("check_run").first()
    if upload is None:
        return None
    newest = submission.uploads.filter(kind=Upload.Kind.PAPER).order_by("-version").values_list("version", flat=True).first()
    return check_view(getattr(upload, "check_run", None), upload, submission.venue).for_version(submission.submitted_paper, latest=version == newest)


# Each paper PDF version's verdict, as the versions table and the API name it.
VERDICTS = {
    "checking": "checking",
    "compliant": "compliant",
    "refused": "refused",  # a submitted paper's new version the check refused
    "not_compliant": "must be fixed",  # a draft's version with a problem that stops submission
    "failed": "check failed",
    "superseded": "not checked (a newer version came first)",
}


def version_verdict(upload: Upload, submission: Submission) -> str:
    """checking | compliant | refused | not_compliant | failed | superseded (keys of VERDICTS)."""
    run = getattr(upload, "check_run", None) if upload.pk else None
    if run is None or run.state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING):
        return "checking"
    if run.state == CheckRun.State.FAILED:
        return "failed"
    if run.state == CheckRun.State.SUPERSEDED:
        return "superseded"
    if checker_report.blocks_submission(run.check_report, submission.venue.spec.submission):
        return "refused" if submission.submitted_at is not None else "not_compliant"
    return "compliant"


@dataclass
class PaperVersion:
    upload: Upload
    verdict: str  # a key of VERDICTS
    in_force: bool  # the submitted version (or, for a draft, the newest)

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]


def paper_versions(submission: Submission, papers: list[Upload]) -> list[PaperVersion]:
    """Every paper PDF version, newest first, each with its verdict (`papers` with their
    `check_run` selected)."""
    in_force_id = submission.submitted_paper_id or (papers[0].pk if papers else None)
    return [PaperVersion(u, version_verdict(u, submission), u.pk == in_force_id) for u in papers]


# --- "my submissions" --------------------------------------------------------------------------


def _latest_paper(outer: str = "pk") -> QuerySet[Upload]:
    """The paper PDF in force (first row): the submitted version once submitted, else the
    newest; a newer upload still being checked, or refused, is not it."""
    return Upload.objects.filter(paper_in_force_candidates(), submission=OuterRef(outer)).order_by("-version")


def my_submissions(user) -> list[Submission]:
    """The viewer's own submissions across venues, newest first, with the state of the
    check of the PDF in force (`check_state`, `check_blocking`) and, when a newer PDF is not
    (yet) the submitted one, its version and check (`newer_version`, `newer_state`,
    `newer_blocking`)."""
    latest_run = CheckRun.objects.filter(upload_id=OuterRef("latest_paper_id"))
    newest = Upload.objects.filter(submission=OuterRef("pk"), kind=Upload.Kind.PAPER).order_by("-version")
    newer_run = CheckRun.objects.filter(upload_id=OuterRef("newest_paper_id"))
    rows = list(
        policy.my_submissions(user)
        .select_related("venue", "track")
        .annotate(latest_paper_id=Subquery(_latest_paper().values("pk")[:1]), newest_paper_id=Subquery(newest.values("pk")[:1]))
        .annotate(
            check_state=Subquery(latest_run.values("state")[:1]),
            check_blocking=Subquery(latest_run.values("blocking")[:1]),
            newer_version=Subquery(newest.values("version")[:1]),
            newer_state=Subquery(newer_run.values("state")[:1]),
            newer_blocking=Subquery(newer_run.values("blocking")[:1]),
        )
        .order_by("-created_at")
    )
    for row in rows:
        if row.newest_paper_id == row.latest_paper_id:
            row.newer_version = None
    return rows


def venues_open_for_submission() -> list[Venue]:
    """Real (not rehearsal) venues whose submission window is open now."""
    return [v for v in Venue.objects.filter(is_rehearsal=False) if policy.submission_window(v)]


def author_identities(user) -> dict:
    """What the anonymity checker looks for about this person, for the form's reminder."""
    from allauth.account.models import EmailAddress

    return {
        "names": [n for n in [user.full_name, *(user.other_names or [])] if n],
        "emails": sorted({user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}),
        "affiliations": sorted({a.institution for a in user.affiliations.all()}),
        "github": user.github,
        "huggingface": user.huggingface,
    }


def invitation(token: str) -> Authorship | None:
    """The unanswered invitation a link points at (the token is the capability)."""
    hashed = tokens.lookup(token)  # only the token's SHA-256 is stored
    if hashed is None:
        return None
    return (
        Authorship.objects.select_related("submission__venue")
        .filter(claim_token=hashed, user__isnull=True, declined_at__isnull=True)
        .first()
    )


def confirmed_through(user, token: str) -> Submission | None:
    """The submission `user` confirmed their authorship of through the link `token`, if they
    are still its author; None for anyone else who holds the used link."""
    hashed = tokens.lookup(token)
    if hashed is None or not getattr(user, "is_authenticated", False):
        return None
    row = Authorship.objects.filter(confirmed_token=hashed, user=user).select_related("submission").first()
    if row is None or not policy.is_author(user, row.submission):
        return None
    return row.submission


def pending_invitations(user) -> list[Authorship]:
    """Invitations to co-author waiting for this person's answer: rows listed under one of
    their verified addresses, neither confirmed nor declined (withdrawn papers left out)."""
    if not getattr(user, "is_authenticated", False):
        return []
    from .services import _verified_emails

    return list(
        Authorship.objects.select_related("submission__venue")
        .filter(email__in=_verified_emails(user), user__isnull=True, declined_at__isnull=True)
        .exclude(submission__status=Submission.Status.WITHDRAWN)
        .exclude(submission__authorships__user=user)
        .order_by("-submission__created_at", "pk")
    )


# --- one submission ----------------------------------------------------------------------------


@dataclass
class AuthorView:
    position: int
    name: str
    email: str
    affiliation: str
    is_corresponding: bool
    is_co_first: bool
    state: str  # Authorship.State: invited, confirmed, declined

    @property
    def state_label(self) -> str:
        return Authorship.State(self.state).label


@dataclass
class SubmissionView:
    submission: Submission
    venue: Venue
    authors: list[AuthorView]
    secondary_topics: list
    attestations: list[tuple[str, bool, bool]]  # text, confirmed, required
    papers: list[Upload]
    paper_versions: list[PaperVersion]
    supplementary: list[Upload]
    check: CheckView | None  # None: not for this viewer (policy.can_view_check_findings)
    deadline: object
    extended: bool
    can_edit: policy.Decision
    can_withdraw: policy.Decision
    can_unwithdraw: policy.Decision
    is_author: bool
    volunteer_ask: str = ""  # the (co-)first authors asked to review (the authors' view only)
    # Chairs only (None for everyone else, including a chair who is an author):
    audit: list[AuditEntry] | None = None
    can_grant_extension: bool = False
    can_desk_reject: bool = False
    hashes_visible: bool = False  # the originals' SHA-256: policy.can_view_original_file_hash


def submission_view(viewer, submission: Submission, now=None) -> SubmissionView:
    """Everything the detail page shows, for a viewer who may see the submission."""
    now = now or clock.now()
    venue = submission.venue
    authorships = list(submission.authorships.order_by("position"))
    uploads = list(submission.uploads.select_related("uploaded_by", "check_run").order_by("kind", "-version"))
    papers = [u for u in uploads if u.kind == Upload.Kind.PAPER]
    latest = papers[0] if papers else None
    in_force = next((u for u in papers if u.pk == submission.submitted_paper_id), None)
    is_author = policy.is_author(viewer, submission)
    if not policy.can_view_authors(viewer, submission):
        authorships = []  # field gate: a viewer blind to the authors gets no author rows at all
    as_chair = policy.is_chair(viewer, venue) and not is_author  # a conflict overrides the role
    attestations = [(a.text, bool(submission.attestations.get(a.key)), a.required) for a in venue.spec.submission.attestations]
    view = SubmissionView(
        submission=submission,
        venue=venue,
        authors=[
            AuthorView(a.position, a.name, a.email, a.affiliation, a.is_corresponding, a.is_co_first, a.state)
            for a in authorships
        ],
        secondary_topics=list(submission.secondary_topics.all()),
        attestations=attestations,
        papers=papers,
        paper_versions=paper_versions(submission, papers),
        supplementary=[u for u in uploads if u.kind == Upload.Kind.SUPPLEMENTARY],
        # Findings quote what leaked: only for the authors and the unconflicted chairs.
        check=check_view(getattr(latest, "check_run", None) if latest else None, latest, venue).for_version(in_force)
        if policy.can_view_check_findings(viewer, submission) else None,
        deadline=submission.deadline,
        extended=submission.deadline != venue.submission_deadline,
        can_edit=policy.can_edit_submission(viewer, submission, now),
        can_withdraw=policy.can_withdraw(viewer, submission, now),
        can_unwithdraw=policy.can_unwithdraw(viewer, submission, now),
        is_author=is_author,
        hashes_visible=policy.can_view_original_file_hash(viewer, submission),
    )
    if is_author:
        view.volunteer_ask = volunteer_ask(submission, authorships)
    if as_chair:
        view.audit = list(
            AuditEntry.objects.filter(object_type="submission", object_id=submission.public_id)
            .select_related("actor")
            .order_by("-at", "-id")
        )
        view.can_grant_extension = bool(policy.can_grant_extension(viewer, submission))
        view.can_desk_reject = bool(policy.can_desk_reject(viewer, submission))
    return view


# --- the chairs' table -------------------------------------------------------------------------

SORTS = {
    "number": "number",
    "title": "title",
    "track": "track__position",
    "topic": "primary_topic__position",
    "status": "status",
    "submitted": "submitted_at",
    "updated": "updated_at",
    "pages": "pages",
}
NUMBER_QUERY = re.compile(r"^#\s*(\d+)$|^(\d+)$")


@dataclass
class TableFilters:
    track: str = ""
    topic: str = ""
    status: str = ""
    q: str = ""
    sort: str = "number"
    descending: bool = False

    @classmethod
    def from_query(cls, params) -> TableFilters:
        sort = params.get("sort", "number")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        return cls(
            track=params.get("track", "").strip(),
            topic=params.get("topic", "").strip(),
            status=params.get("status", "").strip(),
            q=params.get("q", "").strip()[:200],
            sort=sort if sort in SORTS else "number",
            descending=descending,
        )

    def as_query(self, **changes) -> str:
        from urllib.parse import urlencode

        values = {"track": self.track, "topic": self.topic, "status": self.status, "q": self.q,
                  "sort": ("-" if self.descending else "") + self.sort}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v and not (k == "sort" and v == "number")})


@dataclass
class ChairRow:
    submission: Submission
    authors: list[Authorship]
    secondary_topics: list
    paper: Upload | None
    check: CheckView
    # A newer paper PDF than the one in force (still being checked, refused, or its check
    # failed), with its verdict (a key of VERDICTS); None when the newest is in force.
    newer: Upload | None = None
    newer_verdict: str = ""

    @property
    def newer_label(self) -> str:
        return f"v{self.newer.version} {VERDICTS[self.newer_verdict]}" if self.newer is not None else ""

    @property
    def author_names(self) -> str:
        return "; ".join(a.name for a in self.authors)

    @property
    def author_emails(self) -> str:
        return "; ".join(a.email for a in self.authors)


def _filtered(viewer, venue: Venue, filters: TableFilters, any_status: bool = False) -> QuerySet[Submission]:
    qs = policy.submissions_visible_to(viewer, venue)
    if filters.track:
        qs = qs.filter(track__slug=filters.track)
    if filters.topic:
        secondary = Submission.secondary_topics.through.objects.filter(topicarea__slug=filters.topic, topicarea__venue=venue)
        qs = qs.filter(Q(primary_topic__slug=filters.topic) | Q(pk__in=secondary.values("submission_id")))
    if filters.status and not any_status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(_search(filters.q))
    return qs


def chair_queryset(viewer, venue: Venue, filters: TableFilters) -> QuerySet[Submission]:
    """The venue's submissions matching the filters, sorted, each annotated with its latest
    PDF (`latest_paper_id`). For chairs: the views answer 404 to anyone else."""
    qs = _filtered(viewer, venue, filters).annotate(latest_paper_id=Subquery(_latest_paper().values("pk")[:1]))
    if filters.sort == "pages":
        latest_run = CheckRun.objects.filter(upload_id=OuterRef("latest_paper_id"))
        pages = Subquery(latest_run.annotate(p=Cast(KT("report__pages__main_content_end"), IntegerField())).values("p")[:1])
        # Papers whose check the viewer may not see sort as if unchecked: the order tells nothing.
        who = policy.as_viewer(viewer)
        hidden = who.conflicted_ids(venue.pk) - who.authored_ids(venue.pk)
        qs = qs.annotate(pages=Case(When(pk__in=hidden, then=Value(None)), default=pages, output_field=IntegerField()) if hidden else pages)
    key = F(SORTS[filters.sort])
    return qs.order_by(key.desc(nulls_last=True) if filters.descending else key.asc(nulls_last=True), "number")


def _search(q: str) -> Q:
    """Title, abstract, an author's name or e-mail, or the number ("#12")."""
    match = NUMBER_QUERY.match(q)
    if match and match.group(1):
        return Q(number=int(match.group(1)))
    authors = Authorship.objects.filter(Q(name__icontains=q) | Q(email__icontains=q)).values("submission_id")
    condition = Q(title__icontains=q) | Q(abstract__icontains=q) | Q(pk__in=authors)
    if match and match.group(2):
        condition |= Q(number=int(match.group(2)))
    return condition


def status_counts(viewer, venue: Venue, filters: TableFilters) -> dict[str, int]:
    """How many submissions match the other filters, in total and per status: one query."""
    return _filtered(viewer, venue, filters, any_status=True).order_by().aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(status=value)) for value in Submission.Status.values},
    )


def chair_rows(submissions: Iterable[Submission], venue: Venue, viewer=None) -> list[ChairRow]:
    """Rows for one page of the table: three queries whatever the page size. Each row's
    check is what `viewer` may see of it (`check_view_for`): nothing of a paper they are
    conflicted with."""
    submissions = list(submissions)
    ids = [s.pk for s in submissions]
    with_relations = {
        s.pk: s
        for s in Submission.objects.filter(pk__in=ids)
        .select_related("track", "primary_topic", "contribution_type")
        .prefetch_related("secondary_topics", Prefetch("authorships", queryset=Authorship.objects.order_by("position")))
    }
    paper_ids = [s.latest_paper_id for s in submissions if getattr(s, "latest_paper_id", None)]
    papers = {u.pk: u for u in Upload.objects.filter(pk__in=paper_ids).select_related("check_run")}
    newest_of = Upload.objects.filter(submission=OuterRef("submission_id"), kind=Upload.Kind.PAPER).order_by("-version").values("pk")[:1]
    newest = {u.submission_id: u for u in Upload.objects.filter(submission_id__in=ids, kind=Upload.Kind.PAPER, pk=Subquery(newest_of))
              .exclude(pk__in=paper_ids).select_related("check_run")}
    rows = []
    for s in submissions:
        full = with_relations[s.pk]
        full.venue = venue  # the policy asks about it for every row: no query per row
        paper = papers.get(getattr(s, "latest_paper_id", None))
        newer = newest.get(s.pk) if paper is not None else None
        rows.append(ChairRow(
            submission=full,
            authors=list(full.authorships.all()),
            secondary_topics=list(full.secondary_topics.all()),
            paper=paper,
            check=check_view_for(viewer, full, getattr(paper, "check_run", None) if paper else None, paper, venue),
            newer=newer,
            newer_verdict=version_verdict(newer, full) if newer is not None else "",
        ))
    return rows


def chair_rows_all(qs: QuerySet[Submission], venue: Venue, viewer=None, batch: int = 500) -> Iterator[ChairRow]:
    """Every row of a filtered queryset, fetched in batches (for the CSV export)."""
    ids = list(qs.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        page = qs.filter(pk__in=chunk)
        order = {pk: i for i, pk in enumerate(chunk)}
        yield from chair_rows(sorted(page, key=lambda s: order[s.pk]), venue, viewer)
