"""The chairs' dashboard: where the venue stands, as numbers and server-drawn charts.
A fixed number of queries, and every count is made by the database (aggregates per day,
per track, per topic, per finding), whatever the size of the venue.

Papers the viewer is conflicted with (`policy.hidden_from_aggregates`: a chair who is also
an author, or has a declared or computed conflict) are left out of every number, chart
and table here: a histogram that moved when a reviewer changed a score on the chair's own
paper, or a reviewer listed with that paper's number, would tell the chair what the
authors may not know."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, Value, When

from paperdesk import clock, policy
from paperdesk.committee.models import Assignment
from paperdesk.reviews import chasing
from paperdesk.reviews.models import Review
from paperdesk.submissions.models import CheckRun, Submission, Upload, paper_in_force_candidates
from paperdesk.venues.models import Venue

from . import charts
from .table import void_assignments

OVERDUE_SHOWN = 100  # reviewers listed by name; the rest are counted


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    if end < start:
        return [start]
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _cumulative(queryset, days: list[dt.date], tz, **series: Q | str) -> dict[str, list[int]]:
    """For each local day and each series (a datetime field, or a condition and a field as
    `(Q, field)`), how many rows have that field before the day's end: one query for all.
    The day boundaries are computed here in the venue's zone (which may be a fixed offset
    such as AoE, unknown to the databases' time-zone functions by name); the database
    only compares and counts."""
    if not days:
        return {name: [] for name in series}
    ends = [dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz) for day in days]
    counts = {}
    for name, spec in series.items():
        condition, field = spec if isinstance(spec, tuple) else (Q(), spec)
        for i, end in enumerate(ends):
            counts[f"{name}_{i}"] = Count("pk", filter=condition & Q(**{f"{field}__lt": end}))
    totals = queryset.order_by().aggregate(**counts)
    return {name: [totals[f"{name}_{i}"] for i in range(len(days))] for name in series}


@dataclass
class Overdue:
    name: str
    email: str
    missing: int
    papers: list[int]


@dataclass
class Dashboard:
    counts: dict[str, int]
    reviews_due: int
    reviews_done: int
    reviews_late: int
    submissions_chart: str
    tracks_chart: str
    topics_chart: str
    findings_chart: str
    reviews_chart: str
    scores_chart: str
    overdue: list[Overdue]
    review_deadline_passed: bool
    overdue_people: int = 0  # reviewers who owe a review, listed or not
    hidden_papers: int = 0  # papers the viewer is conflicted with, left out of everything above


FINDINGS_ORDER = ["No findings", "Possible identity leaks", "Format issues", "Over the page limit", "No limitations section", "Unreadable",
                  "checker failed", "checker pending"]


FLAGS = {"f_unreadable": "Unreadable", "f_over": "Over the page limit", "f_format": "Format issues", "f_leaks": "Possible identity leaks",
         "f_limitations": "No limitations section"}


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0))


def findings_counts(venue: Venue, hidden: frozenset[int] | set[int] = frozenset()) -> Counter:
    """Papers per checker finding on the latest PDF of each live submission (but those in
    `hidden`): one query. The same reading of the report as the decision table's `summarize_report`."""
    # The PDF in force of each paper (a newer upload being checked, or refused, is not it).
    newer = Upload.objects.filter(paper_in_force_candidates(), submission=OuterRef("upload__submission"), version__gt=OuterRef("upload__version"))
    live = Submission.objects.filter(venue=venue).exclude(status=Submission.Status.WITHDRAWN).exclude(pk__in=hidden)
    runs = CheckRun.objects.filter(paper_in_force_candidates("upload__"), upload__submission__in=live.values("pk")).exclude(Exists(newer)).annotate(
        f_unreadable=_flag(Q(report__status="unreadable")),
        f_over=_flag(Q(report__pages__verdict="over_limit")),
        f_format=_flag(Q(report__format__violations__isnull=False) & ~Q(report__format__violations=[])),
        f_leaks=_flag(Q(report__anonymity__leaks__isnull=False) & ~Q(report__anonymity__leaks=[])),
        f_limitations=_flag(Q(report__signals__limitations_section=False)),
    )
    # Grouped by the flags, so that each part of the report is read once per paper.
    found = Counter()
    for state, *flags, n in runs.order_by().values_list("state", *FLAGS).annotate(n=Count("pk")):
        if state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING):
            found["checker pending"] += n
        elif state != CheckRun.State.DONE:
            found["checker failed"] += n
        elif not any(flags):
            found["No findings"] += n
        else:
            for label, flag in zip(FLAGS.values(), flags):
                found[label] += n * flag
    return found


def _overdue(assignments) -> tuple[list[Overdue], int]:
    """The reviewers who owe the most reviews (at most OVERDUE_SHOWN), and how many owe any."""
    shown = OVERDUE_SHOWN
    # A join (no review, or one not submitted) rather than NOT IN over every submitted review.
    unsubmitted = [state for state in Review.State.values if state != Review.State.SUBMITTED]
    missing = assignments.filter(Q(review__isnull=True) | Q(review__state__in=unsubmitted)).order_by()
    name = Case(When(user__full_name="", then=F("user__email")), default=F("user__full_name"))
    # The missing reviews themselves (a small share of all reviews) in one query; grouped
    # here, since the listed reviewers need every paper number anyway. (A second query for
    # the listed reviewers' papers made SQLite walk every paper of the venue.)
    papers: dict[int, list[int]] = defaultdict(list)
    names = {}
    for user_id, number, display in missing.values_list("user_id", "submission__number", name):
        papers[user_id].append(number)
        names[user_id] = display
    top = sorted(papers, key=lambda user_id: (-len(papers[user_id]), names[user_id]))[:shown]
    people = get_user_model().objects.in_bulk(top)
    listed = [Overdue(people[u].display_name, people[u].email, len(papers[u]), sorted(papers[u])) for u in top]
    return listed, len(papers)


def build(viewer, venue: Venue, now=None) -> Dashboard:
    now = now or clock.now()
    tz = venue.tzinfo
    hidden = policy.hidden_from_aggregates(viewer, venue)
    subs = Submission.objects.filter(venue=venue).exclude(pk__in=hidden)
    counts = dict(subs.order_by().values_list("status").annotate(n=Count("pk")))
    for status in ("draft", "submitted", "withdrawn"):
        counts.setdefault(status, 0)

    # Submissions over time, toward the deadline.
    start = venue.local(venue.submission_open).date()
    deadline_day = venue.local(venue.submission_deadline).date()
    today = venue.local(now).date()
    days = _days(start, min(max(today, start), deadline_day))
    over_time = _cumulative(subs, days, tz, started="created_at", submitted=(Q(status=Submission.Status.SUBMITTED), "submitted_at"))
    submissions_chart = charts.line_chart(
        "Submissions over time: drafts started and papers submitted", days,
        [charts.Series("Started (drafts and submitted)", over_time["started"]), charts.Series("Submitted", over_time["submitted"])],
        marker=deadline_day, marker_label="deadline",
    )

    # Per track and per topic (submitted vs drafts).
    by_track = defaultdict(lambda: [0, 0])
    for name, status, n in subs.exclude(status=Submission.Status.WITHDRAWN).values_list("track__name", "status").annotate(n=Count("pk")).order_by("track__position"):
        by_track[name][0 if status == Submission.Status.SUBMITTED else 1] += n
    tracks_chart = charts.bar_chart("Submissions per track", [(k, v) for k, v in by_track.items()], ["Submitted", "Draft"])
    by_topic = defaultdict(lambda: [0, 0])
    for name, status, n in subs.exclude(status=Submission.Status.WITHDRAWN).values_list("primary_topic__name", "status").annotate(n=Count("pk")).order_by("primary_topic__position"):
        by_topic[name][0 if status == Submission.Status.SUBMITTED else 1] += n
    topics_chart = charts.bar_chart("Submissions per primary topic", sorted(by_topic.items(), key=lambda kv: -sum(kv[1])), ["Submitted", "Draft"])

    # Checker findings on the latest PDF of each live submission.
    findings = findings_counts(venue, hidden)
    findings_chart = charts.bar_chart("Checker findings (papers)", [(k, [findings[k]]) for k in FINDINGS_ORDER if findings.get(k)], ["Papers"])

    # Reviews done vs due, per day.
    # Reviews due: published reviewer assignments of live papers that no conflict voids
    # (the voided ones, found once, are excluded by id rather than re-checked per query).
    void = void_assignments(venue)
    assignments = (Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=True)
                   .exclude(submission__status=Submission.Status.WITHDRAWN).exclude(pk__in=void).exclude(submission_id__in=hidden))
    reviews = (Review.objects.filter(assignment__submission__venue=venue, assignment__kind=Assignment.Kind.REVIEWER, assignment__published=True,
                                     state=Review.State.SUBMITTED)
               .exclude(assignment__submission__status=Submission.Status.WITHDRAWN).exclude(assignment_id__in=void)
               .exclude(assignment__submission_id__in=hidden))
    totals = assignments.order_by().aggregate(due=Count("pk"), first=Min("created_at"))
    due = totals["due"]
    # Submitted reviews per track, score and lateness: one grouped query gives the totals
    # and the score distributions (a few dozen groups, whatever the number of reviews).
    groups = defaultdict(Counter)
    done = late = 0
    for track, overall, is_late, n in (reviews.order_by().values_list("assignment__submission__track__name", "overall", "late")
                                      .annotate(n=Count("pk"))):
        done += n
        late += n if is_late else 0
        if overall is not None:
            groups[track][overall] += n
    review_deadline_day = venue.local(venue.review_deadline).date()
    review_days: list[dt.date] = []
    if due:
        start_day = venue.local(totals["first"]).date()
        end_day = min(max(today, review_deadline_day), review_deadline_day + dt.timedelta(days=14))
        review_days = _days(start_day, end_day)
    submitted_so_far = _cumulative(reviews, [d for d in review_days if d <= today], tz, submitted="submitted_at")["submitted"]
    reviews_chart = charts.line_chart(
        "Reviews submitted vs due", review_days,
        [charts.Series("Due (assigned)", [due] * len(review_days)), charts.Series("Submitted", submitted_so_far)],
        marker=review_deadline_day, marker_label="review deadline",
    )

    # Score distributions, per track.
    spec = venue.spec.review_form
    scores_chart = charts.histogram(
        "Overall scores of submitted reviews, per track",
        [(level.value, level.label) for level in spec.overall.levels], sorted(groups.items()),
    )

    # Reviewers with missing (after the deadline: overdue) reviews: the reviews still to
    # submit as the reminders see them (`reviews.chasing.outstanding`: not a paper whose
    # decision is released, nor a withdrawn or desk-rejected one).
    overdue, overdue_people = _overdue(chasing.outstanding(venue).exclude(submission_id__in=hidden))
    return Dashboard(
        counts=counts, reviews_due=due, reviews_done=done, reviews_late=late,
        submissions_chart=submissions_chart, tracks_chart=tracks_chart, topics_chart=topics_chart,
        findings_chart=findings_chart, reviews_chart=reviews_chart, scores_chart=scores_chart,
        overdue=overdue, review_deadline_passed=policy.review_deadline_passed(venue, now), overdue_people=overdue_people,
        hidden_papers=len(hidden),
    )
