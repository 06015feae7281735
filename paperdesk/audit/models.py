"""Every state change, who made it and when: the venue's memory for disputes."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    venue = models.ForeignKey("venues.Venue", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # The paper the entry is about, when it is about one (the submission itself, or its
    # review, upload, authorship, assignment, e-mail...): the access policy hides an entry
    # from a chair conflicted with that paper (policy.audit_entries_for).
    submission = models.ForeignKey("submissions.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    data = models.JSONField(default=dict, blank=True)
    # The client's address when the change came from a web request (behind a trusted proxy,
    # the one it forwarded: paperdesk.ops.proxy); empty for commands and jobs.
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The venue's audit log pages newest first by id (keyset pagination).
            models.Index(fields=["venue", "-id"], name="audit_venue_id"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
