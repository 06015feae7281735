"""An author's submission through the API, end to end, and what others see of it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
from api_helpers import finish_check, submission_payload
from django.core.files.uploadedfile import SimpleUploadedFile

JSON = "application/json"


def _create(client, headers, **overrides):
    return client.post("/api/venues/mechinterp-2025/submissions", submission_payload(**overrides), content_type=JSON, headers=headers)


def _upload(client, headers, public_id, content: bytes, name="paper.pdf", kind="paper"):
    data = {"file": SimpleUploadedFile(name, content, content_type="application/pdf"), "kind": kind}
    return client.post(f"/api/submissions/{public_id}/versions", data, headers=headers)


def test_api_author_creates_uploads_submits_withdraws_and_restores(client, venue, author, author_headers, pdf_bytes):
    created = _create(client, author_headers)
    assert created.status_code == 201, created.content
    body = created.json()
    public_id = body["public_id"]
    assert body["status"] == "draft"
    assert body["track"] == "short"
    assert body["secondary_topics"] == ["model-biology"]
    assert body["paper"] is None
    assert body["authors"][0]["name"] == "Ada Lovelace"
    assert body["actions"]["edit"] == {"allowed": True, "reason": ""}

    uploaded = _upload(client, author_headers, public_id, pdf_bytes, name="lovelace-planning.pdf")
    assert uploaded.status_code == 201, uploaded.content
    version = uploaded.json()
    assert version["version"] == 1
    assert version["kind"] == "paper"
    assert version["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert version["size"] == len(pdf_bytes)
    assert version["original_name"] == "lovelace-planning.pdf"
    assert version["check"]["state"] == "queued"

    # Submitting while the check is still queued is answered, never run inside the request:
    # the author is asked to submit again once the worker has checked the PDF.
    waiting = client.post(f"/api/submissions/{public_id}/submit", headers=author_headers)
    assert waiting.status_code == 400
    assert waiting.json()["detail"] == "The PDF is still being checked; please submit again in a few seconds."
    finish_check(version["public_id"])
    submitted = client.post(f"/api/submissions/{public_id}/submit", headers=author_headers)
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_at"]

    listed = client.get(f"/api/submissions/{public_id}/versions", headers=author_headers)
    assert listed.status_code == 200
    [only] = listed.json()
    assert only["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert only["current"] is True
    assert only["uploaded_at"]
    assert only["check"]["state"] == "done"
    assert only["check"]["status"] == "ok"
    assert only["check"]["pages"] == {"main_content_end": 3, "limit": 4, "verdict": "ok"}
    assert only["check"]["blocking_reasons"] == []

    again = client.post(f"/api/submissions/{public_id}/submit", headers=author_headers)
    assert again.status_code == 409

    withdrawn = client.post(f"/api/submissions/{public_id}/withdraw", headers=author_headers)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["actions"]["restore"]["allowed"] is True
    blocked = client.patch(f"/api/submissions/{public_id}", {"title": "New"}, content_type=JSON, headers=author_headers)
    assert blocked.status_code == 403
    assert blocked.json()["detail"] == "This submission is withdrawn. Restore it first to change it."

    restored = client.post(f"/api/submissions/{public_id}/restore", headers=author_headers)
    assert restored.status_code == 200
    assert restored.json()["status"] == "submitted"

    mine = client.get("/api/submissions", headers=author_headers).json()
    assert mine["count"] == 1
    assert mine["items"][0]["public_id"] == public_id
    assert mine["items"][0]["paper"]["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()


def test_api_second_upload_is_version_two_and_first_stays(client, draft, author_headers, pdf_bytes):
    first, second = pdf_bytes, pdf_bytes.replace(b"test paper", b"test draft")
    assert first != second
    assert _upload(client, author_headers, draft.public_id, first).status_code == 201
    assert _upload(client, author_headers, draft.public_id, second).status_code == 201
    versions = client.get(f"/api/submissions/{draft.public_id}/versions", headers=author_headers).json()
    assert [(v["version"], v["current"], v["sha256"]) for v in versions] == [
        (2, True, hashlib.sha256(second).hexdigest()),
        (1, False, hashlib.sha256(first).hexdigest()),
    ]


def test_api_supplementary_zip_upload(client, draft, author_headers):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("code/run.py", "print('hi')\n")
    response = _upload(client, author_headers, draft.public_id, buffer.getvalue(), name="code.zip", kind="supplementary")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "supplementary"
    assert response.json()["check"]["mode"] == "supplementary"  # archives are checked too (paperdesk.checks.archive)


def test_api_non_pdf_upload_is_400_with_clear_detail(client, draft, author_headers):
    response = _upload(client, author_headers, draft.public_id, b"<!doctype html><html>login</html>", name="paper.pdf")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "This file is not a PDF (its content does not start with %PDF-). It looks like an HTML page.",
        "field": "pdf",
    }
    truncated = _upload(client, author_headers, draft.public_id, b"%PDF-1.4\n1 0 obj\n")
    assert truncated.status_code == 400
    assert "truncated" in truncated.json()["detail"]
    empty = _upload(client, author_headers, draft.public_id, b"")
    assert empty.status_code in (400, 422)


def test_api_upload_without_file_or_with_bad_kind_is_422(client, draft, author_headers, pdf_bytes):
    assert client.post(f"/api/submissions/{draft.public_id}/versions", {}, headers=author_headers).status_code == 422
    assert _upload(client, author_headers, draft.public_id, pdf_bytes, kind="camera_ready").status_code == 422


def test_api_other_author_gets_the_same_404_as_for_a_missing_id(client, draft, other_headers, author_headers, pdf_bytes):
    missing = "zzzzzzzzzz"
    for method, suffix in [("get", ""), ("patch", ""), ("get", "/versions"), ("post", "/submit"), ("post", "/withdraw"), ("post", "/restore"), ("post", "/versions")]:
        call = getattr(client, method)

        def kwargs(method=method, suffix=suffix):
            if method == "patch":
                return {"content_type": JSON, "data": {"title": "Mine now"}}
            if suffix == "/versions" and method == "post":
                return {"data": {"file": SimpleUploadedFile("p.pdf", pdf_bytes)}}
            return {}

        theirs = call(f"/api/submissions/{draft.public_id}{suffix}", headers=other_headers, **kwargs())
        absent = call(f"/api/submissions/{missing}{suffix}", headers=other_headers, **kwargs())
        assert theirs.status_code == absent.status_code == 404, (method, suffix)
        assert theirs.content == absent.content == b'{"detail": "Not found.", "field": null}'
    assert client.get("/api/submissions", headers=other_headers).json()["count"] == 0
    assert client.get(f"/api/submissions/{draft.public_id}", headers=author_headers).status_code == 200


def test_api_malformed_public_id_is_the_same_404(client, venue, author_headers):
    for public_id in ("UPPERCASE", "a" * 40, "%00", "ab%20cd"):
        response = client.get(f"/api/submissions/{public_id}", headers=author_headers)
        assert response.status_code == 404, public_id


def test_api_patch_changes_only_the_fields_sent(client, draft, author_headers):
    response = client.patch(f"/api/submissions/{draft.public_id}", {"title": "  A sharper title  ", "attendance": "yes"}, content_type=JSON, headers=author_headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "A sharper title"
    assert body["attendance"] == "yes"
    assert body["track"] == "long"
    assert body["abstract"] == "We test whether attribution graphs stay faithful off-distribution."
    assert [a["email"] for a in body["authors"]] == ["ada@uni.edu"]


def test_api_patch_replaces_authors(client, draft, author_headers):
    authors = [
        {"email": "ada@uni.edu", "name": "Ada Lovelace"},
        {"email": "charles@uni.edu", "name": "Charles Babbage", "is_co_first": True},
    ]
    response = client.patch(f"/api/submissions/{draft.public_id}", {"authors": authors}, content_type=JSON, headers=author_headers)
    assert response.status_code == 200, response.content
    assert [(a["position"], a["email"], a["status"]) for a in response.json()["authors"]] == [
        (1, "ada@uni.edu", "confirmed"),
        (2, "charles@uni.edu", "invited"),
    ]


def test_api_patch_refuses_null_and_unknown_fields(client, draft, author_headers):
    url = f"/api/submissions/{draft.public_id}"
    assert client.patch(url, {"title": None}, content_type=JSON, headers=author_headers).status_code == 422
    assert client.patch(url, {"secondary_topics": None}, content_type=JSON, headers=author_headers).status_code == 422
    assert client.patch(url, {"titel": "typo"}, content_type=JSON, headers=author_headers).status_code == 422


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"track": "medium"}, 400, "track"),
        ({"primary_topic": "astrology"}, 400, "primary_topic"),
        ({"title": "   "}, 400, "title"),
        ({"authors": [{"email": "someone@else.edu", "name": "Someone Else"}]}, 400, "authors"),
        ({"authors": [{"email": "not-an-address", "name": "X"}]}, 400, "authors"),
    ],
)
def test_api_create_refusals_name_the_field(client, venue, author_headers, overrides, status, field):
    response = _create(client, author_headers, **overrides)
    assert response.status_code == status
    assert response.json()["field"] == field
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "x" * 301},
        {"abstract": "y" * 5001},
        {"title": "nul \x00 byte"},
        {"title": 42},
        {"authors": []},
        {"authors": "ada@uni.edu"},
        {"attendance": "maybe"},
        {"code_url": "javascript:alert(1)"},
        {"track": "../../etc"},
        {"attestations": {"anonymized": "yes please"}},
        {"secondary_topics": ["circuits"] * 21},
    ],
)
def test_api_create_bad_input_is_422(client, venue, author_headers, overrides):
    response = _create(client, author_headers, **overrides)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["msg"]


def test_api_malformed_json_is_400(client, venue, author_headers):
    response = client.post("/api/venues/mechinterp-2025/submissions", "{not json", content_type=JSON, headers=author_headers)
    assert response.status_code == 400
    assert response.json()["detail"] == "Cannot parse request body"
    assert client.post("/api/venues/mechinterp-2025/submissions", "[1, 2]", content_type=JSON, headers=author_headers).status_code == 422


def test_api_oversized_or_deeply_nested_json_is_a_4xx(client, venue, author_headers):
    url = "/api/venues/mechinterp-2025/submissions"
    huge = '{"title": "' + "x" * (6 * 1024 * 1024) + '"}'
    response = client.post(url, huge, content_type=JSON, headers=author_headers)
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is too large."
    nested = "[" * 100_000 + "]" * 100_000
    assert client.post(url, nested, content_type=JSON, headers=author_headers).status_code == 400


def test_api_multipart_with_too_many_fields_is_400(client, draft, author_headers, pdf_bytes):
    fields = {f"f{i}": "x" for i in range(1200)}
    fields["file"] = SimpleUploadedFile("p.pdf", pdf_bytes)
    response = client.post(f"/api/submissions/{draft.public_id}/versions", fields, headers=author_headers)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body could not be read")


def test_api_create_in_unknown_venue_is_404(client, venue, author_headers):
    response = client.post("/api/venues/nowhere/submissions", submission_payload(), content_type=JSON, headers=author_headers)
    assert response.status_code == 404


def test_api_deadline_passed_is_403_with_the_reason(client, venue, draft, author_headers, pdf_bytes, monkeypatch):
    late = venue.submission_deadline + dt.timedelta(minutes=1)
    monkeypatch.setattr("paperdesk.clock.now", lambda: late)
    created = _create(client, author_headers)
    assert created.status_code == 403
    detail = created.json()["detail"]
    assert detail.startswith("The submission deadline passed on ")
    assert f"{venue.moment_text(venue.submission_deadline)}; submissions are read-only. Contact neurips2025@mechinterpworkshop.com" in detail
    assert " AoE (" in detail and " UTC)" in detail  # Anywhere on Earth, and UTC
    uploaded = _upload(client, author_headers, draft.public_id, pdf_bytes)
    assert uploaded.status_code == 403
    assert uploaded.json()["detail"] == detail
    assert client.patch(f"/api/submissions/{draft.public_id}", {"title": "Late"}, content_type=JSON, headers=author_headers).status_code == 403
    shown = client.get(f"/api/submissions/{draft.public_id}", headers=author_headers).json()
    assert shown["actions"]["edit"] == {"allowed": False, "reason": detail}
    assert client.get("/api/venues/mechinterp-2025").json()["submission_window"] == {"open": False, "reason": detail}


def test_api_submit_without_pdf_is_400(client, draft, author_headers):
    response = client.post(f"/api/submissions/{draft.public_id}/submit", headers=author_headers)
    assert response.status_code == 400
    assert response.json() == {"detail": "Upload the paper PDF before submitting.", "field": "pdf"}


def test_api_author_does_not_see_the_chair_only_number(client, draft, author_headers, chair_headers):
    mine = client.get(f"/api/submissions/{draft.public_id}", headers=author_headers).json()
    assert "number" not in mine
    as_chair = client.get(f"/api/submissions/{draft.public_id}", headers=chair_headers).json()
    assert as_chair["number"] == draft.number
    assert as_chair["authors"][0]["email"] == "ada@uni.edu"
    assert as_chair["actions"]["edit"] == {"allowed": False, "reason": "Only the authors can change a submission."}


def test_api_chair_cannot_change_a_paper_they_do_not_author(client, draft, chair_headers, pdf_bytes):
    response = client.patch(f"/api/submissions/{draft.public_id}", {"title": "Chair edit"}, content_type=JSON, headers=chair_headers)
    assert response.status_code == 403
    assert _upload(client, chair_headers, draft.public_id, pdf_bytes).status_code == 403
