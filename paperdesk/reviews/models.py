"""Reviews, the discussion among a paper's reviewers, and meta-reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from paperdesk.ids import new_public_id


class Review(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    assignment = models.OneToOneField("reviewing.Assignment", on_delete=models.CASCADE, related_name="review")
    answers = models.JSONField(default=dict)
    overall = models.SmallIntegerField(null=True, blank=True)
    confidence = models.SmallIntegerField(null=True, blank=True)
    comments_to_chairs = models.TextField(blank=True, max_length=20000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)


class ReminderSent(models.Model):
    """One reminder e-mail, recorded so the same reminder is never sent twice."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "user", "key"], name="reminder_unique")]


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
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class AnonymizedPdf(models.Model):
    """A paper PDF as reviewers get it: pages only, without the document information
    dictionary, the XMP metadata or annotation authors. Made once per upload, kept beside
    the original in content-addressed storage."""

    upload = models.OneToOneField("submissions.Upload", on_delete=models.CASCADE, related_name="anonymized_copy")
    blob = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)


class ReminderSchedule(models.Model):
    """The next run of the reminder job of a venue, so that it is enqueued once."""

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="+")
    next_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
