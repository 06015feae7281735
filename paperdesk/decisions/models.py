"""Decisions and their release to the authors, in waves, with the notices sent. What
follows an acceptance (camera-ready and the program) is in paperdesk.cameraready."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Decision(models.Model):
    submission = models.OneToOneField("submissions.Submission", on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=64)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)
    # The wave that told the authors. Once set, the decision is final (policy.can_decide).
    release = models.ForeignKey("Release", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    host_pdf = models.BooleanField(default=False, help_text="Authors agree to have the PDF on the public page")


class Release(models.Model):
    """One wave of sending decisions: the decisions not released before, and a notice to each
    of their authors. Resumable after a crash, never sending one notice twice. The first wave
    releases the venue's decisions; later waves release decisions set afterwards (a late
    paper, a paper held back from an earlier wave)."""

    class State(models.TextChoices):
        RUNNING = "running", "Sending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="releases")
    wave = models.PositiveIntegerField(default=1, help_text="1 for the first release of the venue, 2 for the next, ...")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    # The notice per outcome kind, as the chair confirmed it (placeholders not yet filled).
    accept_subject = models.CharField(max_length=300)
    accept_body = models.TextField()
    reject_subject = models.CharField(max_length=300)
    reject_body = models.TextField()
    decision_count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0, help_text="How often the sending job started (resumes after a crash)")

    class Meta:
        ordering = ["venue", "wave"]
        constraints = [models.UniqueConstraint(fields=["venue", "wave"], name="release_wave_unique")]

    def template_for(self, accepted: bool) -> tuple[str, str]:
        """(subject, body) of the notice for an accepted or a not accepted paper."""
        return (self.accept_subject, self.accept_body) if accepted else (self.reject_subject, self.reject_body)


class NoticeSent(models.Model):
    """One notice to one author. The row is written (state "sending") and committed before
    the message goes out, so a resumed job never sends it again; a row left in "sending" by
    a crash is shown to the chairs as possibly undelivered instead of being resent."""

    class State(models.TextChoices):
        SENDING = "sending", "Sending (not confirmed)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="notices")
    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    delivered_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "submission", "email"], name="notice_unique")]
