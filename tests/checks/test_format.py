"""Format against the template geometry: paper size, text block, body font size, columns."""

from __future__ import annotations

import pytest
from checks_helpers import check

from paperdesk.checks.geometry import paper_name


@pytest.mark.parametrize("name, code", [
    ("format_a4.pdf", "paper_size"),
    ("format_9pt.pdf", "font_size"),
    ("format_margins.pdf", "margins"),
    ("format_two_columns.pdf", "columns"),
])
def test_format_violation_found_with_its_code_only(name, code):
    result = check(name)
    violations = result["format"]["violations"]
    assert [v["code"] for v in violations] == [code]
    assert violations[0]["page"] == 1
    assert result["status"] == "problems"
    assert [f["severity"] for f in result["findings"] if f["code"] == code] == ["error"]


def test_format_compliant_paper_measured_and_clean():
    fmt = check("refs_midpage.pdf")["format"]
    assert fmt == {"paper_size": "letter", "body_font_pt": 10.0, "body_font": "Times-Roman", "leading_pt": 11.0, "columns": 1, "violations": []}


def test_format_measurements_reported():
    assert check("format_a4.pdf")["format"]["paper_size"] == "a4"
    assert check("format_9pt.pdf")["format"]["body_font_pt"] == 9.0
    assert check("format_two_columns.pdf")["format"]["columns"] == 2


def test_format_details_say_what_was_measured():
    detail = check("format_margins.pdf")["format"]["violations"][0]["detail"]
    assert "6.70 in wide" in detail and "5.5 in" in detail
    assert "A4" in check("format_a4.pdf")["format"]["violations"][0]["detail"]
    assert "9 pt" in check("format_9pt.pdf")["format"]["violations"][0]["detail"]


def test_format_a4_template_accepts_a4():
    assert check("format_a4.pdf", paper_size="a4")["format"]["violations"] == []


def test_format_two_column_venue_accepts_two_columns():
    assert check("format_two_columns.pdf", columns=2)["format"]["violations"] == []


@pytest.mark.parametrize("size, name", [
    ((612, 792), "letter"), ((792, 612), "letter"), ((595.28, 841.89), "a4"), ((596, 842), "a4"), ((612, 1008), "8.50x14.00in"),
])
def test_format_paper_names(size, name):
    assert paper_name(*size) == name
