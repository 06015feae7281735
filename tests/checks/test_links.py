"""Code, model and data links: anonymising services pass; the authors' accounts and
homepages, and any named account, do not."""

from __future__ import annotations

import pytest
from checks_helpers import AUTHORS

from paperdesk.checks import CheckRules, check_pdf, identities_from_json
from paperdesk.checks.links import check_form_links, classify_link, flagged

IDS = identities_from_json([{**AUTHORS[0], "websites": ["https://people.carrow.edu/jsmith/"]}, AUTHORS[1]])


@pytest.mark.parametrize(("url", "verdict"), [
    ("https://anonymous.4open.science/r/sae-probes-1234/", "anonymous"),
    ("anonymous.4open.science/r/x", "anonymous"),
    ("https://osf.io/abc12/?view_only=0123456789abcdef", "anonymous"),
    ("https://figshare.com/s/0123456789abcdef", "anonymous"),
    ("https://huggingface.co/datasets/anon-sub-2025/acts", "anonymous"),
    ("https://github.com/anonymous-mech-interp/sae", "anonymous"),
    ("https://github.com/jsmith-lab/sae", "identifying"),  # an author's GitHub handle
    ("https://huggingface.co/jsmith/sae-gpt2", "identifying"),  # an author's HuggingFace handle
    ("https://gitlab.com/jsmith/sae", "identifying"),  # named after John Smith
    ("https://bitbucket.org/johnsmith/sae", "identifying"),
    ("https://jnunez.github.io/demo", "identifying"),
    ("https://people.carrow.edu/jsmith/code.html", "identifying"),  # the homepage in the profile
    ("https://github.com/someone-else/sae", "account"),
    ("https://gitlab.com/some-group/sae", "account"),
    ("https://bitbucket.org/acme/sae", "account"),
    ("https://huggingface.co/datasets/acme/acts", "account"),
    ("https://osf.io/abc12/", "account"),
    ("https://people.carrow.edu/other/", "unverified"),
    ("https://example.org/code.zip", "unverified"),
    ("ftp://example.org/x", "invalid"),
    ("not a link", "invalid"),
])
def test_classify(url, verdict):
    assert classify_link(url, IDS).verdict == verdict


def test_identifying_verdict_names_the_author_for_authors_only():
    result = classify_link("https://gitlab.com/jsmith/sae", IDS)
    assert result.author == "John Smith" and not result.passed
    assert classify_link("https://anonymous.4open.science/r/x").passed


def test_form_links_report_and_flag():
    report = check_form_links({"code_url": "https://github.com/jsmith-lab/sae", "data_url": "https://anonymous.4open.science/r/d"}, IDS)
    assert [(r["field"], r["verdict"]) for r in report] == [("code_url", "identifying"), ("data_url", "anonymous")]
    assert flagged(report)
    assert not flagged(check_form_links({"code_url": "https://anonymous.4open.science/r/x", "data_url": ""}, IDS))


def test_pdf_links_to_an_authors_gitlab_or_homepage_are_leaks(tmp_path):
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    path = tmp_path / "links.pdf"
    page = canvas.Canvas(str(path), pagesize=letter)
    page.setFont("Times-Roman", 10)
    page.drawString(108, 720, "Sparse Features in Small Transformers")
    page.drawString(108, 700, "Abstract")
    for i in range(40):
        page.drawString(108, 680 - 12 * i, f"Body text line {i} about features, probes and circuits in language models.")
    page.drawString(108, 190, "Our code: https://gitlab.com/jsmith/sae-tools and https://people.carrow.edu/jsmith/data.html")
    page.drawString(108, 178, "We build on https://github.com/pytorch/pytorch and https://anonymous.4open.science/r/x1.")
    page.showPage()
    page.save()
    report = check_pdf(path, CheckRules(page_limit=4), IDS).to_dict()
    links = [leak for leak in report["anonymity"]["leaks"] if leak["kind"] == "non_anonymous_link"]
    assert sorted(leak["value"] for leak in links) == ["https://gitlab.com/jsmith/sae-tools", "https://people.carrow.edu/jsmith/data.html"]
    assert all(leak["page"] == 1 for leak in links)
    assert any(f["code"] == "leak_non_anonymous_link" for f in report["findings"])
