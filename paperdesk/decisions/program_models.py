"""Whether the venue's program (the public accepted-papers page and its JSON) is published:
a chair step of its own, separate from releasing the decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

    def __str__(self) -> str:
        return f"program of {self.venue_id}"
