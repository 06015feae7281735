"""The camera-ready side of an accepted paper: the metadata its authors publish (kept apart
from the submission, whose title, abstract and authors stay what the reviewers reviewed),
their choices, a per-paper deadline extension, and the chairs' reminders; and whether the
venue's program, which lists these papers as their authors confirmed them, is published.

These models began in the decisions app and moved here without moving their rows: each
keeps its table's original name (`Meta.db_table`, "decisions_..."), so an installation's
data stays where it is (see migrations/0001_initial.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CameraReady(models.Model):
    """One accepted paper's camera-ready state. The published metadata counts once the
    authors confirmed it (`confirmed_at`); until then the public page shows the submission's."""

    submission = models.OneToOneField("submissions.Submission", on_delete=models.CASCADE, related_name="camera_ready")
    title = models.CharField(max_length=300, blank=True)
    abstract = models.TextField(max_length=5000, blank=True)
    code_url = models.URLField(max_length=500, blank=True)
    data_url = models.URLField(max_length=500, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hosting_chosen_at = models.DateTimeField(null=True, blank=True, help_text="When the authors last chose whether the PDF is hosted")
    deadline_extension = models.DateTimeField(null=True, blank=True, help_text="Per-paper camera-ready deadline granted by a chair")

    class Meta:
        db_table = "decisions_cameraready"  # the table it had in the decisions app: the rows stay put

    def __str__(self) -> str:
        return f"camera-ready of {self.submission_id}"


class CameraReadyAuthor(models.Model):
    """One author as published: name, affiliation and place in the list. The authorship
    (and its e-mail, account and original name) is unchanged."""

    camera_ready = models.ForeignKey(CameraReady, on_delete=models.CASCADE, related_name="authors")
    authorship = models.ForeignKey("submissions.Authorship", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "decisions_camerareadyauthor"  # the table it had in the decisions app: the rows stay put
        ordering = ["camera_ready", "position"]
        constraints = [
            models.UniqueConstraint(fields=["camera_ready", "authorship"], name="camera_ready_author_unique"),
            models.UniqueConstraint(fields=["camera_ready", "position"], name="camera_ready_author_position_unique"),
        ]


class CameraReadyReminderRun(models.Model):
    """The chairs' reminder to the authors of papers without a camera-ready: at most one a
    day per venue (the day in the venue's time zone)."""

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    papers = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "decisions_camerareadyreminderrun"  # the table it had in the decisions app: the rows stay put
        constraints = [models.UniqueConstraint(fields=["venue", "day"], name="camera_ready_reminder_once_a_day")]


class CameraReadyReminder(models.Model):
    """One reminder to one author, claimed (committed) before the message goes out, so a
    job that runs twice never sends it twice."""

    class State(models.TextChoices):
        SENDING = "sending", "Sending (not confirmed)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(CameraReadyReminderRun, on_delete=models.CASCADE, related_name="reminders")
    submission = models.ForeignKey("submissions.Submission", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    claimed_at = models.DateTimeField(auto_now_add=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "decisions_camerareadyreminder"  # the table it had in the decisions app: the rows stay put
        constraints = [models.UniqueConstraint(fields=["run", "submission", "email"], name="camera_ready_reminder_unique")]


class ProgramPublication(models.Model):
    """One row per venue once a chair first publishes or schedules the program. The program
    is public from `published_at` on (a moment in the future is a schedule; nothing has to
    run at that moment, the pages compare it with the clock); None: not published."""

    class Unconfirmed(models.TextChoices):
        OMIT = "omit", "Left out until their authors confirm their details"
        TBC = "tbc", "Listed as “to be confirmed” (submitted title only: no authors, abstract or PDF)"

    venue = models.OneToOneField("venues.Venue", on_delete=models.CASCADE, related_name="program_publication")
    published_at = models.DateTimeField(null=True, blank=True)
    unconfirmed = models.CharField(max_length=8, choices=Unconfirmed.choices, default=Unconfirmed.OMIT)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        db_table = "decisions_programpublication"  # the table it had in the decisions app: the rows stay put

    def __str__(self) -> str:
        return f"program of {self.venue_id}"
