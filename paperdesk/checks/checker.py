"""`check_pdf`: read a PDF once and run every check on it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

import pypdfium2 as pdfium

from .anonymity import Leak, Unattributed, full_name_matcher, scan
from .errors import Unreadable
from .extract import Line, Page, PdfSource, preflight
from .geometry import measure_format
from .identity import Identity
from .layout import analyse_layout
from .links import pdf_links
from .report import Finding, PageResult, Report, Signals
from .rules import CheckRules
from .structure import Structure, find_structure
from .textnorm import fold

# Fewer characters than this (in all, or per page on average): no usable text layer.
MIN_TEXT_CHARS = 50
MIN_TEXT_CHARS_PER_PAGE = 20

LEAK_LABELS = {
    "name": "Author name",
    "email": "Author e-mail",
    "github": "GitHub username",
    "huggingface": "HuggingFace username",
    "affiliation": "Affiliation",
    "acknowledgements": "Identifying acknowledgements",
    "self_citation": "Self-citation naming an author",
    "metadata": "PDF metadata",
    "non_anonymous_link": "Link to an author's account or homepage",
}


def check_pdf(data: bytes | bytearray | memoryview | str | os.PathLike[str], rules: CheckRules | None = None,
              identities: Iterable[Identity] | None = (), *, filename: str | None = None) -> Report:
    """Check one PDF (its bytes or a path) against the rules; never raises for a bad file."""
    rules = rules or CheckRules()
    identities = list(identities or ())
    if not isinstance(data, (bytes, bytearray, memoryview)):
        path = Path(data)
        filename = filename or str(path)
        try:
            size = path.stat().st_size
        except OSError as error:
            return Report.unreadable(filename, "empty", f"The file cannot be read: {error.strerror or error}.", rules.page_limit)
        if size > rules.max_bytes:
            return Report.unreadable(
                filename, "too_large",
                f"The file is {size / 1048576:.1f} MB; the limit is {rules.max_bytes / 1048576:.0f} MB.", rules.page_limit,
            )
        data = path.read_bytes()
    data = bytes(data)
    deadline = time.monotonic() + rules.timeout
    source: PdfSource | None = None
    try:
        preflight(data, rules.max_bytes)
        source = PdfSource(data, max_pages=rules.max_pages, deadline=deadline)
        return _analyse(source, rules, identities, filename)
    except Unreadable as error:
        total = source.page_count if source is not None else error.pages
        return Report.unreadable(filename, error.code, error.message, rules.page_limit, total)
    except pdfium.PdfiumError:
        total = source.page_count if source is not None else None
        return Report.unreadable(filename, "truncated", "The PDF is damaged and cannot be parsed; export it again.", rules.page_limit, total)
    except MemoryError:
        return Report.unreadable(filename, "too_large", "The PDF needs too much memory to parse.", rules.page_limit)
    finally:
        if source is not None:
            source.close()


def _analyse(source: PdfSource, rules: CheckRules, identities: list[Identity], filename: str | None) -> Report:
    extracted = source.extract()
    pages = extracted.pages
    text_chars = sum(len(line.text) for page in pages for line in page.lines)
    if text_chars < max(MIN_TEXT_CHARS, MIN_TEXT_CHARS_PER_PAGE * len(pages)):
        if any(page.images for page in pages):
            raise Unreadable("no_text", "The PDF has no text layer (scanned pages?); export it from the source with text, not as images.")
        if not any(page.objects for page in pages):
            raise Unreadable("no_text", "The PDF's pages show nothing that can be read: they are blank, or their content is damaged. Export the PDF again from its source.")
        raise Unreadable("no_text", "The PDF has almost no text that can be extracted (damaged fonts or text drawn as shapes?); export it from the source with real text.")

    layout = analyse_layout(pages)

    def has_content_before(marker: Line) -> bool:
        page = pages[marker.page - 1]
        for line in page.lines:
            if not line.text or line.furniture or line is marker:
                continue
            # before it in reading order, or above it in its column
            if line.order < marker.order or (line.base > marker.top and line.x0 - 5 <= marker.x0 <= line.x1):
                return True
        ceiling = min((l.base for l in page.lines if l.furniture and l.base > marker.top), default=page.height - 36) - 2
        return source.graphics_between(marker.page, marker.top, ceiling)

    structure = find_structure(pages, layout.body_size, has_content_before)
    source.check_time()
    report = Report(file=filename)
    report.pages = _page_result(pages, structure, rules)
    report.format = measure_format(pages, structure.main_content_end, rules)
    report.signals = Signals(
        line_numbers=layout.line_numbers,
        checklist=structure.checklist is not None,
        limitations_section=structure.limitations is not None,
    )
    unattributed = None
    if rules.check_anonymity:
        report.leaks, unattributed = scan(pages, structure, identities, layout.body_size, extracted.metadata, extracted.xmp)
        report.leaks += pdf_links(pages, structure, identities, report.leaks)
    source.check_time()
    report.findings = _findings(report, structure, rules, unattributed, identities, pages)
    report.references_text = _references_text(pages, structure)
    return report


REFERENCES_TEXT_LIMIT = 100_000  # characters: a long bibliography, never a whole book


def _references_text(pages: list[Page], structure: Structure) -> str | None:
    """The lines of the reference list, in reading order (the heading excluded)."""
    region = structure.references_region
    if region is None:
        return None
    start, end = region
    lines = [line.text for page in pages for line in page.lines
             if start < (line.page, line.order) < end and not line.furniture]
    return "\n".join(lines)[:REFERENCES_TEXT_LIMIT]


def _page_result(pages: list[Page], structure: Structure, rules: CheckRules) -> PageResult:
    end = structure.main_content_end
    return PageResult(
        total=len(pages),
        main_content_end=end,
        references_start=structure.references.page if structure.references else None,
        appendix_start=structure.appendix.page if structure.appendix else None,
        limit=rules.page_limit,
        verdict=None if end is None else ("ok" if end <= rules.page_limit else "over_limit"),
    )


def _findings(report: Report, structure: Structure, rules: CheckRules, unattributed: Unattributed | None,
              identities: list[Identity], pages: list[Page]) -> list[Finding]:
    findings: list[Finding] = []
    pages_result = report.pages
    mode_note = " (camera-ready: one extra page)" if rules.mode == "camera-ready" else ""
    if pages_result.verdict == "over_limit":
        findings.append(Finding(
            "error", "over_limit",
            f"Main content runs to page {pages_result.main_content_end}; the limit is {rules.page_limit} pages{mode_note}. "
            "References and appendices do not count.",
            pages_result.main_content_end,
        ))
    if structure.references is None:
        findings.append(Finding(
            "warning", "no_references_heading",
            "No references heading (References, Bibliography, Literature Cited) was found; everything before the appendix counts as main content.",
        ))
    for violation in report.format.violations:
        findings.append(Finding("error", violation.code, violation.detail, violation.page))
    for leak in report.leaks:
        findings.append(Finding("error", f"leak_{leak.kind}", _leak_message(leak), leak.page))
    if rules.check_anonymity:
        if structure.acknowledgements is not None:
            findings.append(Finding(
                "warning", "acknowledgements_in_submission",
                "The submission has an acknowledgements section; acknowledgements usually identify the authors and belong in the camera-ready only.",
                structure.acknowledgements.page,
            ))
        if unattributed is not None:
            for address, page in _unique(unattributed.emails):
                findings.append(Finding("warning", "email_present", f"An e-mail address is printed ({address}); double-blind submissions should not contain any.", page))
            links = _unique(unattributed.code_links)
            if links:
                shown = ", ".join(link for link, _ in links[:5]) + (" ..." if len(links) > 5 else "")
                findings.append(Finding("info", "code_links", f"Links to code or models ({shown}): make sure none of them is an account of an author; use anonymous.4open.science or an anonymous HuggingFace account.", links[0][1]))
    if rules.mode == "submission":
        if report.signals.line_numbers is False:
            findings.append(Finding("info", "no_line_numbers", "No line numbers found; submissions normally use the template's line numbers."))
    else:
        if report.signals.line_numbers:
            findings.append(Finding("warning", "line_numbers_in_camera_ready", "Line numbers are still present; the camera-ready version should use the final option of the template."))
        if identities and not _names_on_first_page(pages, identities):
            findings.append(Finding("warning", "authors_missing", "None of the authors' names were found on the first page; the camera-ready version should name the authors.", 1))
    if not report.signals.limitations_section:
        findings.append(Finding("warning", "no_limitations_section", "No section on limitations was found in the main text; the call for papers rejects work that omits its limitations."))
    if report.signals.checklist and structure.checklist is not None:  # the signal is set from the heading: both or neither
        findings.append(Finding("info", "checklist", "A paper checklist is present (this venue does not require one; it does not count toward the page limit).", structure.checklist.page))
    return findings


def _leak_message(leak: Leak) -> str:
    label = LEAK_LABELS.get(leak.kind, leak.kind)
    where = f"on page {leak.page}" if leak.page else "in the file's metadata"
    return f"{label} '{leak.value}' {where}: {leak.context}"


def _unique(items: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """The items with a value not seen before (case ignored), in their order."""
    seen: set[str] = set()
    out: list[tuple[str, int]] = []
    for value, page in items:
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append((value, page))
    return out


def _names_on_first_page(pages: list[Page], identities: list[Identity]) -> bool:
    if not pages:
        return False
    text = " ".join(fold(l.text) for l in pages[0].lines)
    return any(True for _ in full_name_matcher(identities).finditer(text))
