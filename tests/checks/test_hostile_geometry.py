"""Page sizes a hostile or broken PDF uses to slip through the format check, and a clear
reason when a file has no text for another cause than scanning."""

from __future__ import annotations

import zlib

import pytest

from paperdesk.checks import check_pdf
from paperdesk.checks.rules import CheckRules
from tests.conftest import make_pdf_bytes

LETTER = "/MediaBox [0 0 612 792]"


def paper_violations(report: dict) -> list[dict]:
    return [v for v in report["format"]["violations"] if v["code"] == "paper_size"]


def check(data: bytes) -> dict:
    return check_pdf(data, CheckRules()).to_dict()


def with_page_box(pages: int, box_of_page: dict[int, str]) -> bytes:
    """A PDF of `pages` letter pages, with some page boxes replaced (1-based page numbers)."""
    text = make_pdf_bytes(pages).decode("latin-1")
    parts = text.split(LETTER)
    out = parts[0]
    for index, rest in enumerate(parts[1:], start=1):
        out += box_of_page.get(index, LETTER) + rest
    return rebuild_xref(out.encode("latin-1"))


def rebuild_xref(data: bytes) -> bytes:
    """Recompute the cross-reference offsets after the objects changed length."""
    import re

    body = data[: data.index(b"xref\n")]
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj\n", body)]
    out = bytearray(body)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, len(body))
    return bytes(out)


def test_one_giant_page_among_letter_pages_is_a_paper_size_violation():
    report = check(with_page_box(4, {3: "/MediaBox [0 0 200000 200000]"}))
    [violation] = paper_violations(report)
    assert violation["page"] == 3
    assert "Page 3" in violation["detail"] and "every page" in violation["detail"]


def test_a_user_unit_scale_is_applied_to_the_page_size():
    report = check(with_page_box(2, {1: LETTER + " /UserUnit 75000"}))
    assert report["format"]["paper_size"] != "letter"
    assert paper_violations(report)


def test_a_user_unit_of_one_changes_nothing():
    report = check(with_page_box(2, {1: LETTER + " /UserUnit 1.0"}))
    assert report["format"]["paper_size"] == "letter"
    assert not paper_violations(report)


def test_letter_pages_in_landscape_are_letter():
    report = check(with_page_box(3, {2: "/MediaBox [0 0 792 612]"}))
    assert not paper_violations(report)


def blank_content_pdf(pages: int, content: bytes) -> bytes:
    """Pages whose content stream is `content` (damaged, or empty)."""
    text = make_pdf_bytes(pages).decode("latin-1")
    import re

    text = re.sub(r"<< /Length \d+ >>\nstream\n.*?\nendstream",
                  lambda _m: f"<< /Length {len(content)} >>\nstream\n{content.decode('latin-1')}\nendstream", text, flags=re.S)
    return rebuild_xref(text.encode("latin-1"))


@pytest.mark.parametrize("content", [b"", b"BT /F9 10 Tf (\x00\x01 ET q Q Q Q ]]]", zlib.compress(b"garbage")[:5]])
def test_pages_with_damaged_or_no_content_do_not_blame_scanning(content):
    report = check(blank_content_pdf(2, content))
    assert report["status"] == "unreadable"
    assert report["error"]["code"] == "no_text"
    assert "scanned" not in report["error"]["message"]
    assert "damaged" in report["error"]["message"]
