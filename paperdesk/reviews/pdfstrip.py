"""A paper PDF without who wrote it: the copy reviewers download.

The pages are imported into a new, empty document with PDFium (already Paperdesk's PDF
parser), so nothing document-level comes along: not the information dictionary (Author,
Title, Creator...), not the XMP metadata stream, nor outlines, attachments or scripts.
Annotation authors (`/T`) on the pages are blanked. The text of the pages is untouched:
what the pages say is the anonymity checker's business, reported to the authors at upload.

Parsing an untrusted file happens in a child process with CPU and memory limits
(`strip_in_child`); `python -m paperdesk.reviews.pdfstrip IN OUT` is that child. No Django.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)


class StripFailed(Exception):
    pass


def strip_metadata(source: bytes | str, destination: str) -> None:
    """Write `source` (bytes or a path) to `destination` with only its pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    original = pdfium.PdfDocument(source)
    try:
        copy = pdfium.PdfDocument.new()
        copy.import_pages(original)
        terminator = (ctypes.c_ushort * 1)(0)  # an empty UTF-16 string
        blank = ctypes.cast(terminator, raw.FPDF_WIDESTRING)
        for index in range(len(copy)):
            page = copy[index]
            for number in range(raw.FPDFPage_GetAnnotCount(page.raw)):
                annot = raw.FPDFPage_GetAnnot(page.raw, number)
                if not annot:
                    continue
                try:
                    if raw.FPDFAnnot_HasKey(annot, b"T"):
                        raw.FPDFAnnot_SetStringValue(annot, b"T", blank)
                finally:
                    raw.FPDFPage_CloseAnnot(annot)
            page.close()
        temp = destination + ".part"
        with open(temp, "wb") as out:
            copy.save(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, destination)
        copy.close()
    finally:
        original.close()


def strip_in_child(source_path: str, destination: str, *, cpu_seconds: int = 30, memory_mb: int = 1024, timeout: float = 60) -> None:
    """Run `strip_metadata` in a fresh interpreter with resource limits; StripFailed on any
    failure (the caller answers with a clear message, never with the original file)."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    argv = [sys.executable, "-m", "paperdesk.reviews.pdfstrip", source_path, destination, str(cpu_seconds), str(memory_mb)]
    try:
        result = subprocess.run(argv, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise StripFailed(f"preparing the PDF took longer than {timeout:g} s") from None
    if result.returncode != 0 or not os.path.exists(destination):
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise StripFailed(detail[-1] if detail else f"exit status {result.returncode}")


def main(argv: list[str]) -> int:
    source, destination = argv[0], argv[1]
    cpu = int(argv[2]) if len(argv) > 2 else 30
    memory = int(argv[3]) if len(argv) > 3 else 1024
    from paperdesk.checks.limits import apply_limits

    apply_limits(cpu, memory)
    try:
        strip_metadata(source, destination)
    except Exception as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
