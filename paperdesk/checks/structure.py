"""Find the parts of a paper: main body, references, appendix, checklist, acknowledgements.

Headings are recognised by their text and their style (larger than the body font, bold,
or set in capitals) so that the word "References" inside a sentence, a table of contents
entry or a figure label is not taken for the bibliography heading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .extract import Line, Page

# A leading section number: "7", "7.", "7.1", "VII", "A", "A.1" (letters only when followed by text).
SECTION_NUMBER_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXL]+\.|[A-Z](?:\.\d+)*\.?)\s+(?=\S)")
NUMBERED_HEADING_RE = re.compile(r"^\d+(?:\.\d+)*\.?\s+\S")
REFERENCE_NAMES = {
    "references", "reference", "bibliography", "literature", "literaturecited", "workscited",
    "referencesandnotes", "citedliterature",
}
APPENDIX_WORD_RE = re.compile(
    r"^(?:appendix|appendices|supplementary|supplemental|technical\s+appendix)\b", re.IGNORECASE
)
APPENDIX_LETTER_RE = re.compile(r"^A(?:\.|:)?\s+[A-Z0-9\W]")
NEXT_APPENDIX_RE = re.compile(r"^B(?:\.|:)?\s+[A-Z]")  # "B Title"
APPENDIX_SUBSECTION_RE = re.compile(r"^A\.\d+\.?\s+[A-Z]")  # "A.1 Title"
# "Checklist", "Paper Checklist", "NeurIPS Paper Checklist", "Reproducibility Checklist"; a
# numbered main-body section such as "3 A Checklist for Audits" is not one.
CHECKLIST_RE = re.compile(r"^(?:[A-Za-z-]+\s+){0,3}checklist$", re.IGNORECASE)
ACK_RE = re.compile(r"^(?:\d+\.?\s+)?acknowledge?ments?\b", re.IGNORECASE)
ACK_RUN_IN_RE = re.compile(r"^acknowledge?ments?\s*[.:\u2014]", re.IGNORECASE)
LIMITATIONS_RE = re.compile(r"limitation", re.IGNORECASE)
UNNUMBERED_LIMITATIONS_RE = re.compile(r"^limitations?\b", re.IGNORECASE)
LETTERS_RE = re.compile(r"[^a-z]")
WORDS_ONLY_RE = re.compile(r"[A-Za-z][A-Za-z ]*")


@dataclass
class Structure:
    references: Line | None  # the bibliography heading
    appendix: Line | None  # the first appendix heading
    checklist: Line | None  # the checklist heading
    acknowledgements: Line | None
    limitations: Line | None  # main-body heading on limitations (numbered, or an unnumbered section)
    end_marker: Line | None  # where the main body stops
    main_content_end: int | None  # 1-based page of the last main-body content
    references_region: tuple[tuple[int, int], tuple[int, int]] | None  # (page, order) span
    acknowledgements_region: tuple[tuple[int, int], tuple[int, int]] | None


def position(line: Line) -> tuple[int, int]:
    return (line.page, line.order)


def strip_section_number(text: str) -> str:
    return SECTION_NUMBER_RE.sub("", text, count=1)


def is_caps(text: str) -> bool:
    return text.isupper() and sum(1 for c in text if c.isalpha()) >= 4


class HeadingStyle:
    """Decides whether a line is set like a heading, relative to the body font."""

    def __init__(self, body_size: float | None):
        self.body = body_size or 10.0

    def short(self, line: Line, words: int = 14) -> bool:
        return 0 < line.words <= words and not line.furniture

    def section_level(self, line: Line) -> bool:
        """Set larger than the body text, or in capitals (small caps headings)."""
        return self.short(line) and (line.size >= self.body + 0.9 or (is_caps(line.text) and line.size >= self.body - 1))

    def heading(self, line: Line) -> bool:
        return self.short(line) and (self.section_level(line) or (line.bold and line.size >= self.body - 0.6))


def _is_references_heading(line: Line, style: HeadingStyle) -> bool:
    # by characters, not words: letter-spaced headings come out as "R E F E R E N C E S"
    if len(line.text) > 40 or line.furniture or line.size < style.body - 0.8:
        return False
    rest = strip_section_number(line.text).strip(" .:")
    if not WORDS_ONLY_RE.fullmatch(rest):  # a contents entry has dots and a page number
        return False
    return LETTERS_RE.sub("", rest.lower()) in REFERENCE_NAMES


def _is_appendix_heading(line: Line, style: HeadingStyle) -> bool:
    if not style.heading(line):
        return False
    if APPENDIX_WORD_RE.match(strip_section_number(line.text)):
        return line.words <= 12
    return bool(APPENDIX_LETTER_RE.match(line.text)) and style.section_level(line)


def _is_checklist_heading(line: Line, style: HeadingStyle) -> bool:
    if not style.heading(line) or line.text[:1].isdigit():
        return False
    return bool(CHECKLIST_RE.match(strip_section_number(line.text).strip(" .:")))


def _is_ack_heading(line: Line, style: HeadingStyle) -> bool:
    if not ACK_RE.match(line.text):
        return False
    standalone = style.heading(line) and line.words <= 6
    return standalone or line.bold_start or bool(ACK_RUN_IN_RE.match(line.text))


def find_structure(pages: list[Page], body_size: float | None, has_content_before: Callable[[Line], bool]) -> Structure:
    """Locate the headings and compute the page where the main content ends.

    `has_content_before(line)` says whether anything of the main body (text or a float)
    precedes the end marker `line` on its page; it is given by the caller because it may
    need to look at the page's graphics.
    """
    style = HeadingStyle(body_size)
    # every heading is a short line: the searches below only look at those
    lines = [
        line for page in pages for line in page.lines
        if line.text and not line.furniture and line.words <= 14
    ]

    references = next((l for l in lines if _is_references_heading(l, style)), None)
    first_section = next((l for l in lines if style.section_level(l) and NUMBERED_HEADING_RE.match(l.text)), None)
    start = position(first_section) if first_section else (1, 0)

    appendix_candidates = [l for l in lines if position(l) > start and _is_appendix_heading(l, style)]
    checklist = next((l for l in lines if _is_checklist_heading(l, style)), None)

    early_appendix = None
    if references is not None:
        early_appendix = _early_appendix(
            [l for l in appendix_candidates if position(l) < position(references)], lines, references, style
        )
        late = [l for l in appendix_candidates if position(l) > position(references)]
        appendix = early_appendix or (late[0] if late else None)
    else:
        appendix = appendix_candidates[0] if appendix_candidates else None

    markers = [m for m in (references, early_appendix if references else appendix) if m is not None]
    if checklist is not None and (references is None or position(checklist) < position(references)):
        markers.append(checklist)
    end_marker = min(markers, key=position) if markers else None

    main_end = _main_content_end(pages, end_marker, has_content_before)

    limitations = None
    for line in lines:
        if end_marker is not None and position(line) >= position(end_marker):
            break
        if NUMBERED_HEADING_RE.match(line.text) and LIMITATIONS_RE.search(line.text) and _looks_like_heading(line, style):
            limitations = line
            break
        if _is_unnumbered_limitations(line, style):
            limitations = line
            break

    ack_lines = [l for page in pages for l in page.lines if not l.furniture and ACK_RE.match(l.text)]
    acknowledgements = next(
        (l for l in ack_lines if _is_ack_heading(l, style) and (references is None or position(l) < position(references))),
        None,
    )
    if acknowledgements is None and references is not None:
        acknowledgements = next((l for l in ack_lines if _is_ack_heading(l, style)), None)

    refs_region = None
    if references is not None:
        following = [m for m in (appendix, checklist) if m is not None and position(m) > position(references)]
        stop = min((position(m) for m in following), default=(len(pages) + 1, 0))
        refs_region = (position(references), stop)

    ack_region = None
    if acknowledgements is not None:
        stop = next(
            (position(l) for l in lines if position(l) > position(acknowledgements) and (style.section_level(l) or l is references)),
            (len(pages) + 1, 0),
        )
        ack_region = (position(acknowledgements), stop)

    return Structure(
        references=references,
        appendix=appendix,
        checklist=checklist,
        acknowledgements=acknowledgements,
        limitations=limitations,
        end_marker=end_marker,
        main_content_end=main_end,
        references_region=refs_region,
        acknowledgements_region=ack_region,
    )


def _early_appendix(candidates: list[Line], lines: list[Line], references: Line, style: HeadingStyle) -> Line | None:
    """An appendix placed before the references (drafts do this). A heading that says
    "Appendix" is enough; a lettered "A Title" must be followed by "B ..." or "A.1 ..."
    before the references, so that an unnumbered section title starting with "A" is not
    taken for one. Never on the first page."""
    for candidate in candidates:
        if candidate.page == 1:
            continue
        if APPENDIX_WORD_RE.match(strip_section_number(candidate.text)):
            if style.section_level(candidate) or (candidate.bold and candidate.words <= 6):
                return candidate
            continue
        between = (l for l in lines if position(candidate) < position(l) < position(references))
        if any(
            (NEXT_APPENDIX_RE.match(l.text) and style.section_level(l)) or (APPENDIX_SUBSECTION_RE.match(l.text) and l.words <= 12)
            for l in between
        ):
            return candidate
    return None


def _is_unnumbered_limitations(line: Line, style: HeadingStyle) -> bool:
    """An unnumbered heading (\\section*{Limitations}, ARR's required section): set as a
    heading and standing alone; a run-in "Limitations." paragraph is not one."""
    return (
        bool(UNNUMBERED_LIMITATIONS_RE.match(line.text)) and line.words <= 8
        and not line.text.rstrip().endswith((".", ":")) and style.heading(line)
    )


def _looks_like_heading(line: Line, style: HeadingStyle) -> bool:
    """Set as a heading, or (fonts without weight information) a short numbered line that
    starts with a capital and stands alone."""
    if style.heading(line):
        return True
    return line.words <= 6 and strip_section_number(line.text)[:1].isupper() and line.width < 200


def _main_content_end(pages: list[Page], marker: Line | None, has_content_before: Callable[[Line], bool]) -> int | None:
    def has_content(page: Page) -> bool:
        return any(l.text and not l.furniture for l in page.lines)

    if marker is None:
        return next((p.number for p in reversed(pages) if has_content(p)), None)
    if has_content_before(marker):
        return marker.page
    for page in reversed(pages[: marker.page - 1]):
        if has_content(page):
            return page.number
    return marker.page
