"""Every format code the checker library reports is a "format" finding on the submission's
page, so a venue whose blocking_findings name "format" shows it as blocking (issue 12)."""

from __future__ import annotations

import pytest

from paperdesk.checks.report import finding_class


@pytest.mark.parametrize("code", ["paper_size", "margins", "font_size", "columns", "font_family", "line_spacing"])
def test_every_checker_format_code_is_a_format_finding(code):
    assert finding_class(code, unreadable=False) == "format"
