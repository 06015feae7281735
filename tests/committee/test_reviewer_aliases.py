"""Reviewer and area-chair aliases ("Reviewer 2", "Area chair 1") are drawn at random per
paper when the chairs publish, so an alias tells nobody who was assigned first or ranked
best by the solver; they are unique within a paper and never change once published. (A
paper has one area chair, "Area chair 1"; `batches_publish` numbers through the same
`number_aliases`.)"""

from __future__ import annotations

from collections import Counter

from paperdesk.committee import assignment
from paperdesk.committee.models import Assignment

PAPERS = 20


def _world(make_paper, make_reviewer):
    papers = [make_paper(f"Paper {i} on circuits", authors=((f"Author {i}", f"a{i}@uni{i}.edu", None, ""),)) for i in range(PAPERS)]
    reviewers = [make_reviewer(f"r{j}@lab{j}.org", f"Reviewer Person{j}", max_load=PAPERS) for j in range(3)]
    return papers, reviewers


def test_reviewer_aliases_do_not_follow_assignment_order(venue, chair, make_paper, make_reviewer):
    papers, reviewers = _world(make_paper, make_reviewer)
    for paper in papers:
        for reviewer in reviewers:  # always the same order: r0 first, r2 last
            assignment.pair_add(venue=venue, submission=paper, user=reviewer, actor=chair)
    assignment.publish(venue=venue, actor=chair)

    first_aliases = Counter()
    for paper in papers:
        rows = list(Assignment.objects.filter(submission=paper, kind="reviewer").order_by("pk"))
        assert sorted(a.alias_number for a in rows) == [1, 2, 3]  # unique within the paper
        first_aliases[rows[0].alias_number] += 1
    # With the old numbering the first-assigned reviewer was "Reviewer 1" on all 20 papers;
    # at random, that happens with probability 3**-19.
    assert first_aliases[1] < PAPERS
    assert len(first_aliases) > 1


def test_published_aliases_stay_and_later_ones_are_new_numbers(venue, chair, make_paper, make_reviewer):
    papers, reviewers = _world(make_paper, make_reviewer)
    paper = papers[0]
    for reviewer in reviewers[:2]:
        assignment.pair_add(venue=venue, submission=paper, user=reviewer, actor=chair)
    assignment.publish(venue=venue, actor=chair)
    before = dict(Assignment.objects.filter(submission=paper).values_list("user_id", "alias_number"))
    assignment.pair_add(venue=venue, submission=paper, user=reviewers[2], actor=chair)
    assignment.publish(venue=venue, actor=chair)
    after = dict(Assignment.objects.filter(submission=paper).values_list("user_id", "alias_number"))
    assert {k: after[k] for k in before} == before
    assert after[reviewers[2].pk] == 3

