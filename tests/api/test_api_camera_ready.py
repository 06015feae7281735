"""Camera-ready over the API, in the decisions tests' world (an accepted paper by John Smith
and José Núñez, an accepted paper by Grace Hopper, a rejected one by Ada Lovelace): the
checklist, uploads read by the real checker in camera-ready mode, the published details
validated as the page's form does, the hosting choice, and the same 404 for everyone but
the authors."""

from __future__ import annotations

import datetime as dt

from api_helpers import bearer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from paperdesk.audit.models import AuditEntry
from paperdesk.cameraready.models import CameraReady
from paperdesk.submissions.models import CheckRun, Upload
from tests.cameraready.camera_ready_world import CAMERA_READY_PDF, author_ids, crworld  # noqa: F401 - fixture
from tests.conftest import make_pdf_bytes
from tests.reviews.fixtures import at  # noqa: F401 - fixture

JSON = "application/json"
NOT_FOUND = {"detail": "Not found.", "field": None}


def url(paper, rest: str = "") -> str:
    return f"/api/submissions/{paper.public_id}/camera-ready{rest}"


def headers(world, token_for, role: str) -> dict:
    return bearer(token_for(world.people[role]))


def send_pdf(world, token_for, role, content: bytes, capture, *, host: bool = True, paper=None, name: str = "final.pdf"):
    """POST a camera-ready PDF; the real checker reads it once the upload commits."""
    with capture(execute=True):
        return Client().post(url(paper or world.paper, "/versions"),
                             {"file": SimpleUploadedFile(name, content, content_type="application/pdf"), "host_pdf": "true" if host else "false"},
                             headers=headers(world, token_for, role))


def details(world, **changes) -> dict:
    body = {
        "title": world.paper.title, "abstract": world.paper.abstract, "code_url": "", "data_url": "",
        "authors": [{"authorship_id": a.pk, "name": a.name, "affiliation": a.affiliation, "position": n}
                    for n, a in enumerate(world.paper.authorships.order_by("position"), start=1)],
    }
    body.update(changes)
    return body


def put(world, token_for, role, rest, body, paper=None):
    return Client().put(url(paper or world.paper, rest), body, content_type=JSON, headers=headers(world, token_for, role))


def test_api_camera_ready_walks_the_authors_through_the_checklist(crworld, token_for, django_capture_on_commit_callbacks):
    john = headers(crworld, token_for, "john")
    response = Client().get(url(crworld.paper), headers=john)
    assert response.status_code == 200, response.content
    state = response.json()
    assert state["paper"] == crworld.paper.public_id
    assert [(i["key"], i["done"]) for i in state["checklist"]] == [("pdf", False), ("metadata", False), ("hosting", False)]
    assert state["pdf"] == {"state": "missing", "version": None, "problems": [], "notes": []}
    assert state["complete"] is False and state["details_confirmed"] is False
    assert state["hosting"] == {"chosen": False, "host_pdf": state["hosting"]["host_pdf"]}
    assert state["page_limit"] == 5 and state["can_edit"] == {"allowed": True, "reason": ""}
    assert state["deadline"]["utc"].startswith(crworld.venue.camera_ready_deadline.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M"))
    assert state["deadline_extended"] is False
    assert state["published"]["title"] == "Sparse circuits in toy models" and state["published"]["confirmed"] is False
    assert [a["name"] for a in state["published"]["authors"]] == ["John Smith", "José Núñez"]
    assert state["versions"] == []

    # A PDF that never names the authors: the real checker, camera-ready mode, a problem.
    response = send_pdf(crworld, token_for, "john", make_pdf_bytes(2, "An anonymous draft"), django_capture_on_commit_callbacks, host=False)
    assert response.status_code == 201, response.content
    state = response.json()
    run = CheckRun.objects.get(upload__submission=crworld.paper, upload__kind="camera_ready", upload__version=1)
    assert run.mode == "camera-ready" and run.state == CheckRun.State.DONE
    assert Client().get(url(crworld.paper), headers=john).json()["pdf"]["state"] == "problems"
    state = Client().get(url(crworld.paper), headers=john).json()
    assert any("None of the authors' names were found on the first page" in p for p in state["pdf"]["problems"])
    assert state["hosting"] == {"chosen": True, "host_pdf": False}
    assert [(i["key"], i["done"]) for i in state["checklist"]] == [("pdf", False), ("metadata", False), ("hosting", True)]

    # The real camera-ready, by the co-author: passes; both versions are kept, newest first.
    response = send_pdf(crworld, token_for, "jose", CAMERA_READY_PDF.read_bytes(), django_capture_on_commit_callbacks, host=True)
    assert response.status_code == 201, response.content
    state = Client().get(url(crworld.paper), headers=john).json()
    assert state["pdf"]["state"] == "checked" and state["pdf"]["version"] == 2 and state["pdf"]["problems"] == []
    assert [(v["version"], v["current"], v["kind"]) for v in state["versions"]] == [(2, True, "camera_ready"), (1, False, "camera_ready")]
    assert state["versions"][0]["check"]["mode"] == "camera-ready" and state["versions"][0]["original_name"] == "final.pdf"
    assert state["hosting"] == {"chosen": True, "host_pdf": True}
    assert [i["detail"] for i in state["checklist"] if i["key"] == "pdf"] == ["Version 2 passed the camera-ready check."]

    # Confirm the details: new title, reordered authors, a code link.
    jose, john_a = sorted(crworld.paper.authorships.all(), key=lambda a: -a.position)
    body = details(crworld, title="Sparse circuits in small models", code_url="https://github.com/jsmith/sparse-circuits", authors=[
        {"authorship_id": jose.pk, "name": "José A. Núñez", "affiliation": "Glenvale Institute", "position": 1},
        {"authorship_id": john_a.pk, "name": "John Q. Smith", "affiliation": "University of Carrowmore", "position": 2},
    ])
    response = put(crworld, token_for, "john", "/details", body)
    assert response.status_code == 200, response.content
    state = response.json()
    assert state["complete"] is True and state["details_confirmed"] is True
    published = state["published"]
    assert published["title"] == "Sparse circuits in small models" and published["confirmed"] is True
    assert published["code_url"] == "https://github.com/jsmith/sparse-circuits"
    assert [(a["name"], a["position"]) for a in published["authors"]] == [("José A. Núñez", 1), ("John Q. Smith", 2)]
    crworld.paper.refresh_from_db()
    assert crworld.paper.title == "Sparse circuits in toy models"  # the reviewed submission is unchanged
    assert AuditEntry.objects.filter(action="camera_ready.metadata", object_id=crworld.paper.public_id).count() == 1
    assert AuditEntry.objects.filter(action="camera_ready.upload", object_id=crworld.paper.public_id).count() == 2


def test_api_camera_ready_hosting_choice(crworld, token_for):
    response = put(crworld, token_for, "jose", "/hosting", {"host_pdf": True})
    assert response.status_code == 200, response.content
    assert response.json()["hosting"] == {"chosen": True, "host_pdf": True}
    assert [i["detail"] for i in response.json()["checklist"] if i["key"] == "hosting"] == ["The PDF is hosted on the public page."]
    response = put(crworld, token_for, "john", "/hosting", {"host_pdf": False})
    assert response.json()["hosting"] == {"chosen": True, "host_pdf": False}
    assert CameraReady.objects.get(submission=crworld.paper).hosting_chosen_at is not None
    assert AuditEntry.objects.filter(action="camera_ready.hosting", object_id=crworld.paper.public_id).count() == 2
    assert put(crworld, token_for, "john", "/hosting", {"host_pdf": "maybe"}).status_code == 422
    assert put(crworld, token_for, "john", "/hosting", {}).status_code == 422


def test_api_camera_ready_upload_errors_are_the_pages(crworld, token_for, django_capture_on_commit_callbacks, at):
    capture = django_capture_on_commit_callbacks
    response = send_pdf(crworld, token_for, "john", b"<!doctype html><html>login</html>", capture)
    assert response.status_code == 400
    assert response.json() == {"detail": "This file is not a PDF (its content does not start with %PDF-). It looks like an HTML page.", "field": "pdf"}

    venue = crworld.venue
    config = dict(venue.config)
    config["submission"] = {**config["submission"], "max_pdf_mb": 1}
    type(venue).objects.filter(pk=venue.pk).update(config=config)
    response = send_pdf(crworld, token_for, "john", make_pdf_bytes(2) + b"%" * 1_200_000, capture)
    assert response.status_code == 413
    assert response.json() == {"detail": "The file is 1.2 MB; the limit for this venue is 1 MB.", "field": "pdf"}

    # Missing parts are the API's 422.
    john = headers(crworld, token_for, "john")
    assert Client().post(url(crworld.paper, "/versions"), {"host_pdf": "true"}, headers=john).status_code == 422
    no_choice = {"file": SimpleUploadedFile("a.pdf", make_pdf_bytes(2), content_type="application/pdf")}
    assert Client().post(url(crworld.paper, "/versions"), no_choice, headers=john).status_code == 422

    # The author of the rejected paper is told why; as on the page.
    response = send_pdf(crworld, token_for, "ada", CAMERA_READY_PDF.read_bytes(), capture, paper=crworld.rejected)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only accepted papers have a camera-ready version")

    at(venue.camera_ready_deadline + dt.timedelta(hours=1))
    response = send_pdf(crworld, token_for, "john", CAMERA_READY_PDF.read_bytes(), capture)
    assert response.status_code == 403 and response.json()["detail"].startswith("The camera-ready deadline passed on")
    state = Client().get(url(crworld.paper), headers=john).json()
    assert state["can_edit"]["allowed"] is False and state["can_edit"]["reason"].startswith("The camera-ready deadline passed on")
    assert not Upload.objects.filter(submission=crworld.paper, kind=Upload.Kind.CAMERA_READY).exists()


def test_api_camera_ready_details_validation_is_the_forms(crworld, token_for):
    first, second = author_ids(crworld)

    def refused(**changes):
        response = put(crworld, token_for, "john", "/details", details(crworld, **changes))
        assert response.status_code == 400, response.content
        return response.json()

    body = refused(title="  ")
    assert body == {"detail": "The details were not saved: Enter the title as it should be published.", "field": "title"}
    body = refused(code_url="ftp://example.org/code")
    assert body == {"detail": "The details were not saved: Enter a valid URL.", "field": "code_url"}
    body = refused(title="x" * 301)
    assert "at most 300 characters" in body["detail"] and body["field"] == "title"
    authors = details(crworld)["authors"]
    same_place = [{**authors[0], "position": 1}, {**authors[1], "position": 1}]
    assert refused(authors=same_place)["detail"] == ("The details were not saved: Two authors have the same place in the list; "
                                                     "give each author a different place.")
    assert refused(authors=[authors[0], {**authors[1], "position": 3}]) == {
        "detail": "The details were not saved: Places run from 1 to 2.", "field": f"authors.{second}.position"}
    assert refused(authors=[{**authors[0], "name": " "}, authors[1]]) == {
        "detail": "The details were not saved: Every author needs a name.", "field": f"authors.{first}.name"}
    assert refused(authors=[authors[0]])["detail"] == f"`authors` must list every author of the paper once, by authorship id ({first}, {second})."
    assert refused(authors=[authors[0], authors[0]])["detail"] == "Each author appears once in `authors`."
    assert refused(authors=[authors[0], {**authors[1], "authorship_id": 10**9}])["field"] == "authors"
    assert put(crworld, token_for, "john", "/details", {"title": "only a title"}).status_code == 422
    assert put(crworld, token_for, "john", "/details", {**details(crworld), "extra": 1}).status_code == 422
    assert not CameraReady.objects.filter(submission=crworld.paper, confirmed_at__isnull=False).exists()


def test_api_camera_ready_deadline_closes_the_details(crworld, token_for, at):
    at(crworld.venue.camera_ready_deadline + dt.timedelta(hours=1))
    response = put(crworld, token_for, "john", "/details", details(crworld, title="Too late"))
    assert response.status_code == 403 and response.json()["detail"].startswith("The camera-ready deadline passed on")
    response = put(crworld, token_for, "ada", "/details", details(crworld), paper=crworld.rejected)
    assert response.status_code == 403


def test_api_camera_ready_is_a_404_for_everyone_but_the_authors(crworld, token_for, django_capture_on_commit_callbacks):
    missing_id = "2345678"
    for role in ("grace", "ada", "reviewer", "chair"):
        h = headers(crworld, token_for, role)
        assert Client().get(url(crworld.paper), headers=h).json() == NOT_FOUND, role
        response = send_pdf(crworld, token_for, role, CAMERA_READY_PDF.read_bytes(), django_capture_on_commit_callbacks)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), role
        response = put(crworld, token_for, role, "/details", details(crworld))
        assert (response.status_code, response.json()) == (404, NOT_FOUND), role
        response = put(crworld, token_for, role, "/hosting", {"host_pdf": True})
        assert (response.status_code, response.json()) == (404, NOT_FOUND), role
    john = headers(crworld, token_for, "john")
    for public_id in (missing_id, "not-an-id!"):
        response = Client().get(f"/api/submissions/{public_id}/camera-ready", headers=john)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    # The rejected paper has no camera-ready, even for its author.
    response = Client().get(url(crworld.rejected), headers=headers(crworld, token_for, "ada"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert Client().get(url(crworld.paper)).status_code == 401
    assert not Upload.objects.filter(submission=crworld.paper, kind=Upload.Kind.CAMERA_READY).exists()
    assert not CameraReady.objects.filter(submission=crworld.paper).exists()
