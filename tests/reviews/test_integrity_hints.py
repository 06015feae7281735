"""Review-integrity aids (issue 11 item 6): hints to area chairs and chairs, never a
decision: a review nearly identical to another review of the venue or to the paper's
abstract, an unusually short review, references that resolve against no imported archival
listing. Only those who judge the paper's reviews see them (unconflicted chairs, its area
chair); reviewers, authors and conflicted chairs see nothing."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from paperdesk.publications import integrity as pure
from paperdesk.reviews import integrity
from paperdesk.reviews.models import Review
from tests.reviews.review_world import assign, make_paper

LONG = ("The paper studies how a small transformer represents modular addition. The circuit analysis is careful and the "
        "ablations support the main hypothesis, although the causal claims about the second layer rest on a single seed. "
        "I would like to see the experiment repeated with more seeds and a comparison with a linear probe baseline. "
        "The writing is clear; figure three is hard to read. Overall a solid workshop contribution. ")


def test_pure_similarity_and_short_outliers():
    a = LONG * 2
    assert pure.similarity(a, a.replace("careful", "meticulous")) > 0.85
    assert pure.similarity(a, "An unrelated review about reinforcement learning agents and their reward functions " * 5) < 0.2
    pairs = pure.near_duplicates({1: a, 2: a.replace("solid", "good"), 3: "Something else entirely, about graphs and kernels. " * 20}, threshold=0.8)
    assert [(x, y) for x, y, _ in pairs] == [(1, 2)]
    lengths = {i: 300 for i in range(10)} | {10: 40, 11: 120}
    short = pure.short_outliers(lengths, floor=80, fraction=0.5)
    assert set(short) == {10, 11}
    assert pure.short_outliers({1: 300, 2: 90}, floor=80, fraction=0.5) == {}  # too few reviews to judge against the venue
    assert set(pure.short_outliers({1: 300, 2: 20}, floor=80, fraction=0.5)) == {2}  # the floor holds even then


def _submit(assignment, text, venue):
    answers = {q.key: (q.options[0].slug if q.kind == "choice" else text) for q in venue.spec.review_form.questions}
    return Review.objects.create(assignment=assignment, answers=answers, overall=3, confidence=3, state=Review.State.SUBMITTED,
                                 submitted_at=timezone.now())


@pytest.fixture
def hinted(rworld, make_user):
    venue = rworld.venue
    third = make_paper(venue, make_user("ed@uni.edu", "Ed Third"), "A third paper")
    r3 = make_user("ron@rev.edu", "Ron Third")
    _submit(rworld.assignments["reviewer"], LONG * 2, venue)
    _submit(rworld.assignments["reviewer2"], "Fine paper. Accept.", venue)
    _submit(rworld.assignments["unassigned_other"], (LONG * 2).replace("careful", "thorough"), venue)
    _submit(assign(third, r3, 1), "A completely different review: the dataset section needs work; the metrics are not defined; " * 6, venue)
    return rworld


def test_hints_for_the_paper(hinted):
    hints = integrity.hints_for(hinted.people["chair"], hinted.paper)
    kinds = {h.kind for h in hints}
    assert {"near_duplicate_review", "short_review"} <= kinds
    duplicate = next(h for h in hints if h.kind == "near_duplicate_review")
    assert duplicate.score > 0.8 and "Another paper" in duplicate.detail
    short = next(h for h in hints if h.kind == "short_review")
    assert "words" in short.explanation


def test_review_copying_the_abstract_is_flagged(rworld):
    venue = rworld.venue
    abstract = ("We reverse-engineer the circuit a small transformer uses for modular addition and show that it computes "
                "discrete Fourier transforms and trigonometric identities, confirmed by ablations and causal interventions.")
    type(rworld.paper).objects.filter(pk=rworld.paper.pk).update(abstract=abstract)
    rworld.paper.refresh_from_db()
    _submit(rworld.assignments["reviewer"], abstract + " Good paper.", venue)
    hints = integrity.hints_for(rworld.people["area_chair"], rworld.paper)
    assert any(h.kind == "review_matches_abstract" for h in hints)


def test_unresolved_references_against_the_imported_listing(rworld, settings, tmp_path):
    from paperdesk.submissions import archival
    from paperdesk.submissions.models import CheckRun

    settings.PAPERDESK_ARCHIVAL_DIR = tmp_path / "archival"
    csv_listing = b"title,authors,venue,year\nCausal tracing of factual associations in GPT,Kevin Meng; David Bau,NeurIPS,2022\n"
    archival.import_listing(venue=rworld.venue, actor=rworld.people["chair"], stream=io.BytesIO(csv_listing), filename="refs.csv")
    run = CheckRun.objects.get(upload__submission=rworld.paper)
    run.report = {**run.report, "references": [
        "[1] K. Meng, D. Bau. Causal tracing of factual associations in GPT. In NeurIPS, 2022.",
        "[2] A. Fabricated. A hallucinated study of imaginary attention sinks in frogs. arXiv, 2024.",
    ]}
    run.save(update_fields=["report"])
    hints = integrity.hints_for(rworld.people["chair"], rworld.paper)
    unresolved = [h for h in hints if h.kind == "unresolved_reference"]
    assert len(unresolved) == 1 and "imaginary attention sinks" in unresolved[0].detail


def test_only_those_who_judge_the_reviews_see_hints(hinted, make_user):
    from paperdesk.committee.models import Conflict

    for role in ("reviewer", "reviewer2", "author", "unassigned_reviewer"):
        assert integrity.hints_for(hinted.people[role], hinted.paper) == []
    page = hinted.client("area_chair").get(f"/v/{hinted.venue.slug}/area-chair/")
    assert page.status_code == 200 and "Integrity hints" in page.content.decode()
    chair_page = hinted.client("chair").get(f"/reviews/paper/{hinted.paper.public_id}/")
    assert "Integrity hints" in chair_page.content.decode() and "nearly identical" in chair_page.content.decode()
    reviewer_page = hinted.client("reviewer").get(f"/reviews/paper/{hinted.paper.public_id}/")
    assert "Integrity hints" not in reviewer_page.content.decode()
    # a chair conflicted with the other paper does not see a hint that quotes its review
    Conflict.objects.create(submission=hinted.other_paper, user=hinted.people["chair"], source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    hints = integrity.hints_for(hinted.people["chair"], hinted.paper)
    assert not any("Another paper" in h.detail for h in hints)
    Conflict.objects.create(submission=hinted.paper, user=hinted.people["chair"], source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    assert integrity.hints_for(hinted.people["chair"], hinted.paper) == []


def test_api_integrity_hints_for_the_area_chair_not_the_reviewers(hinted):
    from django.test import Client

    from paperdesk.api.models import ApiToken

    def client(role):
        _token, raw = ApiToken.issue(hinted.people[role], "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    answer = client("area_chair").get(f"/api/papers/{hinted.paper.public_id}/integrity-hints")
    assert answer.status_code == 200
    assert {"near_duplicate_review", "short_review"} <= {h["kind"] for h in answer.json()}
    for role in ("reviewer", "author", "unassigned_reviewer"):
        assert client(role).get(f"/api/papers/{hinted.paper.public_id}/integrity-hints").status_code == 404


def test_unresolved_references_from_a_real_check_of_the_pdf(rworld, settings, tmp_path):
    """From the checker's own report (no hand-made reference list): the one reference the
    imported listing knows resolves, the others are the hint's count."""
    from pathlib import Path

    from paperdesk.checks import check_pdf
    from paperdesk.publications.archive_index import split_references
    from paperdesk.submissions import archival
    from paperdesk.submissions.models import CheckRun

    settings.PAPERDESK_ARCHIVAL_DIR = tmp_path / "archival"
    listing = (b"title,authors,venue,year\nFlow network based generative models for non-iterative diverse candidate generation,"
               b"Emmanuel Bengio; Moksh Jain,NeurIPS,2021\n")
    archival.import_listing(venue=rworld.venue, actor=rworld.people["chair"], stream=io.BytesIO(listing), filename="refs.csv")
    sample = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "real" / "real_sub_short_01.pdf"
    run = CheckRun.objects.get(upload__submission=rworld.paper)
    run.report = check_pdf(sample).to_dict(references=True)
    run.save(update_fields=["report"])
    hints = [h for h in integrity.hints_for(rworld.people["chair"], rworld.paper) if h.kind == "unresolved_reference"]
    references = split_references(run.check_report.references_text or "")
    assert len(references) >= 20  # the reference list came from the checker, entry by entry
    assert hints and all("Flow network based generative models" not in h.detail for h in hints)
    assert f"{len(references) - 1} of the paper's {len(references)} references" in hints[0].explanation


def test_the_venue_wide_comparison_is_cached_and_never_stale(hinted, monkeypatch, make_user):
    """Comparing every review with every other costs seconds at a conference's size: it runs
    once, and again only when a review is submitted, edited or voided by a conflict."""
    from paperdesk.committee.models import Conflict

    calls = []
    real = pure.near_duplicates
    monkeypatch.setattr(pure, "near_duplicates", lambda *a, **k: calls.append(1) or real(*a, **k))
    chair = hinted.people["chair"]
    first = integrity.hints_for(chair, hinted.paper)
    again = integrity.hints_for(chair, hinted.paper)
    assert first == again and len(calls) == 1
    assert any(h.kind == "near_duplicate_review" for h in first)

    # The other paper's copy is edited into a review of its own: the pair is gone at once.
    copy = Review.objects.get(assignment=hinted.assignments["unassigned_other"])
    copy.answers = {k: ("An original review about sparse autoencoders and their dead latents, with three questions. " * 5
                        if isinstance(v, str) and len(v) > 40 else v) for k, v in copy.answers.items()}
    copy.save()
    edited = integrity.hints_for(chair, hinted.paper)
    assert len(calls) == 2 and not any(h.kind == "near_duplicate_review" for h in edited)

    # A review voided by a conflict leaves the comparison (the venue's set changed).
    Conflict.objects.create(submission=hinted.paper, user=hinted.people["reviewer2"], source=Conflict.Source.REVIEWER_DECLARED, reason="coauthor")
    voided = integrity.hints_for(chair, hinted.paper)
    assert len(calls) == 3 and not any(h.kind == "short_review" for h in voided)


def test_near_duplicates_finds_every_planted_copy_among_many_reviews_and_nothing_else():
    """MinHash bands find the candidates; every reported pair is measured exactly. 1,500
    reviews sharing stock phrases, ten of them copies with a few words changed (Jaccard about
    0.7 to 0.95): all ten found, no other pair reported."""
    import random

    rng = random.Random(3)
    stock = ["the paper studies", "the ablations support", "I recommend acceptance", "the writing is clear", "more seeds"]
    vocabulary = [f"word{i}" for i in range(6000)]
    texts = {i: " ".join(rng.choice(stock) if rng.random() < 0.2 else rng.choice(vocabulary) for _ in range(250)) for i in range(1500)}
    planted = set()
    for n, source in enumerate(range(0, 1500, 150)):
        copy = texts[source].split()
        for position in rng.sample(range(len(copy)), k=3 + 2 * n):  # 3..21 words changed
            copy[position] = "changed"
        texts[5000 + n] = " ".join(copy)
        planted.add((source, 5000 + n))
    found = pure.near_duplicates(texts, threshold=0.6)
    assert {(a, b) for a, b, _ in found} == planted
    # the exact Jaccard of the pair (its shingles hashed another way than `similarity`'s)
    assert all(score >= 0.6 and abs(score - pure.similarity(texts[a], texts[b])) < 0.01 for a, b, score in found)
