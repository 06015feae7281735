"""Review-integrity hints for the LLM era (issue 11 item 6): hints to the paper's area chair
and the chairs, never a decision and never an automatic action.

* a review nearly identical to another review of the venue (word 3-gram Jaccard at least
  `DUPLICATE_THRESHOLD`), shown with the other review's reviewer label and paper only to a
  viewer who may judge that paper's reviews too; a viewer conflicted with the other paper
  learns nothing of the pair;
* a review that mostly repeats the paper's abstract (`ABSTRACT_THRESHOLD` of its 3-grams);
* an unusually short review: under `SHORT_FLOOR` words, or under `SHORT_FRACTION` of the
  venue's median submitted review;
* references of the paper that resolve against no record of the venue's imported archival
  listings (`submissions.archival`; DBLP, ACL Anthology, CSV; never the network). The
  reference list comes from the checker's report (``report["references"]``, one string per
  entry, or ``report["references_text"]`` split with
  `publications.archive_index.split_references`); a report without one gives no hint.

Who sees them: `policy.can_view_integrity_hints` (unconflicted chairs, the paper's area
chair). The measures are the pure `paperdesk.publications.integrity`."""

from __future__ import annotations

from dataclasses import dataclass

from paperdesk import policy
from paperdesk.committee.models import Assignment
from paperdesk.publications import archive_index as ai
from paperdesk.publications import integrity as measures
from paperdesk.submissions import archival
from paperdesk.submissions.models import ArchivalListing, CheckRun, Submission, Upload
from paperdesk.venues.models import Venue

from .models import Review

DUPLICATE_THRESHOLD = 0.6
ABSTRACT_THRESHOLD = 0.6
SHORT_FLOOR = 80
SHORT_FRACTION = 0.35
MAX_REFERENCE_HINTS = 20


@dataclass(frozen=True)
class Hint:
    kind: str  # near_duplicate_review | review_matches_abstract | short_review | unresolved_reference
    title: str
    detail: str
    explanation: str
    score: float | None = None


def review_text(review: Review, venue: Venue) -> str:
    """The review's free-text answers (choices left out), in the form's order."""
    answers = review.answers or {}
    parts = [answers.get(q.key) for q in venue.spec.review_form.questions if q.kind == "text"]
    return "\n".join(p for p in parts if isinstance(p, str) and p.strip())


# Bump when what is cached below, or how it is computed, changes.
_CACHE_VERSION = 1
CACHE_SECONDS = 24 * 3600


class _Venue:
    """What every paper's hints compare against, computed once per page: the venue's
    submitted reviews (not voided by a conflict), which pairs of them are near-duplicates and
    which are unusually short.

    The pairs and outliers compare every review of the venue with every other (seconds for
    ten thousand reviews), so they are kept in the cache under a digest of what they were
    computed from: each review's id and last change, the paper it is about and the form's
    text questions. Any review submitted, edited or voided by a conflict gives a new digest,
    so the cached answer is never stale. Review rows (for labels and the texts compared with
    an abstract) are loaded only for the papers shown and their pairs' partners."""

    def __init__(self, venue: Venue):
        import hashlib

        from django.core.cache import cache

        self.venue = venue
        self.live = policy.without_conflicts(Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=True))
        submitted = Review.objects.filter(assignment__in=self.live, state=Review.State.SUBMITTED)
        stamps = list(submitted.order_by("pk").values_list("pk", "updated_at", "assignment__submission_id"))
        self.paper_of = {pk: paper for pk, _, paper in stamps}
        questions = [q.key for q in venue.spec.review_form.questions if q.kind == "text"]
        digest = hashlib.sha256(repr((_CACHE_VERSION, DUPLICATE_THRESHOLD, SHORT_FLOOR, SHORT_FRACTION, questions,
                                      [(pk, changed.isoformat() if changed else "") for pk, changed, _ in stamps])).encode()).hexdigest()
        key = f"integrity-hints:{venue.pk}:{digest}"
        found = cache.get(key)
        if found is None:
            texts = {pk: review_text(r, venue) for pk, r in ((r.pk, r) for r in submitted.only("pk", "answers").order_by("pk").iterator())}
            lengths = {pk: len(measures.words(t)) for pk, t in texts.items()}
            found = {"short": measures.short_outliers(lengths, floor=SHORT_FLOOR, fraction=SHORT_FRACTION),
                     "pairs": measures.near_duplicates(texts, threshold=DUPLICATE_THRESHOLD)}
            cache.set(key, found, CACHE_SECONDS)
        self.short: dict[int, str] = found["short"]
        self.pairs: list[tuple[int, int, float]] = [tuple(p) for p in found["pairs"]]
        self._rows: dict[int, Review] = {}
        self._indexes: list[ai.ArchiveIndex] | None = None

    def reviews(self, pks) -> dict[int, Review]:
        """These reviews' rows (with assignment, paper and reviewer), read once per page."""
        wanted = [pk for pk in pks if pk not in self._rows]
        if wanted:
            for review in Review.objects.filter(pk__in=wanted).select_related("assignment__submission", "assignment__user"):
                self._rows[review.pk] = review
        return {pk: self._rows[pk] for pk in pks if pk in self._rows}

    def of_paper(self, submission: Submission) -> dict[int, Review]:
        return self.reviews([pk for pk, paper in self.paper_of.items() if paper == submission.pk])

    def indexes(self) -> list[ai.ArchiveIndex]:
        if self._indexes is None:
            self._indexes = []
            for listing in ArchivalListing.objects.filter(venue=self.venue).order_by("pk"):
                try:
                    self._indexes.append(ai.ArchiveIndex.open(archival.archival_root() / listing.directory))
                except ai.IndexError_:
                    continue
        return self._indexes


def _label(viewer, review: Review) -> str:
    return policy.reviewer_label(viewer, review.assignment)


def _references(submission: Submission) -> list[str]:
    run = (CheckRun.objects.filter(upload__submission=submission, upload__kind=Upload.Kind.PAPER, state=CheckRun.State.DONE)
           .order_by("-upload__version").first())
    if run is None:
        return []
    report = run.check_report
    if report.references is not None:
        return list(report.references)[:ai.MAX_REFERENCES]
    return ai.split_references(report.references_text) if report.references_text is not None else []


def _paper_hints(viewer, submission: Submission, data: _Venue) -> list[Hint]:
    hints: list[Hint] = []
    mine = data.of_paper(submission)
    touching = [(a, b, score) for a, b, score in data.pairs if a in mine or b in mine]
    others = data.reviews([b if a in mine else a for a, b, _ in touching])
    for a, b, score in touching:
        here, there = (a, b) if a in mine else (b, a)
        other = others[there]
        other_paper = other.assignment.submission
        if other_paper.pk == submission.pk:
            if here > there:
                continue  # the pair once
            where = f"{_label(viewer, other)} of this paper"
        elif policy.is_conflicted(viewer, other_paper):
            continue  # nothing about a paper the viewer is conflicted with
        elif policy.can_view_integrity_hints(viewer, other_paper):
            where = f"{_label(viewer, other)} of paper “{other_paper.title}”"
        else:
            where = "a review of another paper of the venue (the chairs see which)"
        hints.append(Hint("near_duplicate_review", f"{_label(viewer, mine[here])}: nearly identical to another review",
                          f"{score:.0%} of word sequences shared with {where}.",
                          "Two reviews sharing most of their wording may be copied or generated from one prompt. Read both before asking the reviewers.", score))
    abstract = submission.abstract or ""
    for pk, review in mine.items():
        text = review_text(review, data.venue)
        if len(measures.words(text)) >= 15 and abstract:
            share = measures.containment(text, abstract)
            if share >= ABSTRACT_THRESHOLD:
                hints.append(Hint("review_matches_abstract", f"{_label(viewer, review)}: mostly the paper's abstract",
                                  f"{share:.0%} of the review's word sequences appear in the abstract.",
                                  "A review that repeats the abstract may not engage with the paper.", round(share, 3)))
        if pk in data.short:
            hints.append(Hint("short_review", f"{_label(viewer, review)}: unusually short", data.short[pk],
                              f"Reviews under {SHORT_FLOOR} words, or far shorter than the venue's usual review, rarely say enough to support a decision."))
    indexes = data.indexes()
    if indexes:
        unresolved = []
        references = _references(submission)
        for reference in references:
            if not any(ai.resolve_reference(index, reference) is not None for index in indexes):
                unresolved.append(reference)
        for reference in unresolved[:MAX_REFERENCE_HINTS]:
            hints.append(Hint("unresolved_reference", "Reference not found in the imported listings", reference[:300],
                              f"{len(unresolved)} of the paper's {len(references)} references match no title of the archival listings the chairs imported. "
                              "A listing covers only part of the literature: check before concluding a reference is invented."))
    return hints


def hints_for(viewer, submission: Submission) -> list[Hint]:
    """The paper's hints for this viewer; nothing (not even that there are any) for whoever
    may not judge its reviews."""
    if not policy.can_view_integrity_hints(viewer, submission):
        return []
    return _paper_hints(viewer, submission, _Venue(submission.venue))


def hints_for_batch(viewer, submissions: list[Submission]) -> dict[int, list[Hint]]:
    """Hints for several papers of one venue (the area chair's batch), the venue's reviews
    read once."""
    visible = [s for s in submissions if policy.can_view_integrity_hints(viewer, s)]
    if not visible:
        return {}
    data = _Venue(visible[0].venue)
    return {s.pk: _paper_hints(viewer, s, data) for s in visible}
