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
    # For a supplementary archive's copy: what the cleaner left out of it, as it reported it
    # ({file, reason}, and `shown`: whether the copy itself names the file). Null for a copy
    # made before this was recorded: such a copy is made again on its next download.
    left_out = models.JSONField(default=list, null=True, blank=True)


class ReminderSchedule(models.Model):
    """The next run of the reminder job of a venue, so that it is enqueued once."""

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="+")
    next_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)


class ReviewVersion(models.Model):
    """One saved state of a review or of a meta-review: who saved it, when, why, and a JSON
    snapshot of everything it then said (answers, scores, comments, state). Written by the
    services in the transaction of the save (`reviews.history`); never changed afterwards,
    except that a run of draft saves by the same person keeps only its last state."""

    class Reason(models.TextChoices):
        BASELINE = "baseline", "State when history started"
        DRAFT = "draft", "Draft saved"
        SUBMIT = "submit", "Submitted"
        EDIT = "edit", "Edited"
        SCORE = "score", "Score changed"
        REVERT = "revert", "Reverted"

    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="+")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="versions")
    meta_review = models.ForeignKey(MetaReview, null=True, blank=True, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    snapshot = models.JSONField()
    restored = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="For a revert: the version whose content was restored")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["submission", "at"], name="review_version_paper_at")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(review__isnull=False, meta_review__isnull=True) | models.Q(review__isnull=True, meta_review__isnull=False)),
                name="review_version_one_object"),
            models.UniqueConstraint(fields=["review", "number"], name="review_version_number"),
            models.UniqueConstraint(fields=["meta_review", "number"], name="meta_review_version_number"),
        ]


class ReviewRating(models.Model):
    """How useful one review was, in the eyes of the paper's area chair or a chair: 1 (poor)
    to 3 (excellent) with a note. One rating per rater per review (a second one replaces it).
    Chairs read them all; the reviewer reads only their average and count (never who rated)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "rater"], name="review_rating_one_per_rater"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=3), name="review_rating_score_1_3"),
        ]


class AuthorResponse(models.Model):
    """The authors' response (rebuttal) to a paper's reviews: one per paper, written and
    edited by any of its confirmed authors until the venue's response phase closes. One per
    paper rather than per review: co-authors keep one shared text, reviewers and the area
    chair read one answer to the whole discussion, and the length limit means one thing."""

    submission = models.OneToOneField("submissions.Submission", on_delete=models.CASCADE, related_name="author_response")
    text = models.TextField(max_length=100000)
    last_editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
