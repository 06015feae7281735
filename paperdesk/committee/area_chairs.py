"""Area chairs' batches: the chairs give each accepted area chair a batch of papers.

A batch proposal is the reviewer assignment's problem with k = 1: every submitted paper
gets one area chair, conflicts (the Conflict table and authorship) never, an area chair
who reviews the paper is avoided, affinity (publications, expertise against topics,
bids; `affinity.py`) as high as possible, and loads balanced. Balanced means: the
smallest load L at which the area chairs can cover every paper, each taking at most L
unless their own maximum (PoolMember.max_load) says less, and at least L - 1 when
conflicts allow it (else that floor is dropped and only the ceiling holds). Every allowed
pair stays usable: the solver skips pairs scored 0, so scores are floored at MIN_SCORE.

Papers that already have a published area chair keep it (the pair is fixed in the
problem, and counts towards that area chair's load); a published pair that has since
become a conflict, or whose area chair left the pool, is left alone here and shown to the
chairs, who move it by hand. A proposal is synchronous (a workshop has tens of area
chairs): conflicts of the area chairs are refreshed, the problem is built from numpy
arrays (`paperdesk.matching.make_problem`), solved, and saved as unpublished rows that
replace the previous unpublished proposal. Publishing makes them visible to the area
chairs (alias "Area chair 1"), grants the venue role and e-mails each area chair the
titles of their new papers, never the authors.

Chairs' page reads are at the end (`batch_page`): papers a chair has a conflict with
show no area chair to that chair.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse

from paperdesk import plurals, policy
from paperdesk.audit.services import record
from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.submissions.models import Authorship, Submission
from paperdesk.venues import moments
from paperdesk.venues.models import Venue, VenueRole

from . import affinity
from .assignment import (
    Inputs,
    _explanations,
    _labels,
    _pair_explanation,
    _paper_for_edit,
    _readable,
    _scores,
    conflict_reasons,
    number_aliases,
    refuse_conflicted_pairs,
)
from .models import Assignment, Conflict, PoolMember
from .services import ReviewingError

AREA_CHAIR = Assignment.Kind.AREA_CHAIR
MIN_SCORE = 1e-4  # the solver uses pairs with a score > 0 only: every allowed pair stays usable


def _require_manager(actor, venue: Venue) -> None:
    if not policy.can_manage_area_chairs(actor, venue):
        raise ReviewingError("Only the venue's chairs give area chairs their papers.", 404)


def _members(venue: Venue) -> list[PoolMember]:
    """Accepted area chairs with an account (and room for at least one paper)."""
    members = list(PoolMember.objects.filter(venue=venue, role=PoolMember.Role.AREA_CHAIR, state=PoolMember.State.ACCEPTED, user__isnull=False)
                   .select_related("user").order_by("pk"))
    for m in members:
        m.venue = venue  # one venue object: its spec is parsed once
    return [m for m in members if m.max_load is None or m.max_load > 0]


def balanced_load(papers: int, caps, held=None) -> int | None:
    """The smallest load L such that area chairs taking min(L, their maximum) papers (or
    what they already hold, if more) cover `papers`; None when even their maxima do not.
    `caps` holds each area chair's maximum (None: no maximum of their own)."""
    import numpy as np

    n = len(caps)
    if papers <= 0:
        return 0
    if n == 0:
        return None
    cap = np.array([papers if c is None else int(c) for c in caps], dtype=np.int64)
    have = np.zeros(n, dtype=np.int64) if held is None else np.asarray(held, dtype=np.int64)

    def covered(level: int) -> int:
        return int(np.maximum(have, np.minimum(level, cap)).sum())

    lo, hi = 0, max(papers, int(have.max(initial=0)))
    if covered(hi) < papers:
        return None
    while lo < hi:  # covered() grows with the level
        mid = (lo + hi) // 2
        if covered(mid) >= papers:
            hi = mid
        else:
            lo = mid + 1
    return lo


# --- proposing ----------------------------------------------------------------------------------

@dataclass
class ProposeResult:
    new: int
    kept: int
    papers: int
    area_chairs: int
    load: int
    balanced: bool  # every area chair got at least load - 1 (where their maximum allows)
    message: str = ""


def _gather(venue: Venue, members: list[PoolMember]):
    """Papers, area chairs, bids, conflicts, the published pairs that stay, and the pairs
    to avoid (an area chair who reviews the paper)."""
    submitted = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).order_by("number")
    submissions = {s.public_id: s for s in submitted}
    by_pk = {s.pk: s for s in submissions.values()}
    user_ids = [m.user_id for m in members]
    by_key = {affinity.reviewer_key(m.user_id): m for m in members}
    conflicted = set(Conflict.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id"))
    conflicted |= set(Authorship.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id"))
    conflicts = {(by_pk[s].public_id, affinity.reviewer_key(u)) for s, u in conflicted if s in by_pk}
    published = list(Assignment.objects.filter(submission__in=submitted, kind=AREA_CHAIR, published=True).select_related("submission", "user"))
    per_paper = Counter(a.submission_id for a in published)
    forced, left_alone = [], set()
    for a in published:
        key = affinity.reviewer_key(a.user_id)
        if per_paper[a.submission_id] == 1 and key in by_key and (a.submission.public_id, key) not in conflicts:
            forced.append(a)
        else:  # conflicted since, not in the pool any more, or two area chairs: the chairs decide by hand
            left_alone.add(a.submission.public_id)
    kept = {pid: s for pid, s in submissions.items() if pid not in left_alone}
    papers = affinity.paper_records(submitted.exclude(public_id__in=left_alone))
    reviewers = affinity.reviewer_records(members)
    inputs = Inputs(papers, reviewers, by_key, kept, affinity.bids_for(venue, user_ids), conflicts, forced)
    reviewing = Assignment.objects.filter(submission__in=submitted, kind=Assignment.Kind.REVIEWER, user_id__in=user_ids)
    avoid = {(pid, affinity.reviewer_key(u)) for pid, u in reviewing.values_list("submission__public_id", "user_id")}
    return inputs, avoid, len(left_alone)


def _no_area_chair_possible(problem, inputs: Inputs) -> list[str]:
    """Papers without any usable area chair (each conflicted, reviewing it or not willing)."""
    import numpy as np

    has = np.zeros(problem.P, dtype=bool)
    has[problem.pair_paper] = True
    has[problem.forced_paper] = True
    paper, _ = _labels(inputs)
    return [paper(problem.paper_ids[i]) for i in np.flatnonzero(~has)]


@transaction.atomic
def batches_propose(*, venue: Venue, actor) -> ProposeResult:
    """Replace the unpublished batches by a balanced, conflict-free proposal that
    maximises total affinity; published area chairs stay."""
    import numpy as np

    from paperdesk.matching import Infeasible, InputError, assign, make_problem

    from .conflicts import compute_conflicts

    _require_manager(actor, venue)
    Venue.objects.select_for_update().filter(pk=venue.pk).first()  # one proposal at a time
    members = _members(venue)
    if not members:
        raise ReviewingError("There are no accepted area chairs in the pool. Invite area chairs (role: area chair) from the Invite page; once they accept, propose the batches.", 409)
    compute_conflicts(venue, users=[m.user_id for m in members])  # never pair a conflict computed before a change
    inputs, avoid, left_alone = _gather(venue, members)
    if not inputs.papers:
        raise ReviewingError("There are no submitted papers without a published area chair to give out." if left_alone
                             else "There are no submitted papers to give out.", 409)

    model = affinity.model_for(inputs.papers, inputs.reviewers, inputs.bids)
    pp, rr, ss = _scores(model)
    pidx, ridx = model.paper_index, model.reviewer_index
    keys = [r.id for r in model.reviewers]
    held = np.zeros(len(keys), dtype=np.int64)
    forced = [(pidx[a.submission.public_id], ridx[affinity.reviewer_key(a.user_id)]) for a in inputs.forced]
    for _, j in forced:
        held[j] += 1
    caps = [inputs.members[k].max_load for k in keys]
    load = balanced_load(len(model.papers), caps, held)
    if load is None:
        room = int(np.maximum(held, np.array(caps, dtype=np.int64)).sum())  # every maximum is set, or L would exist
        raise ReviewingError(
            f"{len(model.papers)} papers need an area chair but the {plurals.count(len(keys), 'area chair')} can take at most "
            f"{room} (their maximum loads). Invite more area chairs or raise their maximum loads.", 409)
    ceiling = np.array([max(int(h), min(load, len(model.papers) if c is None else c)) for h, c in zip(held, caps)], dtype=np.int64)
    fixed = {(a.submission.public_id, affinity.reviewer_key(a.user_id)) for a in inputs.forced}
    conflicts = [(pidx[p], ridx[r]) for p, r in (inputs.conflicts | avoid) - fixed if p in pidx and r in ridx]

    def problem(min_load: int):
        return make_problem(
            [p.id for p in model.papers], keys, pp, rr, np.maximum(ss, MIN_SCORE),
            k=1, max_load=load, min_load=min_load,
            conflicts=tuple(zip(*conflicts)) or ((), ()), forced=tuple(zip(*forced)) or ((), ()),
            max_override=(np.arange(len(keys)), ceiling),
        )

    balanced = load > 1
    try:
        try:
            solution = assign(problem(load - 1 if balanced else 0), "total")
        except Infeasible:
            if not balanced:
                raise
            balanced = False  # conflicts leave someone short of L - 1: keep only the ceiling
            solution = assign(problem(0), "total")
    except Infeasible as error:
        stuck = _no_area_chair_possible(problem(0), inputs)
        if stuck:
            message = (f"No area chair can take {', '.join(stuck[:5])}{' and more' if len(stuck) > 5 else ''}: every accepted area chair "
                       "has a conflict with it, reviews it or is not willing. Invite another area chair, or give the paper to a chair.")
        else:
            message = "No balanced batches are possible: " + "; ".join(_readable(p, inputs) for p in error.problems[:3])
        raise ReviewingError(message[:600], 409) from None
    except InputError as error:
        raise ReviewingError(str(error), 400) from None

    rows = solution.rows()
    explained = _explanations(model, rows, inputs)
    Assignment.objects.filter(submission__venue=venue, kind=AREA_CHAIR, published=False).delete()
    new = []
    for pid, rid, score in rows:
        if (pid, rid) in fixed:
            continue
        if (pid, rid) in inputs.conflicts:  # the solver never returns one; never store one either
            raise ReviewingError(f"Refusing to save a conflicted pair ({pid}).")
        new.append(Assignment(submission=inputs.submissions[pid], user_id=affinity.user_id_of(rid), kind=AREA_CHAIR, alias_number=1,
                              score=round(float(score), 4), explanation=explained.get((pid, rid), {}), source="auto"))
    Assignment.objects.bulk_create(new, batch_size=2000)
    kept = fixed
    result = ProposeResult(new=len(new), kept=len(kept), papers=len(model.papers), area_chairs=len(keys), load=load, balanced=balanced)
    result.message = (f"Proposed {plurals.count(len(new), 'paper')} for {plurals.count(len(keys), 'area chair')}"
                      f" (at most {load} each{'' if balanced or load <= 1 else '; conflicts leave some with fewer'})"
                      f"{f'; {len(kept)} published kept' if kept else ''}.")
    record("area_chairs.propose", venue, actor=actor, venue=venue, new=len(new), kept=len(kept), load=load, balanced=balanced,
           left_alone=left_alone, total=round(float(solution.score.sum()), 4))
    return result


# --- editing by hand ------------------------------------------------------------------------------

@dataclass
class EditResult:
    assignment: Assignment | None
    warnings: list[str] = field(default_factory=list)
    message: str = ""


def _area_chair(venue: Venue, user) -> PoolMember:
    member = PoolMember.objects.select_related("user").filter(
        venue=venue, user=user, role=PoolMember.Role.AREA_CHAIR, state=PoolMember.State.ACCEPTED).first() if user is not None else None
    if member is None:
        raise ReviewingError("This person is not an accepted area chair of the venue.", 400, "area_chair")
    member.venue = venue
    return member


def _refuse_conflict(submission: Submission, member: PoolMember) -> None:
    reasons = conflict_reasons(submission, member.user)
    if reasons or policy.is_conflicted(member.user, submission):
        raise ReviewingError(f"{member.display_name} has a conflict with #{submission.number} ({'; '.join(reasons) or 'conflict'}); "
                             "a conflicted area chair is never given the paper.", 409, "area_chair")


def _changeable(row: Assignment, verb: str) -> None:
    """A published area chair who has started the paper's meta-review stays."""
    if not row.published:
        return
    # Asked through the relation the reviews app declares (MetaReview.submission, related_name
    # "meta_review"): reviewing sits below reviews and does not import it.
    if Submission.objects.filter(pk=row.submission_id, meta_review__author_id=row.user_id).exists():
        raise ReviewingError(f"{row.user.display_name} has started the meta-review of #{row.submission.number}; the area chair cannot be {verb} here.", 409)


def _target(venue: Venue) -> int:
    caps = list(PoolMember.objects.filter(venue=venue, role=PoolMember.Role.AREA_CHAIR, state=PoolMember.State.ACCEPTED, user__isnull=False)
                .values_list("max_load", flat=True))
    papers = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).count()
    return balanced_load(papers, caps) or 0


def _load_warnings(venue: Venue, member: PoolMember) -> list[str]:
    load = Assignment.objects.filter(user=member.user, kind=AREA_CHAIR, submission__venue=venue, submission__status=Submission.Status.SUBMITTED).count()
    if member.max_load is not None and load > member.max_load:
        return [f"{member.display_name} now has {load} papers, over their maximum of {member.max_load}."]
    target = _target(venue)
    if load > target:
        return [f"{member.display_name} now has {load} papers; a balanced batch is {target}."]
    return []


def _reviews_it(submission: Submission, member: PoolMember) -> list[str]:
    if Assignment.objects.filter(submission=submission, user=member.user, kind=Assignment.Kind.REVIEWER).exists():
        return [f"{member.display_name} is also a reviewer of #{submission.number}; an area chair usually oversees papers they do not review."]
    return []


def _next_alias(submission: Submission) -> int:
    return (Assignment.objects.filter(submission=submission, kind=AREA_CHAIR).aggregate(m=Max("alias_number"))["m"] or 0) + 1


def _create(venue: Venue, submission: Submission, member: PoolMember) -> Assignment:
    score, explanation = _pair_explanation(venue, submission, member)
    return Assignment.objects.create(submission=submission, user=member.user, kind=AREA_CHAIR, alias_number=_next_alias(submission),
                                     score=score, explanation=explanation, source="manual")


@transaction.atomic
def batch_add(*, venue: Venue, submission: Submission, user, actor) -> EditResult:
    """Give a paper that has no area chair to this area chair."""
    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, Submission.objects.select_for_update().get(pk=submission.pk))
    member = _area_chair(venue, user)
    _refuse_conflict(submission, member)
    current = Assignment.objects.filter(submission=submission, kind=AREA_CHAIR).select_related("user").first()
    if current is not None:
        who = "them" if current.user_id == member.user_id else current.user.display_name
        raise ReviewingError(f"#{submission.number} already has an area chair ({who}); move it instead.", 409, "area_chair")
    row = _create(venue, submission, member)
    record("area_chairs.add", submission, actor=actor, venue=venue, area_chair=member.email)
    return EditResult(row, _load_warnings(venue, member) + _reviews_it(submission, member), f"#{submission.number} added to {member.display_name}'s batch.")


@transaction.atomic
def batch_move(*, assignment: Assignment, to_user, actor) -> EditResult:
    """Move a paper to another area chair's batch (unpublished until the next publish)."""
    venue = assignment.submission.venue
    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, Submission.objects.select_for_update().get(pk=assignment.submission_id))
    member = _area_chair(venue, to_user)
    if member.user_id == assignment.user_id:
        raise ReviewingError(f"#{submission.number} is already in {member.display_name}'s batch.", 409, "area_chair")
    _refuse_conflict(submission, member)
    _changeable(assignment, "moved")
    old, was_published = assignment.user, assignment.published
    assignment.delete()
    row = _create(venue, submission, member)
    record("area_chairs.move", submission, actor=actor, venue=venue, removed=old.email, added=member.email, published=was_published)
    warnings = _load_warnings(venue, member) + _reviews_it(submission, member)
    if was_published:
        warnings.append(f"#{submission.number} has no published area chair until you publish again; {member.display_name} is e-mailed then.")
    return EditResult(row, warnings, f"#{submission.number} moved from {old.display_name} to {member.display_name}.")


@transaction.atomic
def batch_remove(*, assignment: Assignment, actor) -> EditResult:
    venue = assignment.submission.venue
    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, assignment.submission)
    _changeable(assignment, "removed")
    name = assignment.user.display_name
    record("area_chairs.remove", submission, actor=actor, venue=venue, area_chair=assignment.user.email, published=assignment.published)
    assignment.delete()
    return EditResult(None, [f"#{submission.number} now has no area chair."], f"#{submission.number} removed from {name}'s batch.")


# --- publishing ----------------------------------------------------------------------------------

@transaction.atomic
def batches_publish(*, venue: Venue, actor) -> int:
    """Publish the proposed batches: area chairs see their papers and are e-mailed the titles."""
    _require_manager(actor, venue)
    pending = list(Assignment.objects.select_for_update(of=("self",)).filter(
        submission__venue=venue, kind=AREA_CHAIR, published=False, submission__status=Submission.Status.SUBMITTED,
    ).select_related("submission", "user").order_by("submission__number", "pk"))
    if not pending:
        raise ReviewingError("There is nothing new to publish: propose the batches or give papers by hand first.", 409)
    refuse_conflicted_pairs(venue, actor, pending, what="The batches include", fix="move")
    user_ids = {a.user_id for a in pending}
    members = set(PoolMember.objects.filter(venue=venue, user_id__in=user_ids, role=PoolMember.Role.AREA_CHAIR, state=PoolMember.State.ACCEPTED)
                  .values_list("user_id", flat=True))
    gone = [a for a in pending if a.user_id not in members]
    if gone:
        names = ", ".join(f"#{a.submission.number} × {a.user.display_name}" for a in gone[:5])
        raise ReviewingError(f"{len(gone)} proposed pair(s) name someone who is no longer an accepted area chair ({names}); move them before publishing.", 409)
    published_max = dict(Assignment.objects.filter(submission__venue=venue, kind=AREA_CHAIR, published=True)
                         .values("submission_id").annotate(m=Max("alias_number")).values_list("submission_id", "m"))
    ids = [a.pk for a in pending]
    Assignment.objects.filter(pk__in=ids).update(alias_number=F("alias_number") + 10000)  # free the numbers first
    number_aliases(pending, published_max)
    Assignment.objects.bulk_update(pending, ["alias_number", "published"], batch_size=1000)
    for user_id in user_ids:
        VenueRole.objects.get_or_create(venue=venue, user_id=user_id, role=VenueRole.Role.AREA_CHAIR)
    record("area_chairs.publish", venue, actor=actor, venue=venue, pairs=len(pending), area_chairs=len(user_ids))
    transaction.on_commit(lambda: send_batch_emails_job.enqueue(venue.pk, ids))
    return len(pending)


def batches_preview(*, venue: Venue, actor) -> tuple[int, int, list[tuple[int, str, str]]]:
    """What publishing the batches would do, for the confirmation the chair reads first:
    (papers, area chairs, [(number, title, area chair)]). Refuses as publishing would."""
    _require_manager(actor, venue)
    pending = list(Assignment.objects.filter(
        submission__venue=venue, kind=AREA_CHAIR, published=False, submission__status=Submission.Status.SUBMITTED,
    ).select_related("submission", "user").order_by("submission__number", "pk"))
    if not pending:
        raise ReviewingError("There is nothing new to publish: propose the batches or give papers by hand first.", 409)
    refuse_conflicted_pairs(venue, actor, pending, what="The batches include", fix="move")
    rows = [(a.submission.number, a.submission.title, a.user.display_name) for a in pending]
    return len(pending), len({a.user_id for a in pending}), rows


@task()
def send_batch_emails_job(venue_id: int, assignment_ids: list[int]) -> int:
    """Each area chair hears of their newly published papers: titles only, never authors."""
    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        return 0
    per_chair = defaultdict(list)
    rows = Assignment.objects.filter(pk__in=assignment_ids, kind=AREA_CHAIR, published=True).select_related("submission", "user").order_by("submission__number")
    for a in policy.without_conflicts(rows):
        per_chair[a.user].append({"title": a.submission.title, "alias": a.alias})
    sent = 0
    for area_chair, papers in per_chair.items():
        sent += send_templated(
            "reviewing_area_chair_batch",
            {"venue": venue, "area_chair": area_chair, "papers": papers, "review_deadline": moments.text(venue.review_deadline),
             "url": reverse("reviews:area_chair", args=[venue.slug])},
            to=[area_chair.email],
            reply_to=venue.contact_email,
        )
    return sent


# --- the chairs' page (reads) ---------------------------------------------------------------------

@dataclass
class BatchPaper:
    assignment: Assignment
    number: int
    title: str
    public_id: str
    score: float | None
    why: dict
    conflict: str = ""  # reasons, when a pair has become a conflict


@dataclass
class Batch:
    member: PoolMember | None  # None: someone no longer an accepted area chair
    name: str
    email: str
    max_load: int | None
    papers: list[BatchPaper] = field(default_factory=list)
    load: int = 0  # the papers this chair may see (those they are conflicted with are left out)
    published: int = 0

    @property
    def over(self) -> bool:
        return self.max_load is not None and self.load > self.max_load


@dataclass
class BatchPage:
    batches: list[Batch]
    unassigned: list[Submission]
    load: int  # the balanced load
    papers: int
    unpublished: int
    published: int
    hidden_papers: int
    choices: list[tuple[str, str]]  # (pool member public id, label) for the move/add fields

    @property
    def warnings(self) -> list[str]:
        out = []
        bad = sum(1 for b in self.batches for p in b.papers if p.conflict)
        if bad:
            out.append(f"{bad} pair{'s are' if bad != 1 else ' is a'} conflict{'s' if bad != 1 else ''}: move {'them' if bad != 1 else 'it'}.")
        if self.unassigned:
            n = len(self.unassigned)
            out.append(f"{n} paper{'s have' if n != 1 else ' has'} no area chair.")
        over = [b.name for b in self.batches if b.over]
        if over:
            out.append(f"Over their maximum load: {', '.join(over)}.")
        return out


def batch_page(viewer, venue: Venue) -> BatchPage:
    """Accepted area chairs with their batches (proposed and published), papers without an
    area chair, loads. Seven queries whatever the size; papers the viewer has a conflict
    with are neither shown nor counted in anyone's load (`policy.hidden_from_aggregates`):
    a load that moved when that paper's area chair changed would name them."""
    hidden = policy.hidden_from_aggregates(viewer, venue)
    submissions = list(Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).order_by("number"))
    rows = list(Assignment.objects.filter(submission__venue=venue, kind=AREA_CHAIR, submission__status=Submission.Status.SUBMITTED)
                .select_related("user", "submission").order_by("submission__number", "pk"))
    members = list(PoolMember.objects.filter(venue=venue, role=PoolMember.Role.AREA_CHAIR, state=PoolMember.State.ACCEPTED, user__isnull=False)
                   .select_related("user").order_by("pk"))
    user_ids = {a.user_id for a in rows}
    conflicts = defaultdict(list)
    for s, u, reason in Conflict.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id", "reason"):
        conflicts[(s, u)].append(reason)
    for s, u in Authorship.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id"):
        conflicts[(s, u)].insert(0, "an author of the submission")
    batches = {m.user_id: Batch(m, m.display_name, m.user.email, m.max_load) for m in members}
    for a in rows:
        if a.submission_id in hidden:
            continue
        batch = batches.get(a.user_id)
        if batch is None:
            batch = batches[a.user_id] = Batch(None, a.user.display_name, a.user.email, None)
        batch.load += 1
        batch.published += a.published
        batch.papers.append(BatchPaper(a, a.submission.number, a.submission.title, a.submission.public_id, a.score, a.explanation or {},
                                       "; ".join(conflicts.get((a.submission_id, a.user_id), []))))
    with_chair = {a.submission_id for a in rows}
    visible = [a for a in rows if a.submission_id not in hidden]
    ordered = sorted(batches.values(), key=lambda b: (b.member is None, b.name.lower()))
    return BatchPage(
        batches=ordered,
        unassigned=[s for s in submissions if s.pk not in with_chair and s.pk not in hidden],
        load=balanced_load(len(submissions), [m.max_load for m in members]) or 0,
        papers=len(submissions),
        unpublished=sum(1 for a in visible if not a.published),
        published=sum(1 for a in visible if a.published),
        hidden_papers=len(hidden & {s.pk for s in submissions}),
        choices=[(m.public_id, f"{m.display_name} <{m.user.email}>") for m in sorted(members, key=lambda m: m.display_name.lower())],
    )
