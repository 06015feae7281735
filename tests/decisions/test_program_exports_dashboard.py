"""The public accepted-papers page and program JSON, the chairs' exports, and the
dashboard's server-drawn charts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from paperdesk.decisions import charts, services
from paperdesk.decisions.models import Decision
from paperdesk.submissions.models import Upload
from tests.conftest import make_pdf_bytes
from tests.reviews.review_world import (
    CANARY_AUTHOR,
    CANARY_REVIEWER,
    CHAIRS_ONLY_TEXT,
    META_TEXT,
    REVIEW_TEXT,
    review_post_data,
)


@pytest.fixture
def released(rworld, fake_checker, django_capture_on_commit_callbacks):
    w = rworld
    for role, overall in (("reviewer", 5), ("reviewer2", 4)):
        w.client(role).post(reverse("reviews:save", args=[w.paper.public_id]), review_post_data(w.venue, overall=overall, action="submit"))
    w.client("area_chair").post(reverse("reviews:meta_review", args=[w.paper.public_id]), {"recommendation": "accept-oral", "text": META_TEXT, "action": "submit"})
    chair = w.client("chair")
    chair.post(reverse("decisions:bulk_set", args=[w.venue.slug]), {"paper": [w.paper.public_id], "outcome": "accept-oral"})
    chair.post(reverse("decisions:bulk_set", args=[w.venue.slug]), {"paper": [w.other_paper.public_id], "outcome": "reject"})
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(reverse("decisions:release", args=[w.venue.slug]), {"subject": services.DEFAULT_SUBJECT, "body": services.DEFAULT_BODY, "action": "release", "confirmed": "yes"})
    publish_confirmed(w.venue, w.people["chair"], w.people["author"], w.paper)
    return w


def publish_confirmed(venue, chair, author, paper):
    """The authors confirm their details as submitted, and a chair publishes the program
    (releasing the decisions publishes nothing)."""
    from paperdesk.cameraready import program
    from paperdesk.cameraready import services as camera_ready

    authors = [(a.pk, a.name, a.affiliation) for a in paper.authorships.order_by("position")]
    camera_ready.metadata_confirm(submission=paper, actor=author, data=camera_ready.MetadataInput(paper.title, paper.abstract, "", "", authors))
    program.program_publish(venue=venue, actor=chair)


def upload_camera_ready(world, host: bool, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("final.pdf", make_pdf_bytes(2, f"Final by {CANARY_AUTHOR}"), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("author").post(reverse("cameraready:camera_ready", args=[world.paper.public_id]), {"pdf": pdf, **({"host_pdf": "yes"} if host else {})})
    assert response.status_code == 302


def test_accepted_page_is_empty_before_release(rworld):
    html = rworld.client("anonymous").get(reverse("cameraready:accepted", args=[rworld.venue.slug])).content.decode()
    assert "The program is not published yet" in html
    data = rworld.client("anonymous").get(reverse("cameraready:program_json", args=[rworld.venue.slug])).json()
    assert data["papers"] == []


def test_accepted_page_lists_accepted_papers_with_authors_and_marks_non_archival(released):
    html = released.client("anonymous").get(reverse("cameraready:accepted", args=[released.venue.slug])).content.decode()
    assert "The canary paper" in html and "Another paper" not in html
    assert CANARY_AUTHOR in html and "Ada Lovelace" in html
    assert "Accept (oral)" in html and "non-archival" in html and "Short paper" in html
    assert "Circuits and Causal Analysis" in html
    assert ">PDF<" not in html  # no camera-ready, nothing hosted
    assert REVIEW_TEXT not in html and CANARY_REVIEWER not in html
    assert "zebulon.canarywhistle@" not in html  # names, not e-mail addresses


def test_pdf_is_linked_only_where_the_authors_agreed(released, django_capture_on_commit_callbacks):
    url = reverse("cameraready:accepted", args=[released.venue.slug])
    pdf_url = reverse("cameraready:public_pdf", args=[released.venue.slug, released.paper.public_id])
    upload_camera_ready(released, False, django_capture_on_commit_callbacks)
    assert pdf_url not in released.client("anonymous").get(url).content.decode()
    assert released.client("anonymous").get(pdf_url).status_code == 404
    upload_camera_ready(released, True, django_capture_on_commit_callbacks)
    assert pdf_url in released.client("anonymous").get(url).content.decode()
    response = released.client("anonymous").get(pdf_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    data = released.client("anonymous").get(reverse("cameraready:program_json", args=[released.venue.slug])).json()
    assert data["papers"][0]["pdf"].endswith(pdf_url)
    # the original submission PDF stays private
    original = Upload.objects.get(submission=released.paper, kind="paper")
    assert released.client("anonymous").get(reverse("submissions:download", args=[original.public_id])).status_code == 404


def test_public_program_json(released):
    data = released.client("anonymous").get(reverse("cameraready:program_json", args=[released.venue.slug])).json()
    assert data["venue"]["archival"] is False and "Non-archival" in data["venue"]["note"]
    [paper] = data["papers"]
    assert paper["title"] == "The canary paper" and paper["presentation"] == "Accept (oral)"
    assert {"name": CANARY_AUTHOR, "affiliation": "Canarywhistle Institute"} in paper["authors"]
    text = json.dumps(data)
    for secret in ("@", REVIEW_TEXT, META_TEXT, CANARY_REVIEWER, "Another paper"):
        assert secret not in text


def test_chair_exports_hold_everything(released):
    chair = released.client("chair")
    data = json.loads(b"".join(chair.get(reverse("decisions:export_json", args=[released.venue.slug])).streaming_content))
    paper = next(p for p in data["papers"] if p["title"] == "The canary paper")
    assert paper["decision"]["outcome"] == "accept-oral" and paper["meta_review"]["text"] == META_TEXT
    assert {r["reviewer"] for r in paper["reviews"]} >= {CANARY_REVIEWER}
    assert any(r["comments_to_chairs"] == CHAIRS_ONLY_TEXT for r in paper["reviews"])
    assert any(a["name"] == CANARY_AUTHOR for a in paper["authors"])
    response = chair.get(reverse("decisions:export_csv", args=[released.venue.slug]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["title"] == "The canary paper")
    assert row["mean"] == "4.50" and row["decision"] == "accept-oral" and CANARY_AUTHOR in row["authors"]
    response = chair.get(reverse("decisions:export_reviews_csv", args=[released.venue.slug]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["reviewer"] for r in rows if r["state"] == "submitted"} == {CANARY_REVIEWER, "Rita Second"}
    assert all(r["comments to chairs"] for r in rows if r["state"] == "submitted")


def test_csv_cells_cannot_become_formulas(rworld):
    from paperdesk.submissions.models import Submission

    Submission.objects.filter(pk=rworld.paper.pk).update(title="=HYPERLINK(\"http://evil\")")
    response = rworld.client("chair").get(reverse("decisions:export_csv", args=[rworld.venue.slug]))
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("role", ["area_chair", "reviewer", "author", "anonymous"])
def test_exports_and_dashboard_are_for_chairs_only(rworld, role):
    client = rworld.client(role)
    for name in ("export_json", "export_csv", "export_reviews_csv", "dashboard", "table", "release"):
        assert client.get(reverse(f"decisions:{name}", args=[rworld.venue.slug])).status_code == 404, name


def test_dashboard_draws_every_chart_as_inline_svg(released):
    html = released.client("chair").get(reverse("decisions:dashboard", args=[released.venue.slug])).content.decode()
    assert html.count("<svg") == 6
    for title in ("Submissions over time", "Submissions per track", "Submissions per primary topic", "Checker findings",
                  "Reviews submitted vs due", "Overall scores"):
        assert title in html
    assert "Possible identity leaks" in html
    # Uma never reviewed the other paper, but its decision is released: she owes nothing any
    # more, on the dashboard as for the reminders (issue 11: one definition, reviews.outstanding)
    assert "Uma Unassigned" not in html
    assert "<script" not in html.split("<main", 1)[1]
    assert "http://" not in "".join(part.split(">", 1)[0] for part in html.split("<svg")[1:]).replace("http://www.w3.org/2000/svg", "")


def test_dashboard_lists_who_owes_a_review_until_the_paper_is_released(rworld, django_capture_on_commit_callbacks):
    """Uma has not reviewed the other paper: listed while it is undecided and while its
    decision is set but not released; not once it is released (reviews.outstanding)."""
    chair = rworld.client("chair")
    dashboard = reverse("decisions:dashboard", args=[rworld.venue.slug])
    assert "Uma Unassigned" in chair.get(dashboard).content.decode()
    chair.post(reverse("decisions:bulk_set", args=[rworld.venue.slug]), {"paper": [rworld.other_paper.public_id], "outcome": "reject"})
    chair.post(reverse("decisions:bulk_set", args=[rworld.venue.slug]), {"paper": [rworld.paper.public_id], "outcome": "accept-oral"})
    assert "Uma Unassigned" in chair.get(dashboard).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(reverse("decisions:release", args=[rworld.venue.slug]),
                   {"subject": services.DEFAULT_SUBJECT, "body": services.DEFAULT_BODY, "action": "release", "confirmed": "yes"})
    assert Decision.objects.filter(submission=rworld.other_paper, released_at__isnull=False).exists()
    assert "Uma Unassigned" not in chair.get(dashboard).content.decode()


def test_chart_labels_are_escaped():
    svg = charts.bar_chart("T", [("<script>alert(1)</script>", [3])], ["n"])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    svg = charts.line_chart("T & <b>", [], [])
    assert "No data yet" in svg and "T &amp; &lt;b&gt;" in svg


def test_script_in_titles_abstracts_and_templates_is_inert(released):
    from paperdesk.cameraready.models import CameraReady
    from paperdesk.submissions.models import Submission

    evil = "<script>alert(1)</script>"
    Submission.objects.filter(pk=released.paper.pk).update(title=f"Title {evil}", abstract=f"Abstract {evil}")
    CameraReady.objects.filter(submission=released.paper).update(title=f"Title {evil}", abstract=f"Abstract {evil}")
    pages = [
        released.client("anonymous").get(reverse("cameraready:accepted", args=[released.venue.slug])),
        released.client("chair").get(reverse("decisions:table", args=[released.venue.slug])),
        released.client("author").get(reverse("decisions:author", args=[released.paper.public_id])),
        released.client("reviewer").get(reverse("reviews:paper", args=[released.paper.public_id])),
        released.client("reviewer").get(reverse("reviews:dashboard")),
        released.client("area_chair").get(reverse("reviews:area_chair", args=[released.venue.slug])),
    ]
    for response in pages:
        html = response.content.decode()
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html, response.request["PATH_INFO"]


def test_release_preview_escapes_the_chairs_template(rworld):
    rworld.client("chair").post(reverse("decisions:bulk_set", args=[rworld.venue.slug]), {"paper": [rworld.paper.public_id, rworld.other_paper.public_id], "outcome": "reject"})
    html = rworld.client("chair").post(reverse("decisions:release", args=[rworld.venue.slug]),
                                        {"subject": "Hi <script>x()</script>", "body": "<img src=x onerror=alert(1)> {{ title }}", "action": "preview"}).content.decode()
    assert "<script>x()" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; The canary paper" in html
