"""Speed of the PDF checker against a bare pypdfium2 text extraction of the same files.

usage: python bench/checks_speed.py [DIR ...] [--repeat N]

Default directories: the shared sample corpora (/work/shared/samples/pdfs and .../real).
For every readable PDF it times (best of N runs of CPU time, in this process):
  bare  - open with pypdfium2, and for every page: load the text page, extract its text;
  check - paperdesk.checks.check_pdf on the same bytes (all checks, submission mode).
Prints per-file times, the ratio of the totals, medians, the median time of a 20-page
paper (per-page median x 20 over files of 10+ pages) and the process's peak RSS.
Goals: ratio <= 2.0, 20-page median <= 0.25 s, peak RSS <= 200 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paperdesk.checks import CheckRules, check_pdf, identities_from_json  # noqa: E402

DEFAULT_DIRS = [Path("/work/shared/samples/pdfs"), Path("/work/shared/samples/real")]


def bare_extract(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    chars = 0
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    return chars


def best_of(repeat: int, fn, *args) -> float:
    """Lowest CPU time of this process over `repeat` runs (other processes on the machine
    do not count; PDFium and the checker are single-threaded)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn(*args)
        best = min(best, time.process_time() - start)
    return best


def authors_for(directory: Path) -> dict[str, list]:
    """Identities from a corpus manifest, when there is one (so the anonymity scan runs)."""
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        return {}
    out = {}
    for paper in json.loads(manifest.read_text())["papers"]:
        out[paper["file"]] = identities_from_json([
            {"name": a["name"], "emails": [a["email"]] if a.get("email") else [],
             "affiliations": [a["affiliation"]] if a.get("affiliation") else [],
             "github": a.get("github"), "huggingface": a.get("huggingface")}
            for a in paper["authors"]
        ])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=DEFAULT_DIRS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rules = CheckRules(page_limit=9, mode="submission")
    rows = []
    for directory in args.dirs:
        identities = authors_for(directory)
        for path in sorted(directory.glob("*.pdf")):
            data = path.read_bytes()
            try:
                pages = len(pdfium.PdfDocument(data))
            except pdfium.PdfiumError:
                continue  # broken files are not part of the speed comparison
            bare = check = float("inf")
            for _ in range(args.repeat):  # interleaved, so that both see the same machine load
                bare = min(bare, best_of(1, bare_extract, data))
                check = min(check, best_of(1, check_pdf, data, rules, identities.get(path.name, [])))
            rows.append((path.name, pages, bare, check))
            print(f"{path.name:32s} {pages:3d} pages  bare {bare * 1000:7.1f} ms  check {check * 1000:7.1f} ms  x{check / bare:4.2f}")

    if not rows:
        print("no readable PDFs found")
        return 1
    total_bare = sum(r[2] for r in rows)
    total_check = sum(r[3] for r in rows)
    per_page = [r[3] / r[1] for r in rows if r[1] >= 10]
    twenty = statistics.median(per_page) * 20 if per_page else float("nan")
    big = [r[3] for r in rows if 15 <= r[1] <= 30]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"files: {len(rows)}, pages: {sum(r[1] for r in rows)}")
    print(f"total: bare {total_bare:.3f} s, check {total_check:.3f} s, ratio check/bare {total_check / total_bare:.2f} (goal <= 2.0)")
    print(f"median per file: bare {statistics.median(r[2] for r in rows) * 1000:.1f} ms, check {statistics.median(r[3] for r in rows) * 1000:.1f} ms")
    print(f"median check of a 20-page paper: {twenty:.3f} s (per-page median x 20 over files of 10+ pages; goal <= 0.25 s)"
          + (f"; files of 15-30 pages: median {statistics.median(big):.3f} s" if big else ""))
    print(f"peak RSS: {peak_mb:.0f} MB (goal <= 200 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
