"""Classify extracted lines: margin line numbers, running headers and footers, body font.

These decisions are document-wide (a running header is what repeats from page to page;
margin line numbers stand in a column that numbers most lines of many pages), so they
run once over all pages after extraction.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .extract import Line, Page

DIGITS_RE = re.compile(r"\d+")
PAGE_NUMBER_RE = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s+(?:of|/)\s+\d{1,4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Layout:
    line_numbers: bool  # the document carries margin line numbers
    numbered_pages: int  # pages with margin line numbers
    body_size: float | None  # most common font size of body text, points


def mark_line_numbers(pages: list[Page]) -> int:
    """Recognise margin line numbers; restore leading numbers that are part of the text.

    A margin line number is an integer standing apart from the text: before it (NeurIPS,
    the left column of ACL's lineno [switch]), after it (the right column there), or alone
    on a line (ICML's and ICLR's rulers, drawn on a grid of their own). The numbers of one
    margin stand in a column (same right edge) and count down the page (each one more than
    the one above, "000", "001", ...), on several pages starting with the first ones; they
    may stop part-way through the document. A column of equal numbers, a table whose first
    column holds integers on one page, or a numbered code listing in an appendix keeps its
    numbers. Returns the number of numbered pages (0 when the document has none).
    """
    columns: dict[int, dict[int, list[tuple[float, int]]]] = defaultdict(lambda: defaultdict(list))
    candidates: dict[int, list[tuple[str, int, float]]] = {}  # id(line) -> its candidates (most lines have none)
    for page in pages:
        for line in page.lines:
            if line.number is None and line.trail is None and len(line.text) > 4:
                continue  # most lines of a camera-ready: nothing that could be a line number
            numbers = _number_candidates(line)
            if numbers:
                candidates[id(line)] = numbers
                for _, value, x in numbers:
                    columns[_bucket(x)][page.number].append((line.base, value))
    text_pages = sum(1 for page in pages if page.lines)
    first_text_page = next((page.number for page in pages if page.lines), 1)
    needed = _pages_needed(text_pages)
    qualified = set()
    for bucket in columns:
        per_page: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for b in (bucket - 1, bucket, bucket + 1):
            for number, seen in columns.get(b, {}).items():
                per_page[number].extend(seen)
        numbered = [number for number in sorted(per_page) if _counts_lines(per_page[number])]
        if len(numbered) >= needed and numbered[0] <= first_text_page + 1:
            qualified.add(bucket)
    numbered_pages = 0
    for page in pages:
        found = 0
        for line in page.lines:
            marked = False
            for kind, _, x in candidates.get(id(line), ()):
                if not _near(x, qualified):
                    continue
                marked = True
                if kind == "alone":  # the line number of a line that PDFium put apart
                    line.text, line.words = "", 0
                elif kind == "trail":
                    line.text = line.text[: line.text.rstrip().rfind(" ")].rstrip()
                    line.words -= 1
                    line.x1 = line.text_x1
                    line.trail = None
            if marked:
                line.lineno = True
                found += 1
            elif line.number is not None:
                line.restore_number()
        if found >= 3:
            numbered_pages += 1
    return numbered_pages if qualified else 0


def _pages_needed(text_pages: int) -> int:
    """Numbered pages a document needs to carry line numbers: a quarter of its pages, but
    three are enough (line numbers may stop after the main text)."""
    return max(1 if text_pages <= 2 else 2, min(3, math.ceil(0.25 * text_pages)))


def _number_candidates(line: Line) -> list[tuple[str, int, float]]:
    """(kind, value, right edge of the digits) of the numbers of a line that may be margin
    line numbers: leading, alone (the whole line, or what follows a leading one), trailing."""
    found = []
    if line.number is not None and line.x0 - line.number_x1 >= 3:
        found.append(("lead", line.number, line.number_x1))
    text = line.text
    if len(text) <= 4 and text.isdigit():
        found.append(("alone", int(text), line.x1))
    elif line.trail is not None and line.trail_x0 - line.text_x1 >= 4:
        found.append(("trail", line.trail, line.x1))
    return found


def _counts_lines(found: list[tuple[float, int]]) -> bool:
    """Numbers of one page's margin column that count its lines: at least three, and read
    top to bottom mostly each one to three more than the one above."""
    if len(found) < 3:
        return False
    values = [value for _, value in sorted(found, key=lambda item: -item[0])]
    steps = sum(1 for a, b in itertools.pairwise(values) if 0 < b - a <= 3)
    return steps >= 0.6 * (len(values) - 1)


def _bucket(x: float) -> int:
    return round(x / 4)


def _near(x: float, buckets: set[int]) -> bool:
    b = _bucket(x)
    return b in buckets or b - 1 in buckets or b + 1 in buckets


def mark_furniture(pages: list[Page]) -> None:
    """Running headers/footers (repeated at the same height) and page numbers."""
    if not pages:
        return
    threshold = max(3, math.ceil(0.3 * len(pages)))
    keys: Counter[tuple[int, str]] = Counter()
    for page in pages:
        seen = set()
        for line in page.lines:
            if _in_margin_band(line, page):
                seen.add(_furniture_key(line))
        keys.update(seen)
    for page in pages:
        if not page.lines:
            continue
        lowest = min(page.lines, key=lambda l: l.base)
        highest = max(page.lines, key=lambda l: l.base)
        for line in page.lines:
            if not _in_margin_band(line, page):
                continue
            bucket, text = _furniture_key(line)
            repeated = sum(keys.get((b, text), 0) for b in (bucket - 1, bucket, bucket + 1)) >= threshold
            page_number = (line is lowest or line is highest) and bool(PAGE_NUMBER_RE.match(line.text))
            if (repeated and len(pages) >= 3) or page_number:
                line.furniture = True


def _in_margin_band(line: Line, page: Page) -> bool:
    return line.base > 0.85 * page.height or line.base < 0.15 * page.height


def _furniture_key(line: Line) -> tuple[int, str]:
    return round(line.base / 4), DIGITS_RE.sub("#", line.text.lower())[:80]


def body_font_size(lines: Iterable[Line]) -> float | None:
    """The font size (rounded to 0.5 pt) carrying the most characters."""
    weights: Counter[float] = Counter()
    for line in lines:
        if line.furniture or not line.text or line.size <= 1:
            continue
        weights[round(line.size * 2) / 2] += len(line.text)
    if not weights:
        return None
    return weights.most_common(1)[0][0]


def analyse_layout(pages: list[Page]) -> Layout:
    numbered_pages = mark_line_numbers(pages)
    mark_furniture(pages)
    text_pages = sum(1 for page in pages if page.lines)
    line_numbers = numbered_pages >= _pages_needed(text_pages)
    body = body_font_size(line for page in pages for line in page.lines)
    return Layout(line_numbers=line_numbers, numbered_pages=numbered_pages, body_size=body)
