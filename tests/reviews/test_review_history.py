"""Review history: a version per save of a review or meta-review (who, when, why, what), the
chairs' history page with diffs, and reverts (one review, a paper, a whole venue to a
moment: the ICLR 2025 case), each confirmed, audited, and told to the reviewer by e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.reviews import reverts, services
from paperdesk.reviews.models import Review, ReviewVersion
from paperdesk.submissions.services import ServiceError
from tests.reviews.review_world import CANARY_REVIEWER, full_answers

BEFORE = "Beforetext-canary: the ablations are convincing."
AFTER = "Aftertext-canary: on reflection the ablations are weak."


def write(world, who: str, *, text: str, overall: int = 4, submit: bool = True, paper=None):
    return services.review_save(submission=paper or world.paper, actor=world.people[who], answers=full_answers(world.venue, text),
                                overall=overall, confidence=3, comments_to_chairs="", submit=submit)


def versions_of(review) -> list[ReviewVersion]:
    return list(ReviewVersion.objects.filter(review=review).order_by("number"))


def local_input(venue, moment: dt.datetime) -> str:
    """How the chair's browser sends a moment: wall-clock time in the venue's time zone."""
    return venue.local(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def days(rworld, at):
    """Moments before the review deadline, one per day: `days(3)` is 3 days before it; the
    clock is moved there."""
    deadline = rworld.venue.review_deadline.replace(second=0, microsecond=0)

    def move(before: int, hours: int = 0):
        return at(deadline - dt.timedelta(days=before) + dt.timedelta(hours=hours))

    return move


# --- versions ---------------------------------------------------------------------------


def test_every_save_submit_edit_and_score_change_writes_a_version(rworld, days):
    reviewer = rworld.people["reviewer"]
    t1 = days(10)
    write(rworld, "reviewer", text="first thoughts", submit=False)
    days(10, 1)
    write(rworld, "reviewer", text="first thoughts, more", submit=False)  # autosave: same run of drafts
    t2 = days(9)
    write(rworld, "reviewer", text=BEFORE, overall=4)
    t3 = days(8)
    write(rworld, "reviewer", text=AFTER, overall=4)
    t4 = days(7)
    write(rworld, "reviewer", text=AFTER, overall=2)
    write(rworld, "reviewer", text=AFTER, overall=2)  # nothing changed: nothing written
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    versions = versions_of(review)
    assert [(v.number, v.reason) for v in versions] == [(1, "draft"), (2, "submit"), (3, "edit"), (4, "score")]
    assert all(v.actor_id == reviewer.pk and v.submission_id == rworld.paper.pk for v in versions)
    assert versions[0].at == t1 + dt.timedelta(hours=1)  # the draft as last saved
    assert [v.at for v in versions[1:]] == [t2, t3, t4]
    assert "first thoughts, more" in versions[0].snapshot["answers"]["summary"] and versions[0].snapshot["state"] == "draft"
    assert BEFORE in versions[1].snapshot["answers"]["summary"] and versions[1].snapshot["state"] == "submitted"
    assert versions[3].snapshot["overall"] == 2 and versions[2].snapshot["overall"] == 4
    # The audit entry names the version it wrote (none for the save that changed nothing).
    entries = AuditEntry.objects.filter(action="review.update", object_id=review.public_id).order_by("-id")
    assert [e.data["version"] for e in entries[:2]] == [None, 4]


def test_meta_review_saves_are_versions_too(rworld, days):
    paper = rworld.paper
    days(5)
    services.meta_review_save(submission=paper, actor=rworld.people["area_chair"], recommendation="reject", text="Draft meta")
    days(4)
    services.meta_review_save(submission=paper, actor=rworld.people["area_chair"], recommendation="reject", text="Final meta", submit=True)
    days(3)
    services.meta_review_save(submission=paper, actor=rworld.people["chair"], recommendation="accept-poster", text="Final meta")
    versions = list(ReviewVersion.objects.filter(meta_review__submission=paper).order_by("number"))
    assert [(v.reason, v.actor_id) for v in versions] == [
        ("draft", rworld.people["area_chair"].pk), ("submit", rworld.people["area_chair"].pk), ("edit", rworld.people["chair"].pk)]
    assert versions[2].snapshot["recommendation"] == "accept-poster" and versions[2].snapshot["author_id"] == rworld.people["chair"].pk


def test_the_api_writes_versions_through_the_same_service(rworld, days):
    from paperdesk.api.models import ApiToken

    days(6)
    token = ApiToken.issue(rworld.people["reviewer"], "t")[1]
    client = rworld.client("anonymous")
    response = client.put(f"/api/papers/{rworld.paper.public_id}/review", data={"answers": {"summary": "via the API"}},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    (version,) = ReviewVersion.objects.filter(review__assignment=rworld.assignments["reviewer"])
    assert version.reason == "draft" and version.snapshot["answers"]["summary"] == "via the API"


# --- the chairs' history page -----------------------------------------------------------------


def test_history_page_shows_who_when_and_a_word_diff(rworld, days):
    days(9)
    write(rworld, "reviewer", text=BEFORE, overall=4)
    days(8)
    write(rworld, "reviewer", text=AFTER, overall=2)
    review_page = rworld.client("chair").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    url = reverse("reviews:history", args=[rworld.paper.public_id])
    assert f'href="{url}"' in review_page  # linked from the chair's review page
    response = rworld.client("chair").get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Version 1" in body and "Version 2" in body and "Score changed" in body
    assert f"Reviewer 1 ({CANARY_REVIEWER})" in body
    assert "<del>Beforetext-canary:</del><ins>Aftertext-canary: on reflection</ins>" in body  # a word diff of the text answers
    assert "<del>convincing.</del><ins>weak.</ins>" in body
    assert "<del>4: " in body and "<ins>2: " in body  # the overall score, with its labels
    revert_link = reverse("reviews:history_revert", args=[rworld.paper.public_id])
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    assert f"{revert_link}?review={review.public_id}&amp;version=1" in body


# --- reverting one review ---------------------------------------------------------------------


def test_chair_reverts_one_review_after_confirming_and_the_reviewer_is_told(rworld, days, django_capture_on_commit_callbacks):
    days(9)
    write(rworld, "reviewer", text=BEFORE, overall=4)
    days(8)
    write(rworld, "reviewer", text=AFTER, overall=1)
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    url = reverse("reviews:history_revert", args=[rworld.paper.public_id])
    chair = rworld.client("chair")
    days(7)
    confirm = chair.get(url, {"review": review.public_id, "version": 1})
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "<strong>1</strong> review" in body and "told by e-mail" in body
    assert 'name="expected" value="1"' in body
    assert Review.objects.get(pk=review.pk).overall == 1  # looking changes nothing
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = chair.post(url, {"review": review.public_id, "version": 1, "expected": 1})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.overall == 4 and BEFORE in review.answers["summary"] and review.state == "submitted"
    last = versions_of(review)[-1]
    assert last.reason == "revert" and last.actor_id == rworld.people["chair"].pk and last.restored.number == 1
    assert AuditEntry.objects.filter(action="reviews.revert_version", actor=rworld.people["chair"]).exists()
    (message,) = mail.outbox
    assert message.to == [rworld.people["reviewer"].email]
    assert f"paper #{rworld.paper.number}" in message.subject and "reverted" in message.subject
    assert "Reviewer 1" in message.body and rworld.paper.title in message.body
    assert "Pat Chair" not in message.body and "pat@chairs.org" not in message.body  # never who did it
    # The reviewer's page says the chairs restored it, without a name.
    page = rworld.client("reviewer").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert "The program chairs restored your review" in page and "Pat Chair" not in page


def test_a_revert_whose_count_changed_meanwhile_changes_nothing(rworld, days):
    days(9)
    write(rworld, "reviewer", text=BEFORE)
    days(8)
    write(rworld, "reviewer", text=AFTER)
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    with pytest.raises(ServiceError) as refused:
        reverts.revert_version(submission=rworld.paper, actor=rworld.people["chair"], object_id=review.public_id, number=1, expected=0)
    assert refused.value.status == 409
    response = rworld.client("chair").post(reverse("reviews:history_revert", args=[rworld.paper.public_id]),
                                           {"review": review.public_id, "version": 1, "expected": 3})
    assert response.status_code == 409 and "changed since you looked" in response.content.decode()
    review.refresh_from_db()
    assert AFTER in review.answers["summary"]
    assert not ReviewVersion.objects.filter(reason="revert").exists()


def test_a_missing_version_is_a_404_and_bad_moments_a_400(rworld, days):
    days(9)
    write(rworld, "reviewer", text=BEFORE)
    url = reverse("reviews:history_revert", args=[rworld.paper.public_id])
    chair = rworld.client("chair")
    assert chair.get(url, {"review": "nope", "version": 1}).status_code == 404
    bad = chair.get(url, {"at": "yesterday-ish"})
    assert bad.status_code == 400 and "YYYY-MM-DD HH:MM" in bad.content.decode()
    later = chair.get(url, {"at": local_input(rworld.venue, days(9, 1) + dt.timedelta(days=1))})
    assert later.status_code == 400 and "moment in the past" in later.content.decode()
    venue_page = chair.get(reverse("reviews:venue_revert", args=[rworld.venue.slug]), {"at": "31/12"})
    assert venue_page.status_code == 400 and "YYYY-MM-DD HH:MM" in venue_page.content.decode()


# --- reverting the venue to a moment (the ICLR case) ------------------------------------------


def test_venue_revert_puts_every_review_back_to_a_moment(rworld, days, django_capture_on_commit_callbacks):
    from paperdesk.committee.models import Assignment

    venue, chair = rworld.venue, rworld.client("chair")
    other_assignment = Assignment.objects.get(submission=rworld.other_paper, user=rworld.people["unassigned_reviewer"])
    days(10)
    write(rworld, "reviewer", text=BEFORE, overall=5)
    write(rworld, "reviewer2", text="Second opinion, before", overall=3)
    write(rworld, "unassigned_reviewer", text="Other paper, before", overall=4, paper=rworld.other_paper)
    discussion_opens = days(9)  # the moment to go back to
    days(8)
    write(rworld, "reviewer", text=AFTER, overall=1)  # changed after the leak
    write(rworld, "reviewer2", text="Second opinion, after", overall=1)
    services.meta_review_save(submission=rworld.paper, actor=rworld.people["area_chair"], recommendation="reject", text="Meta after")
    days(7)
    url = reverse("reviews:venue_revert", args=[venue.slug])
    assert f'href="{url}"' in chair.get(reverse("decisions:dashboard", args=[venue.slug])).content.decode()
    page = chair.get(url, {"at": local_input(venue, discussion_opens)})
    body = page.content.decode()
    assert page.status_code == 200
    assert "<strong>2</strong> reviews on 1 paper will be reverted" in body
    assert "2 people are told by e-mail" in body
    assert "1 other review already says what it said then" in body  # the other paper's review
    assert "1 review had no saved version yet at that moment" in body  # the meta-review, started later
    assert 'name="expected" value="2"' in body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = chair.post(url, {"at": local_input(venue, discussion_opens), "expected": 2})
    assert done.status_code == 302
    first = Review.objects.get(assignment=rworld.assignments["reviewer"])
    second = Review.objects.get(assignment=rworld.assignments["reviewer2"])
    assert BEFORE in first.answers["summary"] and first.overall == 5
    assert "Second opinion, before" in second.answers["summary"] and second.overall == 3
    assert Review.objects.get(assignment=other_assignment).overall == 4
    entry = AuditEntry.objects.get(action="reviews.revert_venue")
    assert entry.data["reviews"] == 2 and dt.datetime.fromisoformat(entry.data["moment"]) == discussion_opens
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rworld.people["reviewer"].email, rworld.people["reviewer2"].email])
    # Reverting again to the same moment finds nothing to do.
    again = chair.get(url, {"at": local_input(venue, discussion_opens)}).content.decode()
    assert "Nothing to revert" in again


def test_reverted_reviews_are_what_reviewers_and_authors_read(rworld, days, django_capture_on_commit_callbacks):
    from paperdesk.decisions.models import Decision

    days(10)
    write(rworld, "reviewer", text=BEFORE, overall=5)
    write(rworld, "reviewer2", text="Second opinion", overall=3)
    moment = days(9)
    days(8)
    write(rworld, "reviewer", text=AFTER, overall=1)
    days(7)
    with django_capture_on_commit_callbacks(execute=True):
        reverts.revert_to_moment(venue=rworld.venue, actor=rworld.people["chair"], moment=moment, expected=1, submission=rworld.paper)
    other_reviewer = rworld.client("reviewer2").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert BEFORE in other_reviewer and AFTER not in other_reviewer
    assert '<span class="score">5: ' in other_reviewer
    Decision.objects.create(submission=rworld.paper, outcome="reject", decided_by=rworld.people["chair"], released_at=days(6))
    author = rworld.client("author").get(reverse("decisions:author", args=[rworld.paper.public_id])).content.decode()
    assert BEFORE in author and AFTER not in author
    api = rworld.client("author")
    from paperdesk.api.models import ApiToken

    token = ApiToken.issue(rworld.people["author"], "t")[1]
    results = api.get(f"/api/submissions/{rworld.paper.public_id}/results", HTTP_AUTHORIZATION=f"Bearer {token}").content.decode()
    assert BEFORE in results and AFTER not in results
    # Neither sees who reverted it, nor that anybody else edited.
    assert "Pat Chair" not in other_reviewer + author + results


def test_a_submitted_review_reverted_to_a_draft_leaves_the_others_pages(rworld, days):
    days(10)
    write(rworld, "reviewer", text=BEFORE, submit=False)
    moment = days(9)
    days(8)
    write(rworld, "reviewer", text=AFTER)
    write(rworld, "reviewer2", text="Second opinion")
    days(7)
    plan = reverts.plan_moment(rworld.people["chair"], rworld.venue, moment, rworld.paper)
    assert plan.count == 1 and plan.back_to_draft == 1 and plan.started_after == 1
    reverts.revert_to_moment(venue=rworld.venue, actor=rworld.people["chair"], moment=moment, expected=1, submission=rworld.paper)
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    assert review.state == "draft" and review.submitted_at is None
    page = rworld.client("reviewer2").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert AFTER not in page and BEFORE not in page


def test_a_revert_can_itself_be_reverted(rworld, days):
    days(9)
    write(rworld, "reviewer", text=BEFORE)
    days(8)
    write(rworld, "reviewer", text=AFTER)
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    days(7)
    reverts.revert_version(submission=rworld.paper, actor=rworld.people["chair"], object_id=review.public_id, number=1)
    days(6)
    reverts.revert_version(submission=rworld.paper, actor=rworld.people["chair"], object_id=review.public_id, number=2)
    review.refresh_from_db()
    assert AFTER in review.answers["summary"]
    assert [v.reason for v in versions_of(review)] == ["submit", "edit", "revert", "revert"]


# --- conflicts ------------------------------------------------------------------------------


def _chair_author(world, make_user):
    from paperdesk.submissions.models import Authorship
    from paperdesk.venues.models import VenueRole

    user = make_user("carl@chairs.org", "Carl Chair-Author")
    VenueRole.objects.create(venue=world.venue, user=user, role=VenueRole.Role.CHAIR)
    Authorship.objects.create(submission=world.paper, position=9, email=user.email, name=user.full_name, user=user)
    world.people["chair_author"] = user
    return user


def test_a_conflicted_chair_is_refused_everywhere(rworld, days, make_user):
    carl = _chair_author(rworld, make_user)
    days(9)
    write(rworld, "reviewer", text=BEFORE)
    moment = days(9, 1)
    days(8)
    write(rworld, "reviewer", text=AFTER)
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    days(7)
    client = rworld.client("chair_author")
    paper = rworld.paper
    assert client.get(reverse("reviews:history", args=[paper.public_id])).status_code == 404
    revert_url = reverse("reviews:history_revert", args=[paper.public_id])
    assert client.get(revert_url, {"review": review.public_id, "version": 1}).status_code == 404
    assert client.post(revert_url, {"review": review.public_id, "version": 1, "expected": 1}).status_code == 404
    with pytest.raises(ServiceError):
        reverts.revert_version(submission=paper, actor=carl, object_id=review.public_id, number=1)
    with pytest.raises(ServiceError):
        reverts.revert_to_moment(venue=rworld.venue, actor=carl, moment=moment, expected=1, submission=paper)
    # Venue-wide, his own paper is left out, and nothing of it is counted for him.
    venue_page = client.get(reverse("reviews:venue_revert", args=[rworld.venue.slug]), {"at": local_input(rworld.venue, moment)})
    body = venue_page.content.decode()
    assert venue_page.status_code == 200
    assert "Nothing to revert" in body and "1 paper you have a conflict with is left out" in body
    assert "review had no saved version" not in body  # reviewer2's slot on his paper is not counted either
    review.refresh_from_db()
    assert AFTER in review.answers["summary"]
    assert not ReviewVersion.objects.filter(reason="revert").exists()


def test_history_and_revert_pages_are_well_formed(rworld, days):
    """The pages the crawl test does not reach by links (a confirmation needs a version or a
    moment): one h1, labelled fields, unique ids, no template syntax."""
    from tests.site.test_crawl import PageFacts

    days(9)
    write(rworld, "reviewer", text=BEFORE)
    moment = days(9, 1)
    days(8)
    write(rworld, "reviewer", text=AFTER)
    services.meta_review_save(submission=rworld.paper, actor=rworld.people["area_chair"], recommendation="reject", text="Meta")
    days(7)
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    paper, venue, chair = rworld.paper, rworld.venue, rworld.client("chair")
    revert = reverse("reviews:history_revert", args=[paper.public_id])
    pages = {
        "history": chair.get(reverse("reviews:history", args=[paper.public_id])),
        "one": chair.get(revert, {"review": review.public_id, "version": 1}),
        "paper": chair.get(revert, {"at": local_input(venue, moment)}),
        "paper_form": chair.get(revert),
        "paper_bad": chair.get(revert, {"at": "soon"}),
        "venue": chair.get(reverse("reviews:venue_revert", args=[venue.slug])),
        "venue_plan": chair.get(reverse("reviews:venue_revert", args=[venue.slug]), {"at": local_input(venue, moment)}),
    }
    for name, response in pages.items():
        assert response.status_code == (400 if name == "paper_bad" else 200), name
        facts = PageFacts()
        html = response.content.decode()
        facts.feed(html)
        assert not facts.problems(), (name, facts.problems())
        assert not [m for m in ("{%", "%}", "{{", "}}") if m in html], name


def test_the_migration_keeps_reviews_saved_before_history_as_a_baseline(rworld, days):
    """Reviews and meta-reviews written before this feature get one version each (their
    state when history started), so a revert can go back to it."""
    import importlib

    from django.apps import apps

    from paperdesk.reviews.models import MetaReview

    days(9)
    review = Review.objects.create(assignment=rworld.assignments["reviewer"], answers={"summary": BEFORE}, overall=4, confidence=3,
                                   state="submitted", submitted_at=days(9))
    meta = MetaReview.objects.create(submission=rworld.paper, author=rworld.people["area_chair"], recommendation="reject", text="Old meta")
    assert not ReviewVersion.objects.exists()
    importlib.import_module("paperdesk.reviews.migrations.0003_review_versions").baseline(apps, None)
    (version,) = ReviewVersion.objects.filter(review=review)
    assert version.reason == "baseline" and version.number == 1 and version.actor_id == rworld.people["reviewer"].pk
    assert version.snapshot["answers"] == {"summary": BEFORE} and version.snapshot["overall"] == 4
    (meta_version,) = ReviewVersion.objects.filter(meta_review=meta)
    assert meta_version.snapshot["text"] == "Old meta" and meta_version.actor_id == rworld.people["area_chair"].pk
    # The next save is version 2, and the baseline counts as "what it said then".
    days(8)
    write(rworld, "reviewer", text=AFTER)
    assert [v.number for v in versions_of(review)] == [1, 2]
