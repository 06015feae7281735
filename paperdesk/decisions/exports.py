"""The chairs' exports of everything about every submission, read in batches so that the
downloads stream: memory and time to the first byte do not grow with the venue. Papers the
viewer is conflicted with carry only what their authors may see of them."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Prefetch

from paperdesk import clock, policy
from paperdesk.committee.models import Assignment
from paperdesk.reviews.models import MetaReview
from paperdesk.submissions.models import Authorship, Submission
from paperdesk.venues.models import Venue

from .table import _has_decision, latest_runs, summarize_report

BATCH = 1000  # papers per round of queries (six queries a round)


def export_header(venue: Venue) -> dict:
    return {"venue": {"slug": venue.slug, "name": venue.name}, "exported_at": clock.now().isoformat()}


def export_papers(viewer, venue: Venue, batch: int = BATCH) -> Iterator[dict]:
    """One dict per submission of the venue, by number, fetched `batch` papers at a time."""
    if not policy.is_chair(viewer, venue):
        return
    conflicted = policy.conflicted_ids(viewer, venue)
    ids = list(Submission.objects.filter(venue=venue).order_by("number").values_list("pk", flat=True))
    questions = venue.spec.review_form.questions
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        submissions = (
            Submission.objects.filter(pk__in=chunk).select_related("track", "primary_topic", "contribution_type", "decision")
            .prefetch_related(Prefetch("authorships", queryset=Authorship.objects.order_by("position")), "secondary_topics")
            .order_by("number")
        )
        open_ids = [pk for pk in chunk if pk not in conflicted]
        assignments = defaultdict(list)
        for a in Assignment.objects.filter(submission_id__in=open_ids, published=True).select_related("user", "review").order_by("kind", "alias_number"):
            assignments[a.submission_id].append(a)
        metas = {m.submission_id: m for m in MetaReview.objects.filter(submission_id__in=open_ids).select_related("author")}
        runs = latest_runs(open_ids)
        for s in submissions:
            yield _entry(s, s.pk in conflicted, assignments[s.pk], metas.get(s.pk), runs.get(s.pk), questions)


def _entry(s: Submission, conflict: bool, assignments, meta, run, questions) -> dict:
    entry = {
        "number": s.number, "id": s.public_id, "title": s.title, "abstract": s.abstract, "status": s.status,
        "track": s.track.slug, "primary_topic": s.primary_topic.slug, "secondary_topics": [t.slug for t in s.secondary_topics.all()],
        "contribution_type": s.contribution_type.slug,
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
        "authors": [{"name": a.name, "email": a.email, "affiliation": a.affiliation, "corresponding": a.is_corresponding} for a in s.authorships.all()],
    }
    if conflict:
        entry["conflict"] = True
        return entry
    decision = s.decision if _has_decision(s) else None
    check = summarize_report(run)
    entry.update({
        "conflict": False,
        "check": {"state": check.state, "flags": check.flags},
        "decision": {"outcome": decision.outcome, "released_at": decision.released_at.isoformat() if decision.released_at else None,
                     "host_pdf": decision.host_pdf} if decision else None,
        "meta_review": {"area_chair": meta.author.display_name, "area_chair_email": meta.author.email, "recommendation": meta.recommendation,
                        "text": meta.text, "submitted": meta.submitted} if meta else None,
        "area_chairs": [{"name": a.user.display_name, "email": a.user.email, "alias": a.alias} for a in assignments if a.kind == Assignment.Kind.AREA_CHAIR],
        "reviews": [],
    })
    for a in assignments:
        if a.kind != Assignment.Kind.REVIEWER:
            continue
        review = getattr(a, "review", None)
        entry["reviews"].append({
            "alias": a.alias, "reviewer": a.user.display_name, "reviewer_email": a.user.email,
            "state": review.state if review else "not started",
            "late": review.late if review else False,
            "submitted_at": review.submitted_at.isoformat() if review and review.submitted_at else None,
            "overall": review.overall if review else None,
            "confidence": review.confidence if review else None,
            "answers": {q.key: (review.answers or {}).get(q.key, "") for q in questions} if review else {},
            "comments_to_chairs": review.comments_to_chairs if review else "",
        })
    return entry


def export_json_chunks(viewer, venue: Venue) -> Iterator[str]:
    """The export as one JSON document, written a paper (one line) at a time."""
    head = json.dumps(export_header(venue), ensure_ascii=False)
    yield head[:-1] + ', "papers": ['
    separator = "\n"
    for paper in export_papers(viewer, venue):
        yield separator + json.dumps(paper, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"
