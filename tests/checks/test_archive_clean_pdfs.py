"""The reviewers' copy of a supplementary archive strips every PDF in it the way the paper PDF
is stripped (no information dictionary, no XMP metadata, no annotation authors: pages only),
and leaves out, and reports, every PDF it cannot strip: damaged, too large, one too many.
Nothing PDF-shaped is ever passed through as it was uploaded."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from archive_helpers import make_targz, make_zip

from paperdesk.checks.archive import ArchiveLimits, clean_archive, clean_in_child
from tests.reviews.pdf_factory import pdf_with_metadata

NAME = "Ada Lovelace"
NAME_FORMS = (NAME.encode(), NAME.encode("utf-16-be"), NAME.encode("utf-16-le"), b"Lovelace")
BROKEN = b"%PDF-1.4\n1 0 obj << /Author (Ada Lovelace) >> endobj\nthis is not a PDF\n%%EOF\n"


def leaky_pdf() -> bytes:
    data = pdf_with_metadata(NAME, pages=2)
    # the three places the reviewers' copy of the paper PDF is cleaned of
    assert b"/Author (Ada Lovelace)" in data and b"<rdf:li>Ada Lovelace</rdf:li>" in data and b"/T (Ada Lovelace)" in data
    return data


def pages_text(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def files() -> dict[str, bytes]:
    return {
        "code/run.py": b"print('hi')\n",
        "paper/appendix.pdf": leaky_pdf(),
        "paper/UPPER.PDF": leaky_pdf(),
        "figures/plot.bin": leaky_pdf(),  # a PDF by its content, whatever its name
        "paper/broken.pdf": BROKEN,
    }


def archives(tmp_path: Path) -> list[Path]:
    return [make_zip(tmp_path / "in.zip", files()), make_targz(tmp_path / "in.tar.gz", files())]


def assert_nameless_copy(out: Path, stats: dict) -> None:
    original_text = pages_text(leaky_pdf())
    with zipfile.ZipFile(out) as copy:
        names = sorted(copy.namelist())
        contents = {name: copy.read(name) for name in names}
    assert "paper/broken.pdf" not in names
    for name in ("paper/appendix.pdf", "paper/UPPER.PDF", "figures/plot.bin"):
        stripped = contents[name]
        assert stripped.startswith(b"%PDF-")
        assert pages_text(stripped) == original_text  # same pages, same words
        document = pdfium.PdfDocument(stripped)
        assert NAME not in str(document.get_metadata_dict())
        document.close()
    assert contents["code/run.py"] == b"print('hi')\n"
    for name, content in contents.items():
        for form in NAME_FORMS:
            assert form not in content, (name, form)
    left_out = {row["file"]: row["reason"] for row in stats["left_out"]}
    assert list(left_out) == ["paper/broken.pdf"]
    assert "could not be read" in left_out["paper/broken.pdf"]
    assert stats["pdfs_stripped"] == 3


def test_clean_archive_strips_pdfs_and_leaves_out_a_broken_one(tmp_path):
    for source in archives(tmp_path):
        out = tmp_path / (source.name + ".clean.zip")
        stats = clean_archive(str(source), str(out))
        assert_nameless_copy(out, stats)
        # what was left out is said in the copy itself, for the reviewer who opens it
        with zipfile.ZipFile(out) as copy:
            note = next(name for name in copy.namelist() if name.startswith("LEFT-OUT"))
            assert "paper/broken.pdf" in copy.read(note).decode()


def test_clean_in_child_strips_pdfs_and_reports_what_it_left_out(tmp_path):
    for source in archives(tmp_path):
        out = tmp_path / (source.name + ".child.zip")
        stats = clean_in_child(str(source), str(out), cpu_seconds=30, memory_mb=1024, timeout=60)
        assert_nameless_copy(out, stats)


def test_pdfs_over_the_limits_are_left_out_never_copied_as_they_are(tmp_path):
    good = leaky_pdf()
    source = make_zip(tmp_path / "many.zip", {"a.pdf": good, "b.pdf": good, "c.pdf": good + b"%" * 4096})
    out = tmp_path / "out.zip"
    stats = clean_archive(str(source), str(out), ArchiveLimits(max_pdfs=1, max_pdf_bytes=len(good) + 100))
    with zipfile.ZipFile(out) as copy:
        assert [n for n in copy.namelist() if n.endswith(".pdf")] == ["a.pdf"]
        assert all(NAME.encode() not in copy.read(n) for n in copy.namelist())
    reasons = {row["file"]: row["reason"] for row in stats["left_out"]}
    assert set(reasons) == {"b.pdf", "c.pdf"}
    assert "more than 1 PDF" in reasons["b.pdf"]
    assert "larger than" in reasons["c.pdf"]


def test_an_archive_without_pdfs_is_copied_as_before(tmp_path):
    source = make_zip(tmp_path / "plain.zip", {"a.py": b"x = 1\n", "data.csv": b"a,b\n1,2\n"})
    out = tmp_path / "out.zip"
    stats = clean_archive(str(source), str(out))
    with zipfile.ZipFile(out) as copy:
        assert sorted(copy.namelist()) == ["a.py", "data.csv"]
    assert stats["left_out"] == [] and stats["pdfs_stripped"] == 0 and stats["kept"] == 2


@pytest.mark.parametrize("module", ["paperdesk.checks.pdfstrip", "paperdesk.reviews.pdfstrip"])
def test_the_paper_pdf_stripper_lives_in_the_pure_library(tmp_path, module):
    import importlib

    stripper = importlib.import_module(module)
    source = tmp_path / "paper.pdf"
    source.write_bytes(leaky_pdf())
    out = tmp_path / "copy.pdf"
    stripper.strip_in_child(str(source), str(out))
    data = out.read_bytes()
    assert pages_text(data) == pages_text(leaky_pdf())
    assert NAME.encode() not in data and NAME.encode("utf-16-be") not in data
