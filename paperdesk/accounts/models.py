"""People: one global account each, with the identities the anonymity checker and conflict
detection read (names, e-mails, affiliations, usernames)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, moderation_status=User.Moderation.ACTIVE)
        return self._create(email, password, **extra)


class User(AbstractUser):
    class Moderation(models.TextChoices):
        ACTIVE = "active", "Active"
        PENDING = "pending", "Waiting for approval"
        REJECTED = "rejected", "Rejected"

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    other_names = models.JSONField(default=list, blank=True, help_text="Other names used in papers")
    github = models.CharField("GitHub username", max_length=39, blank=True)
    huggingface = models.CharField("HuggingFace username", max_length=96, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True)
    website = models.URLField(blank=True)
    moderation_status = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    moderation_reason = models.TextField(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # A password someone else chose (the one-time password `paperdesk ensurechair` prints):
    # the person changes it at their first sign-in before anything else (ModerationMiddleware).
    must_change_password = models.BooleanField(default=False)
    # The venue whose page the person signed up from (`next`): the approval e-mail points there.
    signup_venue = models.ForeignKey("venues.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_approved(self) -> bool:
        return self.moderation_status == self.Moderation.ACTIVE


class Affiliation(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affiliations")
    institution = models.CharField(max_length=200)
    email_domain = models.CharField(max_length=200, blank=True)
    start_year = models.PositiveIntegerField(null=True, blank=True)
    end_year = models.PositiveIntegerField(null=True, blank=True, help_text="Empty while current")

    class Meta:
        ordering = ["-end_year", "-start_year", "institution"]

    def __str__(self) -> str:
        years = f" ({self.start_year or '?'}–{self.end_year or 'now'})"
        return self.institution + years
