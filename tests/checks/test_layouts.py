"""Real layouts the checker must read right (issue 12, item 1): two columns with margin line
numbers (ACL's lineno [switch], ICML's ruler), zero-padded and partial line numbers, a
references heading in the right column, a title page with a large figure, an unnumbered
Limitations section, the body font family and its leading, links broken over a page, and
the peer checkers' own fixtures (shared/samples/peers beside the repository)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from checks_helpers import AUTHORS, render
from make_fixtures import ANON, BIB, INCH, LINES_PER_PAGE, Doc, Style, paper

from paperdesk.checks import CheckRules, check_pdf, identities_from_json
from paperdesk.checks.extract import PdfSource
from paperdesk.checks.layout import analyse_layout

PEERS = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "peers"

# ACL's review mode: A4, two columns, numbers "000" in 8 pt Helvetica Bold 1.6 cm from the
# text, left of the left column and right of the right column.
ACL = dict(paper=(595.28, 841.89), left=0.98 * INCH, top=0.98 * INCH, width=6.3 * INCH, height=9.7 * INCH,
           columns=2, gutter=0.236 * INCH, size=10.9, leading=12.0, number_format="{:03d}", number_sides="outer",
           number_sep=45.0, number_font="Helvetica-Bold", number_size=8.0)
ACL_RULES = dict(paper_size="a4", columns=2, text_width_in=6.3, text_height_in=9.7, left_margin_in=0.98, top_margin_in=0.98,
                 body_font_pt=11, min_font_pt=10.5, body_leading_pt=0)
# ICML's ruler: letter, two columns, a ruler of zero-padded numbers on its own grid.
ICML = dict(left=0.75 * INCH, width=6.75 * INCH, columns=2, number_format="{:03d}", ruler=True, number_sep=12.0,
            number_size=8.0)
ICML_RULES = dict(columns=2, text_width_in=6.75, left_margin_in=0.75)


def run(doc: Doc, *, limit: int = 9, mode: str = "submission", authors=(), **rules) -> tuple[dict, dict]:
    data, facts = render(doc)
    report = check_pdf(data, CheckRules(page_limit=limit, mode=mode, **rules), identities_from_json(list(authors)))
    return report.to_dict(), facts


def codes(result: dict) -> list[str]:
    return [v["code"] for v in result["format"]["violations"]]


def width_in(detail: str) -> float:
    """The measured width a margins violation states ("6.51 in wide")."""
    return float(re.search(r"(\d+\.\d+) in wide", detail).group(1))


def lines_of(data: bytes):
    source = PdfSource(data, max_pages=200)
    try:
        pages = source.extract().pages
    finally:
        source.close()
    analyse_layout(pages)
    return pages


# ---------------------------------------------------------------- two columns, line numbers


def test_acl_two_columns_with_line_numbers_in_both_margins_are_two_columns():
    result, _ = run(paper(31, main_lines=5 * LINES_PER_PAGE, style=Style(**ACL)))
    assert result["format"]["columns"] == 2
    assert result["signals"]["line_numbers"] is True
    assert "columns" in codes(result)
    # against ACL's own template nothing is wrong: the numbers right of the right column
    # are not text reaching into the margin
    acl, _ = run(paper(31, main_lines=5 * LINES_PER_PAGE, style=Style(**ACL)), **ACL_RULES)
    assert codes(acl) == []


def test_acl_line_numbers_are_not_left_in_the_text():
    data, _ = render(paper(32, main_lines=3 * LINES_PER_PAGE, style=Style(**ACL)))
    pages = lines_of(data)
    right = [l for l in pages[1].lines if l.text and l.x0 > pages[1].width / 2]
    assert len(right) > 20
    assert not any(l.text.rsplit(" ", 1)[-1].isdigit() for l in right)
    ends = sorted(l.x1 for l in right)  # (a few unjustified lines of the generator run long)
    assert ends[int(0.9 * len(ends))] < ACL["left"] + ACL["width"] + 2


def test_references_heading_mid_page_in_the_right_column():
    doc = paper(33, main_lines=236, style=Style(**ACL))
    data, facts = render(doc)
    heading = next(l for p in lines_of(data) for l in p.lines if "References" in l.text)
    assert heading.x0 > 595.28 / 2 and heading.page == facts["references"]  # the layout the test is about
    result = check_pdf(data, CheckRules(page_limit=9, **ACL_RULES)).to_dict()
    assert result["pages"]["references_start"] == facts["references"]
    assert result["pages"]["main_content_end"] == facts["main_end"] == facts["references"]


# ---------------------------------------------------------------- zero-padded and partial numbers


def test_zero_padded_numbers_left_of_each_line_are_line_numbers():
    result, facts = run(paper(34, main_lines=3 * LINES_PER_PAGE, style=Style(number_format="{:03d}")))
    assert result["signals"]["line_numbers"] is True
    assert result["pages"]["main_content_end"] == facts["main_end"]
    assert codes(result) == []


def test_zero_padded_ruler_one_column_iclr():
    doc = paper(35, main_lines=3 * LINES_PER_PAGE, style=Style(number_format="{:03d}", ruler=True, number_font="Helvetica"))
    data, facts = render(doc)
    result = check_pdf(data, CheckRules(page_limit=9)).to_dict()
    assert result["signals"]["line_numbers"] is True
    assert result["pages"]["main_content_end"] == facts["main_end"]
    assert codes(result) == []
    assert not any(l.text.isdigit() for p in lines_of(data) for l in p.lines if not l.furniture)


def test_zero_padded_ruler_two_columns_icml():
    result, _ = run(paper(36, main_lines=5 * LINES_PER_PAGE, style=Style(**ICML)), **ICML_RULES)
    assert result["signals"]["line_numbers"] is True
    assert result["format"]["columns"] == 2
    assert codes(result) == []


def test_line_numbers_on_only_the_first_pages():
    doc = paper(37, main_lines=4 * LINES_PER_PAGE, appendix=True, style=Style(number_pages=3))
    rng = random.Random(37)
    for letter in "CDEFGHIJ":
        doc.page_break().heading(f"{letter} More Results").lines(rng, LINES_PER_PAGE)
    result, facts = run(doc)
    assert facts["total"] >= 14
    assert result["signals"]["line_numbers"] is True
    assert not any(f["code"] == "no_line_numbers" for f in result["findings"])
    camera_ready, _ = run(doc, mode="camera-ready")
    assert any(f["code"] == "line_numbers_in_camera_ready" for f in camera_ready["findings"])


def test_numbers_that_do_not_count_lines_are_not_line_numbers():
    """A column of equal numbers (HotCRP's sample: every line starts with "1111") is text."""
    doc = Doc(style=Style(line_numbers=False))
    doc.title_block("Sparse Features in Small Transformers", ANON)
    for _ in range(3 * LINES_PER_PAGE):
        doc.para("1111 1111 1111 1111 1111 1111 1111 1111 1111 1111 1111 1111")
    result, _ = run(doc)
    assert result["signals"]["line_numbers"] is False


# ---------------------------------------------------------------- the text block


def test_title_page_with_a_large_figure_is_not_a_margins_violation():
    """A camera-ready whose first page holds a large figure: the figure's own text lies
    beyond the text block (an included PDF clipped to its box still carries its text)."""
    rng = random.Random(38)
    doc = Doc(style=Style(line_numbers=False))
    doc.title_block("Sparse Features in Small Transformers", ["John Smith (University of Carrowmore)"])
    labels = [(-60, -150, "Layer-wise attribution (clipped)"), (-60, -138, "Residual stream norm (clipped)"),
              (-60, -126, "Normalised probe score (clipped)"), (20, 30, "Attention head index and layer"),
              (260, 150, "Feature density per token")]
    doc.labelled_figure(260, labels)
    doc.lines(rng, 8)
    doc.heading("1 Introduction")
    doc.lines(rng, 2 * LINES_PER_PAGE - 10)
    doc.heading("2 Limitations")
    doc.lines(rng, 6)
    doc.mark("main_end")
    doc.heading("References")
    doc.bib(BIB)
    result, facts = run(doc, limit=5, mode="camera-ready")
    assert facts["main_end"] == 3
    assert codes(result) == []


def test_text_in_the_header_and_footer_bands_counts_for_the_text_block():
    """Text 6.5 in wide in the header and footer bands of every page (HotCRP's corner
    marks) makes a text block 6.5 in wide, although the lines between are narrower."""
    doc = Doc(style=Style(line_numbers=False, corner_marks=6.5 * INCH))
    doc.title_block("Sparse Features in Small Transformers", ANON)
    doc.lines(random.Random(39), 3 * LINES_PER_PAGE)
    result, _ = run(doc)
    margins = [v for v in result["format"]["violations"] if v["code"] == "margins"]
    assert margins and width_in(margins[0]["detail"]) == pytest.approx(6.5, abs=0.03)
    assert codes(run(doc, text_width_in=6.5, left_margin_in=1.0)[0]) == []


# ---------------------------------------------------------------- Limitations


def test_unnumbered_limitations_heading_is_a_limitations_section():
    doc = paper(40, main_lines=2 * LINES_PER_PAGE, limitations=False)
    index = next(i for i, block in enumerate(doc.blocks) if block[:2] == ("heading", "References"))
    doc.blocks[index - 1:index - 1] = [("heading", "Limitations"), ("para", "Our probes only cover small models. " * 6)]
    result, _ = run(doc)
    assert result["signals"]["limitations_section"] is True
    assert not any(f["code"] == "no_limitations_section" for f in result["findings"])


def test_limitations_only_in_the_appendix_is_still_missing():
    doc = paper(41, main_lines=2 * LINES_PER_PAGE, limitations=False, appendix=True)
    doc.page_break().heading("Limitations").para("Our probes only cover small models. " * 6)
    result, _ = run(doc)
    assert result["signals"]["limitations_section"] is False
    assert any(f["code"] == "no_limitations_section" for f in result["findings"])


# ---------------------------------------------------------------- font family and leading


def test_helvetica_body_breaks_a_times_template():
    times, _ = run(paper(42, main_lines=2 * LINES_PER_PAGE), body_font_families=("times",))
    assert codes(times) == []
    result, _ = run(paper(42, main_lines=2 * LINES_PER_PAGE, style=Style(font="Helvetica", bold="Helvetica-Bold")),
                    body_font_families=("times",))
    assert codes(result) == ["font_family"]
    violation = result["format"]["violations"][0]
    assert "Helvetica" in violation["detail"] and "Times" in violation["detail"]
    assert result["format"]["body_font"] == "Helvetica"
    assert [f["severity"] for f in result["findings"] if f["code"] == "font_family"] == ["error"]
    free, _ = run(paper(42, main_lines=2 * LINES_PER_PAGE, style=Style(font="Helvetica", bold="Helvetica-Bold")),
                  body_font_families=())
    assert codes(free) == []


def test_squeezed_leading_is_a_line_spacing_violation():
    rules = dict(body_leading_pt=11.0, min_leading_pt=10.7)
    normal, _ = run(paper(43, main_lines=2 * LINES_PER_PAGE), **rules)
    assert codes(normal) == [] and normal["format"]["leading_pt"] == pytest.approx(11.0, abs=0.05)
    squeezed, _ = run(paper(43, main_lines=2 * LINES_PER_PAGE, style=Style(leading=9.9)), **rules)  # \baselinestretch{0.9}
    assert codes(squeezed) == ["line_spacing"]
    assert "9.9 pt" in squeezed["format"]["violations"][0]["detail"]
    unchecked, _ = run(paper(43, main_lines=2 * LINES_PER_PAGE, style=Style(leading=9.9)), body_leading_pt=0)
    assert codes(unchecked) == []


def test_smaller_font_with_its_own_leading_is_only_a_font_size_violation():
    result, _ = run(paper(44, main_lines=2 * LINES_PER_PAGE, style=Style(size=9, leading=9.9)), body_leading_pt=11.0, min_leading_pt=10.7)
    assert codes(result) == ["font_size"]


# ---------------------------------------------------------------- links


def _link_over_page_break(url_head: str, url_tail: str) -> Doc:
    rng = random.Random(45)
    doc = Doc()
    doc.title_block("Sparse Features in Small Transformers", ANON)
    doc.lines(rng, 8)
    doc.heading("1 Introduction")
    doc.last_line(f"Our code and weights are released at {url_head}", rng)
    doc.para(f"{url_tail} with the scripts that make every figure. " + "The rest follows in the next sections. " * 3)
    doc.lines(rng, 20)
    doc.heading("2 Limitations")
    doc.lines(rng, 5)
    doc.heading("References")
    doc.bib(BIB)
    return doc


@pytest.mark.parametrize("head, tail, kind, value", [
    ("https://github.com/", "jsmith-lab/sparse-feats", "github", "jsmith-lab"),
    ("https://github.com/jsmith-", "lab/sparse-feats", "github", "jsmith-lab"),
    ("https://huggingface.co/", "jsmith/sparse-7b", "huggingface", "jsmith"),
])
def test_link_broken_over_a_page_is_joined(head, tail, kind, value):
    data, _ = render(_link_over_page_break(head, tail))
    pages = lines_of(data)
    assert head.rstrip("-") in pages[0].lines[-2].text  # the link does end page 1 (before its page number)
    result = check_pdf(data, CheckRules(page_limit=9), identities_from_json(AUTHORS)).to_dict()
    leaks = [(l["kind"], l["value"], l["page"]) for l in result["anonymity"]["leaks"]]
    assert (kind, value, 1) in leaks


def test_third_party_link_broken_over_a_page_is_listed_whole():
    result, _ = run(_link_over_page_break("https://github.com/", "pytorch/captum"), authors=AUTHORS)
    links = next(f for f in result["findings"] if f["code"] == "code_links")
    assert "github.com/pytorch" in links["message"]


def test_git_ssh_remote_is_not_an_email():
    doc = paper(46, main_lines=2 * LINES_PER_PAGE, extra_body=lambda d: d.para(
        "Clone it with git clone git@github.com:pytorch/captum.git or git clone https@github.com:pytorch/captum.git "
        "and write to the maintainers at captum-help@fb.com."))
    result, _ = run(doc, authors=AUTHORS)
    emails = [f["message"] for f in result["findings"] if f["code"] == "email_present"]
    assert not any("github.com" in m for m in emails)
    assert any("captum-help@fb.com" in m for m in emails)
    links = next(f for f in result["findings"] if f["code"] == "code_links")
    assert "github.com:pytorch" in links["message"] or "github.com/pytorch" in links["message"]


def test_git_ssh_remote_of_an_author_is_a_github_leak():
    doc = paper(47, main_lines=2 * LINES_PER_PAGE, extra_body=lambda d: d.para("Clone it with git clone git@github.com:jsmith-lab/sparse-feats.git today."))
    result, _ = run(doc, authors=AUTHORS)
    assert ("github", "jsmith-lab") in [(l["kind"], l["value"]) for l in result["anonymity"]["leaks"]]
    assert not any(f["code"] == "email_present" for f in result["findings"])


# ---------------------------------------------------------------- the peer checkers' fixtures


def test_peer_fixtures_are_present():
    assert len(list(PEERS.glob("*.pdf"))) == 5, f"{PEERS} (shared/ belongs beside the repository)"


def peer(name: str, **rules) -> dict:
    return check_pdf(PEERS / name, CheckRules(**{"page_limit": 30, **rules})).to_dict()


def test_peer_hotcrp_sample50pg_text_block_and_page_limit():
    result = peer("hotcrp_test_sample50pg.pdf")
    assert result["pages"]["total"] == 50 and result["pages"]["verdict"] == "over_limit"
    assert result["format"]["paper_size"] == "letter" and result["format"]["body_font_pt"] == 10.0
    assert result["signals"]["line_numbers"] is False  # "1111" at the start of every line counts nothing
    margins = [v for v in result["format"]["violations"] if v["code"] == "margins"]
    assert margins and width_in(margins[0]["detail"]) == pytest.approx(6.5, abs=0.03)
    # a template with a 7.5 x 9 in block (HotCRP's second spec): the page limit only
    wide = peer("hotcrp_test_sample50pg.pdf", text_width_in=7.5, left_margin_in=0.5, top_margin_in=1.0)
    assert codes(wide) == [] and wide["pages"]["verdict"] == "over_limit"


def test_peer_hotcrp_two_page_sample_two_columns_measured_whole():
    result = peer("hotcrp_etc_sample.pdf")
    assert result["pages"]["total"] == 2 and result["pages"]["verdict"] == "ok"
    assert result["format"]["columns"] == 2 and result["format"]["body_font_pt"] == 12.0
    margins = next(v for v in result["format"]["violations"] if v["code"] == "margins")
    assert width_in(margins["detail"]) == pytest.approx(6.5, abs=0.03)  # not the 3.18 in of its one-column second page
    own = peer("hotcrp_etc_sample.pdf", columns=2, text_width_in=6.5, text_height_in=9.0, left_margin_in=1.0, top_margin_in=1.0)
    assert codes(own) == []
    assert peer("hotcrp_etc_sample.pdf", page_limit=1)["pages"]["verdict"] == "over_limit"


def test_peer_aclpubcheck_example_two_columns_a4_references_on_page_5():
    result = peer("aclpubcheck_example_2023.acl-tutorials.1.pdf")
    assert result["pages"]["total"] == 10
    assert (result["pages"]["main_content_end"], result["pages"]["references_start"]) == (4, 5)
    assert result["format"]["paper_size"] == "a4" and result["format"]["columns"] == 2
    assert {"paper_size", "columns"} <= set(codes(result))


def test_peer_aclpubcheck_info_arial_where_times_is_required():
    result = peer("aclpubcheck_additional_info.pdf", body_font_families=("times",))
    assert result["pages"]["total"] == 4
    assert result["format"]["paper_size"] == "letter" and result["format"]["columns"] == 1
    assert "font_family" in codes(result)
    assert "Arial" in next(v["detail"] for v in result["format"]["violations"] if v["code"] == "font_family")
    emails = [f["message"] for f in result["findings"] if f["code"] == "email_present"]
    assert not any("@github.com" in m for m in emails)  # git@github.com:acl-org/... is a clone address


def test_peer_arr_checker_fixture():
    result = peer("yanaiela_service_data_ngram-novelty.pdf", page_limit=8)
    assert result["pages"]["total"] == 15 and result["pages"]["verdict"] == "over_limit"
    assert result["signals"]["limitations_section"] is True  # an unnumbered "Limitations" heading
    emails = " ".join(f["message"] for f in result["findings"] if f["code"] == "email_present")
    assert all(domain in emails for domain in ("nyu.edu", "allenai.org", "gmail.com"))
    assert [l["kind"] for l in result["anonymity"]["leaks"]] == ["metadata"]


def test_text_report_names_the_body_font_and_its_leading():
    from paperdesk.checks import render_text

    result, _ = run(paper(48, main_lines=2 * LINES_PER_PAGE, style=Style(font="Helvetica", bold="Helvetica-Bold")))
    text = render_text(result)
    assert "body 10.0 pt Helvetica on 11 pt leading" in text
    assert "Body text is set in Helvetica (Helvetica); the template requires a Times-like font." in text


def test_text_outside_the_page_is_not_part_of_the_text_block():
    """An included figure may carry text beyond the page's edge (clipped away): it is not
    text a reader sees, on whichever page it stands."""
    rng = random.Random(49)
    doc = Doc()
    doc.title_block("Sparse Features in Small Transformers", ANON)
    doc.lines(rng, 8)
    for section in range(1, 5):
        doc.heading(f"{section} Section")
        doc.labelled_figure(80, [(-120 - 20 * k, 10 + 12 * k, f"hidden legend entry number {k}") for k in range(6)])
        doc.lines(rng, LINES_PER_PAGE - 14)
    doc.heading("5 Limitations").lines(rng, 5)
    doc.heading("References").bib(BIB)
    result, _ = run(doc)
    assert codes(result) == []
