"""Affinity from the database: papers (title, abstract, topics), reviewers (publications,
expertise) and bids, handed to `paperdesk.matching.affinity`.

Ids inside the library: papers by public id, reviewers as ``u<user pk>`` (never shown).
Weights are the library's documented defaults (text 0.6, topics 0.2, bid 0.2; "not
willing" forbids the pair). The bidding page sorts by text and topics only, so that a
paper does not jump around the list when its bid changes.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max

from paperdesk.submissions.models import Submission
from paperdesk.venues.models import Venue

from .models import Bid, PoolMember, Publication

BIDDING_CACHE_SECONDS = 3600


def reviewer_key(user_id: int) -> str:
    return f"u{user_id}"


def user_id_of(key: str) -> int:
    return int(key[1:])


def paper_records(submissions) -> list:
    """matching Papers for these submissions (secondary topics prefetched: 2 queries)."""
    from paperdesk.matching.affinity import Paper

    rows = list(submissions.select_related("primary_topic").prefetch_related("secondary_topics"))
    return [
        Paper(id=s.public_id, title=s.title, abstract=s.abstract,
              topics=frozenset([s.primary_topic.slug, *(t.slug for t in s.secondary_topics.all())]))
        for s in rows
    ]


def reviewer_records(members) -> list:
    """matching Reviewers for these pool members: publications and expertise, 2 queries."""
    from paperdesk.matching.affinity import Reviewer

    members = list(members)
    user_ids = [m.user_id for m in members]
    publications: dict[int, list] = {u: [] for u in user_ids}
    for user_id, title, abstract in Publication.objects.filter(user_id__in=user_ids).values_list("user_id", "title", "abstract"):
        publications[user_id].append((title, abstract))
    through = PoolMember.expertise.through
    expertise: dict[int, set] = {m.pk: set() for m in members}
    for member_id, slug in through.objects.filter(poolmember_id__in=list(expertise)).values_list("poolmember_id", "topicarea__slug"):
        expertise[member_id].add(slug)
    out, seen = [], set()
    for m in members:
        if m.user_id in seen:  # a person in the pool twice (reviewer and area chair) counts once
            continue
        seen.add(m.user_id)
        out.append(Reviewer(id=reviewer_key(m.user_id), publications=tuple(publications[m.user_id]), topics=frozenset(expertise[m.pk])))
    return out


def bids_for(venue: Venue, user_ids) -> dict:
    return {
        (public_id, reviewer_key(user_id)): value
        for public_id, user_id, value in Bid.objects.filter(submission__venue=venue, user_id__in=list(user_ids)).values_list("submission__public_id", "user_id", "value")
    }


def model_for(papers: list, reviewers: list, bids: dict | None = None, *, with_bids: bool = True):
    from paperdesk.matching.affinity import AffinityModel, AffinityWeights

    weights = AffinityWeights() if with_bids else AffinityWeights(bid=0.0)
    return AffinityModel(papers, reviewers, bids or {}, weights)


def bidding_scores(venue: Venue, member: PoolMember) -> dict[str, float]:
    """Text + topic affinity of one reviewer to every submitted paper, 0..1, cached until a
    paper, a publication or the reviewer's expertise changes."""
    submitted = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED)
    paper_stamp = submitted.aggregate(n=Count("pk"), t=Max("updated_at"), s=Max("submitted_at"))
    pub_stamp = Publication.objects.filter(user_id=member.user_id).aggregate(n=Count("pk"), m=Max("pk"))
    topics = sorted(member.expertise.values_list("pk", flat=True))
    stamp = hashlib.sha256(repr((paper_stamp, pub_stamp, topics)).encode()).hexdigest()[:20]
    key = f"committee:bidding:{venue.pk}:{member.user_id}:{stamp}"
    scores = cache.get(key)
    if scores is None:
        papers = paper_records(submitted)
        reviewers = reviewer_records([member])
        if not papers:
            scores = {}
        else:
            model = model_for(papers, reviewers, with_bids=False)
            dense = model.dense()[:, 0]
            top = model.weights.text + model.weights.topic
            scores = {p.id: round(float(v) / top, 4) for p, v in zip(papers, dense)}
        cache.set(key, scores, BIDDING_CACHE_SECONDS)
    return scores
