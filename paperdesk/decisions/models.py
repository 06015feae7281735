"""Discussion, meta-reviews, decisions and their release to the authors."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from paperdesk.ids import new_public_id


class DiscussionPost(models.Model):
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="discussion")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class MetaReview(models.Model):
    submission = models.OneToOneField("submissions.Submission", on_delete=models.CASCADE, related_name="meta_review")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recommendation = models.CharField(max_length=64)
    text = models.TextField(max_length=20000)
    submitted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)


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


class NoticeSent(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="notices")
    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "submission", "email"], name="notice_unique")]
