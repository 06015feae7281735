"""Issue 11 item 4, area chairs: they see their papers' reviewers' names when the venue allows
it (`reviewing.area_chairs_see_reviewer_names`, on by default), rate each review's quality
(1-3 with a note; chairs read the ratings, a reviewer reads only their own average and count),
and chairs set decisions to the area chairs' recommendations in bulk (one confirmation; papers
without a recommendation or that the chair is conflicted with are left out and named).
In the browser and through the API, in the reviews tests' world."""

from __future__ import annotations

import json

import pytest
from api_helpers import bearer
from django.test import Client
from django.urls import reverse

from paperdesk import venueconfig
from paperdesk.audit.models import AuditEntry
from paperdesk.committee.models import Conflict
from paperdesk.decisions.models import Decision
from paperdesk.reviews import services as review_services
from paperdesk.venues.models import Venue, VenueRole
from tests.reviews.fixtures import rworld  # noqa: F401 - fixture
from tests.reviews.review_world import CANARY_AC, CANARY_REVIEWER, assign, make_paper, review_post_data

RATING_NOTE = "Ratingnote-canary: specific and actionable."


@pytest.fixture
def api(rworld, token_for):
    def as_role(role: str):
        client = Client()
        headers = {} if role == "anonymous" else {f"HTTP_{k.upper()}": v for k, v in bearer(token_for(rworld.people[role])).items()}

        def call(method: str, path: str, body=None):
            data = json.dumps(body) if body is not None else ""
            return getattr(client, method.lower())(f"/api{path}", data=data, content_type="application/json", **headers)

        return call

    return as_role


def paper_url(world, name="paper"):
    return reverse(f"reviews:{name}", args=[world.paper.public_id])


def submit_review(world, role, **kw):
    response = world.client(role).post(paper_url(world, "save"), review_post_data(world.venue, action="submit", **kw))
    assert response.status_code == 302, response.content.decode()[:500]


def conflicted_chair(world, make_user, paper=None):
    cora = make_user("cora@chairs.org", "Cora Conflicted-Chair")
    VenueRole.objects.create(venue=world.venue, user=cora, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=paper or world.paper, user=cora, source=Conflict.Source.INSTITUTION, reason="Same lab")
    world.people["conflicted_chair"] = cora
    return cora


# --- reviewer names ---------------------------------------------------------------------------


def test_area_chair_sees_reviewer_names_by_default_and_not_when_the_venue_says_no(rworld):
    submit_review(rworld, "reviewer")
    page = rworld.client("area_chair").get(paper_url(rworld)).content.decode()
    assert f"Reviewer 1 ({CANARY_REVIEWER})" in page
    venue = Venue.objects.get(pk=rworld.venue.pk)
    venue.config.setdefault("reviewing", {})["area_chairs_see_reviewer_names"] = False
    venue.save()
    page = rworld.client("area_chair").get(paper_url(rworld)).content.decode()
    assert "Reviewer 1" in page and CANARY_REVIEWER not in page
    # other reviewers never see names
    submit_review(rworld, "reviewer2")
    assert CANARY_REVIEWER not in rworld.client("reviewer2").get(paper_url(rworld)).content.decode()


def test_area_chair_reads_reviewer_names_through_the_api(rworld, api):
    submit_review(rworld, "reviewer")
    body = api("area_chair")("GET", f"/papers/{rworld.paper.public_id}/reviews").content.decode()
    assert CANARY_REVIEWER in body
    submit_review(rworld, "reviewer2")
    assert CANARY_REVIEWER not in api("reviewer2")("GET", f"/papers/{rworld.paper.public_id}/reviews").content.decode()


def test_venue_file_setting_is_validated_with_its_line_and_round_trips():
    from pathlib import Path

    text = Path("venues/mechinterp-2025.toml").read_text()
    spec = venueconfig.parse_venue(text)
    assert spec.reviewing.area_chairs_see_reviewer_names is True
    bad = text.replace("[reviewing]\n", "[reviewing]\narea_chairs_see_reviewer_names = \"yes\"\n", 1)
    assert bad != text
    with pytest.raises(venueconfig.VenueConfigError) as info:
        venueconfig.parse_venue(bad)
    message = str(info.value)
    line = bad.splitlines().index('area_chairs_see_reviewer_names = "yes"') + 1
    assert "area_chairs_see_reviewer_names" in message and f":{line}:" in message
    off = venueconfig.parse_venue(text.replace("[reviewing]\n", "[reviewing]\narea_chairs_see_reviewer_names = false\n", 1))
    assert off.reviewing.area_chairs_see_reviewer_names is False
    assert venueconfig.parse_venue(venueconfig.spec_to_toml(off)) == off
    assert venueconfig.spec_from_dict(venueconfig.spec_to_dict(off)) == off


# --- review quality ratings -------------------------------------------------------------------


def rate_url(world, role="reviewer"):
    review = world.assignments[role].review
    return reverse("reviews:rate", args=[world.paper.public_id, review.public_id])


def test_area_chair_rates_a_review_chairs_read_it_reviewer_sees_only_a_summary(rworld):
    submit_review(rworld, "reviewer")
    rworld.assignments["reviewer"].refresh_from_db()
    ac = rworld.client("area_chair")
    response = ac.post(rate_url(rworld), {"score": "3", "note": RATING_NOTE})
    assert response.status_code == 302, response.content.decode()[:500]
    assert AuditEntry.objects.filter(action="review.rated").exists()
    chair_page = rworld.client("chair").get(paper_url(rworld)).content.decode()
    assert RATING_NOTE in chair_page and "3/3" in chair_page
    # a second rating by the chair; the area chair changes theirs (one per rater)
    assert rworld.client("chair").post(rate_url(rworld), {"score": "1", "note": ""}).status_code == 302
    assert ac.post(rate_url(rworld), {"score": "2", "note": RATING_NOTE}).status_code == 302
    dashboard = rworld.client("reviewer").get(reverse("reviews:dashboard")).content.decode()
    assert "average 1.5 from 2 ratings" in dashboard
    assert RATING_NOTE not in dashboard and CANARY_AC not in dashboard and "Pat Chair" not in dashboard
    reviewer_page = rworld.client("reviewer").get(paper_url(rworld)).content.decode()
    assert RATING_NOTE not in reviewer_page


def test_rating_is_refused_to_reviewers_and_conflicted_chairs_and_checks_its_score(rworld, make_user):
    submit_review(rworld, "reviewer")
    submit_review(rworld, "reviewer2")
    rworld.assignments["reviewer"].refresh_from_db()
    assert rworld.client("reviewer2").post(rate_url(rworld), {"score": "1"}).status_code == 404
    assert rworld.client("reviewer").post(rate_url(rworld), {"score": "3"}).status_code == 404
    cora = conflicted_chair(rworld, make_user)
    client = Client()
    client.force_login(cora)
    assert client.post(rate_url(rworld), {"score": "1"}).status_code == 404
    response = rworld.client("area_chair").post(rate_url(rworld), {"score": "4", "note": RATING_NOTE})
    assert response.status_code == 400 and "1, 2 or 3" in response.content.decode()
    assert RATING_NOTE in response.content.decode()  # the form keeps what was typed
    from paperdesk.reviews.models import ReviewRating

    assert not ReviewRating.objects.exists()


def test_ratings_through_the_api(rworld, api, make_user):
    submit_review(rworld, "reviewer")
    rworld.assignments["reviewer"].refresh_from_db()
    review_id = rworld.assignments["reviewer"].review.public_id
    path = f"/papers/{rworld.paper.public_id}/reviews/{review_id}/rating"
    response = api("area_chair")("PUT", path, {"score": 2, "note": RATING_NOTE})
    assert response.status_code == 200, response.content
    assert response.json()["score"] == 2
    assert api("area_chair")("PUT", path, {"score": 0, "note": ""}).status_code in (400, 422)
    assert api("reviewer2")("PUT", path, {"score": 3, "note": ""}).status_code == 404
    assert api("author")("PUT", path, {"score": 3, "note": ""}).status_code == 404
    ratings = api("chair")("GET", f"/papers/{rworld.paper.public_id}/review-ratings").json()
    assert ratings["items"][0]["score"] == 2 and ratings["items"][0]["note"] == RATING_NOTE
    assert api("reviewer")("GET", f"/papers/{rworld.paper.public_id}/review-ratings").status_code == 404
    mine = api("reviewer")("GET", "/me/review-ratings").json()
    assert mine == {"count": 1, "average": 2.0}


# --- decisions from the area chairs' recommendations -------------------------------------------


def bulk_world(rworld, make_user):
    """Paper 1 (canary): a submitted meta-review recommending accept-poster; another paper with
    no meta-review; a third with a draft one only; a fourth (reject) the conflicted chair cannot
    decide."""
    world = rworld
    review_services.meta_review_save(submission=world.paper, actor=world.people["area_chair"], recommendation="accept-poster",
                                     text="Meta.", submit=True)
    third = make_paper(world.venue, world.people["other_author"], "A third paper")
    assign(third, world.people["area_chair"], 1, "area_chair")
    review_services.meta_review_save(submission=third, actor=world.people["area_chair"], recommendation="reject", text="Draft.")
    fourth = make_paper(world.venue, world.people["other_author"], "A fourth paper")
    assign(fourth, world.people["area_chair"], 1, "area_chair")
    review_services.meta_review_save(submission=fourth, actor=world.people["area_chair"], recommendation="reject", text="No.", submit=True)
    cora = conflicted_chair(world, make_user, paper=fourth)
    return third, fourth, cora


def confirmed_papers(html: str) -> list[str]:
    import re

    return re.findall(r'name="paper" value="([^"]+)"', html)


def test_chair_sets_decisions_to_recommendations_after_one_confirmation(rworld, make_user):
    _third, fourth, _cora = bulk_world(rworld, make_user)
    url = reverse("decisions:from_recommendations", args=[rworld.venue.slug])
    chair = rworld.client("chair")
    preview = chair.get(url).content.decode()
    assert f"#{rworld.paper.number}" in preview and "Accept (poster)" in preview
    assert f"#{fourth.number}" in preview
    assert f"#{rworld.other_paper.number}" in preview and "no submitted recommendation" in preview
    assert not Decision.objects.exists()
    response = chair.post(url, {"confirm": "1", "paper": confirmed_papers(preview)})
    assert response.status_code == 302
    outcomes = dict(Decision.objects.values_list("submission_id", "outcome"))
    assert outcomes == {rworld.paper.pk: "accept-poster", fourth.pk: "reject"}
    assert AuditEntry.objects.filter(action="decision.set").count() == 2
    assert AuditEntry.objects.filter(action="decision.from_recommendations").exists()


def test_conflicted_chair_leaves_out_their_paper_and_it_is_named(rworld, make_user):
    _third, fourth, cora = bulk_world(rworld, make_user)
    url = reverse("decisions:from_recommendations", args=[rworld.venue.slug])
    client = Client()
    client.force_login(cora)
    preview = client.get(url).content.decode()
    assert f"#{fourth.number}" in preview and "conflict" in preview
    assert "A fourth paper" not in preview  # the title of a conflicted paper is not shown
    assert client.post(url, {"confirm": "1", "paper": confirmed_papers(preview)}).status_code == 302
    assert dict(Decision.objects.values_list("submission_id", "outcome")) == {rworld.paper.pk: "accept-poster"}
    # without the confirmation nothing changes
    Decision.objects.all().delete()
    assert rworld.client("chair").post(url, {"paper": confirmed_papers(preview)}).status_code == 400
    assert not Decision.objects.exists()
    assert rworld.client("area_chair").get(url).status_code == 404


def test_decisions_from_recommendations_through_the_api(rworld, api, make_user):
    third, fourth, _cora = bulk_world(rworld, make_user)
    path = f"/venues/{rworld.venue.slug}/decisions/from-recommendations"
    preview = api("chair")("GET", path).json()
    assert {(p["number"], p["outcome"]) for p in preview["papers"]} == {(rworld.paper.number, "accept-poster"), (fourth.number, "reject")}
    assert {p["number"] for p in preview["left_out"]} == {rworld.other_paper.number, third.number}
    assert not Decision.objects.exists()
    assert api("area_chair")("POST", path, {"papers": [rworld.paper.public_id]}).status_code == 404
    done = api("chair")("POST", path, {"papers": [p["public_id"] for p in preview["papers"]]})
    assert done.status_code == 200, done.content
    assert sorted(done.json()["changed"]) == sorted([rworld.paper.number, fourth.number])
    assert dict(Decision.objects.values_list("submission_id", "outcome")) == {rworld.paper.pk: "accept-poster", fourth.pk: "reject"}


def test_chairs_turn_the_setting_off_in_the_settings_pages(rworld):
    from tests.venues.settings_helpers import form_fields

    url = reverse("venues:settings_reviewing", args=[rworld.venue.slug])
    chair = rworld.client("chair")
    page = chair.get(url)
    assert page.status_code == 200
    fields = form_fields(page.content.decode())
    assert fields.get("reviewing.area_chairs_see_reviewer_names") == "on"
    fields.pop("reviewing.area_chairs_see_reviewer_names")
    response = chair.post(url, fields)
    assert response.status_code == 302, response.content.decode()[:800]
    assert Venue.objects.get(pk=rworld.venue.pk).spec.reviewing.area_chairs_see_reviewer_names is False
    assert rworld.client("area_chair").get(url).status_code == 404


def test_a_recommendation_changed_since_the_confirmation_is_refused_not_applied(rworld, make_user):
    from paperdesk.decisions import recommendations

    _third, fourth, _cora = bulk_world(rworld, make_user)
    chair = rworld.people["chair"]
    result = recommendations.apply_recommendations(venue=rworld.venue, actor=chair, confirmed={
        rworld.paper.public_id: "reject",  # the chair saw "reject"; the area chair now recommends accept-poster
        fourth.public_id: "reject",
        rworld.other_paper.public_id: "accept-poster",  # no recommendation at all
    })
    assert result.changed == [fourth.number]
    assert any("recommendation changed" in r for r in result.refused)
    assert any("no submitted recommendation" in r for r in result.refused)
    assert dict(Decision.objects.values_list("submission_id", "outcome")) == {fourth.pk: "reject"}
