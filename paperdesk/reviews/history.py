"""The history of reviews and meta-reviews: a version per save, and what chairs read of it.

Every save of a review or meta-review (draft, submit, edit, score change, a chair's revert)
writes a `ReviewVersion` in the transaction of the save: who, when (`clock.now()`), why,
and a JSON snapshot of all it then said. Writing is `record_review_version` /
`record_meta_version`, called by the services only. A run of draft saves by the same person
(the page autosaves as the reviewer types) keeps one version, the draft as last saved; a
save that changes nothing writes nothing.

Reading is for the unconflicted chairs (`policy.can_view_review_history`): per review, its
versions with who, when, why and what changed against the version before, text answers as
a word diff. Reviewers and authors are never shown who else edited a review.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from django.http import Http404

from paperdesk import policy
from paperdesk.committee.models import Assignment
from paperdesk.submissions.models import Submission
from paperdesk.venues.models import Venue

from .models import MetaReview, Review, ReviewVersion

Reason = ReviewVersion.Reason

# --- snapshots and recording (called by the services, inside their transaction) -------------


def _when(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None  # one spelling per instant


def parse_when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def review_snapshot(review: Review) -> dict:
    return {
        "answers": dict(review.answers or {}),
        "overall": review.overall,
        "confidence": review.confidence,
        "comments_to_chairs": review.comments_to_chairs,
        "state": review.state,
        "submitted_at": _when(review.submitted_at),
        "late": review.late,
    }


def meta_snapshot(meta: MetaReview) -> dict:
    return {
        "recommendation": meta.recommendation,
        "text": meta.text,
        "submitted": meta.submitted,
        "submitted_at": _when(meta.submitted_at),
        "author_id": meta.author_id,
    }


def _record(owner: dict, submission_id: int, snapshot: dict, *, actor, reason: str, now: dt.datetime,
            restored: ReviewVersion | None = None) -> ReviewVersion | None:
    last = ReviewVersion.objects.filter(**owner).order_by("-number").first()
    if last is not None and reason != Reason.REVERT and last.snapshot == snapshot:
        return None  # nothing changed
    actor_id = getattr(actor, "pk", None)
    if reason == Reason.DRAFT and last is not None and last.reason == Reason.DRAFT and last.actor_id == actor_id:
        last.snapshot, last.at = snapshot, now  # one version per run of draft saves (autosave)
        last.save(update_fields=["snapshot", "at"])
        return last
    return ReviewVersion.objects.create(
        submission_id=submission_id, number=(last.number + 1) if last else 1, actor_id=actor_id,
        at=now, reason=reason, snapshot=snapshot, restored=restored, **owner)


def record_review_version(review: Review, *, actor, reason: str, now: dt.datetime, restored=None) -> ReviewVersion | None:
    return _record({"review": review}, review.assignment.submission_id, review_snapshot(review),
                   actor=actor, reason=reason, now=now, restored=restored)


def record_meta_version(meta: MetaReview, *, actor, reason: str, now: dt.datetime, restored=None) -> ReviewVersion | None:
    return _record({"meta_review": meta}, meta.submission_id, meta_snapshot(meta),
                   actor=actor, reason=reason, now=now, restored=restored)


def review_save_reason(*, submitted_now: bool, was_submitted: bool, before: dict, after: dict) -> str:
    if submitted_now:
        return Reason.SUBMIT
    if not was_submitted:
        return Reason.DRAFT
    scores = ("overall", "confidence")
    return Reason.SCORE if any(before.get(k) != after.get(k) for k in scores) else Reason.EDIT


def meta_save_reason(*, submitted_now: bool, was_submitted: bool) -> str:
    if submitted_now:
        return Reason.SUBMIT
    return Reason.EDIT if was_submitted else Reason.DRAFT


# --- diffs ---------------------------------------------------------------------------------


@dataclass
class Change:
    key: str
    label: str
    before: str
    after: str
    segments: list[tuple[str, str]] = field(default_factory=list)  # word diff of a text: ("same"|"del"|"ins", text)

    @property
    def is_text(self) -> bool:
        return bool(self.segments)


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    a, b = _TOKENS.findall(before or ""), _TOKENS.findall(after or "")
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(b[j1:j2])))
    return segments


def review_fields(venue: Venue) -> list[tuple[str, str, object]]:
    """(key, label, how to show a value) of everything a review snapshot holds, in form order."""
    spec = venue.spec.review_form
    fields: list[tuple[str, str, object]] = []
    for q in spec.questions:
        if q.kind == "choice":
            names = {o.slug: o.name for o in q.options}
            fields.append((f"answers.{q.key}", q.label, lambda v, names=names: names.get(v, v or "")))
        else:
            fields.append((f"answers.{q.key}", q.label, None))
    fields.append(("overall", spec.overall.label, lambda v, s=spec.overall: "" if v is None else f"{v}: {s.label_of(v)}"))
    fields.append(("confidence", spec.confidence.label, lambda v, s=spec.confidence: "" if v is None else f"{v}: {s.label_of(v)}"))
    fields.append(("comments_to_chairs", "Comments to the chairs", None))
    fields.append(("state", "State", lambda v: v or ""))
    return fields


def meta_fields(venue: Venue) -> list[tuple[str, str, object]]:
    def recommendation(slug):
        outcome = policy.outcome_of(venue, slug) if slug else None
        return outcome.name if outcome else (slug or "")

    return [
        ("recommendation", "Recommendation", recommendation),
        ("text", "Meta-review", None),
        ("submitted", "State", lambda v: "submitted" if v else "draft"),
    ]


def _value(snapshot: dict, key: str):
    if key.startswith("answers."):
        return (snapshot.get("answers") or {}).get(key.split(".", 1)[1])
    return snapshot.get(key)


def _blank(value):
    return None if value is None or value == "" else value


def changes_between(fields, before: dict | None, after: dict) -> list[Change]:
    found = []
    for key, label, show in fields:
        old, new = (_value(before, key) if before is not None else None), _value(after, key)
        if _blank(old) == _blank(new):
            continue
        if show is None:  # free text: a word diff
            found.append(Change(key, label, old or "", new or "", word_diff(old or "", new or "")))
        else:
            found.append(Change(key, label, show(old) if old is not None else "", show(new) if new is not None else ""))
    return found


# --- what the chairs read ----------------------------------------------------------------


@dataclass
class VersionView:
    number: int
    at: dt.datetime
    actor: str
    reason: str
    reason_label: str
    restored_number: int | None
    changes: list[Change]
    snapshot: dict
    is_current: bool = False


@dataclass
class ObjectHistory:
    kind: str  # review | meta_review
    public_id: str  # the review's public id; "meta-review" for the paper's meta-review
    label: str
    state: str
    versions: list[VersionView]


def _actor_label(viewer, submission: Submission, version: ReviewVersion, assignment: Assignment | None, chair_ids: set[int]) -> str:
    if version.actor_id is None:
        return "(account removed)" if version.reason != Reason.BASELINE else "—"
    if assignment is not None and version.actor_id == assignment.user_id:
        return policy.reviewer_label(viewer, assignment)
    name = version.actor.display_name if policy.can_view_reviewer_identities(viewer, submission) else ""
    role = "Program chair" if version.actor_id in chair_ids else "Area chair"
    return f"{role} ({name})" if name else role


def paper_history(viewer, submission: Submission) -> list[ObjectHistory]:
    """Every review of the paper (by alias) and its meta-review, each with its versions,
    newest last. For those `policy.can_view_review_history` lets in; none for anyone else."""
    if not policy.can_view_review_history(viewer, submission):
        return []
    venue = submission.venue
    from paperdesk.venues.models import VenueRole

    chair_ids = set(VenueRole.objects.filter(venue=venue, role=VenueRole.Role.CHAIR).values_list("user_id", flat=True))
    versions = list(ReviewVersion.objects.filter(submission=submission).select_related("actor").order_by("number"))
    by_review: dict[int, list[ReviewVersion]] = {}
    meta_versions: list[ReviewVersion] = []
    for v in versions:
        if v.review_id:
            by_review.setdefault(v.review_id, []).append(v)
        else:
            meta_versions.append(v)
    numbers = {v.pk: v.number for v in versions}
    result = []
    reviews = Review.objects.filter(assignment__submission=submission).select_related("assignment__user", "assignment__submission__venue").order_by("assignment__alias_number")
    fields_of_reviews = review_fields(venue)
    for review in reviews:
        assignment = review.assignment
        result.append(ObjectHistory("review", review.public_id, policy.reviewer_label(viewer, assignment), review.state,
                                    _views(viewer, submission, by_review.get(review.pk, []), fields_of_reviews, assignment, chair_ids, numbers)))
    meta = MetaReview.objects.filter(submission=submission).first()
    if meta is not None:
        result.append(ObjectHistory("meta_review", "meta-review", "Meta-review", "submitted" if meta.submitted else "draft",
                                    _views(viewer, submission, meta_versions, meta_fields(venue), None, chair_ids, numbers)))
    return result


def _views(viewer, submission, versions, fields, assignment, chair_ids, numbers) -> list[VersionView]:
    views, previous = [], None
    for v in versions:
        views.append(VersionView(
            number=v.number, at=v.at, actor=_actor_label(viewer, submission, v, assignment, chair_ids),
            reason=v.reason, reason_label=Reason(v.reason).label, restored_number=numbers.get(v.restored_id),
            changes=changes_between(fields, previous, v.snapshot), snapshot=v.snapshot,
        ))
        previous = v.snapshot
    if views:
        views[-1].is_current = True
    return views


def get_history_paper_for(viewer, public_id: str) -> Submission:
    """The paper whose review history this person may read; the same 404 as a missing paper."""
    submission = Submission.objects.select_related("venue").filter(public_id=public_id).first()
    if submission is None or not policy.can_view_review_history(viewer, submission):
        raise Http404("No such paper")
    return submission


def last_revert_of(review: Review | None) -> ReviewVersion | None:
    """The revert that made this review what it says now, if its latest version is one (for
    the reviewer's own page: it says that the chairs restored it, never who)."""
    if review is None:
        return None
    last = ReviewVersion.objects.filter(review=review).order_by("-number").first()
    return last if last is not None and last.reason == Reason.REVERT else None
