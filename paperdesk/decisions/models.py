"""Decisions, their release to the authors, and what follows: camera-ready and the program."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Decision(models.Model):
    submission = models.OneToOneField("submissions.Submission", on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=64)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)
    host_pdf = models.BooleanField(default=False, help_text="Authors agree to have the PDF on the public page")


class Release(models.Model):
    """Sending the decisions: resumable after a crash, never sending one notice twice."""

    class State(models.TextChoices):
        RUNNING = "running", "Sending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="release")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    subject_template = models.CharField(max_length=300)
    body_template = models.TextField()
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    runs = models.PositiveIntegerField(default=0, help_text="How often the sending job started (resumes after a crash)")


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
