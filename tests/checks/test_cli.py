"""`paperdesk check` through a real subprocess: exit codes, JSON keys, readable text."""

from __future__ import annotations

import json
import shutil

from checks_helpers import FIXTURES, ROOT, run_cli

TOP_KEYS = ["file", "status", "error", "pages", "format", "anonymity", "signals", "findings"]
PAGE_KEYS = ["total", "main_content_end", "references_start", "appendix_start", "limit", "verdict"]


def test_cli_json_has_exactly_the_documented_keys(authors_file):
    done = run_cli(str(FIXTURES / "leaks.pdf"), str(FIXTURES / "broken_html.pdf"), "--track", "short",
                   "--authors", str(authors_file), "--format", "json")
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert list(row) == TOP_KEYS
        assert list(row["pages"]) == PAGE_KEYS
        assert list(row["format"]) == ["paper_size", "body_font_pt", "body_font", "leading_pt", "columns", "violations"]
        assert list(row["anonymity"]) == ["leaks"]
        assert list(row["signals"]) == ["line_numbers", "checklist", "limitations_section"]
        for finding in row["findings"]:
            assert list(finding) == ["severity", "code", "message", "page"]
    leak = rows[0]["anonymity"]["leaks"][0]
    assert list(leak) == ["kind", "value", "page", "context"]
    assert rows[0]["format"]["violations"] == []
    assert rows[1]["error"] == {"code": "not_pdf", "message": rows[1]["error"]["message"]}
    assert rows[0]["file"] == str(FIXTURES / "leaks.pdf")


def test_cli_exit_0_when_every_file_is_fine():
    done = run_cli(str(FIXTURES / "refs_midpage.pdf"), "--track", "short")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(": OK")


def test_cli_exit_1_when_problems_are_found():
    done = run_cli(str(FIXTURES / "refs_midpage.pdf"), str(FIXTURES / "refs_bibliography_over.pdf"), "--track", "short")
    assert done.returncode == 1
    assert "over the limit" in done.stdout


def test_cli_exit_2_when_a_file_is_unreadable():
    done = run_cli(str(FIXTURES / "refs_midpage.pdf"), str(FIXTURES / "broken_encrypted.pdf"), "--track", "short", "--format", "json")
    assert done.returncode == 2
    assert [json.loads(line)["status"] for line in done.stdout.splitlines()] == ["ok", "unreadable"]


def test_cli_exit_2_when_the_call_is_wrong():
    assert run_cli(str(FIXTURES / "refs_midpage.pdf")).returncode == 2  # --track missing
    done = run_cli(str(FIXTURES / "refs_midpage.pdf"), "--track", "medium")
    assert done.returncode == 2 and "unknown track 'medium'" in done.stderr and "short, long" in done.stderr
    done = run_cli(str(FIXTURES / "refs_midpage.pdf"), "--track", "short", "--mode", "final")
    assert done.returncode == 2 and "unknown mode" in done.stderr
    done = run_cli(str(FIXTURES / "refs_midpage.pdf"), "--track", "short", "--authors", str(FIXTURES / "manifest.json"))
    assert done.returncode == 2 and "list of author objects" in done.stderr
    done = run_cli(str(FIXTURES / "refs_midpage.pdf"), "--track", "short", "--venue", "nowhere.toml")
    assert done.returncode == 2 and "file not found" in done.stderr


def test_cli_missing_file_is_unreadable():
    done = run_cli("no-such-file.pdf", "--track", "short", "--format", "json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["status"] == "unreadable"


def test_cli_help_exits_0():
    done = run_cli("--help")
    assert done.returncode == 0 and "--track" in done.stdout


def test_cli_camera_ready_synonym_and_extra_page():
    for mode in ("camera-ready", "camera_ready"):
        done = run_cli(str(FIXTURES / "refs_bibliography_over.pdf"), "--track", "short", "--mode", mode, "--format", "json")
        assert done.returncode == 0, done.stdout
        assert json.loads(done.stdout)["pages"]["limit"] == 5


def test_cli_text_report_is_readable(authors_file):
    done = run_cli(str(FIXTURES / "leaks.pdf"), "--track", "short", "--authors", str(authors_file))
    lines = done.stdout.splitlines()
    assert lines[0] == f"{FIXTURES / 'leaks.pdf'}: PROBLEMS"
    assert lines[1].startswith("  pages:     main content ends on page 3 of 3 (limit 4)")
    assert "anonymity: 10 leak(s)" in done.stdout
    assert "[x] p.2: GitHub username 'jsmith-lab' on page 2" in done.stdout
    assert done.returncode == 1


def test_cli_text_report_for_unreadable_file():
    done = run_cli(str(FIXTURES / "scanned.pdf"), "--track", "long")
    assert done.stdout.splitlines() == [
        f"{FIXTURES / 'scanned.pdf'}: UNREADABLE",
        "  cannot check this file (no_text): The PDF has no text layer (scanned pages?); export it from the source with text, not as images.",
    ]


def test_cli_default_venue_falls_back_to_the_repository_copy(tmp_path):
    shutil.copy(FIXTURES / "refs_midpage.pdf", tmp_path / "paper.pdf")
    done = run_cli("paper.pdf", "--track", "long", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pages"]["limit"] == 9


def test_cli_venue_in_working_directory_wins(tmp_path):
    venue = (ROOT / "venues" / "mechinterp-2025.toml").read_text().replace("max_pages = 9", "max_pages = 3")
    (tmp_path / "venues").mkdir()
    (tmp_path / "venues" / "mechinterp-2025.toml").write_text(venue)
    shutil.copy(FIXTURES / "refs_midpage.pdf", tmp_path / "paper.pdf")
    done = run_cli("paper.pdf", "--track", "long", "--format", "json", cwd=tmp_path)
    assert json.loads(done.stdout)["pages"]["limit"] == 3
    assert done.returncode == 1


def test_cli_check_never_imports_django():
    """`paperdesk check` is a plain computation: no web framework is loaded for it."""
    import subprocess
    import sys
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "refs_midpage.pdf"
    code = (
        "import sys, io, contextlib\n"
        "from paperdesk.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['check', {str(fixture)!r}, '--track', 'long', '--format', 'json'])\n"
        "print(status, any(name == 'django' or name.startswith('django.') for name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["0", "False"], done.stderr
