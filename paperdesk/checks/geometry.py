"""Measure the page format against the template: paper size, text block, font size, columns.

Like HotCRP's banal, a problem is called only when the body pages as a whole are off by a
clear margin (medians over pages, tolerances of a fifth of an inch), so that one wide
table or a figure reaching into the margin does not make a violation. A page's text block
reaches as far as its body text does (percentiles of the line edges) and as far as its
running header and footer do (HotCRP measures the text region with them); the title page counts only
when fewer than three pages can be measured. The body's typeface and its leading
(baseline to baseline) are template rules too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .extract import Line, Page
from .fonts import FAMILY_NAMES, base_name, describe, family_of
from .layout import body_font_size
from .rules import PAPER_SIZES, CheckRules

SIZE_TOLERANCE = 3.0  # points, when naming a paper size
BLOCK_TOLERANCE = 0.2 * 72  # the text block may exceed the template by this much
MARGIN_TOLERANCE = 0.4 * 72  # a margin may be this much smaller than the template's
MIN_BODY_LINES = 10
MIN_LEADING_PAIRS = 20


@dataclass
class Violation:
    code: str  # paper_size | margins | font_size | columns | font_family | line_spacing
    page: int | None
    detail: str

    def to_dict(self) -> dict[str, str | int | None]:
        return {"code": self.code, "page": self.page, "detail": self.detail}


@dataclass
class TextBlock:
    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass
class FormatResult:
    paper_size: str | None
    body_font_pt: float | None
    columns: int | None
    block: TextBlock | None = None
    violations: list[Violation] = field(default_factory=list)
    body_font: str | None = None  # the body text's font name (subset prefix removed)
    leading_pt: float | None = None  # the body text's baseline-to-baseline distance

    def to_dict(self) -> dict[str, Any]:
        return {
            "paper_size": self.paper_size,
            "body_font_pt": self.body_font_pt,
            "body_font": self.body_font,
            "leading_pt": self.leading_pt,
            "columns": self.columns,
            "violations": [v.to_dict() for v in self.violations],
        }


def paper_name(width: float, height: float) -> str:
    w, h = sorted((width, height))
    for name, (pw, ph) in PAPER_SIZES.items():
        if abs(w - pw) <= SIZE_TOLERANCE and abs(h - ph) <= SIZE_TOLERANCE:
            return name
    return f"{w / 72:.2f}x{h / 72:.2f}in"


def _describe_paper(name: str) -> str:
    return {"letter": "US Letter (8.5 x 11 in)", "a4": "A4 (8.27 x 11.69 in)"}.get(name, name)


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def _body_lines(page: Page, body: float) -> list[Line]:
    return [
        l for l in page.lines
        if l.text and not l.furniture and len(l.text) >= 15 and abs(l.size - body) <= 1.0 and _on_page(l, page)
    ]


def _on_page(line: Line, page: Page) -> bool:
    """Text a reader can see: a figure may carry text outside the page (clipped away)."""
    return 0 <= line.x0 < line.x1 <= page.width and 0 <= line.base <= page.height


def _page_block(page: Page, body: float) -> TextBlock | None:
    lines = _body_lines(page, body)
    if len(lines) < MIN_BODY_LINES:
        return None
    content = [l for l in page.lines if l.text and not l.furniture and l.size >= 5 and _on_page(l, page)]
    left = _percentile([l.x0 for l in lines], 0.1)
    right = _percentile([l.x1 for l in lines], 0.9)
    # the running header and footer (repeated on the pages) stand above and below the text
    # but within its width: text there reaching further widens the block (page numbers
    # alone do not count)
    for line in page.lines:
        if line.furniture and line.words > 1 and abs(line.size - body) <= 1.0 and _on_page(line, page):
            left, right = min(left, line.x0), max(right, line.x1)
    return TextBlock(
        left=left,
        right=right,
        top=max(min(l.top, l.base + 1.2 * l.size) for l in content),
        bottom=min(l.base for l in content),
    )


def _lower_median(values: list[float]) -> float:
    return sorted(values)[(len(values) - 1) // 2]


def _upper_median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _is_two_column(page: Page, body: float, block: TextBlock) -> bool:
    lines = _body_lines(page, body)
    middle = (block.left + block.right) / 2
    left = sum(1 for l in lines if l.x1 < middle + 5 and l.x0 < middle - 30)
    right = sum(1 for l in lines if l.x0 > middle - 5)
    return left >= 5 and right >= 5 and left + right >= 0.6 * len(lines)


def measure_format(pages: list[Page], main_end: int | None, rules: CheckRules) -> FormatResult:
    if not pages:
        return FormatResult(None, None, None)
    sizes = Counter(paper_name(p.width, p.height) for p in pages)
    paper = sizes.most_common(1)[0][0]
    main_pages = pages[: main_end or len(pages)]
    body = body_font_size(l for p in main_pages for l in p.lines) or body_font_size(l for p in pages for l in p.lines)
    result = FormatResult(paper_size=paper, body_font_pt=body, columns=None)

    if paper != rules.paper_size:
        first = next(p.number for p in pages if paper_name(p.width, p.height) == paper)
        result.violations.append(Violation(
            "paper_size", first,
            f"Paper is {_describe_paper(paper)}; the template requires {_describe_paper(rules.paper_size)}.",
        ))
    else:
        # Most pages are right, but one odd page (a 200,000 pt poster, a scaled /UserUnit
        # page) must not hide behind the majority.
        odd = [p for p in pages if paper_name(p.width, p.height) != rules.paper_size]
        if odd:
            others = f" (and {len(odd) - 1} more page{'s' if len(odd) > 2 else ''})" if len(odd) > 1 else ""
            result.violations.append(Violation(
                "paper_size", odd[0].number,
                f"Page {odd[0].number}{others} is {_describe_paper(paper_name(odd[0].width, odd[0].height))}; "
                f"the template requires {_describe_paper(rules.paper_size)} on every page.",
            ))

    if body is not None and body < rules.min_font_pt - 0.05:
        first = next(
            (p.number for p in main_pages if (body_font_size(p.lines) or 99) < rules.min_font_pt - 0.05),
            main_pages[0].number,
        )
        result.violations.append(Violation(
            "font_size", first,
            f"Body text is set in {body:g} pt; the minimum is {rules.min_font_pt:g} pt (template: {rules.body_font_pt:g} pt).",
        ))
    if body is None:
        return result
    _typeface(result, main_pages, body, rules)

    measured = [(p, b) for p in main_pages if paper_name(p.width, p.height) == paper for b in [_page_block(p, body)] if b]
    if not measured:
        measured = [(p, b) for p in pages if paper_name(p.width, p.height) == paper for b in [_page_block(p, body)] if b]
    if not measured:
        return result

    two_column = [p.number for p, b in measured if _is_two_column(p, body, b)]
    result.columns = 2 if len(two_column) >= max(1, 0.5 * len(measured)) else 1
    if result.columns != rules.columns:
        result.violations.append(Violation(
            "columns", two_column[0] if two_column else measured[0][0].number,
            f"Text is set in {result.columns} columns; the template uses {rules.columns}.",
        ))

    # The block is measured on the pages set like the document (a two-column paper's last
    # page may fill one column only), without the title page when three others are there;
    # between two pages the wider one counts (the lower median of the left edges, the
    # upper median of the right ones).
    basis = [(p, b) for p, b in measured if p.number in two_column] if result.columns == 2 else measured
    basis = basis or measured
    if len(basis) >= 3 and basis[0][0].number == 1:
        basis = basis[1:]
    block = TextBlock(
        left=_lower_median([b.left for _, b in basis]),
        right=_upper_median([b.right for _, b in basis]),
        top=_percentile([b.top for _, b in basis], 0.8),
        bottom=_percentile([b.bottom for _, b in basis], 0.2),
    )
    result.block = block
    problems = _block_problems(block, measured[0][0].height, rules)
    if problems:
        first = next(
            (p.number for p, b in measured if _block_problems(b, p.height, rules, page_level=True)),
            measured[0][0].number,
        )
        result.violations.append(Violation(
            "margins", first,
            "Text block too large or margins too small: " + "; ".join(problems)
            + f" (measured text block {block.width / 72:.2f} x {block.height / 72:.2f} in).",
        ))
    return result


MATH_FONT_RE = re.compile(r"^(?:cmmi|cmsy|cmex|msam|msbm|eufm|rsfs|txmi|txsy|txex|ntxmi|ntxsy|ntxexx|newtxmath|stixmath|latinmodernmath|lmmath)", re.IGNORECASE)


def body_font_name(pages: list[Page], body: float) -> str | None:
    """The font name carrying most of the body text (of the lines whose font was sampled:
    the middle glyph of a few long lines a page); None when most have no name (Type 3)."""
    weights: Counter[str] = Counter()
    for page in pages:
        for line in page.lines:
            if line.font and not line.furniture and abs(line.size - body) <= 0.6:
                name = base_name(line.font)
                if not MATH_FONT_RE.match(name):  # a formula's glyph in the middle of a line
                    weights[name] += len(line.text)
    if not weights:
        return None
    name = weights.most_common(1)[0][0]
    return None if name in ("", "?") else name


def body_leading(pages: list[Page], body: float) -> float | None:
    """The most common distance between the baselines of consecutive body lines of one
    column (paragraph spacing, headings and footnotes fall outside the mode)."""
    steps: Counter[float] = Counter()
    for page in pages:
        previous = None
        for line in page.lines:
            if not line.text or line.furniture or line.words < 3 or abs(line.size - body) > 0.3:
                continue
            if previous is not None and max(previous.x0, line.x0) < min(previous.x1, line.x1):
                step = previous.base - line.base
                if 0.9 * body <= step <= 2.0 * body:
                    steps[round(step, 1)] += 1
            previous = line
    if sum(steps.values()) < MIN_LEADING_PAIRS:
        return None
    return float(steps.most_common(1)[0][0])


def _typeface(result: FormatResult, pages: list[Page], body: float, rules: CheckRules) -> None:
    """Body font family and leading against the template."""
    first = pages[0].number if pages else None
    name = body_font_name(pages, body)
    result.body_font = name
    family = family_of(name) if name else None
    families = tuple(rules.body_font_families)
    if families and family is not None and family not in families:
        result.violations.append(Violation(
            "font_family", first,
            f"Body text is set in {name} ({FAMILY_NAMES[family]}); the template requires a {describe(families)} font.",
        ))
    leading = body_leading(pages, body)
    result.leading_pt = leading
    if not rules.body_leading_pt or leading is None or leading >= rules.min_leading_pt - 0.05:
        return
    if body < rules.min_font_pt - 0.05 and leading / body >= rules.min_leading_pt / rules.body_font_pt - 0.01:
        return  # a smaller font on its own proportional leading: the font size violation says it
    result.violations.append(Violation(
        "line_spacing", first,
        f"Body lines are {leading:.1f} pt apart (baseline to baseline); the template sets {rules.body_leading_pt:g} pt "
        f"and allows no less than {rules.min_leading_pt:g} pt (squeezed line spacing, e.g. \\baselinestretch).",
    ))


def _block_problems(block: TextBlock, page_height: float, rules: CheckRules, page_level: bool = False) -> list[str]:
    width, height = rules.text_width_in * 72, rules.text_height_in * 72
    left, top = rules.left_margin_in * 72, rules.top_margin_in * 72
    problems = []
    if block.width > width + BLOCK_TOLERANCE:
        problems.append(f"{block.width / 72:.2f} in wide, the template allows {rules.text_width_in:g} in")
    if not page_level and block.height > height + BLOCK_TOLERANCE:
        problems.append(f"{block.height / 72:.2f} in tall, the template allows {rules.text_height_in:g} in")
    if block.left < left - MARGIN_TOLERANCE:
        problems.append(f"left margin {block.left / 72:.2f} in, the template has {rules.left_margin_in:g} in")
    if page_height - block.top < top - MARGIN_TOLERANCE:
        problems.append(f"top margin {(page_height - block.top) / 72:.2f} in, the template has {rules.top_margin_in:g} in")
    return problems
