"""Classify extracted lines: margin line numbers, running headers and footers, body font.

These decisions are document-wide (a running header is what repeats from page to page;
margin line numbers stand in a column that numbers most lines of many pages), so they
run once over all pages after extraction.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
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

    A margin line number is a leading integer separated from the text by a gap, standing
    in a column (same right edge) that numbers most lines of several pages, starting on
    the first pages. With two text columns there are two such columns. A table whose first
    column holds integers, or a numbered code listing in an appendix, keeps its numbers.
    Returns the number of numbered pages.
    """
    columns: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # bucket -> page -> count
    for page in pages:
        for line in page.lines:
            if line.number is not None and line.x0 - line.number_x1 >= 3:
                columns[_bucket(line.number_x1)][page.number] += 1
    text_pages = sum(1 for page in pages if page.lines)
    first_text_page = next((page.number for page in pages if page.lines), 1)
    needed = max(1 if text_pages <= 2 else 2, math.ceil(0.25 * text_pages))
    qualified = set()
    for bucket in columns:
        per_page: dict[int, int] = defaultdict(int)
        for b in (bucket - 1, bucket, bucket + 1):
            for number, count in columns.get(b, {}).items():
                per_page[number] += count
        numbered = [
            page.number for page in pages
            if per_page.get(page.number, 0) >= 3 and per_page[page.number] >= 0.4 * len(page.lines)
        ]
        if len(numbered) >= needed and numbered[0] <= first_text_page + 1:
            qualified.add(bucket)
    numbered_pages = 0
    for page in pages:
        found = 0
        for line in page.lines:
            if line.number is not None:
                if line.x0 - line.number_x1 >= 3 and _near(line.number_x1, qualified):
                    line.lineno = True
                    found += 1
                else:
                    line.restore_number()
            elif qualified and line.text.isdigit() and len(line.text) <= 4 and _near(line.x1, qualified):
                # a number alone: the line number of a line that PDFium put apart
                line.lineno = True
                line.text, line.words = "", 0
                found += 1
        if found >= 3:
            numbered_pages += 1
    return numbered_pages


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
    keys: Counter = Counter()
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


def body_font_size(lines) -> float | None:
    """The font size (rounded to 0.5 pt) carrying the most characters."""
    weights: Counter = Counter()
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
    line_numbers = numbered_pages >= max(1, math.ceil(0.25 * text_pages)) and numbered_pages > 0
    body = body_font_size(line for page in pages for line in page.lines)
    return Layout(line_numbers=line_numbers, numbered_pages=numbered_pages, body_size=body)
