"""Issue 13 in the app: per-track numbers of reviewers, per-reviewer minimums, the randomized
mode (cap and seed recorded, each pair's probability shown) and alternates when a chair
removes a reviewer. Runs execute synchronously (on-commit jobs run in the test)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.committee import assignment
from paperdesk.committee.models import Assignment, AssignmentRun, PoolMember

TOPICS = ["circuits", "monitoring", "unsupervised-discovery", "safety-auditing"]
TEXTS = [
    ("Circuits for indirect object identification", "We find a circuit of attention heads in GPT-2 small."),
    ("Monitoring deception with probes", "Linear probes on activations detect deceptive behaviour at inference time."),
    ("Sparse dictionaries of features", "Sparse autoencoders learn monosemantic dictionary features."),
    ("Auditing hidden objectives", "We audit language models for hidden objectives with interpretability tools."),
    ("Attention head superposition", "Attention heads in superposition implement several circuits."),
    ("Steering vectors at inference", "Activation steering changes behaviour at inference time."),
]


def set_track_reviewers(venue, **per_track):
    """Give tracks their own `reviewers_per_paper`, as the venue file would."""
    config = dict(venue.config)
    config["tracks"] = [{**t, "reviewers_per_paper": per_track.get(t["slug"], t.get("reviewers_per_paper"))} for t in config["tracks"]]
    venue.config = config
    venue.save(update_fields=["config"])
    venue.__dict__.pop("spec", None)


@pytest.fixture
def world(venue, make_paper, make_reviewer):
    """Six papers (0, 2, 4 long; 1, 3, 5 short) and six reviewers who can take 5 each."""
    papers = [make_paper(title, abstract, topic=TOPICS[i % 4], track="long" if i % 2 == 0 else "short",
                         authors=((f"Author Number{i}", f"a{i}@uni{i}.edu", None, ""),))
              for i, (title, abstract) in enumerate(TEXTS)]
    reviewers = [make_reviewer(f"r{j}@lab{j}.org", f"Reviewer Person{j}", expertise=(TOPICS[j % 4],),
                               publications=[(TEXTS[j][0], TEXTS[j][1], 2024, [])], max_load=5)
                 for j in range(6)]
    return {"papers": papers, "reviewers": reviewers}


def start(chair, venue, run_jobs, **options):
    run = run_jobs(assignment.run_start, venue=venue, actor=chair, **options)
    run.refresh_from_db()
    return run


def per_paper(venue):
    return Counter(Assignment.objects.filter(submission__venue=venue).values_list("submission__number", flat=True))


# --- 1. per-track demands ------------------------------------------------------------------------------

def test_run_gives_each_paper_its_tracks_number_of_reviewers(venue, world, chair, run_jobs, login):
    set_track_reviewers(venue, long=3, short=2)
    run = start(chair, venue, run_jobs)
    assert run.state == "done", run.message
    assert per_paper(venue) == {1: 3, 2: 2, 3: 3, 4: 2, 5: 3, 6: 2}
    assert run.params["track_k"] == {"short": 2, "long": 3}
    assert run.result["summary"]["demand_total"] == 15
    page = login(chair).get(reverse("committee:assignment", args=[venue.slug])).content.decode()
    assert "Short paper: 2; Long paper: 3" in page
    assert "2/2 reviewers" in page and "3/3 reviewers" in page
    assert "without exactly" not in page and "without the number" not in page  # complete: no warning


def test_proposal_completeness_and_manual_edit_warnings_use_the_papers_own_number(venue, world, chair, run_jobs):
    from paperdesk.committee.selectors import proposal

    set_track_reviewers(venue, short=2)
    start(chair, venue, run_jobs)
    short_paper = world["papers"][1]
    pair = Assignment.objects.filter(submission=short_paper).first()
    result = assignment.pair_remove(assignment=pair, actor=chair)
    assert result.warnings == ["#2 now has 1 reviewer; the venue asks for 2."]
    shown = proposal(chair, venue)
    assert [p.submission.number for p in shown.papers if p.short] == [2]
    assert shown.warnings == ["1 paper without the number of reviewers their track asks for."]


def test_a_track_asking_for_no_reviewers_gets_none(venue, world, chair, run_jobs):
    set_track_reviewers(venue, short=0)
    run = start(chair, venue, run_jobs)
    assert run.state == "done", run.message
    assert per_paper(venue) == {1: 3, 3: 3, 5: 3}


# --- 2. per-reviewer minimums ----------------------------------------------------------------------------

def loads(venue):
    return Counter(Assignment.objects.filter(submission__venue=venue).values_list("user_id", flat=True))


def test_chair_sets_a_minimum_on_the_pool_page_and_the_run_meets_it(venue, world, chair, run_jobs, login):
    start(chair, venue, run_jobs)
    baseline = loads(venue)
    light = min(world["reviewers"], key=lambda r: (baseline[r.pk], r.pk))
    wanted = baseline[light.pk] + 2
    assert wanted <= 5
    member = PoolMember.objects.get(venue=venue, user=light)
    client = login(chair)
    url = reverse("committee:pool_min_load", args=[venue.slug, member.public_id])
    response = client.post(url, {"min_load": str(wanted)}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f"Minimum load of Reviewer Person{world['reviewers'].index(light)}: {wanted}." in response.content.decode()
    member.refresh_from_db()
    assert member.min_load == wanted
    entry = AuditEntry.objects.filter(action="pool.min_load").latest("pk")
    assert entry.data["min_load"] == wanted and entry.data["previous"] is None
    assert 'name="min_load"' in client.get(reverse("committee:pool", args=[venue.slug])).content.decode()
    run = start(chair, venue, run_jobs)
    assert run.state == "done", run.message
    assert loads(venue)[light.pk] >= wanted


def test_minimum_load_refused_above_the_maximum_and_for_non_chairs(venue, world, chair, login):
    member = PoolMember.objects.get(venue=venue, user=world["reviewers"][0])
    url = reverse("committee:pool_min_load", args=[venue.slug, member.public_id])
    response = login(chair).post(url, {"min_load": "6"})
    assert response.status_code == 400 and "must be between 0 and 5 (their maximum)" in response.content.decode()
    assert login(chair).post(url, {"min_load": "lots"}).status_code == 400
    assert login(world["reviewers"][0]).post(url, {"min_load": "1"}).status_code == 404
    member.refresh_from_db()
    assert member.min_load is None
    assert login(chair).post(url, {"min_load": ""}).status_code == 302


def test_minimums_no_assignment_can_meet_are_named(venue, world, chair, run_jobs):
    set_track_reviewers(venue, short=0)  # 3 papers x 3 reviewers = 9 places
    PoolMember.objects.filter(user__in=world["reviewers"][:2]).update(min_load=5)  # 10 owed
    run = start(chair, venue, run_jobs)
    assert run.state == "failed"
    assert run.result["error"] == "infeasible"
    assert "minimum loads add up to 10 reviews but papers need only 9; lower the minimum load of Reviewer Person0 (5), Reviewer Person1 (5)" in run.message
    assert set(run.result["reviewers"]) == {"Reviewer Person0", "Reviewer Person1"}


# --- 3. the randomized mode ------------------------------------------------------------------------------

def test_randomized_run_records_cap_and_seed_and_shows_each_pairs_probability(venue, world, chair, run_jobs, login):
    client = login(chair)
    response = run_jobs(client.post, reverse("committee:run_start", args=[venue.slug]),
                        {"objective": "randomized", "probability_limit": "0.5", "seed": "1234"})
    assert response.status_code == 302
    run = AssignmentRun.objects.get(venue=venue)
    assert run.state == "done", run.message
    assert run.params["objective"] == "randomized" and run.params["probability_limit"] == 0.5 and run.params["seed"] == 1234
    assert run.result["probability_limit"] == 0.5 and run.result["seed"] == 1234
    assert run.result["expected_total"] >= run.result["summary"]["total_affinity"] - 18  # recorded, a number
    started = AuditEntry.objects.get(action="assignment.run_start")
    done = AuditEntry.objects.get(action="assignment.run_done")
    assert started.data["seed"] == 1234 and started.data["probability_limit"] == 0.5
    assert done.data["seed"] == 1234 and done.data["probability_limit"] == 0.5
    pairs = list(Assignment.objects.filter(submission__venue=venue))
    assert set(per_paper(venue).values()) == {3}
    assert all(0 < a.explanation["probability"] <= 0.5 for a in pairs)  # no pair above the cap
    page = client.get(reverse("committee:assignment", args=[venue.slug])).content.decode()
    assert "probability cap 0.5, seed 1234" in page
    assert "p = 0.5" in page
    assert f"p = {pairs[0].explanation['probability']}" in page
    # the same seed on the same data draws the same assignment
    before = set(Assignment.objects.values_list("submission_id", "user_id"))
    again = start(chair, venue, run_jobs, objective="randomized", probability_limit=0.5, seed=1234)
    assert again.state == "done" and set(Assignment.objects.values_list("submission_id", "user_id")) == before


def test_randomized_without_a_seed_draws_one_and_records_it(venue, world, chair, run_jobs):
    run = start(chair, venue, run_jobs, objective="randomized")
    assert run.state == "done", run.message
    assert run.params["probability_limit"] == 0.5 and isinstance(run.params["seed"], int)
    assert AuditEntry.objects.get(action="assignment.run_start").data["seed"] == run.params["seed"]


def test_a_cap_too_low_for_the_pool_is_explained_and_bad_input_is_a_400(venue, world, chair, run_jobs, login):
    run = start(chair, venue, run_jobs, objective="randomized", probability_limit=0.4, seed=1)  # 6 reviewers x 0.4 < 3
    assert run.state == "failed" and "raise the probability limit" in run.result["problems"][0]
    assert "#1 “Circuits for indirect object identification” (2.4 < 3)" in run.message
    client = login(chair)
    url = reverse("committee:run_start", args=[venue.slug])
    for bad in ({"objective": "randomized", "probability_limit": "2"}, {"objective": "randomized", "seed": "-3"},
                {"objective": "randomized", "probability_limit": "half"}, {"objective": "lottery"}):
        response = client.post(url, bad)
        assert response.status_code == 400, bad
    assert AssignmentRun.objects.filter(venue=venue).count() == 1
    with pytest.raises(assignment.ReviewingError, match="above 0 and at most 1"):
        assignment.run_start(venue=venue, actor=chair, objective="randomized", probability_limit=0)


# --- 4. alternates when a chair removes a reviewer ----------------------------------------------------------

def test_removing_a_reviewer_offers_alternates_and_assign_instead_adds_one(venue, world, chair, run_jobs, login):
    from paperdesk.committee.models import Conflict

    start(chair, venue, run_jobs)
    paper = world["papers"][1]
    pair = Assignment.objects.filter(submission=paper).order_by("pk").first()
    removed = pair.user
    outside = [r for r in world["reviewers"] if not Assignment.objects.filter(submission=paper, user=r).exists()]
    assert len(outside) == 3
    conflicted, full, *_ = outside
    Conflict.objects.create(submission=paper, user=conflicted, source="reviewer_declared", reason="declared: my student")
    PoolMember.objects.filter(user=full).update(max_load=Assignment.objects.filter(user=full).count())  # no spare load
    client = login(chair)
    response = client.post(reverse("committee:pair_remove", args=[venue.slug, pair.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("committee:pair_alternates", args=[venue.slug, paper.public_id])
    assert "removed from #2" in page and 'id="alternates"' in page and "Assign instead" in page
    offered = [line.split('data-reviewer="')[1].split('"')[0] for line in page.splitlines() if 'data-reviewer="' in line]
    assert conflicted.email not in offered and full.email not in offered  # conflicted, no spare load
    assert not set(offered) & set(Assignment.objects.filter(submission=paper).values_list("user__email", flat=True))  # not assigned
    assert removed.email in offered and 1 <= len(offered) <= 5
    scores = [a.score for a in assignment.alternates(venue=venue, submission=paper, actor=chair)]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(offered)
    best = offered[0]
    response = client.post(reverse("committee:pair_add", args=[venue.slug, paper.public_id]), {"reviewer": best}, follow=True)
    assert "added to #2" in response.content.decode()
    added = Assignment.objects.get(submission=paper, user__email=best)
    assert added.source == "manual"
    assert AuditEntry.objects.filter(action="assignment.add", data__reviewer=best).exists()


def test_alternates_capped_at_five_and_hidden_from_a_conflicted_chair(venue, world, chair, run_jobs, login, make_reviewer, make_user):
    from paperdesk.committee.models import Conflict
    from paperdesk.venues.models import VenueRole

    for j in range(6, 12):
        make_reviewer(f"r{j}@lab{j}.org", f"Reviewer Person{j}", expertise=(TOPICS[j % 4],), max_load=5)
    start(chair, venue, run_jobs)
    paper = world["papers"][0]
    assert len(assignment.alternates(venue=venue, submission=paper, actor=chair)) == 5
    other_chair = make_user("chair2@mechinterpworkshop.com", "Second Chair")
    VenueRole.objects.create(venue=venue, user=other_chair, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=paper, user=other_chair, source="reviewer_declared", reason="declared: my student")
    url = reverse("committee:pair_alternates", args=[venue.slug, paper.public_id])
    assert login(other_chair).get(url).status_code == 404
    assert login(world["reviewers"][0]).get(url).status_code == 404
    assert login(chair).get(url).status_code == 200
