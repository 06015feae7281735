"""A PDF inside the supplementary archive reaches reviewers the way the paper PDF does: pages
only, without the author's name in its metadata (information dictionary, XMP, annotation
authors); one that cannot be stripped is left out of the reviewers' copy and the copy says so."""

from __future__ import annotations

import io
import zipfile

import pypdfium2 as pdfium
from django.urls import reverse

from tests.reviews.pdf_factory import pdf_with_metadata
from tests.reviews.review_world import CANARY_AUTHOR


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, content in files.items():
            out.writestr(name, content)
    return buffer.getvalue()


def add_archive(paper, content: bytes):
    from paperdesk.submissions.models import Upload
    from paperdesk.submissions.storage import store_blob

    blob = store_blob(io.BytesIO(content))
    return Upload.objects.create(submission=paper, kind=Upload.Kind.SUPPLEMENTARY, version=1, sha256=blob.sha256, size=blob.size,
                                 blob=blob.name, original_name="code.zip", uploaded_by=paper.uploads.first().uploaded_by)


def test_the_reviewers_archive_carries_no_author_name_from_a_pdf_inside_it(rworld):
    appendix = pdf_with_metadata(CANARY_AUTHOR, pages=3)
    assert CANARY_AUTHOR.encode() in appendix
    add_archive(rworld.paper, zip_of({
        "code/train.py": b"print('train')\n",
        "paper/appendix.pdf": appendix,
        "paper/broken.pdf": f"%PDF-1.4\n<< /Author ({CANARY_AUTHOR}) >>\nnot a pdf\n%%EOF\n".encode(),
    }))
    response = rworld.client("reviewer").get(reverse("reviews:supplementary", args=[rworld.paper.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as copy:
        names = copy.namelist()
        contents = {name: copy.read(name) for name in names}
    assert "paper/broken.pdf" not in names
    assert "paper/appendix.pdf" in names and contents["code/train.py"] == b"print('train')\n"
    document = pdfium.PdfDocument(contents["paper/appendix.pdf"])
    assert len(document) == 3
    assert "circuits in small transformers" in document[0].get_textpage().get_text_range()
    document.close()
    for name, content in contents.items():
        for form in (CANARY_AUTHOR.encode(), CANARY_AUTHOR.encode("utf-16-be"), b"Canarywhistle"):
            assert form not in content, (name, form)
    note = next(name for name in names if name.startswith("LEFT-OUT"))
    assert "1 file was left out of the reviewers' copy" in contents[note].decode() and "paper/broken.pdf" in contents[note].decode()


def test_a_copy_stored_before_pdfs_were_stripped_is_made_again(rworld):
    from paperdesk.reviews.models import AnonymizedPdf
    from paperdesk.submissions.storage import store_blob

    archive = zip_of({"paper/appendix.pdf": pdf_with_metadata(CANARY_AUTHOR)})
    upload = add_archive(rworld.paper, archive)
    stale = store_blob(io.BytesIO(archive))  # what the cleaner made when it copied PDFs as they were
    AnonymizedPdf.objects.create(upload=upload, blob=stale.name, sha256=stale.sha256, size=stale.size)
    url = reverse("reviews:supplementary", args=[rworld.paper.public_id])
    data = b"".join(rworld.client("reviewer").get(url).streaming_content)
    assert CANARY_AUTHOR.encode() not in data and data != archive
    with zipfile.ZipFile(io.BytesIO(data)) as copy:
        assert copy.namelist() == ["paper/appendix.pdf"]
        assert CANARY_AUTHOR.encode() not in copy.read("paper/appendix.pdf")
    made = AnonymizedPdf.objects.get(upload=upload)
    assert made.blob != stale.name and made.left_out == []
    # made once: the next download is served from storage
    assert b"".join(rworld.client("reviewer2").get(url).streaming_content) == data
    assert AnonymizedPdf.objects.get(upload=upload).blob == made.blob


BROKEN_PDF = b"%PDF-1.4\n<< /Title (x) >>\nnot a pdf\n%%EOF\n"


def paper_page(rworld, role: str = "reviewer") -> str:
    response = rworld.client(role).get(reverse("reviews:paper", args=[rworld.paper.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def download(rworld, role: str = "reviewer") -> bytes:
    response = rworld.client(role).get(reverse("reviews:supplementary", args=[rworld.paper.public_id]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_reviewers_page_lists_what_was_left_out_of_their_copy_once_it_is_made(rworld):
    from django.utils.html import escape

    from paperdesk.reviews.models import AnonymizedPdf

    upload = add_archive(rworld.paper, zip_of({"code/train.py": b"print('train')\n", "paper/broken.pdf": BROKEN_PDF}))
    before = paper_page(rworld)
    assert "Download the supplementary material" in before
    assert "left out of your copy" not in before  # no copy yet: nothing is known
    download(rworld)
    row = AnonymizedPdf.objects.get(upload=upload)
    assert [entry["file"] for entry in row.left_out] == ["paper/broken.pdf"]
    reason = row.left_out[0]["reason"]
    assert reason and "metadata could not be removed" in reason
    page = paper_page(rworld)
    assert "1 file was left out of your copy (it could not be cleaned)" in page
    assert "paper/broken.pdf" in page and escape(reason) in page
    # the other reviewer sees the same facts of the same copy
    assert "1 file was left out of your copy" in paper_page(rworld, "reviewer2")


def test_a_copy_with_nothing_left_out_says_nothing_of_it(rworld):
    from paperdesk.reviews.models import AnonymizedPdf

    upload = add_archive(rworld.paper, zip_of({"code/train.py": b"print('train')\n", "paper/appendix.pdf": pdf_with_metadata(CANARY_AUTHOR)}))
    download(rworld)
    assert AnonymizedPdf.objects.get(upload=upload).left_out == []
    page = paper_page(rworld)
    assert "Download the supplementary material" in page and "left out of your copy" not in page


def test_several_files_left_out_are_counted_and_their_names_escaped(rworld):
    from paperdesk.reviews.models import AnonymizedPdf

    upload = add_archive(rworld.paper, zip_of({
        "paper/<b>bold</b>.pdf": BROKEN_PDF,
        "nb/analysis.ipynb": b"{not json",
    }))
    download(rworld)
    assert sorted(entry["file"] for entry in AnonymizedPdf.objects.get(upload=upload).left_out) == ["nb/analysis.ipynb", "paper/<b>bold</b>.pdf"]
    page = paper_page(rworld)
    assert "2 files were left out of your copy (they could not be cleaned)" in page
    assert "nb/analysis.ipynb" in page and "paper/&lt;b&gt;bold&lt;/b&gt;.pdf" in page and "<b>bold</b>" not in page


def test_a_name_the_copy_does_not_keep_is_not_shown_only_its_reason(rworld):
    """The page names a file only as the copy itself does (its note lists it); a row naming a
    file the copy does not (a hand-made or older row) shows the reason alone."""
    from paperdesk.reviews.models import AnonymizedPdf
    from paperdesk.reviews.supplementary import reviewer_materials

    upload = add_archive(rworld.paper, zip_of({"paper/broken.pdf": BROKEN_PDF}))
    download(rworld)
    AnonymizedPdf.objects.filter(upload=upload).update(left_out=[{"file": "Ada Lovelace notes.pdf", "reason": "it is damaged", "shown": False}])
    materials = reviewer_materials(rworld.paper)
    assert [(row.file, row.reason) for row in materials.left_out] == [("", "it is damaged")]
    page = paper_page(rworld)
    assert "1 file was left out of your copy" in page and "it is damaged" in page and "Ada Lovelace notes" not in page


def test_a_copy_made_before_its_left_out_files_were_recorded_is_made_again(rworld):
    from paperdesk.reviews.models import AnonymizedPdf

    upload = add_archive(rworld.paper, zip_of({"paper/broken.pdf": BROKEN_PDF}))
    first = download(rworld)
    AnonymizedPdf.objects.filter(upload=upload).update(left_out=None)  # as the migration leaves rows made before it
    assert "left out of your copy" not in paper_page(rworld)
    assert download(rworld) == first  # the same bytes, made again with what the cleaner reported
    assert [entry["file"] for entry in AnonymizedPdf.objects.get(upload=upload).left_out] == ["paper/broken.pdf"]
    assert "1 file was left out of your copy" in paper_page(rworld)
