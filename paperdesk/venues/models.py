"""A venue (workshop or conference edition), its tracks, topics and people's roles in it."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.conf import settings
from django.db import models

from paperdesk.venueconfig import VenueSpec, spec_from_dict, venue_tzinfo


class Venue(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    short_name = models.CharField(max_length=120)
    contact_email = models.EmailField()
    website = models.URLField(blank=True)
    timezone = models.CharField(max_length=64, default="AoE")
    archival = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    is_rehearsal = models.BooleanField(default=False)
    submission_open = models.DateTimeField()
    submission_deadline = models.DateTimeField()
    review_deadline = models.DateTimeField()
    notification = models.DateTimeField()
    camera_ready_deadline = models.DateTimeField()
    # The whole validated TOML as data (template geometry, rules, outcomes...).
    config = models.JSONField()
    source_path = models.CharField(max_length=500, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["is_rehearsal", "slug"]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def spec(self) -> VenueSpec:
        return spec_from_dict(self.config)

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("spec", None)  # the settings may have been edited meanwhile
        super().refresh_from_db(*args, **kwargs)

    @property
    def tzinfo(self) -> dt.tzinfo:
        return venue_tzinfo(self.timezone)

    def dates(self) -> list[tuple[str, str, dt.datetime]]:
        return [
            ("submission_open", "Submissions open", self.submission_open),
            ("submission_deadline", "Submission deadline", self.submission_deadline),
            ("review_deadline", "Reviews due", self.review_deadline),
            ("notification", "Notification of acceptance", self.notification),
            ("camera_ready_deadline", "Camera-ready deadline", self.camera_ready_deadline),
        ]

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tzinfo)

    def moment_text(self, moment: dt.datetime) -> str:
        """A moment as people read it in messages and e-mails (no scripts there): Anywhere on
        Earth plus UTC, "August 22, 2025, 23:59 AoE (August 23, 2025, 11:59 UTC)". Pages
        print moments with the `moment` template filter (paperdesk/venues/moments.py)."""
        from .moments import text

        return text(moment)


class Track(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="tracks")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    max_pages = models.PositiveIntegerField()
    camera_ready_extra_pages = models.PositiveIntegerField(default=1)
    description = models.TextField(blank=True)
    review_guidance = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["venue", "slug"], name="track_unique_slug")]

    def __str__(self) -> str:
        return self.name

    def page_limit(self, mode: str = "submission") -> int:
        return self.max_pages + (self.camera_ready_extra_pages if mode == "camera-ready" else 0)


class TopicArea(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    subtopics = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["venue", "slug"], name="topic_unique_slug")]

    def __str__(self) -> str:
        return self.name


class ContributionType(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="contribution_types")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["venue", "slug"], name="contribution_unique_slug")]

    def __str__(self) -> str:
        return self.name


class VenueRole(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Program chair"
        AREA_CHAIR = "area_chair", "Area chair"
        REVIEWER = "reviewer", "Reviewer"

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venue_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["venue", "user", "role"], name="venue_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} is {self.get_role_display()} of {self.venue.slug}"


class SettingsVersion(models.Model):
    """One version of a venue's settings, kept for good: the whole validated configuration
    as it was after a change, who made it (none for the command line), how (the venue file,
    the browser, an uploaded file) and what changed. Version 1 is the first one recorded."""

    class Via(models.TextChoices):
        FILE = "file", "Loaded from the venue file"
        BROWSER = "browser", "Edited in the browser"
        UPLOAD = "upload", "Uploaded venue file"
        BASELINE = "baseline", "As it was before changes were recorded"

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="settings_versions")
    number = models.PositiveIntegerField()
    config = models.JSONField()
    via = models.CharField(max_length=20, choices=Via.choices)
    section = models.CharField(max_length=40, blank=True)
    changes = models.JSONField(default=list, blank=True)
    # The consequences the chair confirmed before saving (e.g. answers no longer shown).
    confirmed = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["venue", "-number"]
        constraints = [models.UniqueConstraint(fields=["venue", "number"], name="settings_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.venue.slug} settings v{self.number}"
