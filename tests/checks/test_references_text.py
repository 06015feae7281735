"""The checker hands on the reference list's text (the review-integrity hints resolve its
entries against an imported bibliography, issue 11 item 6)."""

from __future__ import annotations

from pathlib import Path

from paperdesk.checks import check_pdf
from paperdesk.checks.report import CheckReport
from paperdesk.publications.archive_index import split_references

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "real"


def test_a_real_papers_reference_list_reaches_the_report_entry_by_entry():
    report = check_pdf(REAL / "real_sub_short_01.pdf").to_dict(references=True)
    text = report["references_text"]
    assert "Flow network based generative models" in text
    assert not text.lstrip().lower().startswith("references")  # the heading is not an entry
    entries = split_references(text)
    # natbib's initials-first style: one entry per reference, not the whole list in two
    assert 20 <= len(entries) <= 40
    assert entries[0].startswith("E. Bengio, M. Jain") and entries[0].endswith("2021.")
    assert CheckReport.from_json(report).references_text == text


def test_no_references_heading_no_reference_text(tmp_path):
    from tests.conftest import make_pdf_bytes

    path = tmp_path / "plain.pdf"
    path.write_bytes(make_pdf_bytes(2, text="A study with no bibliography at all"))
    assert "references_text" not in check_pdf(path).to_dict(references=True)


def test_the_cli_json_keeps_its_documented_keys_and_the_web_check_gets_the_references():
    from paperdesk.checks.sandbox import check_in_child

    assert "references_text" not in check_pdf(REAL / "real_sub_short_01.pdf").to_dict()
    assert "Flow network" in check_in_child(REAL / "real_sub_short_01.pdf", references=True)["references_text"]
