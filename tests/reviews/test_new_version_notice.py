"""A new PDF version in force on a paper under review (an upload whose check passed, e.g.
after a chair granted the authors an extension) is announced to the people reading the old
one: each reviewer with a published, unconflicted assignment and the paper's area chair get
one e-mail (several changes within a few minutes coalesce into one notice per person), never
naming an author; the reviewer's page says the version changed since their last save."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.committee.models import Assignment
from paperdesk.mail import event_of
from paperdesk.mail.models import EmailPreference, OutboundEmail
from paperdesk.submissions import services
from tests.conftest import make_pdf_bytes
from tests.reviews.review_world import CANARY_AFFILIATION, CANARY_AUTHOR, CANARY_AUTHOR_EMAIL, review_post_data

TEMPLATE = "review_paper_new_version"
NOTICE = "A new version of the paper has been in force since"
AUTHOR_WORDS = [CANARY_AUTHOR, CANARY_AUTHOR_EMAIL, CANARY_AFFILIATION, "Ada Lovelace", "ada@uni.edu", "Canarywhistle"]


@pytest.fixture
def world(rworld, fake_checker):
    """The review world with one more reviewer whose assignment is not yet published."""
    Assignment.objects.create(submission=rworld.paper, user=rworld.people["unassigned_reviewer"], kind="reviewer",
                              alias_number=4, published=False)
    return rworld


def _adopt(world, capture, text: str):
    """The authors upload a new PDF; its check passes and it becomes the version in force
    (the on-commit jobs run, as after a real commit)."""
    with capture(execute=True):
        upload = services.upload_add(submission=world.paper, actor=world.people["author"],
                                     stream=io.BytesIO(make_pdf_bytes(2, text)), original_name="paper.pdf")
    world.paper.refresh_from_db()
    assert world.paper.submitted_paper_id == upload.pk  # adopted: the version in force
    return upload


def _to(person) -> list:
    return [m for m in mail.outbox if person.email in m.to]


def _body(message) -> str:
    return message.subject + "\n" + message.body


def test_the_published_reviewers_and_the_area_chair_get_one_notice_each_without_authors(world, django_capture_on_commit_callbacks):
    people = world.people
    mail.outbox.clear()
    _adopt(world, django_capture_on_commit_callbacks, "second version")

    told = [people["reviewer"], people["reviewer2"], people["area_chair"]]
    for person in told:
        [message] = _to(person)
        body = _body(message)
        assert f"#{world.paper.number}" in body and "The canary paper" in body
        assert reverse("reviews:paper", args=[world.paper.public_id]) in body
        assert "in force since" in body
        for word in AUTHOR_WORDS:
            assert word.lower() not in body.lower(), (person.email, word)
    for person in (people["unassigned_reviewer"], people["conflicted_reviewer"], people["chair"], people["other_author"]):
        assert not any(m for m in _to(person) if "in force since" in m.body), person.email
    notices = OutboundEmail.objects.filter(template=TEMPLATE)
    assert sorted(r for row in notices for r in row.to) == sorted(p.email for p in told)
    assert all(row.submission_id == world.paper.pk for row in notices)  # about the paper: a conflicted chair never reads it


def test_quick_changes_coalesce_into_one_notice_per_person(world, django_capture_on_commit_callbacks):
    people = world.people
    mail.outbox.clear()
    _adopt(world, django_capture_on_commit_callbacks, "second version")
    _adopt(world, django_capture_on_commit_callbacks, "third version")
    _adopt(world, django_capture_on_commit_callbacks, "fourth version")

    for person in (people["reviewer"], people["reviewer2"], people["area_chair"]):
        assert len([m for m in _to(person) if "in force since" in m.body]) == 1, person.email
        held = OutboundEmail.objects.filter(template=TEMPLATE, state=OutboundEmail.State.HELD, recipients=person.email)
        assert held.count() == 1, person.email  # the later changes wait in one notice for the end of the window
        assert "covers 2 changes" in held.get().body


def test_a_reviewer_who_turned_the_event_off_gets_nothing(world, django_capture_on_commit_callbacks):
    people = world.people
    EmailPreference.objects.create(user=people["reviewer2"], event=event_of(TEMPLATE), mode="off")
    mail.outbox.clear()
    _adopt(world, django_capture_on_commit_callbacks, "second version")
    assert event_of(TEMPLATE) in ("review_updates", "paper_updates")  # not essential mail
    assert not _to(people["reviewer2"])
    assert len(_to(people["reviewer"])) == 1


def test_the_review_page_says_so_until_the_reviewer_saves_again(world, django_capture_on_commit_callbacks):
    reviewer = world.client("reviewer")
    url = reverse("reviews:paper", args=[world.paper.public_id])
    assert reviewer.post(reverse("reviews:save", args=[world.paper.public_id]), review_post_data(world.venue)).status_code in (200, 302)
    assert NOTICE not in reviewer.get(url).content.decode()

    _adopt(world, django_capture_on_commit_callbacks, "second version")
    page = reviewer.get(url).content.decode()
    assert NOTICE in page
    assert NOTICE in world.client("reviewer2").get(url).content.decode()  # no review yet: newer than the assignment

    assert reviewer.post(reverse("reviews:save", args=[world.paper.public_id]), review_post_data(world.venue)).status_code in (200, 302)
    assert NOTICE not in reviewer.get(url).content.decode()
