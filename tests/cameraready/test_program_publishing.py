"""Publishing the program is a chair step of its own (now, at a moment, or undone), not a
side effect of releasing the decisions. Until it is published the public page and the
program JSON show nothing of the accepted papers; once published, each paper appears with
the title, authors and PDF its authors confirmed at camera-ready. A paper whose
camera-ready details are not confirmed is left out by default; the chairs may list it as
"to be confirmed" instead (its submitted title only: no authors, no abstract, no PDF)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from paperdesk import clock
from paperdesk.audit.models import AuditEntry
from paperdesk.decisions.models import Decision
from tests.cameraready.camera_ready_world import CAMERA_READY_PDF, crworld, metadata_post, upload  # noqa: F401


def accepted_html(world) -> str:
    return world.client("anonymous").get(reverse("cameraready:accepted", args=[world.venue.slug])).content.decode()


def program(world) -> dict:
    return world.client("anonymous").get(reverse("cameraready:program_json", args=[world.venue.slug])).json()


def confirm(world):
    response = world.client("john").post(reverse("cameraready:camera_ready_metadata", args=[world.paper.public_id]),
                                         metadata_post(world, title="Sparse circuits, confirmed", **{f"author-{world.paper.authorships.order_by('position').first().pk}-name": "John Q. Smith"}))
    assert response.status_code == 302, response.content.decode()[:2000]


def program_url(world) -> str:
    return reverse("cameraready:program_publish", args=[world.venue.slug])


def test_release_alone_publishes_nothing(crworld, django_capture_on_commit_callbacks):
    upload(crworld, "john", CAMERA_READY_PDF.read_bytes(), django_capture_on_commit_callbacks)
    confirm(crworld)
    html = accepted_html(crworld)
    assert "The program is not published yet" in html
    for title in ("Sparse circuits", crworld.missing.title, "John", "Grace Hopper"):
        assert title not in html
    data = program(crworld)
    assert data["published"] is False and data["papers"] == []
    pdf = crworld.client("anonymous").get(reverse("cameraready:public_pdf", args=[crworld.venue.slug, crworld.paper.public_id]))
    assert pdf.status_code == 404


def test_published_program_shows_what_the_authors_confirmed_and_omits_the_rest(crworld, django_capture_on_commit_callbacks):
    upload(crworld, "john", CAMERA_READY_PDF.read_bytes(), django_capture_on_commit_callbacks)
    confirm(crworld)
    response = crworld.client("chair").post(program_url(crworld), {"action": "publish"})
    assert response.status_code == 302
    html = accepted_html(crworld)
    assert "Sparse circuits, confirmed" in html and "John Q. Smith" in html
    assert crworld.missing.title not in html and "Grace Hopper" not in html  # not confirmed: omitted by default
    data = program(crworld)
    assert data["published"] is True
    assert [p["title"] for p in data["papers"]] == ["Sparse circuits, confirmed"]
    assert data["papers"][0]["authors"][0]["name"] == "John Q. Smith" and data["papers"][0]["pdf"]
    pdf = crworld.client("anonymous").get(reverse("cameraready:public_pdf", args=[crworld.venue.slug, crworld.paper.public_id]))
    assert pdf.status_code == 200
    entry = AuditEntry.objects.get(action="program.publish")
    assert entry.actor == crworld.people["chair"] and entry.data["unconfirmed"] == "omit"


def test_chairs_may_list_unconfirmed_papers_as_to_be_confirmed(crworld):
    response = crworld.client("chair").post(program_url(crworld), {"action": "publish", "unconfirmed": "tbc"})
    assert response.status_code == 302
    html = accepted_html(crworld)
    assert crworld.missing.title in html and "to be confirmed" in html
    assert "Grace Hopper" not in html  # the authors are never shown unconfirmed
    assert "Grace Hopper" not in accepted_html(crworld) and "Grace" not in str(program(crworld)["papers"])
    # nor found by a search on their names
    found = crworld.client("anonymous").get(reverse("cameraready:accepted", args=[crworld.venue.slug]), {"q": "Hopper"}).content.decode()
    assert crworld.missing.title not in found
    Decision.objects.filter(submission=crworld.missing).update(host_pdf=True)
    pdf = crworld.client("anonymous").get(reverse("cameraready:public_pdf", args=[crworld.venue.slug, crworld.missing.public_id]))
    assert pdf.status_code == 404


def test_scheduled_publication_goes_live_at_its_moment(crworld, at):
    confirm(crworld)
    when = clock.now() + dt.timedelta(days=3)
    aoe = when.astimezone(dt.timezone(dt.timedelta(hours=-12)))
    response = crworld.client("chair").post(program_url(crworld), {"action": "schedule", "at": aoe.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    assert "Sparse circuits, confirmed" not in accepted_html(crworld)
    assert "not published yet" in accepted_html(crworld)
    at(when.replace(second=0, microsecond=0) + dt.timedelta(minutes=1))
    assert "Sparse circuits, confirmed" in accepted_html(crworld)
    assert AuditEntry.objects.filter(action="program.schedule").count() == 1


def test_changing_the_choice_keeps_the_moment_the_program_went_public(crworld, at):
    from paperdesk.cameraready.models import ProgramPublication

    chair = crworld.client("chair")
    chair.post(program_url(crworld), {"action": "publish"})
    first = ProgramPublication.objects.get().published_at
    at(first + dt.timedelta(hours=2))
    chair.post(program_url(crworld), {"action": "publish", "unconfirmed": "tbc"})
    row = ProgramPublication.objects.get()
    assert row.published_at == first and row.unconfirmed == "tbc"
    assert crworld.missing.title in accepted_html(crworld)


def test_unpublish_hides_the_program_again(crworld):
    confirm(crworld)
    chair = crworld.client("chair")
    chair.post(program_url(crworld), {"action": "publish"})
    assert "Sparse circuits, confirmed" in accepted_html(crworld)
    assert chair.post(program_url(crworld), {"action": "unpublish"}).status_code == 302
    assert "Sparse circuits, confirmed" not in accepted_html(crworld)
    assert AuditEntry.objects.filter(action="program.unpublish").count() == 1


@pytest.mark.parametrize("role", ["anonymous", "john", "reviewer"])
def test_only_chairs_publish(crworld, role):
    response = crworld.client(role).post(program_url(crworld), {"action": "publish"})
    assert response.status_code == 404  # as for a venue that does not exist
    assert "not published yet" in accepted_html(crworld)
    assert not AuditEntry.objects.filter(action="program.publish").exists()


def test_bad_schedule_is_a_clear_400(crworld):
    chair = crworld.client("chair")
    response = chair.post(program_url(crworld), {"action": "schedule", "at": "next tuesday"})
    assert response.status_code == 400 and "Enter the date and time" in response.content.decode()
    past = (clock.now() - dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=-12)))
    response = chair.post(program_url(crworld), {"action": "schedule", "at": past.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400 and "in the future" in response.content.decode()
    # The end of the calendar (UTC is 12 hours later than AoE, past the year 9999): a 400, not a 500.
    response = chair.post(program_url(crworld), {"action": "schedule", "at": "9999-12-31T23:59"})
    assert response.status_code == 400 and "year" in response.content.decode()
    assert "not published yet" in accepted_html(crworld)


def test_chair_page_counts_confirmed_and_unconfirmed_papers(crworld):
    confirm(crworld)
    html = crworld.client("chair").get(program_url(crworld)).content.decode()
    assert "Not published" in html
    assert f"#{crworld.missing.number}" in html  # the paper whose details are not confirmed is named
