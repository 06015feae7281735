"""The authors' camera-ready checklist, with the real checker in camera-ready mode: a PDF
within the limit + 1 pages that names the authors passes; one that does not name them is a
problem that blocks; the checklist says what is still missing until all is in."""

from __future__ import annotations

import re

from django.urls import reverse

from paperdesk.submissions.models import CheckRun
from tests.cameraready.camera_ready_world import CAMERA_READY_PDF, crworld, metadata_post, upload  # noqa: F401
from tests.conftest import make_pdf_bytes


def items(html: str) -> dict[str, str]:
    """data-item -> "done" | "todo", as the page shows them."""
    return {key: state for state, key in re.findall(r'class="check-item (done|todo)" data-item="(\w+)"', html)}


def author_page(world, role="john") -> str:
    response = world.client(role).get(reverse("decisions:author", args=[world.paper.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_checklist_walks_the_authors_to_a_complete_camera_ready(crworld, django_capture_on_commit_callbacks):
    html = author_page(crworld)
    assert items(html) == {"pdf": "todo", "metadata": "todo", "hosting": "todo"}
    assert "Upload the camera-ready PDF." in html and "Still to do: 3 items." in html
    assert "at most 5 pages of main content" in html  # short track: 4 + 1

    # A PDF that never names the authors: checked in camera-ready mode, a blocking problem.
    response = upload(crworld, "john", make_pdf_bytes(2, "An anonymous draft"), django_capture_on_commit_callbacks, host=False)
    assert response.status_code == 302
    run = CheckRun.objects.get(upload__submission=crworld.paper, upload__kind="camera_ready", upload__version=1)
    assert run.mode == "camera-ready" and run.state == CheckRun.State.DONE
    html = author_page(crworld)
    assert items(html) == {"pdf": "todo", "metadata": "todo", "hosting": "done"}
    assert "None of the authors&#x27; names were found on the first page" in html
    assert "The public page lists the paper without the PDF." in html

    # The real camera-ready: five pages of main content (the limit + 1) and both names.
    response = upload(crworld, "jose", CAMERA_READY_PDF.read_bytes(), django_capture_on_commit_callbacks, host=True)
    assert response.status_code == 302
    run = CheckRun.objects.get(upload__submission=crworld.paper, upload__kind="camera_ready", upload__version=2)
    assert run.report["pages"]["verdict"] == "ok" and run.report["pages"]["limit"] == 5
    html = author_page(crworld)
    assert items(html) == {"pdf": "done", "metadata": "todo", "hosting": "done"}
    assert "Version 2 passed the camera-ready check." in html and "Still to do: 1 item." in html

    response = crworld.client("john").post(reverse("cameraready:camera_ready_metadata", args=[crworld.paper.public_id]), metadata_post(crworld))
    assert response.status_code == 302
    html = author_page(crworld)
    assert items(html) == {"pdf": "done", "metadata": "done", "hosting": "done"}
    assert "your camera-ready version is complete" in html


def test_the_hosting_choice_alone_counts_as_chosen(crworld):
    response = crworld.client("john").post(reverse("cameraready:camera_ready", args=[crworld.paper.public_id]), {"action": "hosting", "host_pdf": "yes"})
    assert response.status_code == 302
    html = author_page(crworld)
    assert items(html)["hosting"] == "done" and "The PDF is hosted on the public page." in html


def test_no_checklist_for_rejected_papers_or_other_people(crworld):
    html = crworld.client("ada").get(reverse("decisions:author", args=[crworld.rejected.public_id])).content.decode()
    assert "data-item=" not in html and "camera-ready-metadata" not in html
    assert crworld.client("grace").get(reverse("decisions:author", args=[crworld.paper.public_id])).status_code == 404
    assert crworld.client("reviewer").get(reverse("decisions:author", args=[crworld.paper.public_id])).status_code == 404
