"""The outbox: one row per outbound message (queued, held for a digest, sending, sent,
failed), and each person's e-mail preferences per kind of message."""

from django.conf import settings
from django.db import models


class OutboundEmail(models.Model):
    """One message to one or more recipients. The row is written ("sending") and committed
    before the message goes to the mail server: a job taken over after a crash finds it and
    never sends it again (a row left in "sending" is shown in the outbox to be resent by a
    person, as it may have been delivered)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        HELD = "held", "Held for the daily digest"
        SENDING = "sending", "Sending (not confirmed)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        DIGESTED = "digested", "Sent in a digest"

    venue = models.ForeignKey("venues.Venue", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The paper the message is about, if one: a chair conflicted with it does not read it.
    submission = models.ForeignKey("submissions.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipients = models.CharField(max_length=1000)  # comma-separated
    reply_to = models.CharField(max_length=254, blank=True)
    template = models.CharField(max_length=64)
    event = models.CharField(max_length=64, db_index=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # The body is kept with its personal links withheld (an invitation's link exists in the
    # e-mail alone): such a message is not resent from the outbox.
    withheld_links = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    created_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Held messages: when they are due (a coalesced co-author notice waits a short window;
    # a digest message waits for the daily digest).
    due_at = models.DateTimeField(null=True, blank=True)
    # Messages of one change that later changes may replace while they wait (co-author
    # notices of one paper to one person).
    coalesce_key = models.CharField(max_length=200, blank=True, db_index=True)
    error = models.CharField(max_length=500, blank=True)
    job = models.CharField(max_length=200, blank=True)  # the job (or "web") that sent it
    # Set inside a job: a hash of (job, message); a job run again after a takeover finds
    # the rows of what it already sent.
    dedupe_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    resend_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends")
    digest = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="parts")

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["venue", "-id"], name="outbox_venue_id"),
            models.Index(fields=["state", "due_at"], name="outbox_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipients} ({self.state})"

    @property
    def to(self) -> list[str]:
        return [r for r in self.recipients.split(",") if r]


class EmailPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", "Immediately"
        DIGEST = "digest", "In a daily digest"
        OFF = "off", "Off"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    event = models.CharField(max_length=64)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="email_preference_unique")]


class DigestSchedule(models.Model):
    """The next daily digest run enqueued (one row): the job is enqueued once per moment."""

    next_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
