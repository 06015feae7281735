"""What an upload must be before it is stored: checked by content, never by file name."""

from __future__ import annotations

import zipfile
from typing import IO

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


def max_upload_bytes(rules, kind: str) -> int:
    """The venue's size limit for one kind of upload (`rules`: the venue's SubmissionRules)."""
    if kind == "supplementary":
        return int(rules.max_supplementary_mb * 1_000_000)
    return int(rules.max_pdf_mb * 1_000_000)


class UploadRejected(ValueError):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def validate_pdf(stream: IO[bytes], max_bytes: int) -> None:
    size = _size(stream)
    if size == 0:
        raise UploadRejected("The file is empty. Please upload your paper as a PDF.", "empty")
    if size > max_bytes:
        raise UploadRejected(f"The file is {size / 1e6:.1f} MB; the limit for this venue is {max_bytes / 1e6:.0f} MB.", "too_large")
    head = stream.read(1024)
    stream.seek(max(0, size - 2048))
    tail = stream.read()
    stream.seek(0)
    if PDF_MAGIC not in head:
        hint = " It looks like an HTML page." if b"<html" in head.lower() or b"<!doctype" in head.lower() else ""
        raise UploadRejected("This file is not a PDF (its content does not start with %PDF-)." + hint, "not_pdf")
    if b"%%EOF" not in tail:
        raise UploadRejected("This PDF is incomplete (truncated): its end-of-file marker is missing. Please export it again and re-upload.", "truncated")


def validate_zip(stream: IO[bytes], max_bytes: int) -> None:
    size = _size(stream)
    if size == 0:
        raise UploadRejected("The supplementary file is empty.", "empty")
    if size > max_bytes:
        raise UploadRejected(f"The supplementary archive is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.", "too_large")
    if stream.read(4) not in ZIP_MAGICS:
        stream.seek(0)
        raise UploadRejected("Supplementary material must be a .zip archive.", "not_zip")
    stream.seek(0)
    if not zipfile.is_zipfile(stream):
        stream.seek(0)
        raise UploadRejected("The .zip archive is damaged (no central directory).", "bad_zip")
    stream.seek(0)
