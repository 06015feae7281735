"""Issue 11 items 1 and 4 in a real browser (Chromium through Playwright): the authors write
their response during the phase and a reviewer reads it under "Authors"; the area chair sees
the reviewers' names and rates a review; the chair sets the decisions to the area chairs'
recommendations after the one confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.reviews.review_world import CANARY_AUTHOR, CANARY_REVIEWER, review_post_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_as(chromium, live_server, settings):
    from django.test import Client

    contexts = []

    def _page_as(user):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield _page_as
    for context in contexts:
        context.close()


def test_response_rating_and_decisions_from_recommendations_in_the_browser(rworld, page_as, at):
    from django.urls import reverse

    from paperdesk.decisions.models import Decision
    from paperdesk.reviews.models import ReviewRating
    from paperdesk.venues.models import Venue

    venue, paper = rworld.venue, rworld.paper
    tz = venue.tzinfo
    deadline = venue.review_deadline.astimezone(tz).replace(tzinfo=None)
    at((deadline - dt.timedelta(days=1)).replace(tzinfo=tz))
    assert rworld.client("reviewer").post(reverse("reviews:save", args=[paper.public_id]),
                                          review_post_data(venue, action="submit")).status_code == 302
    venue = Venue.objects.get(pk=venue.pk)
    venue.config["author_response"] = {"enabled": True, "opens": (deadline + dt.timedelta(days=1)).isoformat(),
                                       "closes": (deadline + dt.timedelta(days=4)).isoformat(), "max_length": 200,
                                       "unit": "words", "reviewers_read": True, "area_chairs_read": True}
    venue.save()
    at((deadline + dt.timedelta(days=2)).replace(tzinfo=tz))

    author = page_as(rworld.people["author"])
    author.goto(f"/submissions/{paper.public_id}/")
    author.click("text=Author response to the reviews")
    expect(author.locator("h1")).to_contain_text("Author response")
    author.fill("textarea[name=text]", "We added the ablation the reviewers asked for.")
    author.click("button:has-text('Save the response')")
    expect(author.locator(".messages")).to_contain_text("Your response is saved")

    reviewer = page_as(rworld.people["reviewer"])
    reviewer.goto(f"/reviews/paper/{paper.public_id}/")
    expect(reviewer.locator("#author-response")).to_contain_text("We added the ablation")
    expect(reviewer.locator("#author-response")).to_contain_text("Authors")
    assert CANARY_AUTHOR not in reviewer.content() and "Ada Lovelace" not in reviewer.content()

    ac = page_as(rworld.people["area_chair"])
    ac.goto(f"/reviews/paper/{paper.public_id}/")
    expect(ac.locator("#review-ratings")).to_contain_text(CANARY_REVIEWER)
    form = ac.locator("#review-ratings form.rate-review").first
    form.locator("input[name=score][value='3']").check()
    form.locator("textarea[name=note]").fill("Specific and actionable.")
    form.locator("button[type=submit]").click()
    expect(ac.locator("#review-ratings")).to_contain_text("3/3")
    assert ReviewRating.objects.get().score == 3
    from paperdesk.reviews import services as review_services

    review_services.meta_review_save(submission=paper, actor=rworld.people["area_chair"], recommendation="accept-poster",
                                     text="The reviewers agree.", submit=True)

    chair = page_as(rworld.people["chair"])
    chair.goto(f"/v/{venue.slug}/chair/decisions/")
    chair.click("text=Set decisions to the area chairs' recommendations")
    expect(chair.locator("#from-recommendations")).to_contain_text("Accept (poster)")
    expect(chair.locator("#left-out")).to_contain_text(f"#{rworld.other_paper.number}")
    chair.locator("#from-recommendations button[type=submit]").click()
    expect(chair.locator(".messages")).to_contain_text(f"#{paper.number}")
    assert Decision.objects.get(submission=paper).outcome == "accept-poster"
    assert not (author.errors or reviewer.errors or ac.errors or chair.errors)
