"""Helpers for the checker tests: the committed fixture PDFs, their facts, the test authors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from paperdesk.checks import CheckRules, check_pdf, identities_from_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = FIXTURES.parent.parent.parent
FACTS = json.loads((FIXTURES / "manifest.json").read_text())

sys.path.insert(0, str(FIXTURES))
# The generator of the PDFs; FIXTURES and render are re-exported to the tests.
from make_fixtures import AUTHORS, render  # noqa: E402, F401
from make_fixtures import FIXTURES as GENERATED  # noqa: E402, F401


def fixture(name: str) -> Path:
    return FIXTURES / name


def check(name: str, *, limit: int = 4, mode: str = "submission", authors=AUTHORS, **rules) -> dict:
    return check_pdf(fixture(name), CheckRules(page_limit=limit, mode=mode, **rules), identities_from_json(authors)).to_dict()


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paperdesk.cli", "check", *args],
        capture_output=True, text=True, cwd=cwd or ROOT, input=stdin, timeout=120,
    )
