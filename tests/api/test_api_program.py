"""Publishing the program over the API: the chairs' twin of /v/<venue>/chair/program/.
`GET /api/venues/{slug}/program/publication` says what the chairs' page says (published or
not, since when, the choice for unconfirmed papers, the counts), `POST` publishes it now or
schedules it through the page's service (audited alike), `DELETE` unpublishes it. Anyone
but a chair of the venue gets the same 404 as for a venue that does not exist."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from api_helpers import bearer
from django.urls import reverse

from paperdesk import clock
from paperdesk.audit.models import AuditEntry
from paperdesk.cameraready.models import ProgramPublication
from paperdesk.committee.models import Conflict
from paperdesk.venues.models import VenueRole
from tests.cameraready.camera_ready_world import crworld, metadata_post  # noqa: F401
from tests.reviews.fixtures import at  # noqa: F401


def url(world) -> str:
    return f"/api/venues/{world.venue.slug}/program/publication"


@pytest.fixture
def headers(crworld, token_for):
    def for_role(role: str) -> dict:
        return {} if role == "anonymous" else bearer(token_for(crworld.people[role], f"{role} script"))

    return for_role


def public_program(world) -> dict:
    return world.client("anonymous").get(reverse("cameraready:program_json", args=[world.venue.slug])).json()


def confirm(world):
    response = world.client("john").post(reverse("cameraready:camera_ready_metadata", args=[world.paper.public_id]),
                                         metadata_post(world, title="Sparse circuits, confirmed"))
    assert response.status_code == 302, response.content.decode()[:2000]


def page(world, role: str = "chair") -> str:
    return world.client(role).get(reverse("cameraready:program_publish", args=[world.venue.slug])).content.decode()


def test_a_chair_publishes_the_program_and_the_public_program_lists_the_papers(crworld, client, headers):
    confirm(crworld)
    assert public_program(crworld)["papers"] == []
    response = client.post(url(crworld), {}, content_type="application/json", headers=headers("chair"))
    assert response.status_code == 200, response.content
    state = response.json()
    assert state["state"] == "published" and state["published"] is True and state["unconfirmed_choice"] == "omit"
    assert state["last_changed"]["by"] == crworld.people["chair"].full_name
    data = public_program(crworld)
    assert data["published"] is True and [p["title"] for p in data["papers"]] == ["Sparse circuits, confirmed"]
    html = crworld.client("anonymous").get(reverse("cameraready:accepted", args=[crworld.venue.slug])).content.decode()
    assert "Sparse circuits, confirmed" in html and crworld.missing.title not in html
    # The page's choice: list the unconfirmed papers as "to be confirmed".
    response = client.post(url(crworld), {"unconfirmed": "tbc"}, content_type="application/json", headers=headers("chair"))
    assert response.status_code == 200 and response.json()["unconfirmed_choice"] == "tbc"
    assert response.json()["published_at"] == state["published_at"]  # still public since the first publication
    titles = {p["title"]: p["to_be_confirmed"] for p in public_program(crworld)["papers"]}
    assert titles == {"Sparse circuits, confirmed": False, crworld.missing.title: True}


def test_the_state_matches_the_chairs_page(crworld, client, headers):
    confirm(crworld)
    state = client.get(url(crworld), headers=headers("chair")).json()
    html = page(crworld)
    assert state["state"] == "unpublished" and state["published"] is False and state["published_at"] is None
    assert state["label"] == "Not published" and "<h2>Not published</h2>" in html
    assert state["last_changed"] is None
    counts = state["papers"]
    assert (counts["accepted"], counts["confirmed"], counts["unconfirmed"]) == (2, 1, 1)
    assert counts["unconfirmed_numbers"] == [crworld.missing.number]
    assert f"<strong>{counts['accepted']}</strong> accepted papers" in html and f"<strong>{counts['confirmed']}</strong> with details" in html
    assert f"#{crworld.missing.number}" in html
    # The options the page's form offers, with the same labels and the same default.
    assert [o["value"] for o in state["unconfirmed_options"]] == re.findall(r'type="radio" name="unconfirmed" value="(\w+)"', html)
    assert [o["label"] for o in state["unconfirmed_options"]] == [label for _, label in ProgramPublication.Unconfirmed.choices]
    assert [o["default"] for o in state["unconfirmed_options"]] == [True, False]


def test_a_schedule_and_an_unpublication_show_as_on_the_page(crworld, client, headers, at):
    when = (clock.now() + dt.timedelta(days=3)).replace(microsecond=0)
    response = client.post(url(crworld), {"at": when.isoformat()}, content_type="application/json", headers=headers("chair"))
    assert response.status_code == 200, response.content
    state = response.json()
    assert state["state"] == "scheduled" and state["published"] is False and state["label"] == "Scheduled"
    assert dt.datetime.fromisoformat(state["published_at"]["utc"]) == when
    assert "<h2>Scheduled</h2>" in page(crworld) and public_program(crworld)["published"] is False
    assert AuditEntry.objects.filter(action="program.schedule").count() == 1
    at(when + dt.timedelta(minutes=1))
    assert client.get(url(crworld), headers=headers("chair")).json()["state"] == "published"
    assert public_program(crworld)["published"] is True
    response = client.delete(url(crworld), headers=headers("chair"))
    assert response.status_code == 200 and response.json()["state"] == "unpublished"
    assert public_program(crworld)["published"] is False
    entry = AuditEntry.objects.get(action="program.unpublish")
    assert entry.actor == crworld.people["chair"]
    # Nothing to unpublish: the service's refusal, with its status and message.
    response = client.delete(url(crworld), headers=headers("chair"))
    assert response.status_code == 409 and "nothing to unpublish" in response.json()["detail"]


def test_the_audit_log_records_the_api_publication_like_the_pages(crworld, client, headers):
    client.post(url(crworld), {"unconfirmed": "tbc"}, content_type="application/json", headers=headers("chair"))
    by_api = AuditEntry.objects.get(action="program.publish")
    assert by_api.actor == crworld.people["chair"] and by_api.data["unconfirmed"] == "tbc"
    client.delete(url(crworld), headers=headers("chair"))
    assert crworld.client("chair").post(reverse("cameraready:program_publish", args=[crworld.venue.slug]),
                                        {"action": "publish", "unconfirmed": "tbc"}).status_code == 302
    by_page = AuditEntry.objects.filter(action="program.publish").exclude(pk=by_api.pk).get()
    assert (by_page.actor, by_page.data.keys(), by_page.data["unconfirmed"]) == (by_api.actor, by_api.data.keys(), "tbc")
    assert (by_page.venue, by_page.object_type, by_page.object_id) == (by_api.venue, by_api.object_type, by_api.object_id)


@pytest.mark.parametrize("role", ["john", "reviewer", "ada", "other_venue_chair"])
def test_anyone_but_a_chair_of_the_venue_gets_a_404(crworld, client, headers, make_user, role):
    import dataclasses

    from paperdesk.venues.services import venue_load

    other, _ = venue_load(dataclasses.replace(crworld.venue.spec, slug="other-venue", rehearsal=False))
    crworld.people["other_venue_chair"] = make_user("other-chair@example.org", "Otto Otherchair")
    VenueRole.objects.create(venue=other, user=crworld.people["other_venue_chair"], role=VenueRole.Role.CHAIR)
    missing_venue = client.get("/api/venues/no-such-venue/program/publication", headers=headers(role))
    assert missing_venue.status_code == 404
    for response in (client.get(url(crworld), headers=headers(role)),
                     client.post(url(crworld), {"unconfirmed": "tbc"}, content_type="application/json", headers=headers(role)),
                     client.delete(url(crworld), headers=headers(role))):
        assert response.status_code == 404, (role, response.method if hasattr(response, "method") else "", response.content)
        assert response.json() == missing_venue.json()
    assert not ProgramPublication.objects.exists() and not AuditEntry.objects.filter(action__startswith="program.").exists()


def test_no_token_is_a_401(crworld, client):
    for response in (client.get(url(crworld)), client.post(url(crworld), {}, content_type="application/json"), client.delete(url(crworld))):
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Authentication required")
    assert not ProgramPublication.objects.exists()


@pytest.mark.parametrize("body", [{"unconfirmed": "everything"}, {"unconfirmed": ""}, {"at": "next tuesday"}, {"publish": True},
                                  {"at": "2030-01-01T12:00"}])
def test_bad_input_is_a_4xx_with_a_message_and_changes_nothing(crworld, client, headers, body):
    response = client.post(url(crworld), body, content_type="application/json", headers=headers("chair"))
    assert response.status_code == 422, response.content
    assert response.json()["detail"]  # pydantic's message, naming the field
    assert not ProgramPublication.objects.exists() and not AuditEntry.objects.filter(action__startswith="program.").exists()


def test_a_schedule_in_the_past_is_the_services_400(crworld, client, headers):
    past = clock.now() - dt.timedelta(days=1)
    response = client.post(url(crworld), {"at": past.isoformat()}, content_type="application/json", headers=headers("chair"))
    assert response.status_code == 400
    assert response.json() == {"detail": "A scheduled publication must be in the future; to publish the program now, use “Publish now”.", "field": "at"}
    assert not ProgramPublication.objects.exists()


def test_a_conflicted_chair_learns_what_the_page_tells_them(crworld, client, headers, make_user):
    """A chair conflicted with a paper counts and lists the other papers only (as on the
    dashboard), on the page and in the API alike, and learns nothing more."""
    cora = crworld.people["cora"] = make_user("cora@chairs.org", "Cora Conflicted")
    VenueRole.objects.create(venue=crworld.venue, user=cora, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=crworld.missing, user=cora, source=Conflict.Source.REVIEWER_DECLARED, reason="same lab")
    theirs = client.get(url(crworld), headers=headers("cora")).json()
    everything = client.get(url(crworld), headers=headers("chair")).json()
    assert crworld.missing.number in everything["papers"]["unconfirmed_numbers"]
    assert theirs["papers"]["unconfirmed_numbers"] == [n for n in everything["papers"]["unconfirmed_numbers"] if n != crworld.missing.number]
    assert theirs["papers"]["accepted"] == everything["papers"]["accepted"] - 1
    html = page(crworld, "cora")
    assert theirs["papers"]["unconfirmed_numbers"] == sorted(int(n) for n in re.findall(r"#(\d+)", html.split('id="program-unconfirmed"')[1].split("</li>")[0]))
    accepted = theirs["papers"]["accepted"]
    assert f"<strong>{accepted}</strong> accepted {'paper' if accepted == 1 else 'papers'} " in html
    assert crworld.missing.title not in str(theirs) and "Grace" not in str(theirs)


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_moment_at_the_edge_of_the_calendar_is_refused_not_a_server_error(crworld, client, headers, moment):
    response = client.post(url(crworld), {"at": moment}, content_type="application/json", headers=headers("chair"))
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["detail"]
    assert not ProgramPublication.objects.exists()
