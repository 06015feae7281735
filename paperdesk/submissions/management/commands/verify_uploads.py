"""Check that every recorded file version is in storage, whole: `paperdesk verify_uploads`.

Each Upload row names a content-addressed blob; this re-reads every blob and compares its
size and SHA-256 with the row. It reports missing and damaged files (with the submission
and version, never the authors) and exits with status 1 if there is any, so it can run
from cron or after a restore from backup.
"""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from paperdesk.submissions.models import Upload
from paperdesk.submissions.storage import CHUNK


class Command(BaseCommand):
    help = "Verify that every uploaded file version is present in storage with its recorded SHA-256 and size."

    def add_arguments(self, parser):
        parser.add_argument("--venue", help="only this venue (slug)")

    def handle(self, *args, venue=None, **options):
        uploads = Upload.objects.select_related("submission__venue").order_by("submission__venue__slug", "submission__number", "kind", "version")
        if venue:
            uploads = uploads.filter(submission__venue__slug=venue)
        checked, problems = 0, []
        for upload in uploads.iterator(chunk_size=500):
            checked += 1
            where = f"{upload.submission.venue.slug} #{upload.submission.number} {upload.kind} v{upload.version} ({upload.public_id})"
            try:
                digest, size = self._digest(upload.blob)
            except FileNotFoundError:
                problems.append(f"MISSING  {where}: {upload.blob}")
                continue
            if (digest, size) != (upload.sha256, upload.size):
                problems.append(f"DAMAGED  {where}: stored {size} bytes sha256 {digest}, recorded {upload.size} bytes sha256 {upload.sha256}")
        for line in problems:
            self.stderr.write(line)
        summary = f"{checked} file version(s) checked, {len(problems)} problem(s)."
        if problems:
            raise CommandError(summary)
        self.stdout.write(summary)

    @staticmethod
    def _digest(name: str) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
        return digest.hexdigest(), size
