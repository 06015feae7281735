"""The chairs' dashboard: where the venue stands, as numbers and server-drawn charts.
A fixed number of queries (aggregates per day, per track, per topic), whatever the size."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from paperdesk import clock, policy
from paperdesk.reviewing.models import Assignment
from paperdesk.reviews.models import Review
from paperdesk.submissions.models import Submission
from paperdesk.venues.models import Venue

from . import charts
from .selectors import latest_runs, summarize_report


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    if end < start:
        return [start]
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _cumulative(days: list[dt.date], per_day: dict[dt.date, int]) -> list[int]:
    total = sum(count for day, count in per_day.items() if day < days[0])
    out = []
    for day in days:
        total += per_day.get(day, 0)
        out.append(total)
    return out


def _per_day(queryset, field: str, tz) -> dict[dt.date, int]:
    """Counts per local day. Bucketed here, not in SQL: the venue's zone may be a fixed
    offset such as AoE, which the databases' time-zone functions do not know by name."""
    days: Counter = Counter()
    for moment in queryset.exclude(**{f"{field}__isnull": True}).values_list(field, flat=True).iterator():
        days[moment.astimezone(tz).date()] += 1
    return dict(days)


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


def build(viewer, venue: Venue, now=None) -> Dashboard:
    now = now or clock.now()
    tz = venue.tzinfo
    subs = Submission.objects.filter(venue=venue)
    counts = dict(Counter(subs.values_list("status", flat=True)))
    counts.setdefault("draft", 0), counts.setdefault("submitted", 0), counts.setdefault("withdrawn", 0)

    # Submissions over time, toward the deadline.
    start = venue.local(venue.submission_open).date()
    deadline_day = venue.local(venue.submission_deadline).date()
    today = venue.local(now).date()
    days = _days(start, min(max(today, start), deadline_day))
    started = _per_day(subs, "created_at", tz)
    submitted = _per_day(subs.filter(status=Submission.Status.SUBMITTED), "submitted_at", tz)
    submissions_chart = charts.line_chart(
        "Submissions over time: drafts started and papers submitted", days,
        [charts.Series("Started (drafts and submitted)", _cumulative(days, started)), charts.Series("Submitted", _cumulative(days, submitted))],
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
    live_ids = list(subs.exclude(status=Submission.Status.WITHDRAWN).values_list("pk", flat=True))
    findings = Counter()
    for run in latest_runs(live_ids).values():
        summary = summarize_report(run)
        if summary.state != "done":
            findings["checker " + summary.state] += 1
            continue
        flags = {"Unreadable": summary.unreadable, "Over the page limit": summary.over_limit, "Format issues": bool(summary.format_issues),
                 "Possible identity leaks": bool(summary.leaks), "No limitations section": summary.no_limitations}
        for label, present in flags.items():
            findings[label] += int(present)
        if not any(flags.values()):
            findings["No findings"] += 1
    order = ["No findings", "Possible identity leaks", "Format issues", "Over the page limit", "No limitations section", "Unreadable", "checker failed", "checker pending"]
    findings_chart = charts.bar_chart("Checker findings (papers)", [(k, [findings[k]]) for k in order if findings.get(k)], ["Papers"])

    # Reviews done vs due, per day.
    assignments = policy.without_conflicts(
        Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=True).exclude(submission__status=Submission.Status.WITHDRAWN))
    due = assignments.count()
    reviews = Review.objects.filter(assignment__in=assignments, state=Review.State.SUBMITTED)
    done = reviews.count()
    late = reviews.filter(late=True).count()
    first = assignments.order_by("created_at").values_list("created_at", flat=True).first()
    review_deadline_day = venue.local(venue.review_deadline).date()
    review_days: list[dt.date] = []
    if due:
        start_day = venue.local(first).date()
        end_day = min(max(today, review_deadline_day), review_deadline_day + dt.timedelta(days=14))
        review_days = _days(start_day, end_day)
    done_per_day = _per_day(reviews, "submitted_at", tz)
    submitted_so_far = [v for d, v in zip(review_days, _cumulative(review_days, done_per_day) if review_days else []) if d <= today]
    reviews_chart = charts.line_chart(
        "Reviews submitted vs due", review_days,
        [charts.Series("Due (assigned)", [due] * len(review_days)), charts.Series("Submitted", submitted_so_far)],
        marker=review_deadline_day, marker_label="review deadline",
    )

    # Score distributions, per track.
    spec = venue.spec.review_form
    groups = defaultdict(Counter)
    for track, overall in reviews.exclude(overall__isnull=True).values_list("assignment__submission__track__name", "overall"):
        groups[track][overall] += 1
    scores_chart = charts.histogram(
        "Overall scores of submitted reviews, per track",
        [(level.value, level.label) for level in spec.overall.levels], sorted(groups.items()),
    )

    # Reviewers with missing (after the deadline: overdue) reviews.
    missing = defaultdict(list)
    people = {}
    for a in assignments.exclude(review__state=Review.State.SUBMITTED).select_related("user", "submission").order_by("submission__number"):
        missing[a.user_id].append(a.submission.number)
        people[a.user_id] = a.user
    overdue = sorted(
        (Overdue(people[uid].display_name, people[uid].email, len(nums), nums) for uid, nums in missing.items()),
        key=lambda o: (-o.missing, o.name),
    )
    return Dashboard(
        counts=counts, reviews_due=due, reviews_done=done, reviews_late=late,
        submissions_chart=submissions_chart, tracks_chart=tracks_chart, topics_chart=topics_chart,
        findings_chart=findings_chart, reviews_chart=reviews_chart, scores_chart=scores_chart,
        overdue=overdue, review_deadline_passed=policy.review_deadline_passed(venue, now),
    )
