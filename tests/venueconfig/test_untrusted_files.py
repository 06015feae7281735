"""A venue file as people really write it: typos in keys and tables are named with their
line and a suggestion (never a silent "ok"), a UTF-8 byte-order mark is accepted, and a
hostile nesting depth gives a clear problem instead of a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paperdesk.venueconfig import VenueConfigError, parse_venue

ROOT = Path(__file__).resolve().parents[2]
VENUE_FILE = ROOT / "venues" / "mechinterp-2025.toml"


@pytest.fixture(scope="module")
def text() -> str:
    return VENUE_FILE.read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(VenueConfigError) as caught:
        parse_venue(text, "venue.toml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_misspelt_key_is_named_with_its_line_and_the_likely_meaning(text):
    typo = text.replace("\nmax_load =", "\nmax_lod =", 1)
    problems = problems_of(typo)
    line = line_of(typo, "max_lod =")
    assert f"line {line}: reviewing.max_lod: unknown key 'max_lod'; did you mean 'max_load'?" in problems


def test_a_misspelt_table_is_named(text):
    typo = text.replace("\n[reviewing]\n", "\n[reviewng]\n", 1)
    problems = problems_of(typo)
    assert any("reviewng: unknown key 'reviewng'; did you mean 'reviewing'?" in p for p in problems), problems


def test_an_unknown_key_in_an_array_of_tables_is_named(text):
    typo = text.replace("[[tracks]]\n", "[[tracks]]\npages_max = 3\n", 1)
    problems = problems_of(typo)
    assert any("tracks[0].pages_max: unknown key 'pages_max'" in p for p in problems), problems


def test_every_optional_key_of_the_shipped_file_is_known(text):
    """The shipped, commented file uses most optional keys: none may be reported."""
    assert parse_venue(text, "venue.toml").slug == "mechinterp-2025"


def test_a_byte_order_mark_is_accepted(text):
    spec = parse_venue("\ufeff" + text, "venue.toml")
    assert spec.slug == "mechinterp-2025"


def test_the_cli_accepts_a_file_saved_with_a_byte_order_mark(tmp_path, text):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    done = subprocess.run([sys.executable, "-m", "paperdesk.cli", "venue", "check", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert ": ok" in done.stdout


@pytest.mark.parametrize("opening,closing", [("[", "]"), ("{a=", "}")])
def test_hostile_nesting_is_a_problem_not_a_traceback(opening, closing):
    deep = "[venue]\nx = " + opening * 100_000 + "1" * (opening == "[") + closing * 100_000 + "\n"
    problems = problems_of(deep)
    assert problems == ["file: arrays or inline tables are nested too deeply to be a venue file"]


def test_the_cli_reports_hostile_nesting_with_exit_2(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("[venue]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n")
    done = subprocess.run([sys.executable, "-m", "paperdesk.cli", "venue", "check", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "nested too deeply" in done.stderr + done.stdout
