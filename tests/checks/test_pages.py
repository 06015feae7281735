"""Page counting: where the main content ends, where references and appendices start."""

from __future__ import annotations

import pytest
from checks_helpers import FACTS, FIXTURES, GENERATED, check, render

from paperdesk.checks.extract import Line, Page
from paperdesk.checks.structure import find_structure

PAGE_FIXTURES = [
    "refs_midpage.pdf",
    "refs_fresh_page.pdf",
    "refs_numbered.pdf",
    "refs_bibliography_over.pdf",
    "refs_literature_cited.pdf",
    "appendix_checklist.pdf",
    "float_before_refs.pdf",
    "appendix_before_refs.pdf",
]


@pytest.mark.parametrize("name", PAGE_FIXTURES)
def test_pages_match_typesetter_markers(name):
    facts = FACTS[name]
    pages = check(name)["pages"]
    assert pages["total"] == facts["total"]
    assert pages["main_content_end"] == facts["main_end"]
    assert pages["references_start"] == facts.get("references")
    assert pages["appendix_start"] == facts.get("appendix")


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_pages_fixture_pdfs_match_their_generator(name):
    data, facts = render(GENERATED[name]())
    assert data == (FIXTURES / name).read_bytes(), "run tests/checks/fixtures/make_fixtures.py and commit"
    assert facts == FACTS[name]


def test_pages_references_mid_page_count_that_page():
    pages = check("refs_midpage.pdf")["pages"]
    assert pages["main_content_end"] == pages["references_start"] == 4
    assert pages["verdict"] == "ok"


def test_pages_references_on_fresh_page_end_on_previous_page():
    pages = check("refs_fresh_page.pdf")["pages"]
    assert (pages["main_content_end"], pages["references_start"]) == (4, 5)
    assert pages["verdict"] == "ok"


def test_pages_numbered_references_heading_found():
    assert check("refs_numbered.pdf")["pages"]["references_start"] == 4


def test_pages_bibliography_heading_over_limit():
    result = check("refs_bibliography_over.pdf")
    assert result["pages"]["verdict"] == "over_limit"
    assert result["status"] == "problems"
    over = [f for f in result["findings"] if f["code"] == "over_limit"]
    assert over[0]["severity"] == "error" and over[0]["page"] == 5


def test_pages_literature_cited_heading_found():
    assert check("refs_literature_cited.pdf")["pages"]["references_start"] == 3


def test_pages_appendix_and_checklist_never_count():
    result = check("appendix_checklist.pdf")
    assert result["pages"]["main_content_end"] == 4
    assert result["pages"]["total"] == 6
    assert result["pages"]["verdict"] == "ok"


def test_pages_appendix_before_references_does_not_count():
    pages = check("appendix_before_refs.pdf")["pages"]
    assert (pages["main_content_end"], pages["appendix_start"], pages["references_start"]) == (3, 4, 5)


def test_pages_float_above_references_heading_counts():
    # the page holds only a drawing (no text) above the heading
    assert check("float_before_refs.pdf")["pages"]["main_content_end"] == 4


def test_pages_camera_ready_gets_one_extra_page():
    assert check("refs_bibliography_over.pdf", limit=4)["pages"]["verdict"] == "over_limit"
    assert check("refs_bibliography_over.pdf", limit=5, mode="camera-ready")["pages"]["verdict"] == "ok"


# ------------------------------------------------------------ heading traps, on synthetic lines


def _line(page, order, text, size=10.0, bold=False, base=700.0):
    return Line(page, order, text, 108.0, 504.0 if len(text) > 40 else 108 + 5 * len(text), base, base + 7, size,
                bold, bold, False, len(text.split()))


def _pages(*pages):
    return [Page(number=i + 1, width=612, height=792, lines=lines) for i, lines in enumerate(pages)]


def _structure(pages):
    return find_structure(pages, 10.0, lambda marker: any(l.order < marker.order for l in pages[marker.page - 1].lines))


def test_pages_references_word_in_sentence_is_not_a_heading():
    pages = _pages(
        [_line(1, 0, "1 Introduction", 12, True), _line(1, 1, "References to earlier work on patching are given in Section 2 of this paper.")],
        [_line(2, 0, "References", 10)],  # a body-size line alone: still a heading candidate
        [_line(3, 0, "Text that goes on after the bibliography heading and ends here.")],
    )
    structure = _structure(pages)
    assert structure.references.page == 2


def test_pages_references_in_small_figure_label_is_ignored():
    pages = _pages(
        [_line(1, 0, "1 Introduction", 12, True), _line(1, 1, "References", 6.0),
         _line(1, 2, "Body text of the paper continues for a while on the first page here.")],
        [_line(2, 0, "More body text that continues on the second page of the paper here."),
         _line(2, 1, "7 References", 12, True)],
    )
    structure = _structure(pages)
    assert structure.references.page == 2
    assert structure.main_content_end == 2


def test_pages_table_of_contents_entry_is_not_the_heading():
    pages = _pages(
        [_line(1, 0, "1 Introduction", 12, True), _line(1, 1, "References . . . . . . . . . . . 12", 10)],
        [_line(2, 0, "Body text of the paper continues for a while on the second page."), _line(2, 1, "REFERENCES", 10)],
    )
    assert _structure(pages).references.page == 2


def test_pages_title_starting_with_a_is_not_an_appendix():
    pages = _pages(
        [_line(1, 0, "A Study of Sparse Features", 17, True), _line(1, 1, "1 Introduction", 12, True),
         _line(1, 2, "Body text of the paper continues for a while on the first page here.")],
        [_line(2, 0, "References", 12, True)],
        [_line(3, 0, "A Proofs", 12, True)],
    )
    structure = _structure(pages)
    assert structure.appendix.page == 3
    assert structure.main_content_end == 1


def test_pages_unnumbered_section_starting_with_a_is_not_an_early_appendix():
    pages = _pages(
        [_line(1, 0, "1 Introduction", 12, True), _line(1, 1, "Body text of the paper continues for a while on the first page.")],
        [_line(2, 0, "A Closer Look", 12, True), _line(2, 1, "Body text of the paper continues for a while on the second page.")],
        [_line(3, 0, "Body text of the paper continues for a while on the third page."), _line(3, 1, "References", 12, True)],
    )
    structure = _structure(pages)
    assert structure.appendix is None
    assert structure.main_content_end == 3


def test_pages_lettered_appendix_before_references_is_found():
    pages = _pages(
        [_line(1, 0, "1 Introduction", 12, True), _line(1, 1, "Body text of the paper continues for a while on the first page.")],
        [_line(2, 0, "A Proofs", 12, True), _line(2, 1, "A.1 First Lemma"), _line(2, 2, "Proof text that goes on for a while on this page.")],
        [_line(3, 0, "References", 12, True)],
    )
    structure = _structure(pages)
    assert (structure.appendix.page, structure.main_content_end, structure.references.page) == (2, 1, 3)


def test_pages_numbered_section_about_checklists_is_not_the_checklist():
    pages = _pages(
        [_line(1, 0, "1 Introduction", 12, True), _line(1, 1, "Body text of the paper continues for a while on the first page.")],
        [_line(2, 0, "3 A Checklist for Audits", 12, True), _line(2, 1, "Body text of the paper continues for a while on the second page.")],
        [_line(3, 0, "References", 12, True)],
        [_line(4, 0, "NeurIPS Paper Checklist", 12, True)],
    )
    structure = _structure(pages)
    assert structure.checklist.page == 4
    assert structure.main_content_end == 2
