"""The automatic assignment (a background job in phases, cancellable between them), the
chairs' manual edits and publishing.

Phases of a run: conflicts (recomputed for the whole venue), affinity (publications,
topics and bids through `paperdesk.matching.affinity`), solving (`paperdesk.matching.solve`:
every paper gets k distinct reviewers, loads within each reviewer's maximum and the
venue's minimum, conflicts never, published pairs kept), saving (the unpublished proposal
is replaced). A run checks its cancel flag before each phase and once more, under a row
lock, before it writes; a failure is stored with the solver's explanation (papers and
reviewers named as chairs know them).

A conflicted pair can never be assigned: the solver gets every conflict as a forbidden
pair, manual additions are refused, and publishing refuses a proposal that holds one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.jobs import task
from paperdesk.submissions.models import Authorship, Submission
from paperdesk.venues.models import TopicArea, Venue, VenueRole
from paperdesk.venues.models import Track as TrackModel

from . import affinity, demands
from .models import Assignment, AssignmentRun, Conflict, PoolMember, ReviewerDecline
from .services import ReviewingError

log = logging.getLogger(__name__)
OBJECTIVES = {"total": "Highest total affinity", "fair": "Fair: raise the weakest paper first",
              "randomized": "Randomized: no pair more likely than the cap (against collusion rings)"}
DEFAULT_PROBABILITY_LIMIT = 0.5
MAX_SEED = 2**31 - 1
DENSE_UP_TO = 10_000_000  # pairs scored exhaustively (80 MB); above, each paper's TOP_N best reviewers
TOP_N = 300
STALE_AFTER = dt.timedelta(minutes=30)  # a running run silent for this long lost its worker


class _Cancelled(Exception):
    pass


# --- starting and cancelling ---------------------------------------------------------------------

def _require_manager(actor, venue: Venue) -> None:
    if not policy.can_manage_assignment(actor, venue):
        raise ReviewingError("Only the venue's chairs run the assignment.", 404)


@transaction.atomic
def _randomized_params(probability_limit, seed) -> dict:
    """The randomized mode's cap (0 < q <= 1, default 0.5) and seed (drawn when empty)."""
    import random

    if probability_limit in (None, ""):
        probability_limit = DEFAULT_PROBABILITY_LIMIT
    try:
        q = float(probability_limit)
    except (TypeError, ValueError):
        raise ReviewingError("The probability limit must be a number between 0 and 1.", 400, "probability_limit") from None
    if not 0 < q <= 1:
        raise ReviewingError("The probability limit must be above 0 and at most 1.", 400, "probability_limit")
    if seed in (None, ""):
        seed = random.SystemRandom().randint(0, MAX_SEED)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise ReviewingError("The seed must be a whole number.", 400, "seed") from None
    if not 0 <= seed <= MAX_SEED:
        raise ReviewingError(f"The seed must be between 0 and {MAX_SEED}.", 400, "seed")
    return {"probability_limit": q, "seed": seed}


@transaction.atomic
def run_start(*, venue: Venue, actor, objective: str = "total", probability_limit=None, seed=None, here: bool = False) -> AssignmentRun:
    """Queue a run. The randomized mode records its cap and seed (drawn when not given) in
    the run's parameters and the audit log: the same seed on the same data gives the same
    assignment, so the draw can be checked afterwards.

    `here`: the caller runs it in its own process (`paperdesk runassignment`): the run row
    is created already claimed (running, no job enqueued), so a worker of the web process
    never picks it up and the two never race for it."""
    _require_manager(actor, venue)
    if objective not in OBJECTIVES:
        raise ReviewingError(f"Unknown objective '{objective[:20]}'.", 400, "objective")
    extra = _randomized_params(probability_limit, seed) if objective == "randomized" else {}
    Venue.objects.select_for_update().filter(pk=venue.pk).first()  # one start at a time
    AssignmentRun.objects.filter(venue=venue, state=AssignmentRun.State.RUNNING, started_at__lt=clock.now() - STALE_AFTER).update(
        state=AssignmentRun.State.FAILED, finished_at=clock.now(), message="This run stopped without finishing (its worker was restarted?); start a new one.")
    if AssignmentRun.objects.filter(venue=venue, state__in=(AssignmentRun.State.QUEUED, AssignmentRun.State.RUNNING)).exists():
        raise ReviewingError("An assignment run is already in progress; wait for it or cancel it.", 409)
    rules = venue.spec.reviewing
    run = AssignmentRun.objects.create(
        venue=venue, created_by=actor, message="Running in a command" if here else "Waiting for a worker",
        params={"objective": objective, "k": rules.reviewers_per_paper, "track_k": demands.by_slug(venue),
                "max_load": rules.max_load, "min_load": rules.min_load, **extra},
        **({"state": AssignmentRun.State.RUNNING, "started_at": clock.now(), "progress": 1} if here else {}),
    )
    record("assignment.run_start", run, actor=actor, venue=venue, here=here, **run.params)
    if not here:
        transaction.on_commit(lambda: run_assignment_job.enqueue(run.pk))
    return run


def run_cancel(*, run: AssignmentRun, actor) -> AssignmentRun:
    _require_manager(actor, run.venue)
    now = clock.now()
    if AssignmentRun.objects.filter(pk=run.pk, state=AssignmentRun.State.QUEUED).update(
        state=AssignmentRun.State.CANCELLED, cancel_requested=True, finished_at=now, message="Cancelled before it started",
    ):
        record("assignment.run_cancel", run, actor=actor, venue=run.venue, state="queued")
    elif AssignmentRun.objects.filter(pk=run.pk, state=AssignmentRun.State.RUNNING).update(cancel_requested=True):
        record("assignment.run_cancel", run, actor=actor, venue=run.venue, state="running")
    else:
        raise ReviewingError("This run has already finished.", 409)
    run.refresh_from_db()
    return run


# --- the job ---------------------------------------------------------------------------------------

def _phase(run: AssignmentRun, progress: int, message: str) -> None:
    """Between phases: honour a cancel request, then show the next phase."""
    if AssignmentRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
        raise _Cancelled(message)
    run.progress, run.message = progress, message
    AssignmentRun.objects.filter(pk=run.pk).update(progress=progress, message=message)


@dataclass
class Inputs:
    papers: list  # matching Papers
    reviewers: list  # matching Reviewers
    members: dict  # reviewer key -> PoolMember
    submissions: dict  # public id -> Submission
    bids: dict
    conflicts: set  # (public id, reviewer key)
    forced: list  # published Assignments
    tracks: dict = field(default_factory=dict)  # public id -> track slug
    timings: dict = field(default_factory=dict)


def gather(venue: Venue) -> Inputs:
    submitted = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).order_by("number")
    submissions = {s.public_id: s for s in submitted}
    papers = affinity.paper_records(submitted)
    members = list(PoolMember.objects.filter(venue=venue, role=PoolMember.Role.REVIEWER, state=PoolMember.State.ACCEPTED, user__isnull=False)
                   .select_related("user").order_by("pk"))
    for m in members:
        m.venue = venue  # one venue object: its spec is parsed once
    members = [m for m in members if m.effective_max_load() > 0]
    by_key = {affinity.reviewer_key(m.user_id): m for m in members}
    reviewers = affinity.reviewer_records(members)
    user_ids = [m.user_id for m in members]
    public = {s.pk: s.public_id for s in submissions.values()}
    conflicts = {(public[s], affinity.reviewer_key(u)) for s, u in Conflict.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id") if s in public}
    conflicts |= {(public[s], affinity.reviewer_key(u)) for s, u in Authorship.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id") if s in public}
    forced = list(Assignment.objects.filter(submission__in=submitted, kind=Assignment.Kind.REVIEWER, published=True).select_related("submission", "user"))
    slugs = dict(TrackModel.objects.filter(venue=venue).values_list("pk", "slug"))
    tracks = {s.public_id: slugs.get(s.track_id, "") for s in submissions.values()}
    return Inputs(papers, reviewers, by_key, submissions, affinity.bids_for(venue, user_ids), conflicts, forced, tracks=tracks)


def _labels(inputs: Inputs):
    """Readable names for ids inside the solver's messages (chairs read them)."""
    def paper(pid):
        s = inputs.submissions.get(pid)
        return f"#{s.number} “{s.title[:60]}”" if s else pid

    def reviewer(rid):
        m = inputs.members.get(rid)
        return m.display_name if m else rid

    return paper, reviewer


def _readable(text: str, inputs: Inputs) -> str:
    paper, reviewer = _labels(inputs)
    ids = {pid: paper(pid) for pid in inputs.submissions}
    ids.update({rid: reviewer(rid) for rid in inputs.members})
    return re.sub(r"\b[0-9a-z]+\b", lambda m: ids.get(m.group(0), m.group(0)), text)


@task()
def run_assignment_job(run_id: int) -> str:
    """The background job of `run_start`: it lives beside the run it executes, so that the
    jobs module (which the services enqueue) never imports the assignment back."""
    run = run_execute(run_id)
    return run.state if run else AssignmentRun.objects.filter(pk=run_id).values_list("state", flat=True).first() or ""


def run_execute(run_id: int, *, claimed: bool = False) -> AssignmentRun | None:
    """The job's body: claims a queued run (one conditional UPDATE: of two processes, one
    wins), then works through the phases. `claimed`: the caller made the run already
    running for itself (`run_start(here=True)`)."""
    from paperdesk.matching import Infeasible, InputError, assign

    from .conflicts import compute_conflicts

    if not claimed and not AssignmentRun.objects.filter(pk=run_id, state=AssignmentRun.State.QUEUED).update(
        state=AssignmentRun.State.RUNNING, started_at=clock.now(), progress=1, message="Starting",
    ):
        return None  # cancelled before it started, or already taken by another worker
    run = AssignmentRun.objects.select_related("venue", "created_by").get(pk=run_id)
    venue, params = run.venue, run.params
    inputs = None
    timings: dict[str, float] = {}
    try:
        _phase(run, 5, "Computing conflicts")
        t = time.perf_counter()
        stats = compute_conflicts(venue)
        timings["conflicts"] = round(time.perf_counter() - t, 3)

        _phase(run, 25, "Computing affinity (publications, topics, bids)")
        t = time.perf_counter()
        inputs = gather(venue)
        if not inputs.papers:
            raise ReviewingError("There are no submitted papers to assign.")
        if not inputs.reviewers:
            raise ReviewingError("There are no accepted reviewers in the pool.")
        model = affinity.model_for(inputs.papers, inputs.reviewers, inputs.bids)
        scored = _scores(model)
        timings["affinity"] = round(time.perf_counter() - t, 3)

        _phase(run, 55, "Solving")
        t = time.perf_counter()
        problem = _problem(model, scored, inputs, params)
        probabilities: dict = {}
        if params.get("objective") == "randomized":
            solution, probabilities = _randomized(problem, params)
        else:
            solution = assign(problem, params.get("objective", "total"))
        timings["solve"] = round(time.perf_counter() - t, 3)

        _phase(run, 85, "Saving the proposal")
        t = time.perf_counter()
        explained = _explanations(model, solution.rows(), inputs)
        for pair, p in probabilities.items():
            if pair in explained:
                explained[pair]["probability"] = p
        with transaction.atomic():
            locked = AssignmentRun.objects.select_for_update().get(pk=run.pk)
            if locked.cancel_requested:
                raise _Cancelled("Saving the proposal")
            saved = _save_proposal(venue, solution.rows(), explained, inputs)
            timings["save"] = round(time.perf_counter() - t, 3)
            summary = solution.summary()
            run.state, run.progress, run.finished_at = AssignmentRun.State.DONE, 100, clock.now()
            run.message = f"Proposal ready: {saved} new pairs for {len(inputs.papers)} papers and {len(inputs.reviewers)} reviewers."
            run.result = {"summary": _plain(summary), "conflicts": stats.as_dict(), "timings": timings,
                          "papers": len(inputs.papers), "reviewers": len(inputs.reviewers), "pairs_scored": len(scored[0])}
            randomized = {key: params[key] for key in ("probability_limit", "seed") if key in params}
            if randomized:
                randomized["expected_total"] = summary.get("expected_total")
                run.result.update(randomized)
            run.save(update_fields=["state", "progress", "finished_at", "message", "result"])
            record("assignment.run_done", run, venue=venue, pairs=saved, **{k: v for k, v in timings.items()}, **randomized)
    except _Cancelled as cancelled:
        _finish(run, AssignmentRun.State.CANCELLED, f"Cancelled before “{cancelled}”; the previous proposal is unchanged.", {"timings": timings})
    except Infeasible as error:
        problems = [_readable(p, inputs) for p in error.problems] if inputs else error.problems
        paper, reviewer = _labels(inputs) if inputs else (str, str)
        _finish(run, AssignmentRun.State.FAILED, ("No assignment is possible: " + problems[0])[:300], {
            "error": "infeasible", "problems": problems,
            "papers": [paper(p) for p in error.papers][:50], "reviewers": [reviewer(r) for r in error.reviewers][:50],
            "timings": timings,
        })
    except (ReviewingError, InputError) as error:
        _finish(run, AssignmentRun.State.FAILED, str(getattr(error, "message", error))[:300], {"error": "input", "problems": [str(getattr(error, "message", error))]})
    except Exception as error:  # the chairs see that it failed; the log has the traceback
        log.exception("assignment run %s failed", run.public_id)
        _finish(run, AssignmentRun.State.FAILED, f"The assignment failed unexpectedly ({type(error).__name__}). Try again; if it fails again, the server log has the details.", {"error": "unexpected"})
    run.refresh_from_db()
    return run


def _scores(model):
    """Every usable pair's score as index arrays (paper, reviewer, score): the whole matrix
    up to DENSE_UP_TO pairs, else each paper's TOP_N best reviewers."""
    import numpy as np

    if len(model.papers) * len(model.reviewers) <= DENSE_UP_TO:
        dense = model.dense(max_pairs=DENSE_UP_TO)
        paper, reviewer = np.nonzero(np.isfinite(dense))  # "not willing" is -inf: never a pair
        return paper, reviewer, dense[paper, reviewer]
    return model.top_n(TOP_N)


def _problem(model, scored, inputs: Inputs, params: dict):
    """The solver's problem from index arrays (no Python loop over pairs)."""
    from paperdesk.matching import make_problem

    pidx, ridx = model.paper_index, model.reviewer_index
    conflicts = [(pidx[p], ridx[r]) for p, r in inputs.conflicts if p in pidx and r in ridx]
    forced = [(pidx[a.submission.public_id], ridx[affinity.reviewer_key(a.user_id)]) for a in inputs.forced
              if a.submission.public_id in pidx and affinity.reviewer_key(a.user_id) in ridx]
    override = [(ridx[key], m.effective_max_load()) for key, m in inputs.members.items() if key in ridx]
    minimum = [(ridx[key], m.min_load) for key, m in inputs.members.items() if key in ridx and m.min_load is not None]
    track_k = params.get("track_k") or {}
    demand = [(pidx[pid], int(track_k[slug])) for pid, slug in inputs.tracks.items() if pid in pidx and slug in track_k]
    return make_problem(
        [p.id for p in model.papers], [r.id for r in model.reviewers], *scored,
        k=int(params["k"]), max_load=int(params["max_load"]), min_load=int(params["min_load"]),
        conflicts=tuple(zip(*conflicts)) or ((), ()), forced=tuple(zip(*forced)) or ((), ()),
        max_override=tuple(zip(*override)) or ((), ()),
        demand_override=tuple(zip(*demand, strict=True)) or ((), ()),
        min_override=tuple(zip(*minimum, strict=True)) or ((), ()),
    )


def _randomized(problem, params: dict):
    """Marginals of maximal expected affinity with no pair above the cap, then one
    assignment drawn with the run's seed (each pair taken with exactly its probability).
    Returns the solution and {(paper id, reviewer id): probability} of its pairs."""
    import numpy as np

    from paperdesk.matching.randomized import pair_caps, sample, solve_marginals
    from paperdesk.matching.solve import Assignment as Solution

    t0 = time.perf_counter()
    marginals = solve_marginals(problem, pair_caps(problem, float(params["probability_limit"])))
    mask = sample(marginals, np.random.default_rng(int(params["seed"])))
    paper = np.concatenate([problem.forced_paper, marginals.paper[mask]]).astype(np.int32)
    reviewer = np.concatenate([problem.forced_reviewer, marginals.reviewer[mask]]).astype(np.int32)
    score = np.concatenate([problem.forced_score, marginals.score[mask]])
    chosen = set(zip(paper.tolist(), reviewer.tolist(), strict=True))
    pids, rids = problem.paper_ids, problem.reviewer_ids
    probabilities = {(pids[i], rids[j]): round(float(p), 4) for i, j, p in zip(
        np.concatenate([problem.forced_paper, marginals.paper]).tolist(),
        np.concatenate([problem.forced_reviewer, marginals.reviewer]).tolist(),
        np.concatenate([np.ones(len(problem.forced_paper)), marginals.probability]).tolist(), strict=True) if (i, j) in chosen}
    info = {"expected_total": round(marginals.expected_total(), 4), "probability_limit": float(params["probability_limit"]),
            "seed": int(params["seed"]), "solve_seconds": round(time.perf_counter() - t0, 3)}
    return Solution(problem, paper, reviewer, score, "randomized", info), probabilities


def _finish(run: AssignmentRun, state: str, message: str, result: dict) -> None:
    AssignmentRun.objects.filter(pk=run.pk).update(state=state, message=message[:300], result=result, finished_at=clock.now())
    record(f"assignment.run_{state}", run, venue=run.venue, message=message[:300])


def _plain(summary: dict) -> dict:
    out = {}
    for key, value in summary.items():
        if isinstance(value, (int, float, str, bool)) or value is None:
            out[key] = value
        elif hasattr(value, "item"):
            out[key] = value.item()
    return out


def _explanations(model, rows, inputs: Inputs) -> dict:
    """Why each chosen pair: text and topic components, shared topics, the bid, and the
    reviewer's best-matching publication; computed for the chosen pairs only."""
    import numpy as np

    topic_names = dict(TopicArea.objects.filter(venue=next(iter(inputs.submissions.values())).venue).values_list("slug", "name")) if inputs.submissions else {}
    rows = list(rows)
    if not rows:
        return {}
    p = np.array([model.paper_index[pid] for pid, _, _ in rows])
    r = np.array([model.reviewer_index[rid] for _, rid, _ in rows])
    text, topic, bid, _ = model.pair_components(p, r)
    best, cosine = model.best_publications(p, r)
    w = model.weights
    out: dict[tuple[str, str], dict] = {}
    for n, (pid, rid, _) in enumerate(rows):
        shared = sorted(set(model.papers[p[n]].topics) & set(model.reviewers[r[n]].topics))
        out[(pid, rid)] = {
            "text": round(float(text[n]), 3), "topic": round(float(topic[n]), 3),
            "bid": inputs.bids.get((pid, rid)), "bid_value": round(float(bid[n]), 3),
            "shared_topics": [topic_names.get(s, s) for s in shared],
            "weights": {"text": w.text, "topic": w.topic, "bid": w.bid},
        }
        if best[n] and cosine[n] > 0:
            out[(pid, rid)]["publication"] = best[n].split("\n", 1)[0].strip()[:200]
    return out


def _save_proposal(venue: Venue, rows, explained: dict, inputs: Inputs) -> int:
    """Replace the unpublished proposal by the solver's pairs (published pairs stay)."""
    Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=False).delete()
    kept = {(a.submission.public_id, affinity.reviewer_key(a.user_id)) for a in inputs.forced}
    next_alias = Counter()
    for a in inputs.forced:
        next_alias[a.submission.public_id] = max(next_alias[a.submission.public_id], a.alias_number)
    new = []
    for pid, rid, score in rows:
        if (pid, rid) in kept:
            continue
        if (pid, rid) in inputs.conflicts:  # the solver never returns one; never store one either
            raise ReviewingError(f"Refusing to save a conflicted pair ({pid}).")
        next_alias[pid] += 1
        new.append(Assignment(submission=inputs.submissions[pid], user_id=affinity.user_id_of(rid), kind=Assignment.Kind.REVIEWER,
                              alias_number=next_alias[pid], score=round(float(score), 4), explanation=explained.get((pid, rid), {}),
                              source="auto"))
    Assignment.objects.bulk_create(new, batch_size=2000)
    return len(new)


# --- a reviewer's minimum load ------------------------------------------------------------------------

@transaction.atomic
def set_min_load(*, member: PoolMember, actor, min_load) -> PoolMember:
    """A chair sets (or clears, with None or "") the fewest papers a reviewer gets from the
    automatic assignment: a hard bound for the solver, at most the reviewer's maximum."""
    member = PoolMember.objects.select_for_update(of=("self",)).select_related("venue", "user").get(pk=member.pk)
    _require_manager(actor, member.venue)
    if member.role != PoolMember.Role.REVIEWER:
        raise ReviewingError("Only reviewers have a minimum load.", 400, "min_load")
    if min_load in (None, ""):
        value = None
    else:
        try:
            value = int(str(min_load).strip())
        except (TypeError, ValueError):
            raise ReviewingError("The minimum load must be a whole number.", 400, "min_load") from None
        ceiling = member.effective_max_load()
        if value < 0 or value > ceiling:
            raise ReviewingError(f"The minimum load of {member.display_name} must be between 0 and {ceiling} (their maximum).", 400, "min_load")
    previous = member.min_load
    if previous != value:
        member.min_load = value
        member.save(update_fields=["min_load"])
        record("pool.min_load", member, actor=actor, venue=member.venue, email=member.email, min_load=value, previous=previous)
    return member


# --- manual edits ------------------------------------------------------------------------------------

@dataclass
class EditResult:
    assignment: Assignment | None
    warnings: list[str] = field(default_factory=list)
    message: str = ""


def _paper_for_edit(actor, venue: Venue, submission: Submission) -> Submission:
    if submission.venue_id != venue.pk or not policy.can_assign_paper(actor, submission):
        raise ReviewingError("No such paper.", 404)
    if submission.status != Submission.Status.SUBMITTED:
        raise ReviewingError(f"#{submission.number} is {submission.get_status_display().lower()}; only submitted papers are assigned.", 409)
    return submission


def _reviewer(venue: Venue, user) -> PoolMember:
    member = PoolMember.objects.select_related("user").filter(
        venue=venue, user=user, role=PoolMember.Role.REVIEWER, state=PoolMember.State.ACCEPTED).first()
    if member is None:
        raise ReviewingError("This person is not an accepted reviewer of the venue.", 400, "reviewer")
    member.venue = venue
    return member


def conflict_reasons(submission: Submission, user) -> list[str]:
    reasons = [c.reason for c in Conflict.objects.filter(submission=submission, user=user)]
    if Authorship.objects.filter(submission=submission, user=user).exists():
        reasons.insert(0, "an author of the submission")
    return reasons


def _refuse_conflict(submission: Submission, member: PoolMember) -> None:
    reasons = conflict_reasons(submission, member.user)
    if reasons or policy.is_conflicted(member.user, submission):
        raise ReviewingError(f"{member.display_name} has a conflict with #{submission.number} ({'; '.join(reasons) or 'conflict'}); a conflicted reviewer is never assigned.", 409, "reviewer")


def _warnings(venue: Venue, submission: Submission, member: PoolMember) -> list[str]:
    out = []
    load = Assignment.objects.filter(user=member.user, kind=Assignment.Kind.REVIEWER, submission__venue=venue, submission__status=Submission.Status.SUBMITTED).count()
    if load > member.effective_max_load():
        out.append(f"{member.display_name} now has {load} papers, over their maximum of {member.effective_max_load()}.")
    k = demands.of(venue, submission)
    count = Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER).count()
    if count != k:
        out.append(demands.needs(count, k, submission.number))
    return out


def _pair_explanation(venue: Venue, submission: Submission, member: PoolMember) -> tuple[float | None, dict]:
    """Affinity of one pair, for manual additions (the reviewer against every paper)."""
    papers = affinity.paper_records(Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED))
    reviewers = affinity.reviewer_records([member])
    key = affinity.reviewer_key(member.user_id)
    bids = affinity.bids_for(venue, [member.user_id])
    model = affinity.model_for(papers, reviewers, bids)
    info = model.explain(submission.public_id, key, n_publications=1)
    topic_names = dict(TopicArea.objects.filter(venue=venue).values_list("slug", "name"))
    best = info["text"]["best_publications"]
    explanation = {
        "text": info["text"]["value"], "topic": info["topic"]["value"], "bid": info["bid"]["bid"], "bid_value": info["bid"]["value"],
        "shared_topics": [topic_names.get(s, s) for s in info["topic"]["shared"]],
        "weights": {"text": info["text"]["weight"], "topic": info["topic"]["weight"], "bid": info["bid"]["weight"]},
        "manual": True,
    }
    if best and best[0]["cosine"] > 0:
        explanation["publication"] = best[0]["publication"].split("\n", 1)[0].strip()[:200]
    score = info["score"]
    return (round(score, 4) if score != float("-inf") else None), explanation


def _next_alias(submission: Submission) -> int:
    return (Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER).aggregate(m=Max("alias_number"))["m"] or 0) + 1


@transaction.atomic
def pair_add(*, venue: Venue, submission: Submission, user, actor) -> EditResult:
    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, Submission.objects.select_for_update().get(pk=submission.pk))
    member = _reviewer(venue, user)
    _refuse_conflict(submission, member)
    if Assignment.objects.filter(submission=submission, user=member.user, kind=Assignment.Kind.REVIEWER).exists():
        raise ReviewingError(f"{member.display_name} already reviews #{submission.number}.", 409, "reviewer")
    score, explanation = _pair_explanation(venue, submission, member)
    row = Assignment.objects.create(submission=submission, user=member.user, kind=Assignment.Kind.REVIEWER, alias_number=_next_alias(submission),
                                    score=score, explanation=explanation, source="manual")
    _fill_open_slot(submission)
    record("assignment.add", submission, actor=actor, venue=venue, reviewer=member.email)
    return EditResult(row, _warnings(venue, submission, member), f"{member.display_name} added to #{submission.number}.")


def _tell_removed(venue: Venue, assignment: Assignment) -> None:
    from . import tasks

    args = (venue.pk, assignment.user_id, assignment.submission_id, assignment.alias)
    transaction.on_commit(lambda: tasks.send_removal_notice_job.enqueue(*args))


def _fill_open_slot(submission: Submission) -> None:
    """A reviewer added to a paper fills the oldest slot a reviewer gave back on it."""
    first = ReviewerDecline.objects.filter(submission=submission, resolved_at__isnull=True).order_by("created_at", "id").first()
    if first is not None:
        ReviewerDecline.objects.filter(pk=first.pk).update(resolved_at=clock.now())


def _removable(assignment: Assignment) -> None:
    """A published pair whose review has been started is not removed from this page."""
    if not assignment.published:
        return
    # Asked through the relation the reviews app declares (Review.assignment, related_name
    # "review"): reviewing sits below reviews and does not import it.
    if Assignment.objects.filter(pk=assignment.pk, review__isnull=False).exists():
        raise ReviewingError("This reviewer has started a review of the paper; it cannot be removed here.", 409)


@transaction.atomic
def pair_remove(*, assignment: Assignment, actor) -> EditResult:
    venue = assignment.submission.venue
    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, assignment.submission)
    _removable(assignment)
    member = PoolMember.objects.filter(venue=venue, user=assignment.user, role=PoolMember.Role.REVIEWER).select_related("user", "venue").first()
    name = member.display_name if member else assignment.user.display_name
    record("assignment.remove", submission, actor=actor, venue=venue, reviewer=assignment.user.email, published=assignment.published)
    if assignment.published:  # they saw the paper in their list: they are told it is gone
        _tell_removed(venue, assignment)
    assignment.delete()
    k = demands.of(venue, submission)
    count = Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER).count()
    warnings = [demands.needs(count, k, submission.number)] if count != k else []
    return EditResult(None, warnings, f"{name} removed from #{submission.number}.")


@transaction.atomic
def pair_swap(*, assignment: Assignment, user, actor) -> EditResult:
    """Replace the reviewer of one pair by another (who gets the next alias number)."""
    venue = assignment.submission.venue
    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, assignment.submission)
    member = _reviewer(venue, user)
    if member.user_id == assignment.user_id:
        raise ReviewingError(f"{member.display_name} already reviews #{submission.number}.", 409, "reviewer")
    _refuse_conflict(submission, member)
    if Assignment.objects.filter(submission=submission, user=member.user, kind=Assignment.Kind.REVIEWER).exists():
        raise ReviewingError(f"{member.display_name} already reviews #{submission.number}.", 409, "reviewer")
    _removable(assignment)
    old = assignment.user
    if assignment.published:
        _tell_removed(venue, assignment)
    assignment.delete()
    score, explanation = _pair_explanation(venue, submission, member)
    row = Assignment.objects.create(submission=submission, user=member.user, kind=Assignment.Kind.REVIEWER, alias_number=_next_alias(submission),
                                    score=score, explanation=explanation, source="manual")
    record("assignment.swap", submission, actor=actor, venue=venue, removed=old.email, added=member.email)
    return EditResult(row, _warnings(venue, submission, member), f"{old.display_name} replaced by {member.display_name} on #{submission.number}.")


# --- alternates ------------------------------------------------------------------------------------------

ALTERNATES = 5


@dataclass
class Alternate:
    member: PoolMember
    name: str
    email: str
    score: float
    load: int
    max_load: int


def alternates(*, venue: Venue, submission: Submission, actor, n: int = ALTERNATES) -> list[Alternate]:
    """Reviewers a chair could assign to this paper instead of one removed: accepted
    reviewers with spare load, no conflict (recorded or authorship) and not already on it,
    best affinity first (the affinity model scored for this one paper against them)."""
    import numpy as np

    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, submission)
    members = list(PoolMember.objects.filter(venue=venue, role=PoolMember.Role.REVIEWER, state=PoolMember.State.ACCEPTED, user__isnull=False)
                   .select_related("user").order_by("pk"))
    for m in members:
        m.venue = venue
    on_paper = set(Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER).values_list("user_id", flat=True))
    conflicted = set(Conflict.objects.filter(submission=submission).values_list("user_id", flat=True))
    conflicted |= set(Authorship.objects.filter(submission=submission, user__isnull=False).values_list("user_id", flat=True))
    loads = Counter(Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, submission__status=Submission.Status.SUBMITTED)
                    .values_list("user_id", flat=True))
    candidates = [m for m in members if m.user_id not in on_paper and m.user_id not in conflicted
                  and loads[m.user_id] < m.effective_max_load() and not policy.is_conflicted(m.user, submission)]
    if not candidates or n <= 0:
        return []
    papers = affinity.paper_records(Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED))
    model = affinity.model_for(papers, affinity.reviewer_records(candidates), affinity.bids_for(venue, [m.user_id for m in candidates]))
    p = np.full(len(candidates), model.paper_index[submission.public_id], dtype=np.int64)
    r = np.array([model.reviewer_index[affinity.reviewer_key(m.user_id)] for m in candidates], dtype=np.int64)
    text, topic, bid, not_willing = model.pair_components(p, r)
    w = model.weights
    score = w.text * text + w.topic * topic + w.bid * bid
    ranked = sorted((i for i in range(len(candidates)) if not not_willing[i]), key=lambda i: (-score[i], candidates[i].display_name.lower()))
    return [Alternate(candidates[i], candidates[i].display_name, candidates[i].user.email, round(float(score[i]), 4),
                      loads[candidates[i].user_id], candidates[i].effective_max_load()) for i in ranked[:n]]


# --- publishing ---------------------------------------------------------------------------------------

def number_aliases(pending: list[Assignment], published_max: dict[int, int]) -> None:
    """Give the pairs being published their alias numbers: per paper, the next free numbers
    after the published ones, in a random order. An alias then says nothing about who was
    assigned first, nor about the solver's ranking; aliases already published never change."""
    import random

    shuffle = random.SystemRandom().shuffle
    per_paper: dict[int, list[Assignment]] = defaultdict(list)
    for a in pending:
        per_paper[a.submission_id].append(a)
    for submission_id, rows in per_paper.items():
        first = published_max.get(submission_id, 0) + 1
        numbers = list(range(first, first + len(rows)))
        shuffle(numbers)
        for a, number in zip(rows, numbers):
            a.alias_number = number
            a.published = True


def refuse_conflicted_pairs(venue: Venue, actor, pending: list[Assignment], *, what: str, fix: str) -> None:
    """Before publishing: the publishing chair must have no conflict with the papers, and
    no pending pair may be a conflict (recorded or authorship) that arose since proposing."""
    mine = policy.conflicted_submission_ids(actor, venue)
    if any(a.submission_id in mine for a in pending):
        noun = "it" if what.startswith("The proposal") else "them"
        raise ReviewingError(f"{what} papers you have a conflict with; another chair must publish {noun}.", 409)
    user_ids = {a.user_id for a in pending}
    conflicted = set(Conflict.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id"))
    conflicted |= set(Authorship.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id"))
    bad = [a for a in pending if (a.submission_id, a.user_id) in conflicted]
    if bad:
        names = ", ".join(f"#{a.submission.number} × {a.user.display_name}" for a in bad[:5])
        raise ReviewingError(f"{len(bad)} proposed pair(s) are conflicts ({names}); {fix} them before publishing.", 409)


@transaction.atomic
def publish(*, venue: Venue, actor) -> int:
    """Publish the proposal: alias numbers per paper, reviewers e-mailed their new papers."""
    from . import tasks

    _require_manager(actor, venue)
    pending = list(Assignment.objects.select_for_update(of=("self",)).filter(
        submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=False, submission__status=Submission.Status.SUBMITTED,
    ).select_related("submission", "user").order_by("submission__number", F("score").desc(nulls_last=True), "pk"))
    if not pending:
        raise ReviewingError("There is nothing new to publish.", 409)
    refuse_conflicted_pairs(venue, actor, pending, what="The proposal includes", fix="remove")
    user_ids = {a.user_id for a in pending}
    published_max = dict(Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=True)
                         .values("submission_id").annotate(m=Max("alias_number")).values_list("submission_id", "m"))
    ids = [a.pk for a in pending]
    Assignment.objects.filter(pk__in=ids).update(alias_number=F("alias_number") + 10000)
    number_aliases(pending, published_max)
    Assignment.objects.bulk_update(pending, ["alias_number", "published"], batch_size=1000)
    for user_id in user_ids:
        VenueRole.objects.get_or_create(venue=venue, user_id=user_id, role=VenueRole.Role.REVIEWER)
    record("assignment.publish", venue, actor=actor, venue=venue, pairs=len(pending), reviewers=len(user_ids))
    transaction.on_commit(lambda: tasks.send_assignment_emails_job.enqueue(venue.pk, ids))
    return len(pending)


@dataclass
class PublishPreview:
    pairs: int
    reviewers: int
    papers: list[tuple[int, str, int]]  # (number, title, new reviewers)


def publish_preview(*, venue: Venue, actor) -> PublishPreview:
    """What publishing would do, for the confirmation the chair reads first."""
    _require_manager(actor, venue)
    pending = Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=False,
                                        submission__status=Submission.Status.SUBMITTED)
    if pending.filter(submission_id__in=policy.conflicted_submission_ids(actor, venue)).exists():  # as publish() refuses it
        raise ReviewingError("The proposal includes papers you have a conflict with; another chair must publish it.", 409)
    per_paper = Counter(pending.values_list("submission__number", "submission__title"))
    papers = sorted((number, title, n) for (number, title), n in per_paper.items())
    return PublishPreview(sum(per_paper.values()), pending.values("user_id").distinct().count(), papers)


# --- emergency reviewers -------------------------------------------------------------------------------

EMERGENCY_MIN = dt.timedelta(hours=12)


@transaction.atomic
def emergency_assign(*, venue: Venue, submission: Submission, user, actor, deadline: dt.datetime) -> EditResult:
    """Assign an emergency reviewer: published at once (they see the paper now), marked
    "emergency", with their own, shorter deadline; e-mailed at once; fills an open slot."""
    from . import tasks

    _require_manager(actor, venue)
    submission = _paper_for_edit(actor, venue, Submission.objects.select_for_update().get(pk=submission.pk))
    _require_needs_reviews(submission)
    _require_emergency_deadline(deadline)
    member = _reviewer(venue, user)
    reviewer = member.user
    if reviewer is None:  # _reviewer finds accepted members with an account only
        raise ReviewingError("This person is not an accepted reviewer of the venue.", 400, "reviewer")
    _refuse_conflict(submission, member)
    if Assignment.objects.filter(submission=submission, user=reviewer, kind=Assignment.Kind.REVIEWER).exists():
        raise ReviewingError(f"{member.display_name} already reviews #{submission.number}.", 409, "reviewer")
    published_max = Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER).aggregate(m=Max("alias_number"))["m"] or 0
    score, explanation = _pair_explanation(venue, submission, member)
    row = Assignment.objects.create(submission=submission, user=reviewer, kind=Assignment.Kind.REVIEWER, alias_number=published_max + 1,
                                    score=score, explanation=explanation, source="emergency", published=True, emergency=True,
                                    deadline=deadline)
    VenueRole.objects.get_or_create(venue=venue, user=reviewer, role=VenueRole.Role.REVIEWER)
    _fill_open_slot(submission)
    record("assignment.emergency", submission, actor=actor, venue=venue, reviewer=member.email, alias=row.alias,
           deadline=deadline.isoformat())
    transaction.on_commit(lambda: tasks.send_assignment_emails_job.enqueue(venue.pk, [row.pk]))
    return EditResult(row, _warnings(venue, submission, member),
                      f"{member.display_name} is the emergency reviewer of #{submission.number} ({row.alias}), due {venue.moment_text(deadline)}; they are e-mailed now.")



# --- emergency reviewers from outside the pool ------------------------------------------------------------
# A chair names someone who is not an accepted reviewer (a colleague not in the pool, or
# invited to it and silent): they get one e-mail with a personal link to review this paper.
# Accepting makes them an accepted reviewer and the paper's emergency reviewer at once,
# under the rules of `emergency_assign` (conflicts above all); the offer ends at the
# emergency deadline. Expired, answered and unknown links get the pool's neutral page.

def address_conflicts(venue: Venue, submission: Submission, email: str, name: str = "") -> list[str]:
    """Why the person at `email` may not review `submission`, as far as the address and
    the name tell: an author's address, a recorded conflict of the account it belongs to,
    the authors' declarations (address, name, institution), and the venue's institution
    rules (the address's domain against the authors' affiliations and addresses)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from paperdesk.matching.conflicts import Person, find_conflicts, normalize_name
    from paperdesk.matching.conflicts import Submission as Paper

    from . import conflicts
    from .models import DeclaredConflict

    email = email.strip().lower()
    reasons: list[str] = []
    authors = list(Authorship.objects.filter(submission=submission).values_list("name", "email", "affiliation", "user_id"))
    people = conflicts._identities([a[3] for a in authors if a[3]])
    if any(email == a[1].lower() or (a[3] and email in people[a[3]].emails) for a in authors):
        reasons.append("an author of the submission")
    accounts = {u.pk: u for u in get_user_model().objects.filter(email__iexact=email)}
    accounts.update({a.user_id: a.user for a in EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user")})
    for account in accounts.values():
        reasons += [r for r in conflict_reasons(submission, account) if r not in reasons]
    for d in DeclaredConflict.objects.filter(submission=submission, side=DeclaredConflict.Side.AUTHOR):
        if (d.email and d.email.lower() == email) or (d.name and name and normalize_name(d.name) == normalize_name(name)):
            reasons.append(f"declared by the authors: {d.describe()}")
    years = venue.spec.reviewing.conflict_years
    paper_people = []
    for author_name, author_email, affiliation, user_id in authors:
        who = people.get(user_id) if user_id else None
        paper_people.append(Person(name=author_name, emails=tuple(sorted({author_email.lower()} | (who.emails if who else set()))),
                                   affiliations=tuple(([affiliation] if affiliation else []) + (who.affiliations if who else []))))
    paper_people += [Person(affiliations=(d.institution.strip().lstrip("@"),)) for d in
                     DeclaredConflict.objects.filter(submission=submission, side=DeclaredConflict.Side.AUTHOR).exclude(institution="")]
    found = find_conflicts([Paper("p", tuple(paper_people))], [Person(name=name, emails=(email,), id="x")],
                           year=venue.submission_deadline.year, coauthor_years=years, affiliation_years=years, table=conflicts.institution_table(venue))
    for reason in found.reasons("p", "x") if found.pairs() else []:
        if not reason.startswith("same person"):
            text = conflicts._sentence(reason)
            if text not in reasons:
                reasons.append(text)
    return reasons


def _emergency_paper(venue: Venue, submission: Submission) -> Submission:
    """The paper, locked, if it can still take an emergency reviewer."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.venue_id != venue.pk:
        raise ReviewingError("No such paper.", 404)
    if submission.status != Submission.Status.SUBMITTED:
        raise ReviewingError(f"#{submission.number} is {submission.get_status_display().lower()}; only submitted papers are assigned.", 409)
    _require_needs_reviews(submission)
    return submission


def _require_needs_reviews(submission: Submission) -> None:
    if Submission.objects.filter(pk=submission.pk, decision__released_at__isnull=False).exists():
        raise ReviewingError(f"The decision on #{submission.number} is released; it needs no more reviews.", 409)


def _require_emergency_deadline(deadline: dt.datetime) -> dt.datetime:
    """Now, if `deadline` leaves an emergency reviewer at least EMERGENCY_MIN."""
    now = clock.now()
    if deadline < now + EMERGENCY_MIN:
        raise ReviewingError(f"Give an emergency reviewer at least {EMERGENCY_MIN.seconds // 3600} hours: the deadline is too close.", 400, "deadline")
    return now


@transaction.atomic
def emergency_invite(*, venue: Venue, submission: Submission, email: str, name: str, actor, deadline: dt.datetime):
    """Invite someone who is not an accepted reviewer to review this paper as its emergency
    reviewer (one e-mail, a personal link until `deadline`). Refused when the address is an
    author's or conflicted with the paper (accepting would be refused), or is already an
    accepted reviewer (the chair picks them instead)."""
    from paperdesk import tokens

    from . import tasks
    from .models import EmergencyInvitation

    _require_manager(actor, venue)
    if submission.venue_id != venue.pk or not policy.can_assign_paper(actor, submission):
        raise ReviewingError("No such paper.", 404)
    submission = _emergency_paper(venue, submission)
    email, name = email.strip().lower(), " ".join(name.split())[:200]
    now = _require_emergency_deadline(deadline)
    member = PoolMember.objects.filter(venue=venue, role=PoolMember.Role.REVIEWER, state=PoolMember.State.ACCEPTED, email__iexact=email).first()
    if member is None:
        from django.contrib.auth import get_user_model

        account = get_user_model().objects.filter(email__iexact=email).first()
        member = PoolMember.objects.filter(venue=venue, role=PoolMember.Role.REVIEWER, state=PoolMember.State.ACCEPTED, user=account).first() if account else None
    if member is not None:
        raise ReviewingError(f"{email} is an accepted reviewer of {venue.short_name}: pick them as the emergency reviewer instead.", 409, "email")
    reasons = address_conflicts(venue, submission, email, name)
    if reasons:
        raise ReviewingError(f"Not sent: {email} has a conflict with #{submission.number} ({'; '.join(reasons)}); "
                             "a conflicted reviewer is never assigned, so accepting would be refused.", 409, "email")
    if EmergencyInvitation.objects.filter(submission=submission, email=email, state=EmergencyInvitation.State.PENDING, deadline__gt=now).exists():
        raise ReviewingError(f"{email} already has an open invitation to review #{submission.number}.", 409, "email")
    offer = EmergencyInvitation.objects.create(venue=venue, submission=submission, email=email, name=name, deadline=deadline,
                                               token=tokens.mint()[1], invited_by=actor, invited_at=now)  # the sending job mints the link
    record("assignment.emergency_invite", submission, actor=actor, venue=venue, email=email, deadline=deadline.isoformat(), invitation=offer.public_id)
    transaction.on_commit(lambda: tasks.send_emergency_invitation_job.enqueue(offer.pk))
    return offer


def emergency_offer(token: str):
    """The open emergency invitation a link names (pending, before its deadline); None for
    an answered, expired or unknown link (the caller cannot tell which)."""
    from paperdesk import tokens

    from .models import EmergencyInvitation

    hashed = tokens.lookup(token)
    offer = EmergencyInvitation.objects.select_related("venue", "submission").filter(token=hashed).first() if hashed else None
    if offer is None or offer.state != EmergencyInvitation.State.PENDING or clock.now() >= offer.deadline:
        return None
    return offer


def _locked_offer(token: str):
    from paperdesk import tokens

    from .models import EmergencyInvitation

    hashed = tokens.lookup(token)
    offer = EmergencyInvitation.objects.select_for_update(of=("self",)).select_related("venue", "submission").filter(token=hashed).first() if hashed else None
    if offer is None or offer.state != EmergencyInvitation.State.PENDING or clock.now() >= offer.deadline:
        from .services import CLOSED_INVITATION

        raise ReviewingError(CLOSED_INVITATION, 404)
    return offer


@transaction.atomic
def emergency_invitation_decline(*, token: str, actor):
    """Decline: nothing was assigned, so nothing is freed; the inviting chair is told."""
    from . import tasks
    from .models import EmergencyInvitation

    offer = _locked_offer(token)
    signed_in = getattr(actor, "is_authenticated", False)
    offer.state, offer.responded_at = EmergencyInvitation.State.DECLINED, clock.now()
    offer.user = actor if signed_in else None
    offer.save(update_fields=["state", "responded_at", "user"])
    record("assignment.emergency_decline", offer.submission, actor=actor if signed_in else None, venue=offer.venue, email=offer.email,
           invitation=offer.public_id)
    transaction.on_commit(lambda: tasks.send_emergency_answer_job.enqueue(offer.pk))
    return offer


@transaction.atomic
def emergency_invitation_accept(*, token: str, actor) -> Assignment:
    """Accept: the signed-in account becomes an accepted reviewer of the venue and the
    paper's emergency reviewer (published, with the offer's deadline) in this transaction.
    Refused, with nothing changed, when the account or the invited address has a conflict
    with the paper (an author, recorded or declared, the authors' institution)."""
    from . import tasks
    from .conflicts import compute_conflicts
    from .models import EmergencyInvitation
    from .services import _grant_role, membership_of

    if not getattr(actor, "is_authenticated", False):
        raise ReviewingError("Sign in or create an account to accept.", 401)
    offer = _locked_offer(token)
    venue = offer.venue
    submission = _emergency_paper(venue, offer.submission)
    reasons = address_conflicts(venue, submission, offer.email, offer.name)
    if reasons:
        raise ReviewingError(f"You cannot review #{submission.number}: a conflict of interest ({'; '.join(reasons)}).", 409)
    member = membership_of(actor, venue)
    if member is None:
        member = PoolMember.objects.filter(venue=venue, role=PoolMember.Role.REVIEWER, email__iexact=offer.email).first()
        if member is not None and member.user_id not in (None, actor.pk):
            raise ReviewingError("This address is in the pool with another account. Sign in with that account to accept.", 409)
    if member is None:
        member = PoolMember(venue=venue, email=offer.email, role=PoolMember.Role.REVIEWER, invited_at=offer.invited_at)
    elif member.user_id is None and member.pk and PoolMember.objects.filter(venue=venue, role=member.role, user=actor).exclude(pk=member.pk).exists():
        raise ReviewingError(f"You are already in {venue.short_name}'s pool with another address.", 409)
    joined = member.state != PoolMember.State.ACCEPTED
    member.user, member.state = actor, PoolMember.State.ACCEPTED
    member.name = member.name or offer.name or actor.full_name
    member.responded_at = member.responded_at if not joined else clock.now()
    member.save()
    _grant_role(member)
    # This person's conflicts with this paper, now (a new account has none recorded yet).
    compute_conflicts(venue, users=[actor.pk], submissions=[submission.pk])
    member = _reviewer(venue, actor)
    _refuse_conflict(submission, member)
    if Assignment.objects.filter(submission=submission, user=actor, kind=Assignment.Kind.REVIEWER).exists():
        raise ReviewingError(f"You already review #{submission.number}.", 409)
    score, explanation = _pair_explanation(venue, submission, member)
    row = Assignment.objects.create(submission=submission, user=actor, kind=Assignment.Kind.REVIEWER, alias_number=_next_alias(submission),
                                    score=score, explanation=explanation, source="emergency", published=True, emergency=True,
                                    deadline=offer.deadline)
    _fill_open_slot(submission)
    offer.state, offer.responded_at, offer.user = EmergencyInvitation.State.ACCEPTED, clock.now(), actor
    offer.save(update_fields=["state", "responded_at", "user"])
    if joined:
        record("pool.accept_invitation", member, actor=actor, venue=venue, email=member.email, emergency=True)
    record("assignment.emergency", submission, actor=actor, venue=venue, reviewer=member.email, alias=row.alias,
           deadline=offer.deadline.isoformat(), invitation=offer.public_id, invited_by=offer.invited_by.email if offer.invited_by else "")
    transaction.on_commit(lambda: tasks.send_emergency_answer_job.enqueue(offer.pk))
    return row


def emergency_offers(submission: Submission) -> list[tuple[Any, str]]:
    """The paper's emergency invitations, newest first, each with the state to show: its
    own, or "expired" for a pending one past its deadline (nothing marks that in the row).
    The caller has checked that the viewer may assign the paper."""
    from .models import EmergencyInvitation

    now = clock.now()
    offers = EmergencyInvitation.objects.filter(submission=submission).select_related("invited_by")
    return [(o, "expired" if o.state == EmergencyInvitation.State.PENDING and now >= o.deadline else o.state) for o in offers]


@transaction.atomic
def emergency_invitation_withdraw(*, venue: Venue, submission: Submission, public_id: str, actor):
    """A chair withdraws a pending emergency invitation: its link then gets the neutral
    closed-invitation page, and the invitee is told by e-mail (they were asked to do
    something). An answered or expired offer is refused: an accepted one is undone by
    removing the reviewer from the paper, which also tells them."""
    from . import tasks
    from .models import EmergencyInvitation

    _require_manager(actor, venue)
    if submission.venue_id != venue.pk or not policy.can_assign_paper(actor, submission):
        raise ReviewingError("No such paper.", 404)
    offer = EmergencyInvitation.objects.select_for_update().filter(submission=submission, public_id=public_id).first()
    if offer is None:
        raise ReviewingError("No such invitation.", 404)
    who = offer.name or offer.email
    if offer.state == EmergencyInvitation.State.ACCEPTED:
        raise ReviewingError(f"{who} already accepted: they review #{submission.number} as its emergency reviewer. "
                             "To undo it, remove them from the paper on the assignment page.", 409)
    if offer.state != EmergencyInvitation.State.PENDING:
        raise ReviewingError(f"The invitation of {who} is already {offer.get_state_display().lower()}; there is nothing to withdraw.", 409)
    if clock.now() >= offer.deadline:
        raise ReviewingError(f"The invitation of {who} has expired (its link no longer works); there is nothing to withdraw.", 409)
    offer.state = EmergencyInvitation.State.WITHDRAWN
    offer.save(update_fields=["state"])
    record("assignment.emergency_withdraw", submission, actor=actor, venue=venue, email=offer.email, invitation=offer.public_id)
    transaction.on_commit(lambda: tasks.send_emergency_withdrawn_job.enqueue(offer.pk))
    return offer
