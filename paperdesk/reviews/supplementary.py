"""What reviewers get of a paper's supplementary material and form links: the form links
that passed the anonymity check (an anonymising service), and a copy of the latest
supplementary archive without `.git` directories, macOS resource forks and notebook
metadata, with every PDF stripped of its metadata as the paper PDF is (`checks.pdfstrip`),
built in a child process with resource limits (`checks.archive.clean_in_child`) once per
upload and kept in content-addressed storage beside the original. A notebook or PDF that
cannot be cleaned is left out of the copy; the copy lists it (LEFT-OUT-OF-THIS-COPY.txt), the
copy's row keeps the list (`AnonymizedPdf.left_out`) for the reviewers' page, and the log says
so when the copy is made."""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from paperdesk.checks.archive import CLEANER_MARK, LEFT_OUT_NOTE, CleanFailed, clean_in_child
from paperdesk.submissions.checking import local_copy
from paperdesk.submissions.models import Submission, Upload
from paperdesk.submissions.storage import store_blob
from paperdesk.submissions.supplementary import LinkRow, reviewer_link_rows

from .models import AnonymizedPdf

__all__ = ["CleanFailed", "LeftOut", "Materials", "cleaned_archive", "latest_archive", "reviewer_materials"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LeftOut:
    file: str  # "" when the copy itself does not name the file: the reason alone is shown
    reason: str


@dataclass
class Materials:
    links: list[LinkRow] = field(default_factory=list)
    has_archive: bool = False
    # What was left out of the reviewers' copy of the latest archive; empty before the copy is
    # made (the first download) and when nothing was.
    left_out: list[LeftOut] = field(default_factory=list)


def latest_archive(submission: Submission) -> Upload | None:
    return submission.uploads.filter(kind=Upload.Kind.SUPPLEMENTARY).order_by("-version").first()


def reviewer_materials(submission: Submission) -> Materials:
    """For anyone who may open the paper's reviewing page (the caller asked the policy)."""
    archive = latest_archive(submission)
    copy = AnonymizedPdf.objects.filter(upload=archive).only("left_out").first() if archive is not None else None
    return Materials(links=reviewer_link_rows(submission), has_archive=archive is not None,
                     left_out=_left_out_rows(copy.left_out if copy is not None else None))


def _left_out_rows(recorded: object) -> list[LeftOut]:
    """The row's list as the page shows it: a file's name only where the copy names it too
    (so the page tells reviewers nothing the download does not), else the reason alone."""
    if not isinstance(recorded, list):
        return []
    return [LeftOut(file=str(row.get("file") or "") if row.get("shown") is True else "", reason=str(row.get("reason") or ""))
            for row in recorded if isinstance(row, dict)]


def cleaned_archive(upload: Upload) -> AnonymizedPdf:
    """The reviewers' copy of a supplementary archive (a zip), made once per upload. The row
    type is the one the reviewers' PDF copy uses: the copy of one upload, by blob."""
    existing = AnonymizedPdf.objects.filter(upload=upload).first()
    if existing is not None and existing.left_out is not None and default_storage.exists(existing.blob) and _made_by_this_cleaner(existing.blob):
        return existing
    with tempfile.TemporaryDirectory(prefix="paperdesk-clean-") as work, local_copy(upload.blob) as source:
        destination = os.path.join(work, "supplementary.zip")
        stats = clean_in_child(source, destination, cpu_seconds=settings.CHECK_CPU_SECONDS, memory_mb=settings.CHECK_MEMORY_MB,
                               timeout=settings.CHECK_CPU_SECONDS * 2 + 5)
        left_out = stats.get("left_out") or []
        if left_out:  # the copy itself lists them for the reviewers
            log.warning("supplementary upload %s: %d file(s) left out of the reviewers' copy: %s", upload.public_id, len(left_out),
                        "; ".join(f"{row.get('file')} ({row.get('reason')})" for row in left_out if isinstance(row, dict)))
        recorded = _recorded(left_out, destination)
        with open(destination, "rb") as stream:
            blob = store_blob(stream)
    fields = {"blob": blob.name, "sha256": blob.sha256, "size": blob.size, "left_out": recorded}
    try:
        with transaction.atomic():
            copy, _ = AnonymizedPdf.objects.update_or_create(upload=upload, defaults=fields)
    except IntegrityError:  # made at the same moment by another request: same bytes
        copy = AnonymizedPdf.objects.get(upload=upload)
    return copy


def _recorded(left_out: object, copy_path: str) -> list[dict[str, object]]:
    """The cleaner's {file, reason} rows, each `shown` when the copy itself names the file
    (in its note of what was left out, or as a member): the file names come from the authors'
    archive, and the page may repeat only what a reviewer's download already says."""
    rows = [row for row in left_out if isinstance(row, dict)] if isinstance(left_out, list) else []
    if not rows:
        return []
    try:
        with zipfile.ZipFile(copy_path) as copy:
            names = set(copy.namelist())
            # the cleaner's note is written last, after any file of the authors' of that name
            note = next((name for name in reversed(copy.namelist()) if name.lstrip("_") == LEFT_OUT_NOTE), None)
            lines = {line.strip() for line in copy.read(note).decode("utf-8", "replace").splitlines()} if note else set()
    except (OSError, zipfile.BadZipFile, KeyError):
        names, lines = set(), set()
    recorded: list[dict[str, object]] = []
    for row in rows:
        file, reason = str(row.get("file") or ""), str(row.get("reason") or "")
        recorded.append({"file": file, "reason": reason, "shown": bool(file) and (file in names or f"{file}: {reason}" in lines)})
    return recorded


def _made_by_this_cleaner(blob: str) -> bool:
    """A copy stored before the cleaner stripped PDFs may carry their authors: made again."""
    try:
        with default_storage.open(blob, "rb") as stream, zipfile.ZipFile(stream) as copy:
            return copy.comment == CLEANER_MARK
    except (OSError, zipfile.BadZipFile):
        return False
