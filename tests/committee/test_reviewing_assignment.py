"""The automatic assignment as a job (phases, progress, cancel, failures with the solver's
explanation), the proposal page, manual edits with conflict and load warnings, publishing
(aliases, e-mails with titles only) and the reviewers' list of their papers."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.committee import assignment
from paperdesk.committee.models import Assignment, AssignmentRun, Conflict

CANARY = "Zebulon Canarywhistle"
TOPICS = ["circuits", "monitoring", "unsupervised-discovery", "safety-auditing"]
TEXTS = [
    ("Circuits for indirect object identification", "We find a circuit of attention heads in GPT-2 small."),
    ("Monitoring deception with probes", "Linear probes on activations detect deceptive behaviour at inference time."),
    ("Sparse dictionaries of features", "Sparse autoencoders learn monosemantic dictionary features."),
    ("Auditing hidden objectives", "We audit language models for hidden objectives with interpretability tools."),
    ("Attention head superposition", "Attention heads in superposition implement several circuits."),
    ("Steering vectors at inference", "Activation steering changes behaviour at inference time."),
]


@pytest.fixture
def world(venue, make_paper, make_reviewer):
    papers = [make_paper(title, abstract, topic=TOPICS[i % 4], authors=((CANARY if i == 0 else f"Author Number{i}", f"a{i}@uni{i}.edu", None, ""),))
              for i, (title, abstract) in enumerate(TEXTS)]
    reviewers = [make_reviewer(f"r{j}@lab{j}.org", f"Reviewer Person{j}", expertise=(TOPICS[j % 4],),
                               publications=[(TEXTS[j][0], TEXTS[j][1], 2024, []), (TEXTS[(j + 2) % 6][0], "", 2023, [])], max_load=5 if j else 4)
                 for j in range(6)]
    return {"papers": papers, "reviewers": reviewers}


def start(chair, venue, run_jobs, objective="total"):
    run = run_jobs(assignment.run_start, venue=venue, actor=chair, objective=objective)
    run.refresh_from_db()
    return run


def test_assignment_run_fills_every_paper_within_loads_and_explains(venue, world, chair, run_jobs):
    run = start(chair, venue, run_jobs)
    assert run.state == "done" and run.progress == 100, run.message
    pairs = list(Assignment.objects.filter(submission__venue=venue))
    per_paper = Counter(a.submission_id for a in pairs)
    assert set(per_paper.values()) == {3} and len(per_paper) == 6
    loads = Counter(a.user_id for a in pairs)
    assert loads[world["reviewers"][0].pk] <= 4 and max(loads.values()) <= 5
    assert all(not a.published and a.source == "auto" for a in pairs)
    for submission_id in per_paper:
        assert sorted(a.alias_number for a in pairs if a.submission_id == submission_id) == [1, 2, 3]
    best = Assignment.objects.get(submission=world["papers"][1], user=world["reviewers"][1])  # wrote that very paper's text
    assert best.explanation["text"] > 0.5 and best.explanation["publication"] == "Monitoring deception with probes"
    assert best.explanation["shared_topics"] == ["Monitoring & Inference-Time Interventions"]
    assert run.result["summary"]["assigned_pairs"] == 18 and set(run.result["timings"]) == {"conflicts", "affinity", "solve", "save"}


def test_assignment_bids_count_and_not_willing_is_never_assigned(venue, world, chair, run_jobs):
    from paperdesk.committee.models import Bid

    paper = world["papers"][1]
    Bid.objects.create(submission=paper, user=world["reviewers"][1], value="not_willing")
    Bid.objects.create(submission=paper, user=world["reviewers"][5], value="eager")
    start(chair, venue, run_jobs, objective="fair")
    assert not Assignment.objects.filter(submission=paper, user=world["reviewers"][1]).exists()
    eager = Assignment.objects.get(submission=paper, user=world["reviewers"][5])
    assert eager.explanation["bid"] == "eager"


def test_assignment_infeasible_names_the_papers_and_is_shown(venue, world, chair, run_jobs, login):
    from paperdesk.committee.models import PoolMember

    PoolMember.objects.exclude(user__in=world["reviewers"][:2]).delete()
    run = start(chair, venue, run_jobs)
    assert run.state == "failed"
    assert run.message.startswith("No assignment is possible: 6 paper(s) have fewer usable reviewers than they need")
    assert "#1 “Circuits for indirect object identification”" in run.result["problems"][0]
    page = login(chair).get(reverse("committee:assignment", args=[venue.slug])).content.decode()
    assert 'id="run-problems"' in page and "fewer usable reviewers than they need" in page and "#2 “Monitoring deception with probes”" in page


def test_assignment_cancel_between_phases_keeps_the_previous_proposal(venue, world, chair, run_jobs, monkeypatch):
    start(chair, venue, run_jobs)
    before = set(Assignment.objects.values_list("submission_id", "user_id"))
    real = assignment.gather

    def gather_then_cancel(v):
        AssignmentRun.objects.filter(venue=v, state="running").update(cancel_requested=True)  # the chair clicks Cancel meanwhile
        return real(v)

    monkeypatch.setattr(assignment, "gather", gather_then_cancel)
    run = start(chair, venue, run_jobs)
    assert run.state == "cancelled" and run.message == "Cancelled before “Solving”; the previous proposal is unchanged."
    assert set(Assignment.objects.values_list("submission_id", "user_id")) == before


def test_assignment_cancel_a_queued_run_and_one_run_at_a_time(venue, world, chair, login):
    run = assignment.run_start(venue=venue, actor=chair)  # the on-commit job never runs here: still queued
    with pytest.raises(assignment.ReviewingError, match="already in progress"):
        assignment.run_start(venue=venue, actor=chair)
    client = login(chair)
    status = client.get(reverse("committee:run_status", args=[venue.slug, run.public_id])).content.decode()
    assert 'hx-trigger="every 1s"' in status and 'id="cancel-run"' in status
    response = client.post(reverse("committee:run_cancel", args=[venue.slug, run.public_id]), HTTP_HX_REQUEST="true")
    assert 'data-state="cancelled"' in response.content.decode()
    run.refresh_from_db()
    assert run.state == "cancelled"
    assert assignment.run_execute(run.pk) is None  # a worker picking it up later does nothing
    assert client.post(reverse("committee:run_cancel", args=[venue.slug, run.public_id])).status_code == 409


def test_assignment_proposal_page_weakest_first_with_loads_and_why(venue, world, chair, run_jobs, login):
    start(chair, venue, run_jobs)
    page = login(chair).get(reverse("committee:assignment", args=[venue.slug])).content.decode()
    assert 'id="proposal-table"' in page and "Reviewer Person1" in page and "3/3 reviewers" in page
    assert "= text " in page and "+ topics " in page and "(none)" in page
    assert "18</strong> proposed pairs not yet published" in page
    rows = [line for line in page.splitlines() if line.strip().startswith('<tr id="paper-')]
    assert len(rows) == 6
    totals = [a for a in assignment_totals(venue)]
    assert totals == sorted(totals)  # weakest first
    assert 'id="load-table"' in page


def assignment_totals(venue):
    from paperdesk.committee.selectors import proposal
    from paperdesk.venues.models import VenueRole

    chair = VenueRole.objects.get(venue=venue, role="chair").user
    return [p.total for p in proposal(chair, venue).papers]


def test_assignment_manual_edits_conflict_refused_and_warnings(venue, world, chair, run_jobs, login):
    start(chair, venue, run_jobs)
    client = login(chair)
    paper = world["papers"][0]
    outside = next(r for r in world["reviewers"] if not Assignment.objects.filter(submission=paper, user=r).exists())
    Conflict.objects.create(submission=paper, user=outside, source="reviewer_declared", reason="declared by the reviewer: my student")
    add = reverse("committee:pair_add", args=[venue.slug, paper.public_id])
    response = client.post(add, {"reviewer": f"Someone <{outside.email}>"})
    assert response.status_code == 409
    assert "has a conflict with #1 (declared by the reviewer: my student); a conflicted reviewer is never assigned." in response.content.decode()
    assert not Assignment.objects.filter(submission=paper, user=outside).exists()
    # swapping in a conflicted reviewer is refused too
    pair = Assignment.objects.filter(submission=paper).first()
    assert client.post(reverse("committee:pair_swap", args=[venue.slug, pair.pk]), {"reviewer": outside.email}).status_code == 409
    # adding a fourth reviewer: allowed, with a warning about k
    Conflict.objects.all().delete()
    response = client.post(add, {"reviewer": outside.email}, follow=True)
    text = response.content.decode()
    assert "added to #1" in text and "#1 now has 4 reviewers; the venue asks for 3." in text
    added = Assignment.objects.get(submission=paper, user=outside)
    assert added.source == "manual" and added.alias_number == 4 and added.explanation["manual"] is True
    # removing brings it back to 3
    response = client.post(reverse("committee:pair_remove", args=[venue.slug, added.pk]), follow=True)
    assert "removed from #1" in response.content.decode()
    assert client.post(add, {"reviewer": "nobody@nowhere.org"}).status_code == 400
    assert client.post(add, {"reviewer": "not an address"}).status_code == 400


def test_assignment_load_warning_on_swap(venue, world, chair, run_jobs):
    from paperdesk.committee.models import PoolMember

    start(chair, venue, run_jobs)
    busy = world["reviewers"][0]
    PoolMember.objects.filter(user=busy).update(max_load=Assignment.objects.filter(user=busy).count())
    paper = next(p for p in world["papers"] if not Assignment.objects.filter(submission=p, user=busy).exists())
    pair = Assignment.objects.filter(submission=paper).first()
    result = assignment.pair_swap(assignment=pair, user=busy, actor=chair)
    assert result.warnings == [f"Reviewer Person0 now has {Assignment.objects.filter(user=busy).count()} papers, over their maximum of {Assignment.objects.filter(user=busy).count() - 1}."]
    assert Assignment.objects.filter(submission=paper).count() == 3


def test_assignment_publish_aliases_emails_and_my_papers(venue, world, chair, run_jobs, login):
    start(chair, venue, run_jobs)
    paper = world["papers"][2]
    first = Assignment.objects.filter(submission=paper).order_by("alias_number").first()
    assignment.pair_remove(assignment=first, actor=chair)  # aliases 2, 3 left: publishing renumbers
    other = next(r for r in world["reviewers"] if not Assignment.objects.filter(submission=paper, user=r).exists() and r != first.user)
    assignment.pair_add(venue=venue, submission=paper, user=other, actor=chair)
    mail.outbox.clear()
    asked = login(chair).post(reverse("committee:publish", args=[venue.slug]))  # the confirmation first: nothing published
    assert "Publish 18 assignments?" in asked.content.decode() and not Assignment.objects.filter(published=True).exists()
    response = run_jobs(login(chair).post, reverse("committee:publish", args=[venue.slug]), {"confirm": "yes"}, follow=True)
    assert "Published 18 assignments" in response.content.decode()
    assert not Assignment.objects.filter(published=False).exists()
    assert sorted(Assignment.objects.filter(submission=paper).values_list("alias_number", flat=True)) == [1, 2, 3]
    assert len(mail.outbox) == len({a.user_id for a in Assignment.objects.all()})
    for message in mail.outbox:
        assert CANARY not in message.body and "a0@uni0.edu" not in message.body
        assert "Your papers to review" in message.subject
    reviewer = world["reviewers"][1]
    mine = set(Assignment.objects.filter(user=reviewer).values_list("submission__title", flat=True))
    page = login(reviewer).get(reverse("reviews:dashboard")).content.decode()
    for p in world["papers"]:
        assert (p.title in page) == (p.title in mine)
    assert CANARY not in page and "Reviewer " in page
    assert run_jobs(login(chair).post, reverse("committee:publish", args=[venue.slug])).status_code == 409  # nothing new


def test_assignment_unpublished_pairs_are_invisible_to_reviewers(venue, world, chair, run_jobs, login):
    start(chair, venue, run_jobs)
    reviewer = world["reviewers"][1]
    page = login(reviewer).get(reverse("reviews:dashboard")).content.decode()
    assert 'id="no-papers"' in page


def test_assignment_publish_refuses_a_conflicted_pair(venue, world, chair, run_jobs):
    start(chair, venue, run_jobs)
    pair = Assignment.objects.first()
    Conflict.objects.create(submission=pair.submission, user=pair.user, source="institution", reason="same institution: X")
    with pytest.raises(assignment.ReviewingError, match="are conflicts"):
        assignment.publish(venue=venue, actor=chair)
    assert not Assignment.objects.filter(published=True).exists()


def test_assignment_published_pairs_are_kept_by_a_new_run(venue, world, chair, run_jobs):
    start(chair, venue, run_jobs)
    assignment.publish(venue=venue, actor=chair)
    published = set(Assignment.objects.values_list("submission_id", "user_id", "alias_number"))
    run = start(chair, venue, run_jobs)
    assert run.state == "done"
    assert set(Assignment.objects.values_list("submission_id", "user_id", "alias_number")) == published


def test_assignment_chair_with_a_conflict_sees_no_reviewers_of_that_paper(venue, world, chair, run_jobs, login, make_user):
    from paperdesk.venues.models import VenueRole

    start(chair, venue, run_jobs)
    other_chair = make_user("c2@chairs.org", "Second Chair")
    VenueRole.objects.create(venue=venue, user=other_chair, role="chair")
    paper = world["papers"][0]
    Conflict.objects.create(submission=paper, user=other_chair, source="author_declared", reason="declared by the authors")
    page = login(other_chair).get(reverse("committee:assignment", args=[venue.slug])).content.decode()
    assert "You have a conflict with this paper." in page
    names = {a.user.full_name for a in Assignment.objects.filter(submission=paper).select_related("user")}
    row = page[page.index(f'id="paper-{paper.public_id}"'):]
    row = row[:row.index("</tr>")]
    assert not any(n in row for n in names)
    with pytest.raises(assignment.ReviewingError):
        assignment.pair_remove(assignment=Assignment.objects.filter(submission=paper).first(), actor=other_chair)


def test_assignment_proposal_page_queries_do_not_grow_with_papers(venue, world, chair, run_jobs, login, make_paper):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start(chair, venue, run_jobs)
    client = login(chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("committee:assignment", args=[venue.slug])).status_code == 200
        return len(queries)

    before = count()
    for i in range(6):
        make_paper(f"More {i}", authors=((f"Extra Author{i}", f"x{i}@extra{i}.edu", None, ""),))
    start(chair, venue, run_jobs)
    assert count() == before


def test_assignment_runassignment_command_prints_the_phases(venue, world, chair):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("runassignment", venue.slug, "--objective", "fair", stdout=out)
    text = out.getvalue()
    assert text.startswith("Done: Proposal ready: 18 new pairs for 6 papers and 6 reviewers.")
    assert "Phases: conflicts " in text and "solve" in text and "Wall time" in text


def test_runassignment_does_not_race_the_web_processs_worker(venue, world, chair, monkeypatch):
    """Issue 11: `paperdesk runassignment` failed ("The run ended running.") when the worker
    of `make run` took the queued run first. The command now creates its run already
    claimed: no job is enqueued for a worker to take, and the command runs it to the end."""
    import io

    from django.core.management import call_command
    from django.utils import timezone

    taken = []

    class EagerWorker:  # a worker that claims every queued run the moment it is enqueued
        def enqueue(self, run_id):
            taken.append(run_id)
            AssignmentRun.objects.filter(pk=run_id, state=AssignmentRun.State.QUEUED).update(
                state=AssignmentRun.State.RUNNING, started_at=timezone.now(), message="Starting")

    monkeypatch.setattr(assignment, "run_assignment_job", EagerWorker())
    # As outside a test: what is enqueued "on commit" runs as soon as the command's transaction ends.
    monkeypatch.setattr(assignment.transaction, "on_commit", lambda fn, *args, **kwargs: fn())
    for _ in range(3):
        out = io.StringIO()
        call_command("runassignment", venue.slug, stdout=out)
        assert out.getvalue().startswith("Done:")
    assert taken == []
    assert set(AssignmentRun.objects.values_list("state", flat=True)) == {AssignmentRun.State.DONE}


def test_assignment_page_shows_bids_in_words_and_parts_that_add_up(venue, world, chair, run_jobs, login):
    start(chair, venue, run_jobs)
    pair = Assignment.objects.filter(kind="reviewer").first()
    pair.score = 0.0606
    pair.explanation = {**pair.explanation, "text": 0.001, "topic": 0.0, "bid": "in_a_pinch", "bid_value": 0.3,
                        "weights": {"text": 0.6, "topic": 0.2, "bid": 0.2}}
    pair.save()
    page = login(chair).get(reverse("committee:assignment", args=[venue.slug])).content.decode()
    block = page.split(f'id="pair-{pair.pk}"')[1].split('class="pair-actions"')[0]
    assert "inapinch" not in page
    assert "(in a pinch)" in block
    assert "0.06" in block and "= text 0.00" in block and "+ topics 0.00" in block and "+ bid 0.06" in block
