"""Measure the page format against the template: paper size, text block, font size, columns.

Like HotCRP's banal, a problem is called only when the body pages as a whole are off by a
clear margin (medians over pages, tolerances of a fifth of an inch), so that one wide
table or a figure reaching into the margin does not make a violation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .extract import Line, Page
from .layout import body_font_size
from .rules import PAPER_SIZES, CheckRules

SIZE_TOLERANCE = 3.0  # points, when naming a paper size
BLOCK_TOLERANCE = 0.2 * 72  # the text block may exceed the template by this much
MARGIN_TOLERANCE = 0.4 * 72  # a margin may be this much smaller than the template's
MIN_BODY_LINES = 10


@dataclass
class Violation:
    code: str  # paper_size | margins | font_size | columns
    page: int | None
    detail: str

    def to_dict(self) -> dict:
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

    def to_dict(self) -> dict:
        return {
            "paper_size": self.paper_size,
            "body_font_pt": self.body_font_pt,
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
        if l.text and not l.furniture and len(l.text) >= 15 and abs(l.size - body) <= 1.0
    ]


def _page_block(page: Page, body: float) -> TextBlock | None:
    lines = _body_lines(page, body)
    if len(lines) < MIN_BODY_LINES:
        return None
    content = [l for l in page.lines if l.text and not l.furniture and l.size >= 5]
    return TextBlock(
        left=_percentile([l.x0 for l in lines], 0.1),
        right=_percentile([l.x1 for l in lines], 0.9),
        top=max(l.top for l in content),
        bottom=min(l.base for l in content),
    )


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

    block = TextBlock(
        left=_percentile([b.left for _, b in measured], 0.5),
        right=_percentile([b.right for _, b in measured], 0.5),
        top=_percentile([b.top for _, b in measured], 0.8),
        bottom=_percentile([b.bottom for _, b in measured], 0.2),
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
