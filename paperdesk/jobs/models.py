"""Leases on background jobs and the heartbeats that hold them."""

from __future__ import annotations

from django.db import models


class Holder(models.Model):
    """A process that may hold leases (a job worker, or a web process checking a PDF while
    an author waits). It is alive while it beats: its heartbeat thread writes `seen_at`
    every few seconds; a holder not seen for a lease period is dead, and every lease it
    held may be taken over."""

    id = models.CharField(max_length=64, primary_key=True)
    kind = models.CharField(max_length=10, default="worker")
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.host}:{self.pid}"


class JobLease(models.Model):
    """The lease of one job (one row of django-tasks-db's queue, by its id): who holds it,
    how often it was tried, and, for the jobs page, the venue it belongs to and a label."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Waiting to be retried"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    task_id = models.CharField(max_length=64, primary_key=True)
    task_path = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING, db_index=True)
    owner = models.CharField(max_length=64, blank=True, help_text="The Holder running it now (or last)")
    attempts = models.PositiveSmallIntegerField(default=0)
    venue = models.ForeignKey("venues.Venue", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=500, blank=True, help_text="Why it was retried or failed, for people")
    claimed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.label or self.task_path} ({self.state}, attempt {self.attempts})"


class Claim(models.Model):
    """A lease on a domain row that more than one process may try to work on (a check run
    that a worker and the author's submit may both start): which Holder works on it, how
    often it was started. Keyed by a string such as "check:42"."""

    key = models.CharField(max_length=100, primary_key=True)
    owner = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} by {self.owner} (attempt {self.attempts})"
