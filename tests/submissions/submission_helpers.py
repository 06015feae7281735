"""Factories for the submission tests: PDFs, archives, form POST data, service inputs."""

from __future__ import annotations

import copy
import io

CLEAN_REPORT = {
    "status": "ok",
    "pages": {"verdict": "ok", "main_content_end": 3, "limit": 4},
    "format": {"violations": []},
    "anonymity": {"leaks": []},
    "signals": {"line_numbers": True, "checklist": False, "limitations_section": True},
    "findings": [],
}


def pdf(pages: int = 3, text: str = "A study of sparse features", pad_to: int = 0) -> bytes:
    """A real PDF drawn with reportlab; `pad_to` grows it to at least that many bytes with a
    PDF comment after the header (still starts with %PDF- and ends with %%EOF)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=letter)
    for number in range(1, pages + 1):
        page.setFont("Times-Roman", 10)
        page.drawString(108, 700, f"{text}, page {number}")
        page.showPage()
    page.save()
    data = buffer.getvalue()
    if pad_to > len(data):
        header, _, body = data.partition(b"\n")
        filler = b"%" + b"0" * (pad_to - len(data)) + b"\n"
        data = header + b"\n" + filler + body
    return data


def report(**changes) -> dict:
    value = copy.deepcopy(CLEAN_REPORT)
    value.update(changes)
    return value


def upload_file(content: bytes, name: str = "paper.pdf", content_type: str = "application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(authors=None, action: str = "save", **overrides) -> dict:
    """What the browser sends for the submission form (without files)."""
    authors = authors if authors is not None else [{"name": "Ada Lovelace", "email": "ada@uni.edu", "affiliation": "Uni", "is_corresponding": True}]
    data = {
        "title": "Sparse features in toy models",
        "abstract": "We find sparse features.",
        "track": "short",
        "primary_topic": "circuits",
        "secondary_topics": ["basic-science"],
        "contribution_type": "empirical",
        "under_review_at": "",
        "attendance": "yes",
        "code_url": "",
        "data_url": "",
        "attest_not-accepted-archival": "on",
        "attest_anonymized": "on",
        "authors-TOTAL_FORMS": str(len(authors)),
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "50",
        "action": action,
    }
    for i, author in enumerate(authors):
        for key, value in author.items():
            if isinstance(value, bool):
                if value:
                    data[f"authors-{i}-{key}"] = "on"
            else:
                data[f"authors-{i}-{key}"] = value
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submission_input(**overrides):
    from paperdesk.submissions.services import AuthorInput, SubmissionInput

    values = dict(
        title="Sparse features in toy models",
        abstract="We find sparse features.",
        track="short",
        primary_topic="circuits",
        contribution_type="empirical",
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True)],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    values.update(overrides)
    return SubmissionInput(**values)


def zip_bytes(files: dict[str, bytes] | None = None) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in (files or {"code/run.py": b"print('hello')\n"}).items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 8, 1, 12, 0, 0)), content)  # same bytes every time
    return buffer.getvalue()




def page_text(response) -> str:
    """The response body with whitespace collapsed, for assertions on what a person reads."""
    import re

    return re.sub(r"\s+", " ", response.content.decode())


def without_csrf(response) -> str:
    """The body without the per-response CSRF tokens (masked differently each time)."""
    import re

    text = response.content.decode()
    text = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', text)


def set_limits(venue, *, pdf_mb: int | None = None, zip_mb: int | None = None, **rules) -> None:
    """Change the venue file's submission rules (as a reloaded venue file would)."""
    config = copy.deepcopy(venue.config)
    if pdf_mb is not None:
        config["submission"]["max_pdf_mb"] = pdf_mb
    if zip_mb is not None:
        config["submission"]["max_supplementary_mb"] = zip_mb
    config["submission"].update(rules)
    venue.config = config
    venue.save(update_fields=["config"])
    venue.__dict__.pop("spec", None)


def stored_blobs() -> set[str]:
    """Names of every file under the blob store (temporary files included)."""
    import os

    from django.core.files.storage import default_storage

    root = default_storage.path("blobs")
    return {os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files}


def files_in_storage() -> set[str]:
    import os

    from django.core.files.storage import default_storage

    root = default_storage.path("")
    return {os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files}
