"""Files that cannot be checked: each gets a clear error with its code, never an exception."""

from __future__ import annotations

import pytest
from checks_helpers import FIXTURES, check

from paperdesk.checks import CheckRules, check_pdf


@pytest.mark.parametrize("name, code", [
    ("broken_empty.pdf", "empty"),
    ("broken_html.pdf", "not_pdf"),
    ("broken_truncated.pdf", "truncated"),
    ("broken_encrypted.pdf", "encrypted"),
    ("scanned.pdf", "no_text"),
])
def test_readability_broken_file_gets_its_code(name, code):
    result = check(name)
    assert result["status"] == "unreadable"
    assert result["error"]["code"] == code
    assert result["error"]["message"]
    assert result["findings"] == [{"severity": "error", "code": code, "message": result["error"]["message"], "page": None}]
    assert result["pages"]["verdict"] is None


def test_readability_too_large_file():
    result = check("refs_midpage.pdf", max_bytes=1000)
    assert result["error"]["code"] == "too_large"
    assert "MB" in result["error"]["message"]


def test_readability_too_large_bytes_input():
    data = (FIXTURES / "refs_midpage.pdf").read_bytes()
    assert check_pdf(data, CheckRules(max_bytes=1000)).to_dict()["error"]["code"] == "too_large"


def test_readability_too_many_pages():
    result = check("refs_midpage.pdf", max_pages=3)
    assert result["error"]["code"] == "too_large"
    assert "4 pages" in result["error"]["message"]
    assert result["pages"]["total"] == 4


def test_readability_timeout_when_parsing_takes_too_long():
    result = check("refs_midpage.pdf", timeout=0.0)
    assert result["error"]["code"] == "timeout"


def test_readability_damaged_xref_with_eof_marker():
    data = (FIXTURES / "refs_midpage.pdf").read_bytes()
    damaged = data[:200] + b"\x00garbage\x00" * 50 + data[-30:]
    result = check_pdf(damaged, CheckRules()).to_dict()
    assert result["status"] in ("unreadable", "ok", "problems")
    if result["status"] == "unreadable":
        assert result["error"]["code"] in ("truncated", "no_text")


def test_readability_missing_path_is_unreadable():
    result = check_pdf(FIXTURES / "does-not-exist.pdf", CheckRules()).to_dict()
    assert result["status"] == "unreadable"


def test_readability_bytes_and_path_give_the_same_report():
    data = (FIXTURES / "refs_midpage.pdf").read_bytes()
    by_path = check_pdf(FIXTURES / "refs_midpage.pdf", CheckRules(page_limit=4), filename="x.pdf").to_dict()
    by_bytes = check_pdf(data, CheckRules(page_limit=4), filename="x.pdf").to_dict()
    assert by_path == by_bytes
