"""What an upload must be before it is stored: checked by content, never by file name."""

from __future__ import annotations

import zipfile
from typing import IO

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(head: bytes) -> bool:
    """A supplementary archive stored as .tar.gz (the other kind is a zip)."""
    return head[:2] == GZIP_MAGIC


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


def _validate_targz(stream: IO[bytes]) -> None:
    """A gzip whose first block is a tar header (the checker reads the rest, in its child)."""
    import zlib

    inflater = zlib.decompressobj(wbits=31)
    try:
        head = inflater.decompress(stream.read(64 * 1024), 1024)
    except zlib.error:
        head = b""
    finally:
        stream.seek(0)
    if len(head) < 512 or head[257:262] != b"ustar":
        raise UploadRejected("This .gz file is not a tar archive; supplementary material must be a .zip or .tar.gz archive.", "not_zip")


def validate_zip(stream: IO[bytes], max_bytes: int) -> None:
    """A supplementary archive: a .zip (with its central directory) or a .tar.gz."""
    size = _size(stream)
    if size == 0:
        raise UploadRejected("The supplementary file is empty.", "empty")
    if size > max_bytes:
        raise UploadRejected(f"The supplementary archive is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.", "too_large")
    head = stream.read(4)
    stream.seek(0)
    if is_gzip(head):
        _validate_targz(stream)
        return
    if head not in ZIP_MAGICS:
        raise UploadRejected("Supplementary material must be a .zip or .tar.gz archive.", "not_zip")
    if not zipfile.is_zipfile(stream):
        stream.seek(0)
        raise UploadRejected("The .zip archive is damaged (no central directory).", "bad_zip")
    stream.seek(0)
