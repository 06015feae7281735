"""`paperdesk check paper.pdf --supplementary code.zip --format json`: the archive's findings
join `anonymity.leaks`; an archive that cannot be read safely says why (exit 2)."""

from __future__ import annotations

import json
import re

import pytest
from archive_helpers import PYPROJECT, git_files, make_targz, make_zip, notebook, zip_bomb, zip_with_symlink
from checks_helpers import FIXTURES, ROOT, run_cli

PDF = str(FIXTURES / "refs_midpage.pdf")  # a clean paper: exit 0 on its own


def check(archive, authors_file, *extra):
    done = run_cli(PDF, "--track", "short", "--supplementary", str(archive), "--authors", str(authors_file), "--format", "json", *extra)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 1, done.stderr
    return done, rows[0]


def test_leaks_join_the_pdf_report_with_file_and_line(tmp_path, authors_file):
    archive = make_zip(tmp_path / "code.zip", {"sae/pyproject.toml": PYPROJECT, "sae/nb.ipynb": notebook(), "sae/run.py": b"x = 1\n", **git_files("sae/.git")})
    done, row = check(archive, authors_file)
    assert done.returncode == 1
    assert row["supplementary"] == {"status": "ok", "files_scanned": 8}
    assert row["status"] == "problems"
    leaks = [leak for leak in row["anonymity"]["leaks"] if leak.get("source") == "supplementary"]
    kinds = {leak["kind"] for leak in leaks}
    assert {"git_metadata", "notebook_metadata", "metadata"} <= kinds
    for leak in leaks:
        assert list(leak) == ["kind", "value", "page", "context", "source", "file", "line"]
    assert {"file": "sae/pyproject.toml", "line": 4, "kind": "metadata", "value": "John Smith"}.items() <= next(
        leak for leak in leaks if leak["file"] == "sae/pyproject.toml" and leak["value"] == "John Smith").items()
    assert any(f["code"] == "leak_git_metadata" and "sae/.git/config" in f["message"] for f in row["findings"])


def test_a_clean_archive_keeps_the_exit_status(tmp_path, authors_file):
    archive = make_targz(tmp_path / "code.tar.gz", {"code/train.py": b"import torch\n", "code/README.md": b"# Anonymous code\n"})
    done, row = check(archive, authors_file)
    assert (done.returncode, row["status"], row["supplementary"]) == (0, "ok", {"status": "ok", "files_scanned": 2})


@pytest.mark.parametrize(("build", "error"), [
    (lambda tmp: zip_bomb(tmp / "bomb.zip"), "archive_bomb"),
    (lambda tmp: make_zip(tmp / "trav.zip", {"../../evil.py": b"x\n"}), "archive_unsafe"),
    (lambda tmp: zip_with_symlink(tmp / "link.zip"), "archive_unsafe"),
    (lambda tmp: (tmp / "bad.zip").write_bytes(b"PK\x03\x04 broken") and tmp / "bad.zip", "archive_corrupt"),
])
def test_unreadable_archives_exit_2_with_the_reason(tmp_path, authors_file, build, error):
    done, row = check(build(tmp_path), authors_file)
    assert done.returncode == 2
    assert row["supplementary"] == {"status": "unreadable", "error": error}
    assert row["pages"]["main_content_end"] is not None  # the PDF itself was still checked
    assert any(f["code"] == error for f in row["findings"])


def test_archive_over_the_venues_size_limit(tmp_path, authors_file):
    venue = (ROOT / "venues" / "mechinterp-2025.toml").read_text()
    small = tmp_path / "venue.toml"
    small.write_text(re.sub(r"max_supplementary_mb = \d+", "max_supplementary_mb = 1", venue))
    archive = make_zip(tmp_path / "big.zip", {"data.bin": __import__("os").urandom(1_500_000)})
    done, row = check(archive, authors_file, "--venue", str(small))
    assert (done.returncode, row["supplementary"]) == (2, {"status": "unreadable", "error": "archive_too_large"})


def test_text_output_and_call_errors(tmp_path, authors_file):
    archive = make_zip(tmp_path / "code.zip", {"a/LICENSE": b"Copyright (c) 2024 John Smith\n"})
    done = run_cli(PDF, "--track", "short", "--supplementary", str(archive), "--authors", str(authors_file))
    assert done.returncode == 1
    assert "a/LICENSE, line 1" in done.stdout and "supplementary: 1 file(s) scanned, 1 leak(s)" in done.stdout
    done = run_cli(PDF, PDF, "--track", "short", "--supplementary", str(archive))
    assert done.returncode == 2 and "exactly one PDF" in done.stderr
