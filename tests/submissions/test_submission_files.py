"""Files: durable content-addressed storage, versions, downloads, receipts over real SMTP."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from submission_helpers import files_in_storage, form_data, page_text, pdf, stored_blobs, upload_file, zip_bytes

from paperdesk.submissions.models import Submission, Upload


def test_authors_and_chairs_download_every_version_as_an_attachment(venue, author, chair, login, make_submission):
    first, second = pdf(text="first"), pdf(text="second")
    submission = make_submission(venue, author, pdf=first)
    client = login(author)
    client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(second, "second.pdf")})
    v1, v2 = Upload.objects.order_by("version")

    for user_client in (client, login(chair)):
        for upload, content in ((v1, first), (v2, second)):
            response = user_client.get(f"/files/{upload.public_id}/")
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == content
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == f'attachment; filename="{upload.original_name}"'
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert (v1.sha256, v1.size) == (hashlib.sha256(first).hexdigest(), len(first))


def test_download_names_are_made_safe(venue, author, make_submission):
    from paperdesk.submissions.views import safe_filename

    submission = make_submission(venue, author)

    def named(name, kind="paper"):
        return safe_filename(Upload(submission=submission, kind=kind, version=3, original_name=name))

    assert named('evil"\r\nX-Header: 1.pdf') == "evil_X-Header_ 1.pdf"
    assert named("../../etc/passwd") == "passwd.pdf"
    assert named("Übersicht – final.PDF") == "Übersicht – final.pdf"
    assert named("") == "submission-1-v3.pdf"
    assert named("code.tar.gz", kind="supplementary") == "code.zip"  # the content (a zip) names it
    assert safe_filename(Upload(submission=submission, kind="supplementary", version=1, original_name="code.zip"), gzip=True) == "code.tar.gz"


def test_upload_through_htmx_returns_the_files_fragment(venue, author, login, make_submission):
    submission = make_submission(venue, author, pdf=pdf())
    client = login(author)

    ok = client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(pdf(text="v2"), "v2.pdf")}, HTTP_HX_REQUEST="true")
    bad = client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(b"<html>nope</html>", "v3.pdf")}, HTTP_HX_REQUEST="true")

    assert ok.status_code == 200
    text = page_text(ok)
    assert text.strip().startswith('<section id="files" class="card">')
    assert '<p class="notice" role="status">Uploaded and stored. The checker is reading the PDF now.</p>' in text
    assert "<td>v2.pdf</td>" in text
    assert bad.status_code == 400
    assert '<p class="error" role="alert">This file is not a PDF (its content does not start with %PDF-). It looks like an HTML page.</p>' in page_text(bad)
    assert Upload.objects.count() == 2


def test_supplementary_zip_versions_are_kept_and_a_fake_zip_is_refused(venue, author, login, make_submission):
    submission = make_submission(venue, author, pdf=pdf())
    client = login(author)

    client.post(f"/submissions/{submission.public_id}/upload/", {"supplementary": upload_file(zip_bytes(), "code.zip", "application/zip")})
    client.post(f"/submissions/{submission.public_id}/upload/", {"supplementary": upload_file(zip_bytes({"b.txt": b"b"}), "code2.zip", "application/zip")})
    refused = client.post(f"/submissions/{submission.public_id}/upload/", {"supplementary": upload_file(b"PK\x03\x04 not really", "fake.zip")})

    assert refused.status_code == 400
    assert "The .zip archive is damaged (no central directory)." in page_text(refused)
    assert list(Upload.objects.filter(kind="supplementary").values_list("version", "original_name")) == [(2, "code2.zip"), (1, "code.zip")]
    download = client.get(f"/files/{Upload.objects.get(kind='supplementary', version=1).public_id}/")
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content) == zip_bytes()


def test_an_empty_upload_form_is_a_clear_400(venue, author, login, make_submission):
    submission = make_submission(venue, author)

    response = login(author).post(f"/submissions/{submission.public_id}/upload/", {})

    assert response.status_code == 400
    assert '<p class="msg-error error-box" role="alert">Choose a file to upload.</p>' in page_text(response)


# --- durability and atomicity ------------------------------------------------------------------


def test_store_blob_fsyncs_the_file_and_its_directory_before_returning(monkeypatch, blob_storage):
    from paperdesk.submissions import storage

    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        synced.append(os.path.isdir(os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    content = pdf()

    blob = storage.store_blob(io.BytesIO(content))

    digest = hashlib.sha256(content).hexdigest()
    assert blob.name == f"blobs/{digest[:2]}/{digest[2:4]}/{digest}"
    assert (blob.sha256, blob.size) == (digest, len(content))
    assert synced == [False, True]  # the file's bytes, then the directory entry
    with storage.open_blob(blob.name) as stored:
        assert stored.read() == content
    assert storage.store_blob(io.BytesIO(content)) == blob  # same bytes, same blob, no rewrite
    assert synced == [False, True]


def test_a_crash_while_writing_the_blob_leaves_no_file_and_no_version(venue, author, make_submission, monkeypatch):
    from paperdesk.submissions.services import upload_add

    submission = make_submission(venue, author)

    def power_cut(fd):
        raise OSError("simulated crash during fsync")

    monkeypatch.setattr(os, "fsync", power_cut)
    with pytest.raises(OSError):
        upload_add(submission=submission, actor=author, stream=io.BytesIO(pdf()), original_name="paper.pdf")

    assert Upload.objects.count() == 0
    assert stored_blobs() == set()  # neither the blob nor a .incoming- temporary file


def test_a_crash_between_blob_write_and_commit_leaves_no_version_and_a_whole_blob(venue, author, make_submission, monkeypatch, blob_storage):
    from paperdesk.submissions import services

    submission = make_submission(venue, author)
    before = Submission.objects.get().updated_at
    real_record = services.record

    def crash_on_upload(action, *args, **kwargs):
        if action == "upload.add":
            raise RuntimeError("server killed inside the transaction")
        return real_record(action, *args, **kwargs)

    monkeypatch.setattr(services, "record", crash_on_upload)
    content = pdf()
    with pytest.raises(RuntimeError):
        services.upload_add(submission=submission, actor=author, stream=io.BytesIO(content), original_name="paper.pdf")

    assert Upload.objects.count() == 0
    assert Submission.objects.get().updated_at == before
    digest = hashlib.sha256(content).hexdigest()
    blobs = stored_blobs()
    assert blobs in (set(), {f"{digest[:2]}/{digest[2:4]}/{digest}"})  # no .incoming- file either
    if blobs:  # the blob was durable before the transaction began: it is whole
        with open(blob_storage / "blobs" / blobs.pop(), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == digest


def test_a_crash_while_creating_with_a_pdf_leaves_no_half_made_submission(venue, author, login, monkeypatch):
    from paperdesk.submissions import checking

    def crash(upload):
        raise RuntimeError("server killed after the upload row was written")

    monkeypatch.setattr(checking, "schedule_check", crash)
    client = login(author)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(f"/v/{venue.slug}/submit/", {**form_data(), "pdf": upload_file(pdf())})

    assert Submission.objects.count() == 0
    assert Upload.objects.count() == 0
    assert not any(".incoming-" in name for name in files_in_storage())


# --- e-mail through a real SMTP server --------------------------------------------------------


def test_receipt_reaches_a_real_smtp_server(venue, author, make_submission, smtp_inbox, django_capture_on_commit_callbacks):
    from email import message_from_bytes, policy

    from paperdesk.submissions.services import AuthorInput, submission_submit

    inbox = smtp_inbox
    submission = make_submission(venue, author, pdf=pdf(), authors=[
        AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True), AuthorInput("frank@example.org", "Frank Far"),
    ])
    inbox.envelopes.clear()  # the invitation to Frank
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(submission=submission, actor=author)

    paper = Upload.objects.get()
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == ["ada@uni.edu", "frank@example.org"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == f"[{venue.short_name}] Submission #1 submitted: Sparse features in toy models"
    assert f"SHA-256: {paper.sha256}" in message.get_content()


def test_verify_uploads_finds_missing_and_damaged_blobs(venue, author, make_submission, blob_storage):
    from django.core.management import CommandError, call_command

    first = make_submission(venue, author, pdf=pdf(text="one"))
    make_submission(venue, author, pdf=pdf(text="two"), title="Second")
    out = io.StringIO()
    call_command("verify_uploads", stdout=out)
    assert out.getvalue().strip() == "2 file version(s) checked, 0 problem(s)."

    damaged = first.uploads.get()
    with open(blob_storage / damaged.blob, "r+b") as handle:
        handle.seek(20)
        handle.write(b"XX")
    missing = Upload.objects.get(submission__title="Second")
    os.unlink(blob_storage / missing.blob)
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^2 file version\(s\) checked, 2 problem\(s\)\.$"):
        call_command("verify_uploads", stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith(f"DAMAGED  {venue.slug} #1 paper v1 ({damaged.public_id}): stored {damaged.size} bytes sha256 ")
    assert lines[1] == f"MISSING  {venue.slug} #2 paper v1 ({missing.public_id}): {missing.blob}"
