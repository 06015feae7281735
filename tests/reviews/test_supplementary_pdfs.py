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
    assert made.blob != stale.name
    # made once: the next download is served from storage
    assert b"".join(rworld.client("reviewer2").get(url).streaming_content) == data
    assert AnonymizedPdf.objects.get(upload=upload).blob == made.blob
