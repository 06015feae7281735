"""Who reviews what: the reviewer pool, publications, conflicts, bids and assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from paperdesk.ids import new_public_id


class PoolMember(models.Model):
    """A person's place in a venue's reviewer pool: volunteered or invited, then accepted."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", "Reviewer"
        AREA_CHAIR = "area_chair", "Area chair"

    class State(models.TextChoices):
        VOLUNTEERED = "volunteered", "Volunteered (awaiting chairs)"
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        NOT_SELECTED = "not_selected", "Not selected"

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="pool")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="pool_memberships")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)
    state = models.CharField(max_length=20, choices=State.choices)
    max_load = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: the venue default")
    min_load = models.PositiveIntegerField(null=True, blank=True, help_text="Set by the chairs; empty: the venue's minimum")
    statement = models.TextField(blank=True, max_length=2000)
    expertise = models.ManyToManyField("venues.TopicArea", blank=True, related_name="+")
    invite_token = models.CharField(max_length=64, blank=True, db_index=True)  # the SHA-256 of the link's token (paperdesk.tokens), never the token
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    conflicts_checked_at = models.DateTimeField(null=True, blank=True, help_text="When this person's conflicts were last computed")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "email", "role"], name="pool_unique_email_role")]
        ordering = ["venue", "role", "email"]
        indexes = [models.Index(fields=["venue", "state"]), models.Index(fields=["user", "venue"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()}, {self.get_state_display()})"

    @property
    def display_name(self) -> str:
        if self.user_id and self.user.full_name:
            return self.user.full_name
        return self.name or self.email

    def effective_max_load(self) -> int:
        return self.max_load if self.max_load is not None else self.venue.spec.reviewing.max_load


class Publication(models.Model):
    """A paper a person wrote, for affinity and co-authorship conflicts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True)
    year = models.PositiveIntegerField(null=True, blank=True)
    coauthors = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=20, default="manual")
    added_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Conflict(models.Model):
    """A person who must not review or see the reviews of a submission, and why."""

    class Source(models.TextChoices):
        INSTITUTION = "institution", "Same institution"
        COAUTHOR = "coauthor", "Recent co-author"
        AUTHOR_DECLARED = "author_declared", "Declared by the authors"
        REVIEWER_DECLARED = "reviewer_declared", "Declared by the reviewer"
        AUTHOR = "author", "Author of the submission"

    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(max_length=20, choices=Source.choices)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "user", "source"], name="conflict_unique")]
        indexes = [models.Index(fields=["user", "submission"])]

    def __str__(self) -> str:
        return f"{self.user_id} × {self.submission_id}: {self.reason}"


class Bid(models.Model):
    class Value(models.TextChoices):
        EAGER = "eager", "Eager"
        WILLING = "willing", "Willing"
        IN_A_PINCH = "in_a_pinch", "In a pinch"
        NOT_WILLING = "not_willing", "Not willing"

    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="bids")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bids")
    value = models.CharField(max_length=20, choices=Value.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "user"], name="bid_unique")]


class AssignmentRun(models.Model):
    """One run of the automatic assignment: a background job with progress, cancellable."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="assignment_runs")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict)
    result = models.JSONField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class Assignment(models.Model):
    """A reviewer (or area chair) on a paper; proposed until the chairs publish it."""

    class Kind(models.TextChoices):
        REVIEWER = "reviewer", "Reviewer"
        AREA_CHAIR = "area_chair", "Area chair"

    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REVIEWER)
    alias_number = models.PositiveSmallIntegerField(help_text="Shown as 'Reviewer N' on this paper")
    score = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=20, default="manual")
    published = models.BooleanField(default=False)
    deadline = models.DateTimeField(null=True, blank=True, help_text="This reviewer's own review deadline (an extension, or an emergency reviewer's); empty: the venue's")
    emergency = models.BooleanField(default=False, help_text="An emergency reviewer, assigned late with a shorter deadline")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "user", "kind"], name="assignment_unique"),
            models.UniqueConstraint(fields=["submission", "kind", "alias_number"], name="assignment_unique_alias"),
        ]
        indexes = [models.Index(fields=["user", "published"])]

    @property
    def alias(self) -> str:
        return f"{'Area chair' if self.kind == self.Kind.AREA_CHAIR else 'Reviewer'} {self.alias_number}"

    def review_deadline(self):
        """This reviewer's review deadline: their own (extended, or an emergency reviewer's), else the venue's."""
        return self.deadline or self.submission.venue.review_deadline


class ReviewerDecline(models.Model):
    """A reviewer gave a paper back: declined it, or flagged a conflict with it (then also a
    recorded Conflict). The assignment is gone; the row tells the chairs why and which slot
    is open, until a chair fills it (resolved_at)."""

    class Kind(models.TextChoices):
        DECLINE = "decline", "Declined"
        CONFLICT = "conflict", "Flagged a conflict"

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="reviewer_declines")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=1000)
    alias_number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["venue", "resolved_at"])]


class DeclaredConflict(models.Model):
    """A conflict someone declared: authors about their submission, or a reviewer about
    themself. It names a person (e-mail and/or name), an institution (a name or a mail
    domain), or, for a reviewer, one submission. `paperdesk.committee.conflicts` turns
    declarations into Conflict rows."""

    class Side(models.TextChoices):
        AUTHOR = "author", "Declared by the authors"
        REVIEWER = "reviewer", "Declared by the reviewer"

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts")
    submission = models.ForeignKey("submissions.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="declared_conflicts")
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=200, blank=True)
    institution = models.CharField(max_length=200, blank=True, help_text="An institution's name or mail domain")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["venue", "side"])]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        if self.side == self.Side.REVIEWER and self.submission_id and not (self.email or self.name or self.institution):
            return "this paper"
        parts = []
        if self.name:
            parts.append(self.name)
        if self.email:
            parts.append(f"<{self.email}>" if self.name else self.email)
        if self.institution:
            parts.append(f"({self.institution})" if parts else self.institution)
        return " ".join(parts) or "—"


class InstitutionAlias(models.Model):
    """A venue's addition to the shipped institution table (matching/data/institution_aliases.toml):
    more mail domains or names for one institution. Extends a shipped institution when one of
    its names or domains is already known there."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    domains = models.JSONField(default=list, blank=True)
    names = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ReminderLog(models.Model):
    """One reminder e-mail to one address, claimed before sending: the unique key makes
    the same reminder impossible to send twice, even from two workers at once."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "email", "key"], name="reviewing_reminder_unique")]


class EmergencyInvitation(models.Model):
    """A chair's invitation to review one paper as its emergency reviewer, sent to someone
    not (yet) an accepted member of the pool. Accepting makes them an accepted reviewer and
    creates the emergency assignment in one step (`assignment.emergency_invitation_accept`).

    A row of its own rather than a PoolMember with a marker: a pool row is one per address
    and role, has its own link, lifetime (INVITATION_DAYS) and answer, and may already exist
    (invited, volunteered) when the chair needs this; an emergency offer is about one paper,
    has its own deadline (which is also when the offer expires), and its answer is about that
    paper, not the pool. Keeping it apart leaves the pool invitations' rules untouched."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"  # by a chair, before an answer (`assignment.emergency_invitation_withdraw`)

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="emergency_invitations")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    deadline = models.DateTimeField(help_text="The emergency reviewer's review deadline; the offer expires then")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    token = models.CharField(max_length=64, db_index=True)  # the SHA-256 of the link's token (paperdesk.tokens), never the token
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The account that answered")
    invited_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        indexes = [models.Index(fields=["submission", "state"])]

    def __str__(self) -> str:
        return f"{self.email} for {self.submission_id} ({self.get_state_display()})"
