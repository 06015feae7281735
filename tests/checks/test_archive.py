"""Supplementary archives: read safely (bombs, traversal, links, damage: a clear verdict,
never a crash) and searched for what names the authors, with file and line."""

from __future__ import annotations

import json
import tarfile
import zipfile

import pytest
from archive_helpers import (
    PYPROJECT,
    PYPROJECT_ANON,
    git_files,
    make_targz,
    make_zip,
    notebook,
    targz_bomb,
    targz_with_symlink,
    zip_bomb,
    zip_with_symlink,
)
from checks_helpers import AUTHORS

from paperdesk.checks import identities_from_json
from paperdesk.checks.archive import ArchiveLimits, clean_archive, scan_archive

IDS = identities_from_json(AUTHORS)


def leaks_of(result, kind=None):
    return [leak for leak in result.leaks if kind is None or leak["kind"] == kind]


# --- unsafe or unreadable archives --------------------------------------------------------


def test_zip_bomb_is_refused_without_inflating_it(tmp_path):
    result = scan_archive(zip_bomb(tmp_path / "bomb.zip"), IDS)
    assert (result.status, result.error) == ("unreadable", "archive_bomb")
    assert result.summary() == {"status": "unreadable", "error": "archive_bomb"}


def test_targz_bomb_is_refused(tmp_path):
    result = scan_archive(targz_bomb(tmp_path / "bomb.tar.gz"), IDS)
    assert (result.status, result.error) == ("unreadable", "archive_bomb")


def test_total_size_cap(tmp_path):
    path = make_zip(tmp_path / "big.zip", {f"data/{i}.txt": bytes(range(256)) * 400 for i in range(10)})
    result = scan_archive(path, IDS, ArchiveLimits(max_total_bytes=500_000))
    assert (result.status, result.error) == ("unreadable", "archive_too_large")
    result = scan_archive(path, IDS, ArchiveLimits(max_bytes=1000))
    assert (result.status, result.error) == ("unreadable", "archive_too_large")


@pytest.mark.parametrize("name", ["../evil.py", "code/../../evil.py", "/etc/passwd", "C:/Windows/evil.dll", "..\\..\\evil.py"])
def test_zip_member_outside_the_archive_is_unsafe(tmp_path, name):
    path = make_zip(tmp_path / "trav.zip", {"code/ok.py": b"x = 1\n", name: b"pwned\n"})
    result = scan_archive(path, IDS)
    assert (result.status, result.error) == ("unreadable", "archive_unsafe")


def test_targz_member_outside_the_archive_is_unsafe(tmp_path):
    path = make_targz(tmp_path / "trav.tar.gz", {"ok.py": b"x = 1\n", "../../home/x/.bashrc": b"rm -rf ~\n"})
    assert scan_archive(path, IDS).error == "archive_unsafe"


def test_symlinks_are_unsafe(tmp_path):
    assert scan_archive(zip_with_symlink(tmp_path / "link.zip"), IDS).error == "archive_unsafe"
    assert scan_archive(targz_with_symlink(tmp_path / "link.tar.gz"), IDS).error == "archive_unsafe"


def test_damaged_archives_are_corrupt(tmp_path):
    good = make_zip(tmp_path / "good.zip", {"a.py": b"print('a')\n" * 200, "b.py": b"print('b')\n" * 200}).read_bytes()
    (tmp_path / "cut.zip").write_bytes(good[: len(good) // 2])
    (tmp_path / "noise.zip").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    (tmp_path / "text.zip").write_bytes(b"this is not an archive at all\n")
    flipped = bytearray(good)
    flipped[60:90] = b"\xff" * 30  # inside the first member's deflate stream
    (tmp_path / "flipped.zip").write_bytes(bytes(flipped))
    for name in ("cut.zip", "noise.zip", "text.zip", "flipped.zip"):
        result = scan_archive(tmp_path / name, IDS)
        assert (name, result.status, result.error) == (name, "unreadable", "archive_corrupt")
    targz = make_targz(tmp_path / "good.tar.gz", {"a.py": bytes(range(256)) * 100}).read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(targz[: len(targz) // 2])
    assert scan_archive(tmp_path / "cut.tar.gz", IDS).error == "archive_corrupt"


# --- what names the authors ------------------------------------------------------------------


def test_git_directory_remote_and_commit_authors(tmp_path):
    path = make_zip(tmp_path / "code.zip", {"repo/train.py": b"print('train')\n", **git_files()})
    result = scan_archive(path, IDS)
    assert result.status == "ok"
    git = leaks_of(result, "git_metadata")
    values = {leak["value"] for leak in git}
    assert "git@github.com:jsmith-lab/secret-sae.git" in values
    assert "John Smith" in values  # [user] name in .git/config
    assert "John Smith <jsmith@carrow.edu>" in values  # reflog and loose commit
    assert "Packed Person <packed@carrow.edu>" in values  # a commit inside a pack file
    remote = next(leak for leak in git if leak["value"].startswith("git@github.com"))
    assert (remote["source"], remote["file"], remote["line"]) == ("supplementary", "repo/.git/config", 4)
    assert any(f.code == "supplementary_git_directory" and "repo/.git" in f.message for f in result.findings)


def test_pack_commits_are_found_after_other_objects(tmp_path):
    import os

    from archive_helpers import PACKED_COMMIT, pack_file

    pack = pack_file([PACKED_COMMIT], blobs=[os.urandom(300_000), b"x" * 2_000_000])
    path = make_zip(tmp_path / "pack.zip", {"r/.git/objects/pack/pack-9.pack": pack})
    values = {leak["value"] for leak in scan_archive(path, IDS).leaks}
    assert values == {"Packed Person <packed@carrow.edu>"}
    damaged = make_zip(tmp_path / "bad.zip", {"r/.git/objects/pack/pack-9.pack": pack[:5000] + b"\0" * 100})
    assert scan_archive(damaged, IDS).status == "ok"  # a damaged pack is skipped, the archive is still read


def test_notebook_metadata_and_home_paths(tmp_path):
    path = make_zip(tmp_path / "nb.zip", {"notebooks/probe.ipynb": notebook()})
    result = scan_archive(path, IDS)
    found = {leak["value"]: leak for leak in leaks_of(result, "notebook_metadata")}
    assert "John Smith" in found and "Jane Quill" in found
    assert found["John Smith"]["file"] == "notebooks/probe.ipynb"
    text = notebook().decode().splitlines()
    assert "John Smith" in text[found["John Smith"]["line"] - 1]
    assert any(v.startswith("/home/jqdev/") for v in found)


def test_package_metadata_copyright_and_text(tmp_path):
    files = {
        "sae/pyproject.toml": PYPROJECT,
        "sae/package.json": json.dumps({"name": "viz", "author": {"name": "José Núñez", "email": "jnunez@carrow.edu"}}).encode(),
        "sae/setup.py": b"from setuptools import setup\nsetup(name='x', author='John Smith', author_email='jsmith@carrow.edu')\n",
        "sae/LICENSE": b"MIT License\n\nCopyright (c) 2024 John Smith\n\nPermission is hereby granted...\n",
        "sae/run.py": b"import os\n# contact: jsmith@carrow.edu\n# see https://github.com/jsmith-lab/tools\nprint('University of Carrowmore')\n",
        "sae/README.md": b"# SAE tools\nWritten by Jose Nunez.\n",
    }
    result = scan_archive(make_zip(tmp_path / "pkg.zip", files), IDS)
    assert result.status == "ok" and result.files_scanned == 6
    by = {(leak["kind"], leak["file"], leak["line"]) for leak in result.leaks}
    assert ("metadata", "sae/pyproject.toml", 4) in by
    assert ("metadata", "sae/LICENSE", 3) in by
    assert any(k == "metadata" and f == "sae/package.json" for k, f, _ in by)
    assert any(k == "metadata" and f == "sae/setup.py" for k, f, _ in by)
    assert ("email", "sae/run.py", 2) in by
    assert ("github", "sae/run.py", 3) in by
    assert ("affiliation", "sae/run.py", 4) in by
    assert ("name", "sae/README.md", 2) in by  # diacritics folded: "Jose Nunez" is José Núñez
    for leak in result.leaks:
        assert list(leak) == ["kind", "value", "page", "context", "source", "file", "line"]
        assert leak["source"] == "supplementary"


def test_not_double_blind_only_checks_safety(tmp_path):
    from paperdesk.checks import CheckRules

    files = {"a/pyproject.toml": PYPROJECT, "a/deep.ipynb": b"[" * 100_000 + b"]" * 100_000}
    path = make_zip(tmp_path / "open.zip", files)
    assert scan_archive(path, IDS, rules=CheckRules(anonymity=False)).summary() == {"status": "ok", "files_scanned": 2}
    assert scan_archive(path, IDS, rules=CheckRules(anonymity=False)).leaks == []
    assert scan_archive(path, IDS).leaks  # double-blind: the authors in pyproject.toml are found; the deep notebook is read as text
    assert scan_archive(make_zip(tmp_path / "t.zip", {"../x": b"x"}), IDS, rules=CheckRules(anonymity=False)).error == "archive_unsafe"


def test_anonymous_archive_has_no_leaks(tmp_path):
    files = {
        "code/pyproject.toml": PYPROJECT_ANON,
        "code/LICENSE": b"MIT License\n\nCopyright (c) 2025 Anonymous Authors\n",
        "code/train.py": b"import torch\nprint('see https://github.com/pytorch/pytorch')\n",
        "code/weights.bin": bytes(range(256)) * 10,
    }
    result = scan_archive(make_targz(tmp_path / "anon.tar.gz", files), IDS)
    assert (result.status, result.leaks, result.files_scanned) == ("ok", [], 4)


def test_pdf_inside_the_archive_goes_through_the_pdf_checker(tmp_path):
    pdf_path = tmp_path / "appendix.pdf"
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    page = canvas.Canvas(str(pdf_path), pagesize=letter)
    page.setAuthor("John Smith")
    page.setFont("Times-Roman", 10)
    for i in range(30):
        page.drawString(108, 700 - 14 * i, f"Appendix text line {i} about sparse features and probes in small models.")
    page.drawString(108, 250, "Code by John Smith at https://github.com/jsmith-lab/sae")
    page.showPage()
    page.save()
    result = scan_archive(make_zip(tmp_path / "with_pdf.zip", {"paper/appendix.pdf": pdf_path.read_bytes()}), IDS)
    kinds = {(leak["kind"], leak["file"]) for leak in result.leaks}
    assert ("metadata", "paper/appendix.pdf") in kinds
    assert ("name", "paper/appendix.pdf") in kinds
    named = next(leak for leak in result.leaks if leak["kind"] == "name")
    assert named["page"] == 1 and named["line"] is None


# --- the reviewers' copy ------------------------------------------------------------------------


def test_clean_copy_drops_git_and_notebook_metadata(tmp_path):
    files = {"repo/train.py": b"print('train')\n", "repo/nb.ipynb": notebook(), "__MACOSX/._x": b"junk", **git_files()}
    for source in (make_zip(tmp_path / "in.zip", files), make_targz(tmp_path / "in.tar.gz", files)):
        out = tmp_path / (source.name + ".clean.zip")
        stats = clean_archive(str(source), str(out))
        with zipfile.ZipFile(out) as copy:
            names = copy.namelist()
            assert sorted(names) == ["repo/nb.ipynb", "repo/train.py"]
            assert copy.read("repo/train.py") == b"print('train')\n"
            cleaned = json.loads(copy.read("repo/nb.ipynb"))
        assert cleaned["metadata"] == {"kernelspec": {"name": "python3", "language": "python"}, "language_info": {"name": "python"}}
        assert all(cell["metadata"] == {} for cell in cleaned["cells"])
        assert cleaned["cells"][0]["source"] == ["import torch\n"]
        assert "John Smith" not in json.dumps(cleaned) and "Jane Quill" not in json.dumps(cleaned)
        assert stats["kept"] == 2


def test_clean_copy_refuses_unsafe_archives(tmp_path):
    from paperdesk.checks.archive import ArchiveUnreadable

    with pytest.raises(ArchiveUnreadable):
        clean_archive(str(zip_with_symlink(tmp_path / "l.zip")), str(tmp_path / "out.zip"))
    assert not (tmp_path / "out.zip").exists()


def test_tar_streaming_reads_every_member_once(tmp_path):
    files = {f"src/m{i}.py": f"# module {i}\nprint({i})\n".encode() for i in range(50)}
    files["src/m7.py"] = b"# module 7\n# John Smith wrote this\n"
    result = scan_archive(make_targz(tmp_path / "many.tar.gz", files), IDS)
    assert result.files_scanned == 50
    assert [(leak["file"], leak["line"]) for leak in leaks_of(result, "name")] == [("src/m7.py", 2)]
    assert tarfile.is_tarfile(tmp_path / "many.tar.gz")
