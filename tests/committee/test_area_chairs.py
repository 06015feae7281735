"""The area chairs' batches: a balanced, conflict-free proposal with the highest total
affinity, published area chairs kept, clear refusals when no proposal is possible, moves,
additions and removals by hand with conflict refusal and load warnings, publishing with
e-mails that carry titles and never authors, the chairs-only page, and the area chair's
own page afterwards."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.committee import area_chairs, assignment
from paperdesk.committee.models import Assignment, Conflict, PoolMember
from paperdesk.committee.services import ReviewingError

CANARY = "Zebulon Canarywhistle"
CANARY_EMAIL = "zebulon@canary-institute.edu"
TOPICS = ["circuits", "model-biology", "unsupervised-discovery"]
TEXTS = [
    ("Circuits for indirect object identification", "We find a circuit of attention heads in GPT-2 small."),
    ("Probing model beliefs about the world", "Linear probes find internal world models and beliefs."),
    ("Sparse dictionaries of features", "Sparse autoencoders learn monosemantic dictionary features."),
    ("Attention head superposition", "Attention heads in superposition implement several circuits."),
    ("Personas selected by context", "Context selects personas that a language model simulates."),
    ("Transcoders versus sparse autoencoders", "Transcoders and sparse autoencoders compared on dictionary learning."),
]
AC_NAMES = ["Octavia Metaplume", "Boris Batchwright", "Cleo Chairwell"]


@pytest.fixture
def world(venue, make_paper, make_reviewer, make_user):
    acs = [make_reviewer(f"ac{j}@acs{j}.org", AC_NAMES[j], role="area_chair", expertise=(TOPICS[j],),
                         publications=[TEXTS[j] + (2024, []), TEXTS[j + 3] + (2023, [])]) for j in range(3)]
    papers = []
    for i, (title, abstract) in enumerate(TEXTS):
        authors = ((CANARY, CANARY_EMAIL, None, "Canary Institute"),) if i == 0 else ((f"Author Number{i}", f"a{i}@uni{i}.edu", None, ""),)
        if i == 4:  # the second area chair wrote this one
            authors += ((AC_NAMES[1], "ac1@acs1.org", acs[1], ""),)
        papers.append(make_paper(title, abstract, topic=TOPICS[i % 3], authors=authors))
    declare(acs[0], papers[3])
    reviewer = make_reviewer("rev@reviewers.org", "Rhea Reviewer")
    return {"acs": acs, "papers": papers, "reviewer": reviewer}


def declare(user, paper):
    """A conflict the way one is made: declared, so a recomputation finds it again."""
    from paperdesk.committee.models import DeclaredConflict

    DeclaredConflict.objects.create(venue=paper.venue, side="reviewer", declared_by=user, submission=paper, note="my student's paper")


def pairs(venue):
    return list(Assignment.objects.filter(submission__venue=venue, kind="area_chair").select_related("submission", "user"))


def propose(chair, venue):
    return area_chairs.batches_propose(venue=venue, actor=chair)


def test_area_chairs_propose_balanced_conflict_free_and_optimal(venue, world, chair):
    from paperdesk.committee import affinity
    from paperdesk.submissions.models import Submission

    result = propose(chair, venue)
    rows = pairs(venue)
    assert result.new == 6 and result.load == 2 and result.balanced
    assert result.message == "Proposed 6 papers for 3 area chairs (at most 2 each)."
    assert sorted(Counter(a.submission_id for a in rows).values()) == [1] * 6
    assert sorted(Counter(a.user_id for a in rows).values()) == [2, 2, 2]
    assert all(not a.published and a.alias_number == 1 and a.source == "auto" and a.kind == "area_chair" for a in rows)
    chosen = {(a.submission_id, a.user_id) for a in rows}
    assert (world["papers"][3].pk, world["acs"][0].pk) not in chosen  # a declared conflict
    assert (world["papers"][4].pk, world["acs"][1].pk) not in chosen  # an author of the paper
    # the total is the best a balanced, conflict-free batching can reach (all 3^6 tried)
    members = list(PoolMember.objects.filter(venue=venue, role="area_chair").order_by("pk"))
    model = affinity.model_for(affinity.paper_records(Submission.objects.filter(venue=venue).order_by("number")), affinity.reviewer_records(members), {})
    dense = model.dense()
    forbidden = {(3, 0), (4, 1)}
    best = max(sum(dense[p, r] for p, r in enumerate(choice)) for choice in itertools.product(range(3), repeat=6)
               if not any((p, r) in forbidden for p, r in enumerate(choice)) and sorted(Counter(choice).values()) == [2, 2, 2])
    assert sum(a.score for a in rows) == pytest.approx(best, abs=1e-3)
    mine = {a.submission.title for a in rows if a.user_id == world["acs"][2].pk}
    assert "Sparse dictionaries of features" in mine  # the third area chair wrote its text
    explained = next(a for a in rows if a.submission.title == "Sparse dictionaries of features")
    assert explained.explanation["publication"] == "Sparse dictionaries of features"
    assert explained.explanation["shared_topics"] == ["Unsupervised Discovery & Dictionary Learning"]


def test_area_chairs_balanced_load_is_the_smallest_that_covers_every_paper():
    assert area_chairs.balanced_load(6, [None, None, None]) == 2
    assert area_chairs.balanced_load(7, [None, None, None]) == 3
    assert area_chairs.balanced_load(6, [1, None, None]) == 3  # a lower maximum: the others take more
    assert area_chairs.balanced_load(6, [1, 1, 1]) is None
    assert area_chairs.balanced_load(5, [None, None], held=[4, 0]) == 1  # published papers count
    assert area_chairs.balanced_load(0, []) == 0 and area_chairs.balanced_load(3, []) is None


def test_area_chairs_propose_honours_a_lower_maximum(venue, world, chair):
    PoolMember.objects.filter(user=world["acs"][0]).update(max_load=1)
    result = propose(chair, venue)
    loads = Counter(a.user_id for a in pairs(venue))
    assert result.load == 3 and loads[world["acs"][0].pk] == 1 and sorted(loads.values()) == [1, 2, 3]


def test_area_chairs_an_area_chair_who_reviews_a_paper_is_not_its_area_chair(venue, world, chair):
    paper, ac = world["papers"][2], world["acs"][2]  # the best match by far
    Assignment.objects.create(submission=paper, user=ac, kind="reviewer", alias_number=1, published=True)
    propose(chair, venue)
    assert Assignment.objects.get(submission=paper, kind="area_chair").user_id != ac.pk
    row = Assignment.objects.get(submission=paper, kind="area_chair")
    result = area_chairs.batch_move(assignment=row, to_user=ac, actor=chair)  # by hand: allowed, with a warning
    assert "Cleo Chairwell is also a reviewer of #3; an area chair usually oversees papers they do not review." in result.warnings


def test_area_chairs_and_the_reviewer_assignment_leave_each_other_alone(venue, world, chair, make_reviewer, run_jobs):
    for j in range(2):
        make_reviewer(f"more{j}@reviewers{j}.org", f"More Reviewer{j}", max_load=6)
    PoolMember.objects.filter(user=world["reviewer"]).update(max_load=6)
    propose(chair, venue)
    before = {(a.submission_id, a.user_id, a.published) for a in pairs(venue)}
    run = run_jobs(assignment.run_start, venue=venue, actor=chair)
    run.refresh_from_db()
    assert run.state == "done", run.message
    run_jobs(assignment.publish, venue=venue, actor=chair)
    assert {(a.submission_id, a.user_id, a.published) for a in pairs(venue)} == before
    assert Assignment.objects.filter(kind="reviewer", published=True).count() == 18
    propose(chair, venue)  # and a new proposal keeps every reviewer
    assert Assignment.objects.filter(kind="reviewer", published=True).count() == 18


def test_area_chairs_propose_keeps_published_area_chairs(venue, world, chair, make_paper, run_jobs):
    propose(chair, venue)
    run_jobs(area_chairs.batches_publish, venue=venue, actor=chair)
    published = {(a.submission_id, a.user_id, a.alias_number) for a in pairs(venue)}
    for i in range(3):
        make_paper(f"A later paper {i}", "Attention heads and circuits again.", authors=((f"Late Author{i}", f"late{i}@uni.edu", None, ""),))
    result = propose(chair, venue)
    rows = pairs(venue)
    assert result.kept == 6 and result.new == 3 and result.load == 3
    assert published <= {(a.submission_id, a.user_id, a.alias_number) for a in rows if a.published}
    assert sorted(Counter(a.submission_id for a in rows).values()) == [1] * 9
    assert sorted(Counter(a.user_id for a in rows).values()) == [3, 3, 3]
    assert all(a.alias_number == 1 for a in rows)


def test_area_chairs_propose_refuses_clearly_when_impossible(venue, world, chair, login):
    PoolMember.objects.filter(user__in=world["acs"]).update(max_load=1)
    with pytest.raises(ReviewingError) as error:
        propose(chair, venue)
    assert error.value.message == ("6 papers need an area chair but the 3 area chairs can take at most 3 (their maximum loads). "
                                   "Invite more area chairs or raise their maximum loads.")
    PoolMember.objects.filter(user__in=world["acs"]).update(max_load=None)
    for ac in world["acs"][1:]:
        declare(ac, world["papers"][3])
    response = login(chair).post(reverse("committee:area_chairs_propose", args=[venue.slug]))
    assert response.status_code == 409
    assert ("No area chair can take #4 “Attention head superposition”: every accepted area chair has a conflict with it, reviews it or is not willing."
            in response.content.decode())
    assert not pairs(venue)
    PoolMember.objects.filter(role="area_chair").update(state="declined")
    with pytest.raises(ReviewingError, match="There are no accepted area chairs in the pool"):
        propose(chair, venue)


def test_area_chairs_move_add_remove_by_hand_with_conflicts_refused_and_load_warnings(venue, world, chair, login):
    propose(chair, venue)
    client = login(chair)
    paper = world["papers"][3]
    row = Assignment.objects.get(submission=paper, kind="area_chair")
    member = {m.user_id: m for m in PoolMember.objects.filter(role="area_chair")}
    move = reverse("committee:area_chair_move", args=[venue.slug, row.pk])
    # moving it to the area chair with a conflict is refused, with the reason
    response = client.post(move, {"area_chair": member[world["acs"][0].pk].public_id})
    assert response.status_code == 409
    assert "Octavia Metaplume has a conflict with #4 (declared by the reviewer); a conflicted area chair is never given the paper." in response.content.decode()
    assert Assignment.objects.get(submission=paper, kind="area_chair").user_id == row.user_id
    # to someone else: done, with a warning about the load
    other = next(ac for ac in world["acs"][1:] if ac.pk != row.user_id)
    response = client.post(move, {"area_chair": member[other.pk].public_id}, follow=True)
    text = response.content.decode()
    assert f"#4 moved from {row.user.full_name} to {other.full_name}." in text
    assert f"{other.full_name} now has 3 papers; a balanced batch is 2." in text
    moved = Assignment.objects.get(submission=paper, kind="area_chair")
    assert moved.user_id == other.pk and moved.source == "manual" and moved.alias_number == 1 and moved.explanation["manual"] is True
    # removing leaves the paper without an area chair; it can then be given by hand
    response = client.post(reverse("committee:area_chair_remove", args=[venue.slug, moved.pk]), follow=True)
    text = response.content.decode()
    assert "#4 removed from" in text and "#4 now has no area chair." in text
    assert f'id="unassigned-{paper.public_id}"' in text
    add = reverse("committee:area_chair_add", args=[venue.slug, paper.public_id])
    assert client.post(add, {"area_chair": member[world["acs"][0].pk].public_id}).status_code == 409  # the conflict again
    assert client.post(add, {"area_chair": "nosuchmember"}).status_code == 400
    response = client.post(add, {"area_chair": member[row.user_id].public_id}, follow=True)
    assert "#4 added to" in response.content.decode()
    response = client.post(add, {"area_chair": member[other.pk].public_id})
    assert response.status_code == 409 and "#4 already has an area chair" in response.content.decode()
    # a reviewer is not an area chair
    reviewer_member = PoolMember.objects.get(user=world["reviewer"])
    current = Assignment.objects.get(submission=paper, kind="area_chair")
    response = client.post(reverse("committee:area_chair_move", args=[venue.slug, current.pk]), {"area_chair": reviewer_member.public_id})
    assert response.status_code == 400 and "Choose one of the venue&#x27;s accepted area chairs." in response.content.decode()


def test_area_chairs_published_area_chair_with_a_meta_review_stays(venue, world, chair, run_jobs):
    from paperdesk.reviews.models import MetaReview

    propose(chair, venue)
    run_jobs(area_chairs.batches_publish, venue=venue, actor=chair)
    row = Assignment.objects.filter(kind="area_chair").select_related("submission", "user").first()
    MetaReview.objects.create(submission=row.submission, author=row.user, recommendation="accept-poster", text="Draft")
    other = next(ac for ac in world["acs"] if ac.pk != row.user_id and not Conflict.objects.filter(submission=row.submission, user=ac).exists()
                 and not row.submission.authorships.filter(user=ac).exists())
    with pytest.raises(ReviewingError, match="has started the meta-review of #"):
        area_chairs.batch_move(assignment=row, to_user=other, actor=chair)
    with pytest.raises(ReviewingError, match="has started the meta-review of #"):
        area_chairs.batch_remove(assignment=row, actor=chair)


def test_area_chairs_publish_emails_titles_without_authors(venue, world, chair, login, run_jobs):
    from paperdesk.audit.models import AuditEntry
    from paperdesk.venues.models import VenueRole

    VenueRole.objects.filter(role="area_chair").delete()
    propose(chair, venue)
    mail.outbox.clear()
    asked = run_jobs(login(chair).post, reverse("committee:area_chairs_publish", args=[venue.slug]))  # asked once first
    assert 'id="confirm-publish-batches"' in asked.content.decode() and "Publish 6 papers to 3 area chairs?" in asked.content.decode()
    assert not any(a.published for a in pairs(venue)) and mail.outbox == []
    response = run_jobs(login(chair).post, reverse("committee:area_chairs_publish", args=[venue.slug]), {"confirm": "yes"}, follow=True)
    assert "Published 6 papers to the area chairs; each is e-mailed the titles of their papers." in response.content.decode()
    rows = pairs(venue)
    assert all(a.published and a.alias == "Area chair 1" for a in rows)
    assert set(VenueRole.objects.filter(venue=venue, role="area_chair").values_list("user_id", flat=True)) == {ac.pk for ac in world["acs"]}
    assert AuditEntry.objects.filter(action="area_chairs.publish", data__pairs=6).exists()
    assert AuditEntry.objects.filter(action="area_chairs.propose").exists()
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        (address,) = message.to
        mine = {a.submission.title for a in rows if a.user.email == address}
        assert message.subject == f"[{venue.short_name}] Your papers as area chair"
        assert all(title in message.body for title in mine) and len(mine) == 2
        assert not any(p.title in message.body for p in world["papers"] if p.title not in mine)
        assert CANARY not in message.body and CANARY_EMAIL not in message.body and "Author Number" not in message.body
        assert f"/v/{venue.slug}/area-chair/" in message.body and "(you are Area chair 1)" in message.body
    assert run_jobs(login(chair).post, reverse("committee:area_chairs_publish", args=[venue.slug])).status_code == 409  # nothing new


def test_area_chairs_publish_refuses_a_conflicted_pair(venue, world, chair):
    propose(chair, venue)
    row = Assignment.objects.filter(kind="area_chair").first()
    Conflict.objects.create(submission=row.submission, user=row.user, source="institution", reason="same institution: Acme")
    with pytest.raises(ReviewingError, match=r"1 proposed pair\(s\) are conflicts"):
        area_chairs.batches_publish(venue=venue, actor=chair)
    assert not Assignment.objects.filter(kind="area_chair", published=True).exists()


def test_area_chairs_page_shows_batches_to_chairs(venue, world, chair, login):
    client = login(chair)
    url = reverse("committee:area_chairs", args=[venue.slug])
    page = client.get(url).content.decode()
    assert 'id="propose-batches"' in page and "Every paper has an area chair." not in page
    assert f'id="unassigned-{world["papers"][0].public_id}"' in page
    assert ">Area chairs</a>" in page  # the chairs' sub-navigation
    propose(chair, venue)
    page = client.get(url).content.decode()
    for name in AC_NAMES:
        assert name in page
    for p in world["papers"]:
        assert p.title in page
    assert "<strong>6</strong> proposed papers not yet published; 0 published." in page
    assert 'id="publish-batches"' in page and "Every paper has an area chair." in page
    assert "a balanced batch is 2 papers" in page
    assert CANARY not in page and CANARY_EMAIL not in page
    row = Assignment.objects.filter(kind="area_chair").first()
    assert f'id="ac-pair-{row.pk}"' in page and f"{row.score:.2f}" in page


def test_area_chairs_chair_with_a_conflict_does_not_see_that_paper(venue, world, chair, login, make_user):
    from paperdesk.venues.models import VenueRole

    propose(chair, venue)
    other_chair = make_user("c2@chairs.org", "Second Chair")
    VenueRole.objects.create(venue=venue, user=other_chair, role="chair")
    paper = world["papers"][2]
    Conflict.objects.create(submission=paper, user=other_chair, source="author_declared", reason="declared by the authors")
    page = login(other_chair).get(reverse("committee:area_chairs", args=[venue.slug])).content.decode()
    assert paper.title not in page and "1 paper you have a conflict with" in page
    row = Assignment.objects.get(submission=paper, kind="area_chair")
    with pytest.raises(ReviewingError):
        area_chairs.batch_remove(assignment=row, actor=other_chair)
    with pytest.raises(ReviewingError, match="another chair must publish"):
        area_chairs.batches_publish(venue=venue, actor=other_chair)


def test_area_chairs_page_queries_do_not_grow_with_papers(venue, world, chair, login, make_paper):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    propose(chair, venue)
    client = login(chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("committee:area_chairs", args=[venue.slug])).status_code == 200
        return len(queries)

    before = count()
    for i in range(6):
        make_paper(f"More {i}", authors=((f"Extra Author{i}", f"x{i}@extra{i}.edu", None, ""),))
    propose(chair, venue)
    assert count() == before


@pytest.mark.parametrize("who", ["anonymous", "author", "area_chair", "reviewer"])
def test_area_chairs_page_and_actions_are_404_for_non_chairs(venue, world, chair, login, who):
    from django.test import Client

    propose(chair, venue)
    people = {"author": world["papers"][4].authorships.get(user__isnull=False).user, "area_chair": world["acs"][2], "reviewer": world["reviewer"]}
    client = Client() if who == "anonymous" else login(people[who])
    row = Assignment.objects.filter(kind="area_chair").first()
    slug = venue.slug
    member = PoolMember.objects.filter(role="area_chair").first().public_id
    assert client.get(reverse("committee:area_chairs", args=[slug])).status_code == 404
    assert client.post(reverse("committee:area_chairs_propose", args=[slug])).status_code == 404
    assert client.post(reverse("committee:area_chairs_publish", args=[slug])).status_code == 404
    assert client.post(reverse("committee:area_chair_move", args=[slug, row.pk]), {"area_chair": member}).status_code == 404
    assert client.post(reverse("committee:area_chair_remove", args=[slug, row.pk])).status_code == 404
    assert client.post(reverse("committee:area_chair_add", args=[slug, world["papers"][0].public_id]), {"area_chair": member}).status_code == 404
    assert not Assignment.objects.filter(kind="area_chair", published=True).exists() and len(pairs(venue)) == 6
    with pytest.raises(ReviewingError):
        area_chairs.batches_propose(venue=venue, actor=people.get(who))


def test_area_chairs_the_area_chair_then_sees_the_batch(venue, world, chair, login, run_jobs):
    ac = world["acs"][2]
    client = login(ac)
    url = reverse("reviews:area_chair", args=[venue.slug])
    propose(chair, venue)
    assert client.get(url).status_code == 404  # proposed, not published: nothing yet
    run_jobs(area_chairs.batches_publish, venue=venue, actor=chair)
    page = client.get(url).content.decode()
    mine = {a.submission.title for a in pairs(venue) if a.user_id == ac.pk}
    assert len(mine) == 2
    for p in world["papers"]:
        assert (p.title in page) == (p.title in mine)
    assert "Area chair 1" in page and CANARY not in page
