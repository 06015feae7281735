"""Submissions, their authors and every uploaded file version."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from paperdesk.checks.report import CheckReport
from paperdesk.ids import new_public_id


class Submission(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DESK_REJECTED = "desk_rejected", "Desk-rejected"

    class Attendance(models.TextChoices):
        YES = "yes", "Yes, at least one author intends to attend in person"
        NO = "no", "No, we do not plan to attend in person"
        UNSURE = "unsure", "Not sure yet"

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField(help_text="Per-venue sequence, shown to chairs")
    track = models.ForeignKey("venues.Track", on_delete=models.PROTECT, related_name="submissions")
    title = models.CharField(max_length=300)
    abstract = models.TextField(max_length=5000)
    primary_topic = models.ForeignKey("venues.TopicArea", on_delete=models.PROTECT, related_name="primary_submissions")
    secondary_topics = models.ManyToManyField("venues.TopicArea", blank=True, related_name="secondary_submissions")
    contribution_type = models.ForeignKey("venues.ContributionType", on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_before_withdrawal = models.CharField(max_length=20, choices=Status.choices, blank=True)
    attestations = models.JSONField(default=dict, blank=True)
    under_review_at = models.CharField(max_length=300, blank=True)
    attendance = models.CharField(max_length=10, choices=Attendance.choices, default=Attendance.UNSURE)
    code_url = models.URLField(max_length=500, blank=True)
    data_url = models.URLField(max_length=500, blank=True)
    # The form's links judged for anonymity (paperdesk.checks.links) when they are saved:
    # [{field, url, verdict, reason, owner, author}]; `links_flagged` when one is not anonymous.
    link_report = models.JSONField(default=list, blank=True)
    links_flagged = models.BooleanField(default=False)
    deadline_extension = models.DateTimeField(null=True, blank=True, help_text="Per-submission deadline granted by a chair")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    desk_reject_reason = models.TextField(blank=True, max_length=5000)
    # The paper PDF version in force once submitted: what reviewers read, assignment and the
    # exports use. Set on submit; a later upload replaces it only once its check has passed
    # (checking.perform_check -> services.paper_check_finished). Empty for a draft.
    submitted_paper = models.ForeignKey("Upload", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["venue", "number"]
        constraints = [models.UniqueConstraint(fields=["venue", "number"], name="submission_unique_number")]
        indexes = [models.Index(fields=["venue", "status"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def deadline(self):
        venue_deadline = self.venue.submission_deadline
        if self.deadline_extension and self.deadline_extension > venue_deadline:
            return self.deadline_extension
        return venue_deadline

    def current_upload(self, kind: str = "paper"):
        """The newest upload of a kind (for a submitted paper's PDF see `paper_in_force`)."""
        return self.uploads.filter(kind=kind).order_by("-version").first()

    def paper_in_force(self):
        """The paper PDF that counts: the submitted version once submitted (a newer upload
        still being checked, or refused by the check, does not replace it), else the newest."""
        if self.submitted_paper_id is not None:
            return self.submitted_paper
        return self.current_upload("paper")


def paper_in_force_candidates(prefix: str = "") -> models.Q:
    """A filter on Upload rows (`prefix` leads to one, e.g. "upload__"): paper PDFs that may be
    the one in force for their submission: its submitted version, or any paper PDF of a
    submission without one (a draft: the newest of those counts, `order_by("-version")`)."""
    return models.Q(**{f"{prefix}kind": "paper"}) & (
        models.Q(**{f"{prefix}submission__submitted_paper__isnull": True})
        | models.Q(**{f"{prefix}submission__submitted_paper": models.F(f"{prefix}pk" if prefix else "pk")})
    )


class Authorship(models.Model):
    """One author of one submission, in order. Every co-author the submitter lists is known
    by e-mail and invited; the row is linked to an account (`user`) only when that
    account's owner confirms (or when the submitter lists one of their own verified
    addresses). Until then it gives no author rights, yet it already names the person for
    conflicts of interest (matched by e-mail). A declined invitation stays on the list,
    unlinked, so the authors see it and can correct the address or remove the row."""

    class State(models.TextChoices):
        INVITED = "invited", "invited, not yet confirmed"
        CONFIRMED = "confirmed", "confirmed"
        DECLINED = "declined", "declined"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveIntegerField()
    email = models.EmailField()
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="authorships")
    is_corresponding = models.BooleanField(default=False)
    is_co_first = models.BooleanField(default=False)
    claim_token = models.CharField(max_length=64, blank=True)  # the SHA-256 of the link's token (paperdesk.tokens), never the token; "" once answered
    # The SHA-256 of the link this row was confirmed through: the same person opening it again
    # (or a second Confirm racing the first) lands on the submission; it opens nothing for anyone else.
    confirmed_token = models.CharField(max_length=64, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "position"], name="authorship_unique_position"),
            models.UniqueConstraint(fields=["submission", "email"], name="authorship_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def state(self) -> str:
        """invited (no answer yet: no author rights, but a conflict), confirmed, declined."""
        if self.user_id is not None:
            return self.State.CONFIRMED.value
        return (self.State.DECLINED if self.declined_at is not None else self.State.INVITED).value


class Upload(models.Model):
    """One immutable file version. Bytes live in content-addressed storage under `blob`."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper PDF"
        SUPPLEMENTARY = "supplementary", "Supplementary archive"
        CAMERA_READY = "camera_ready", "Camera-ready PDF"

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    blob = models.CharField(max_length=200, help_text="Storage name of the content-addressed file")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["submission", "kind", "version"], name="upload_unique_version")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} of {self.submission_id}"


class CheckRun(models.Model):
    """The compliance checker's verdict on one uploaded PDF."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Checking"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        # A newer version of the same file arrived before the checker reached this one: in a
        # deadline hour the checker spends its time on what authors will submit, not on
        # versions already replaced.
        SUPERSEDED = "superseded", "Not checked: a newer version came first"

    upload = models.OneToOneField(Upload, on_delete=models.CASCADE, related_name="check_run")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    mode = models.CharField(max_length=20, default="submission")
    report = models.JSONField(null=True, blank=True)
    blocking = models.BooleanField(default=False)
    # A summary of the report kept in columns, so chairs can filter thousands of papers
    # by finding in the database.
    verdict = models.CharField(max_length=20, blank=True, db_index=True)
    leak_count = models.PositiveIntegerField(default=0)
    format_count = models.PositiveIntegerField(default=0)
    finding_codes = models.CharField(max_length=1000, blank=True, help_text="Space-separated finding codes")
    # The SHA-256 of the authors' identities the check looked for (names, addresses,
    # usernames...): when they change, the check of the paper in force runs again.
    identities_digest = models.CharField(max_length=64, blank=True)
    # Why the check runs again ("" for the first run; "identities": an author's profile or
    # the author list changed) and how many possible leaks the run before found.
    recheck_reason = models.CharField(max_length=20, blank=True)
    leaks_before = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"check of {self.upload_id}: {self.state}"

    @property
    def check_report(self) -> CheckReport:
        """`report` read once into the typed structure every reader uses (parsed again only
        when `report` is replaced)."""
        cached = self.__dict__.get("_check_report")
        if cached is None or cached[0] is not self.report:
            cached = (self.report, CheckReport.from_json(self.report))
            self.__dict__["_check_report"] = cached
        return cached[1]


class ArchivalListing(models.Model):
    """An archival listing chairs imported (DBLP XML slice, BibTeX, CSV): its records live in
    an index directory on disk (`publications.archive_index`, whose docstring says why),
    named here; a venue may hold several (DBLP and the ACL Anthology)."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    records = models.PositiveIntegerField(default=0)
    directory = models.CharField(max_length=300)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField()


class ArchivalMatch(models.Model):
    """A submitted paper whose title (and authors) match a published record: a hint for the
    chairs (the CFP forbids work already accepted at an archival venue), never a decision.
    A dismissed match stays (with who and why) and is not raised again."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="archival_matches")
    listing = models.ForeignKey(ArchivalListing, on_delete=models.CASCADE, related_name="matches")
    title = models.CharField(max_length=500)
    authors = models.JSONField(default=list)
    venue_name = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.FloatField()
    title_score = models.FloatField()
    author_overlap = models.FloatField(null=True, blank=True)
    found_at = models.DateTimeField()
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    dismiss_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "listing", "title"], name="archival_match_once")]
        indexes = [models.Index(fields=["submission", "dismissed_at"])]
