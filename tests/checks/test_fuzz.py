"""Random and mutated bytes: the checker never crashes, never hangs, always returns a result."""

from __future__ import annotations

import tempfile
from pathlib import Path

from checks_helpers import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperdesk.checks import READ_ERROR_CODES, CheckRules, Identity, check_pdf
from paperdesk.checks.sandbox import check_in_child

RULES = CheckRules(page_limit=4, timeout=10)
PEOPLE = [Identity(name="John Smith", emails=("jsmith@carrow.edu",), github=("jsmith-lab",))]
SEEDS = [(FIXTURES / name).read_bytes() for name in ("leaks.pdf", "format_two_columns.pdf", "float_before_refs.pdf")]
KEYS = ["file", "status", "error", "pages", "format", "anonymity", "signals", "findings"]


def _assert_result(result: dict) -> None:
    assert list(result) == KEYS
    assert result["status"] in ("ok", "problems", "unreadable")
    if result["status"] == "unreadable":
        assert result["error"]["code"] in READ_ERROR_CODES
    else:
        assert result["error"] is None
        assert result["pages"]["total"] >= 1


@st.composite
def mutated_pdf(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "duplicate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            data = data[: max(at, 1)]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at: at + draw(st.integers(1, 512))]
        elif kind == "duplicate":
            data[at:at] = data[at: at + draw(st.integers(1, 2048))]
    return bytes(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_pdf())
def test_fuzz_mutated_pdf_always_gives_a_result(data):
    _assert_result(check_pdf(data, RULES, PEOPLE).to_dict())


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096))
def test_fuzz_random_bytes_always_give_a_result(data):
    _assert_result(check_pdf(data, RULES, PEOPLE).to_dict())


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2048))
def test_fuzz_pdf_header_with_garbage_is_unreadable(data):
    result = check_pdf(b"%PDF-1.7\n" + data, RULES, PEOPLE).to_dict()
    _assert_result(result)
    assert result["status"] == "unreadable"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_pdf())
def test_fuzz_mutated_pdf_in_the_sandbox_gives_a_result(data):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.pdf"
        path.write_bytes(data)
        _assert_result(check_in_child(path, RULES, PEOPLE, cpu_seconds=10, method="fork"))
