"""A PDF without who wrote it: what reviewers get of the paper PDF and of every PDF inside a
supplementary archive.

The pages are imported into a new, empty document with PDFium (already Paperdesk's PDF
parser), so nothing document-level comes along: not the information dictionary (Author,
Title, Creator...), not the XMP metadata stream, nor outlines, attachments or scripts.
Annotation authors (`/T`) on the pages are blanked. The text of the pages is untouched:
what the pages say is the anonymity checker's business, reported to the authors at upload.

Parsing an untrusted file never happens in a web process: `strip_in_child` runs a fresh
interpreter with CPU and memory limits (`python -m paperdesk.checks.pdfstrip IN OUT` is that
child); `strip_in_fork` is for a process that already runs with such limits (the archive
cleaner's child) and needs a wall-clock bound per PDF and a crash of PDFium to cost one file.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)
CHILD_MODULE = "paperdesk.checks.pdfstrip"
PDF_MAGIC = b"%PDF-"


class StripFailed(Exception):
    pass


def looks_like_pdf(head: bytes) -> bool:
    """PDF readers (PDFium included) accept the header anywhere in the first 1024 bytes."""
    return PDF_MAGIC in head[:1024]


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


def strip_in_fork(source: bytes, destination: str, *, timeout: float) -> None:
    """`strip_metadata` in a forked child given `timeout` seconds of wall-clock time (the
    caller's resource limits are inherited); StripFailed when it fails, crashes or is late.
    `destination` exists only when the stripping succeeded."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code (the parent says why it failed)
        try:
            strip_metadata(source, destination)
        except BaseException:
            os._exit(1)
        os._exit(0)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            _discard(destination)
            raise StripFailed(f"preparing it took longer than {timeout:g} s")
        time.sleep(0.005)
    if os.waitstatus_to_exitcode(status) != 0 or not os.path.exists(destination):
        _discard(destination)
        raise StripFailed("it could not be read as a PDF")


def _discard(destination: str) -> None:
    for path in (destination, destination + ".part"):
        if os.path.exists(path):
            os.unlink(path)


def strip_in_child(source_path: str, destination: str, *, cpu_seconds: int = 30, memory_mb: int = 1024, timeout: float = 60) -> None:
    """Run `strip_metadata` in a fresh interpreter with resource limits; StripFailed on any
    failure (the caller answers with a clear message, never with the original file)."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    argv = [sys.executable, "-m", CHILD_MODULE, source_path, destination, str(cpu_seconds), str(memory_mb)]
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
    from .limits import apply_limits

    apply_limits(cpu, memory)
    try:
        strip_metadata(source, destination)
    except Exception as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
