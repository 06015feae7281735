"""The reviewers' copy of a paper PDF (see `pdfstrip`), made once per upload and stored
content-addressed beside the original."""

from __future__ import annotations

import os
import tempfile

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from paperdesk.submissions.checking import local_copy
from paperdesk.submissions.models import Upload
from paperdesk.submissions.storage import store_blob

from .models import AnonymizedPdf
from .pdfstrip import StripFailed, strip_in_child

__all__ = ["StripFailed", "anonymized_copy"]


def anonymized_copy(upload: Upload) -> AnonymizedPdf:
    existing = AnonymizedPdf.objects.filter(upload=upload).first()
    if existing is not None and default_storage.exists(existing.blob):
        return existing
    with tempfile.TemporaryDirectory(prefix="paperdesk-strip-") as work, local_copy(upload.blob) as source:
        destination = os.path.join(work, "anonymized.pdf")
        strip_in_child(source, destination, cpu_seconds=settings.CHECK_CPU_SECONDS, memory_mb=settings.CHECK_MEMORY_MB)
        with open(destination, "rb") as stream:
            blob = store_blob(stream)
    fields = {"blob": blob.name, "sha256": blob.sha256, "size": blob.size}
    try:
        with transaction.atomic():
            copy, _ = AnonymizedPdf.objects.update_or_create(upload=upload, defaults=fields)
    except IntegrityError:  # made at the same moment by another request: same bytes
        copy = AnonymizedPdf.objects.get(upload=upload)
    return copy
