"""Releasing decisions is irreversible: the release form asks once for confirmation, naming
what happens (authors read their decisions and reviews, e-mails go out, the decisions are
final) and the papers concerned, and warns about papers released with fewer reviews than
the venue asks or without a meta-review, listing them. Nothing is released until the chair
confirms."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.decisions import services
from paperdesk.decisions.models import Release
from tests.decisions.test_decisions import decide, release, review, reviewed  # noqa: F401
from tests.decisions.test_story_browser import page_as  # noqa: F401


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_release_asks_once_naming_the_papers_and_consequences(reviewed, django_capture_on_commit_callbacks):
    decide(reviewed, "accept-poster", reviewed.paper)
    decide(reviewed, "reject", reviewed.other_paper)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        asked = reviewed.client("chair").post(reverse("decisions:release", args=[reviewed.venue.slug]),
                                              {"subject": services.DEFAULT_SUBJECT, "body": services.DEFAULT_BODY, "action": "release"})
    assert asked.status_code == 200
    assert not Release.objects.exists() and mail.outbox == []  # nothing happened yet
    html = asked.content.decode()
    assert 'id="release-confirm"' in html
    text = _text(asked)
    assert f"#{reviewed.paper.number} The canary paper" in text and f"#{reviewed.other_paper.number} Another paper" in text
    assert "cannot be undone" in text and "3 e-mails" in text
    # the canary paper has 2 of 3 reviews and a meta-review; the other paper has none of either
    warning = html.split('id="release-warnings"', 1)[1].split("</section>", 1)[0]
    assert f"#{reviewed.paper.number}" in warning and "2 of 3" in warning
    assert f"#{reviewed.other_paper.number}" in warning and "0 of 3" in warning
    meta = html.split('id="release-no-meta"', 1)[1].split("</ul>", 1)[0]
    assert f"#{reviewed.other_paper.number}" in meta and f"#{reviewed.paper.number}" not in meta
    # the confirmation carries the texts the chair wrote, and confirming releases
    with django_capture_on_commit_callbacks(execute=True):
        done = release(reviewed)  # confirmed
    assert done.status_code == 302 and Release.objects.get().decision_count == 2


def test_no_warning_when_every_paper_has_its_reviews_and_meta_review(reviewed, django_capture_on_commit_callbacks):
    from paperdesk.venues.models import Venue

    config = dict(reviewed.venue.config)
    config["reviewing"] = {**config["reviewing"], "reviewers_per_paper": 2}
    Venue.objects.filter(pk=reviewed.venue.pk).update(config=config)
    decide(reviewed, "accept-poster", reviewed.paper)
    asked = release(reviewed, hold_back_undecided="yes", confirmed="")
    assert asked.status_code == 200 and 'id="release-confirm"' in asked.content.decode()
    assert 'id="release-warnings"' not in asked.content.decode()
    assert not Release.objects.exists()


def test_refusals_come_before_the_question(reviewed):
    decide(reviewed, "accept-poster", reviewed.paper)  # the other paper has no decision
    response = release(reviewed)
    assert response.status_code == 400 and "has no decision yet" in response.content.decode()
    assert 'id="release-confirm"' not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_release_confirmation_in_the_browser(reviewed, page_as):
    from playwright.sync_api import expect

    decide(reviewed, "reject", reviewed.paper, reviewed.other_paper)
    page = page_as(reviewed.people["chair"])
    page.goto(f"/v/{reviewed.venue.slug}/chair/release/")
    page.fill("#id_reject_subject", "About {{ title }}")
    page.click("button[value=release]")
    confirm = page.locator("#release-confirm")
    expect(confirm).to_contain_text("cannot be undone")
    expect(confirm).to_contain_text("Another paper")
    expect(page.locator("#release-warnings")).to_contain_text("0 of 3")
    assert not Release.objects.exists()
    confirm.locator("button[value=release]").click()
    expect(page.locator("h1")).to_contain_text("wave 1")
    assert Release.objects.get().reject_subject == "About {{ title }}"
    assert not page.errors, page.errors
