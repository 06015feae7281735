"""Writes to submissions: each service is one transaction with an audit entry; e-mails
and background jobs are sent only after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.db.models import Max

from paperdesk import clock, policy, tokens
from paperdesk.audit.services import record
from paperdesk.venues.models import ContributionType, TopicArea, Track, Venue

from . import notifications
from .identities import judge_form_links
from .models import Authorship, Submission, Upload
from .rechecks import recheck_after_commit
from .storage import store_blob
from .uploads import UploadRejected, max_upload_bytes, validate_pdf, validate_zip


class ServiceError(Exception):
    """A request the service refuses, with the message a person is shown."""

    def __init__(self, message: str, status: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def require(decision: policy.Decision, status: int = 403) -> None:
    """Refuse with the policy's reason (a person reads it) unless the policy allows."""
    if not decision:
        raise ServiceError(decision.reason, status)


@dataclass
class AuthorInput:
    email: str
    name: str
    affiliation: str = ""
    is_corresponding: bool = False
    is_co_first: bool = False


@dataclass
class SubmissionInput:
    title: str
    abstract: str
    track: str
    primary_topic: str
    contribution_type: str
    authors: list[AuthorInput]
    secondary_topics: list[str] = field(default_factory=list)
    attestations: dict[str, bool] = field(default_factory=dict)
    under_review_at: str = ""
    attendance: str = Submission.Attendance.UNSURE
    code_url: str = ""
    data_url: str = ""


def _resolve(venue: Venue, data: SubmissionInput) -> dict:
    def one(model, slug, label, field_name):
        obj = model.objects.filter(venue=venue, slug=slug).first()
        if obj is None:
            raise ServiceError(f"Unknown {label} '{slug}'.", 400, field_name)
        return obj

    title = (data.title or "").strip()
    abstract = (data.abstract or "").strip()
    if not title:
        raise ServiceError("A title is required.", 400, "title")
    if len(title) > 300:
        raise ServiceError("The title is longer than 300 characters.", 400, "title")
    if not abstract:
        raise ServiceError("An abstract is required.", 400, "abstract")
    if len(abstract) > 5000:
        raise ServiceError("The abstract is longer than 5000 characters.", 400, "abstract")
    if data.attendance not in Submission.Attendance.values:
        raise ServiceError(f"Unknown attendance answer '{data.attendance}'.", 400, "attendance")
    secondary = []
    for slug in dict.fromkeys(data.secondary_topics):
        if slug and slug != data.primary_topic:
            secondary.append(one(TopicArea, slug, "topic area", "secondary_topics"))
    return {
        "title": title,
        "abstract": abstract,
        "track": one(Track, data.track, "track", "track"),
        "primary_topic": one(TopicArea, data.primary_topic, "topic area", "primary_topic"),
        "contribution_type": one(ContributionType, data.contribution_type, "contribution type", "contribution_type"),
        "secondary": secondary,
        "attestations": {a.key: bool(data.attestations.get(a.key)) for a in venue.spec.submission.attestations},
        "under_review_at": (data.under_review_at or "").strip()[:300],
        "attendance": data.attendance,
        "code_url": (data.code_url or "").strip(),
        "data_url": (data.data_url or "").strip(),
    }


def _clean_authors(actor, authors: list[AuthorInput], own_emails: set[str] = frozenset()) -> list[AuthorInput]:
    """Normalised author rows; the actor must stay listed (under one of their verified
    addresses or, `own_emails`, an address under which they already hold an authorship)."""
    cleaned: list[AuthorInput] = []
    seen: set[str] = set()
    for author in authors:
        email = (author.email or "").strip().lower()
        name = (author.name or "").strip()
        if not email and not name:
            continue
        if "@" not in email or "." not in email.split("@")[-1]:
            raise ServiceError(f"'{author.email}' is not an e-mail address.", 400, "authors")
        if not name:
            raise ServiceError(f"The author with e-mail {email} needs a name.", 400, "authors")
        if email in seen:
            raise ServiceError(f"{email} is listed twice among the authors.", 400, "authors")
        seen.add(email)
        cleaned.append(AuthorInput(email, name[:200], (author.affiliation or "").strip()[:200], author.is_corresponding, author.is_co_first))
    if not cleaned:
        raise ServiceError("A submission needs at least one author.", 400, "authors")
    actor_emails = {e.lower() for e in _verified_emails(actor)} | {e.lower() for e in own_emails}
    if not actor_emails & seen:
        raise ServiceError("You must be one of the authors (list yourself with one of your verified e-mail addresses).", 400, "authors")
    if not any(a.is_corresponding for a in cleaned):
        cleaned[0].is_corresponding = True
    return cleaned


def _verified_emails(user) -> set[str]:
    from allauth.account.models import EmailAddress

    emails = set(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))
    return {e.lower() for e in emails} | ({user.email.lower()} if not emails else set())


def _write_authors(submission: Submission, authors: list[AuthorInput], actor) -> list[Authorship]:
    """Replace the author list, keeping the state of authors who stay; returns new invitees.

    Nobody is linked here but the actor (listed under one of their own verified addresses):
    every other new row is an invitation, whether or not the address belongs to an account,
    and becomes an authorship only when the address's owner confirms. Whether an account
    exists is neither looked up nor shown."""
    existing = {a.email: a for a in submission.authorships.all()}
    emails = [a.email for a in authors]
    own = _verified_emails(actor)
    submission.authorships.exclude(email__in=emails).delete()
    # Positions are unique: move survivors out of the way before renumbering.
    submission.authorships.update(position=models_offset())
    invitees = []
    now = clock.now()
    for position, author in enumerate(authors, start=1):
        row = existing.get(author.email) or Authorship(submission=submission, email=author.email)
        row.position = position
        row.name = author.name
        row.affiliation = author.affiliation
        row.is_corresponding = author.is_corresponding
        row.is_co_first = author.is_co_first
        if row.user_id is None and author.email in own:
            row.user, row.claim_token, row.declined_at = actor, "", None
        if row.pk is None and row.user_id is None:
            row.claim_token = tokens.mint()[1]  # a placeholder nobody holds: the invitation job mints the link
            row.invited_at = now
            invitees.append(row)
        row.save()
    return invitees


def models_offset():
    from django.db.models import F

    return F("position") + 10000


@transaction.atomic
def submission_create(*, venue: Venue, actor, data: SubmissionInput, now=None) -> Submission:
    require(policy.can_create_submission(actor, venue, now))
    fields = _resolve(venue, data)
    authors = _clean_authors(actor, data.authors)
    Venue.objects.select_for_update().filter(pk=venue.pk).first()  # serialises numbering
    number = (Submission.objects.filter(venue=venue).aggregate(n=Max("number"))["n"] or 0) + 1
    secondary = fields.pop("secondary")
    submission = Submission.objects.create(venue=venue, number=number, created_by=actor, **fields)
    submission.secondary_topics.set(secondary)
    invitees = _write_authors(submission, authors, actor)
    judge_form_links(submission)
    record("submission.create", submission, actor=actor, venue=venue, title=submission.title)
    _record_invitations(submission, invitees, actor)
    _after_commit_invitations(submission, invitees)
    if invitees:
        _after_commit_refresh_conflicts(submission)  # an invited co-author is a conflict at once
    return submission


@transaction.atomic
def submission_update(*, submission: Submission, actor, data: SubmissionInput, now=None) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    require(policy.can_edit_submission(actor, submission, now))
    fields = _resolve(submission.venue, data)
    authors = _clean_authors(actor, data.authors, _claimed_emails(submission, actor))
    secondary = fields.pop("secondary")
    changed = [name for name, value in fields.items() if getattr(submission, name) != value]
    names_before = _listed_names(submission) if submission.status == Submission.Status.SUBMITTED else []
    people_before = _listed_people(submission)
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.save()
    submission.secondary_topics.set(secondary)
    invitees = _write_authors(submission, authors, actor)
    if submission.status == Submission.Status.SUBMITTED and ("title" in changed or _listed_names(submission) != names_before):
        _after_commit_archival_lookup(submission)
    judge_form_links(submission)
    if _listed_people(submission) != people_before:
        recheck_after_commit([submission.pk])  # the PDF's anonymity check looked for other people
    record("submission.update", submission, actor=actor, venue=submission.venue, fields=changed)
    _record_invitations(submission, invitees, actor)
    _after_commit_invitations(submission, invitees)
    _after_commit_refresh_conflicts(submission)
    return submission


def _listed_people(submission: Submission) -> list[tuple]:
    """Who the author list names, as the anonymity check reads it (identities_for)."""
    return sorted(submission.authorships.values_list("email", "name", "affiliation", "user_id"))


def _listed_names(submission: Submission) -> list[str]:
    """The author names the archival look-up compares (a declined row is no author)."""
    return sorted(submission.authorships.filter(declined_at__isnull=True).values_list("name", flat=True))


def _after_commit_archival_lookup(submission: Submission) -> None:
    """The paper is submitted, or its title or authors changed while submitted: a job looks
    it up in the venue's archival listings after the commit (the chairs' hint)."""
    from .archival_lookup import match_paper_after_commit

    match_paper_after_commit(submission)


def _claimed_emails(submission: Submission, actor) -> set[str]:
    return set(submission.authorships.filter(user=actor).values_list("email", flat=True))


def _after_commit_refresh_conflicts(submission: Submission) -> None:
    """Authors changed: announce it; the reviewing app recomputes the paper's conflicts
    after the commit (paperdesk.committee.signals)."""
    from .signals import authors_changed

    authors_changed.send(sender=Submission, submission=submission)


def _record_invitations(submission: Submission, invitees: list[Authorship], actor) -> None:
    for row in invitees:
        record("authorship.invite", submission, actor=actor, venue=submission.venue, email=row.email)


def _after_commit_invitations(submission: Submission, invitees: list[Authorship]) -> None:
    ids = [a.pk for a in invitees]
    if ids:
        transaction.on_commit(lambda: notifications.send_author_invitations(submission.pk, ids))


def _validate_upload(venue: Venue, kind: str, stream: IO[bytes]) -> None:
    """Refuse a file that is not what the venue accepts, by content (ServiceError)."""
    rules = venue.spec.submission
    field_name = "supplementary" if kind == Upload.Kind.SUPPLEMENTARY else "pdf"
    try:
        if kind == Upload.Kind.SUPPLEMENTARY:
            if not rules.supplementary:
                raise ServiceError("This venue does not accept supplementary material.", 400, field_name)
            validate_zip(stream, max_upload_bytes(rules, kind))
        else:
            validate_pdf(stream, max_upload_bytes(rules, kind))
    except UploadRejected as rejected:
        raise ServiceError(rejected.message, 413 if rejected.code == "too_large" else 400, field_name) from None


def upload_add(*, submission: Submission, actor, stream: IO[bytes], original_name: str, kind: str = Upload.Kind.PAPER, now=None) -> Upload:
    """Validate, store durably, then record the version. Acknowledged only once on disk."""
    venue = submission.venue
    require(policy.can_edit_submission(actor, submission, now))
    _validate_upload(venue, kind, stream)
    blob = store_blob(stream)  # durable before any database row points at it
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        require(policy.can_edit_submission(actor, locked, now))
        version = (locked.uploads.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
        upload = Upload.objects.create(
            submission=locked,
            kind=kind,
            version=version,
            sha256=blob.sha256,
            size=blob.size,
            blob=blob.name,
            original_name=(original_name or ("supplementary.zip" if kind == Upload.Kind.SUPPLEMENTARY else "paper.pdf"))[-255:],
            uploaded_by=actor,
        )
        locked.save(update_fields=["updated_at"])
        record("upload.add", locked, actor=actor, venue=venue, kind=kind, version=version, sha256=blob.sha256, size=blob.size)
        from paperdesk.submissions.checking import schedule_check

        schedule_check(upload)  # a PDF, or a supplementary archive (read in the checker's child)
        if locked.status == Submission.Status.SUBMITTED and kind == Upload.Kind.SUPPLEMENTARY:
            transaction.on_commit(lambda: notifications.send_receipt(locked.pk, "new_supplementary", upload.pk))
        # A new paper PDF of a submitted paper is announced once its check is done: it then
        # becomes the submitted version, or is refused (paper_check_finished).
    return upload


@dataclass
class FileInput:
    """A file sent with the submission form: `kind` is an Upload.Kind value."""

    kind: str
    stream: IO[bytes]
    original_name: str


def _prepare_files(venue: Venue, files: list[FileInput]) -> None:
    """Validate every file, then write it durably, before any transaction starts: the disk
    write never holds database locks, and the transaction that follows finds the blobs
    already in place (content-addressed: the second store is a hash and an exists check)."""
    for item in files:
        _validate_upload(venue, item.kind, item.stream)
    for item in files:
        store_blob(item.stream)


def submission_create_with_files(*, venue: Venue, actor, data: SubmissionInput, files: list[FileInput] = (), now=None) -> Submission:
    """Create a draft and its first file versions in one transaction: a refused file or a
    crash part-way leaves no submission behind."""
    require(policy.can_create_submission(actor, venue, now))
    _resolve(venue, data)  # fail fast on the metadata before writing any file
    _clean_authors(actor, data.authors)
    _prepare_files(venue, list(files))
    with transaction.atomic():
        submission = submission_create(venue=venue, actor=actor, data=data, now=now)
        for item in files:
            upload_add(submission=submission, actor=actor, stream=item.stream, original_name=item.original_name, kind=item.kind, now=now)
    return submission


def submission_update_with_files(*, submission: Submission, actor, data: SubmissionInput, files: list[FileInput] = (), now=None) -> Submission:
    """Save the form of an existing submission: metadata and any new file versions, all or
    nothing."""
    require(policy.can_edit_submission(actor, submission, now))
    _resolve(submission.venue, data)
    _clean_authors(actor, data.authors, _claimed_emails(submission, actor))
    _prepare_files(submission.venue, list(files))
    with transaction.atomic():
        submission = submission_update(submission=submission, actor=actor, data=data, now=now)
        for item in files:
            upload_add(submission=submission, actor=actor, stream=item.stream, original_name=item.original_name, kind=item.kind, now=now)
    return submission


@transaction.atomic
def submission_submit(*, submission: Submission, actor, now=None) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    require(policy.can_edit_submission(actor, submission, now))
    if submission.status == Submission.Status.SUBMITTED:
        raise ServiceError("This paper is already submitted; changes you make are saved until the deadline.", 409)
    paper = submission.current_upload(Upload.Kind.PAPER)
    if paper is None:
        raise ServiceError("Upload the paper PDF before submitting.", 400, "pdf")
    missing = [a.text for a in submission.venue.spec.submission.attestations if a.required and not submission.attestations.get(a.key)]
    if missing:
        raise ServiceError("Please confirm: " + " ".join(missing), 400, "attestations")
    from paperdesk.submissions.checking import blocking_reason

    if reason := blocking_reason(paper):
        raise ServiceError(reason, 400, "pdf")
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = clock.now()
    submission.submitted_paper = paper
    submission.save(update_fields=["status", "submitted_at", "submitted_paper", "updated_at"])
    record("submission.submit", submission, actor=actor, venue=submission.venue, upload=paper.public_id, sha256=paper.sha256)
    transaction.on_commit(lambda: notifications.send_receipt(submission.pk, "submitted", paper.pk))
    _after_commit_archival_lookup(submission)
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, actor, now=None) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    require(policy.can_withdraw(actor, submission, now))
    submission.status_before_withdrawal = submission.status
    submission.status = Submission.Status.WITHDRAWN
    submission.withdrawn_at = clock.now()
    submission.save(update_fields=["status", "status_before_withdrawal", "withdrawn_at", "updated_at"])
    record("submission.withdraw", submission, actor=actor, venue=submission.venue)
    transaction.on_commit(lambda: notifications.send_receipt(submission.pk, "withdrawn", None))
    return submission


@transaction.atomic
def submission_unwithdraw(*, submission: Submission, actor, now=None) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    require(policy.can_unwithdraw(actor, submission, now))
    submission.status = submission.status_before_withdrawal or Submission.Status.DRAFT
    submission.status_before_withdrawal = ""
    submission.withdrawn_at = None
    submission.save(update_fields=["status", "status_before_withdrawal", "withdrawn_at", "updated_at"])
    record("submission.unwithdraw", submission, actor=actor, venue=submission.venue, status=submission.status)
    if submission.status == Submission.Status.SUBMITTED:
        _after_commit_archival_lookup(submission)  # a listing imported while it was withdrawn
    return submission


@transaction.atomic
def extension_grant(*, submission: Submission, actor, until) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    require(policy.can_grant_extension(actor, submission))
    submission.deadline_extension = until
    submission.save(update_fields=["deadline_extension", "updated_at"])
    record("submission.extension", submission, actor=actor, venue=submission.venue, until=until.isoformat() if until else None)
    return submission


# --- co-authorship invitations: confirm or decline ------------------------------------------


def _invitation_for_update(*, token: str = "", authorship_id: int | None = None, actor) -> Authorship:
    """The pending invitation the actor answers, locked: by the link's token (the capability
    sent to the listed address), or by id for an invitation listed under one of the actor's
    verified addresses. Anything else is the same 404."""
    refused = ServiceError("This invitation is not valid any more (it may have been answered already, or the authors changed the list).", 404)
    qs = Authorship.objects.select_for_update().select_related("submission__venue")
    if token:
        hashed = tokens.lookup(token)  # only the token's SHA-256 is stored
        row = qs.filter(claim_token=hashed).first() if hashed else None
    elif authorship_id is not None:
        row = qs.filter(pk=authorship_id, email__in=_verified_emails(actor)).first()
    else:
        row = None
    if row is None or row.user_id is not None or row.declined_at is not None:
        raise refused
    return row


@transaction.atomic
def authorship_confirm(*, actor, token: str = "", authorship_id: int | None = None) -> Authorship:
    """The invited person confirms: only now does the row link to their account and give
    author rights."""
    row = _invitation_for_update(token=token, authorship_id=authorship_id, actor=actor)
    if row.submission.authorships.filter(user=actor).exists():
        raise ServiceError("You are already an author of this submission under another address.", 409)
    row.user = actor
    row.confirmed_token = row.claim_token if token else ""
    row.claim_token = ""
    row.save(update_fields=["user", "claim_token", "confirmed_token"])
    record("authorship.confirm", row.submission, actor=actor, venue=row.submission.venue, email=row.email)
    _after_commit_refresh_conflicts(row.submission)
    recheck_after_commit([row.submission_id])  # the checks now look for the confirmed person's profile too
    return row


def authorship_claim(*, token: str, actor) -> Authorship:
    """Confirm through the invitation link (kept under its old name for callers)."""
    return authorship_confirm(actor=actor, token=token)


@transaction.atomic
def authorship_decline(*, actor, token: str = "", authorship_id: int | None = None) -> Authorship:
    """The invited person says they are not an author: the row stays on the list as the
    authors typed it, marked declined and never linked, so the authors see it and can
    correct the address or remove it. The authors are told by e-mail."""
    row = _invitation_for_update(token=token, authorship_id=authorship_id, actor=actor)
    row.claim_token = ""
    row.declined_at = clock.now()
    row.save(update_fields=["claim_token", "declined_at"])
    record("authorship.decline", row.submission, actor=actor, venue=row.submission.venue, email=row.email)
    transaction.on_commit(lambda: notifications.send_decline_notice(row.pk))
    if row.submission.status == Submission.Status.SUBMITTED:
        _after_commit_archival_lookup(row.submission)  # the declined name is no author any more
    return row


def pending_invitations_for(email: str) -> int:
    """How many invitations wait for an answer under this address."""
    return Authorship.objects.filter(email=email.lower(), user__isnull=True, declined_at__isnull=True).count()
