"""Reads for the reviewing pages, built as view objects for the viewer.

Lists start from a policy queryset; reviewers' objects (`BidPaper`) hold
titles, abstracts and topics only, never authors or numbers (the field gate: the data is
absent, not merely unrendered). Chairs' objects hold names and reasons, except on papers
the chair has a conflict with, which show no reviewer at all. Every list is a bounded
number of queries whatever its length.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q

from paperdesk import plurals, policy
from paperdesk.audit.models import AuditEntry
from paperdesk.submissions.models import Authorship, Submission
from paperdesk.venues.models import TopicArea, Venue

from .models import (
    Assignment,
    AssignmentRun,
    Bid,
    Conflict,
    DeclaredConflict,
    InstitutionAlias,
    PoolMember,
    Publication,
    ReminderLog,
    ReviewerDecline,
)

BID_PAGE = 50


# --- the pool ----------------------------------------------------------------------------------

def pool_members(venue: Venue, state: str = "", role: str = "", q: str = ""):
    qs = PoolMember.objects.filter(venue=venue).select_related("user").prefetch_related("expertise")
    if state:
        qs = qs.filter(state=state)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(Q(email__icontains=q) | Q(name__icontains=q) | Q(user__full_name__icontains=q))
    return qs.order_by("state", "role", "email")


def pool_counts(venue: Venue) -> dict[str, int]:
    counts = dict(PoolMember.objects.filter(venue=venue).values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return {value: counts.get(value, 0) for value in PoolMember.State.values} | {"total": sum(counts.values())}


def hub_counts(viewer, venue: Venue) -> dict:
    """The chairs' summary on the reviewing hub: the pool, conflicts, the latest run and the
    pairs not yet published. Papers the viewer is conflicted with are left out of every
    count (policy.hidden_from_aggregates): a count that moved when one of their reviewers
    or conflicts changed would tell them about it."""
    hidden = policy.hidden_from_aggregates(viewer, venue)
    pairs = Assignment.objects.filter(submission__venue=venue, published=False).exclude(submission_id__in=hidden).order_by()
    unpublished = dict(pairs.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {
        "pool": pool_counts(venue),
        "conflicts": Conflict.objects.filter(submission__venue=venue).exclude(submission_id__in=hidden).count(),
        "run": latest_run(venue),
        "unpublished": unpublished.get(Assignment.Kind.REVIEWER, 0),
        "unpublished_area_chairs": unpublished.get(Assignment.Kind.AREA_CHAIR, 0),
    }


def reminders_pending(venue: Venue) -> dict[str, int]:
    invited = PoolMember.objects.filter(venue=venue, state=PoolMember.State.INVITED)
    return {"unanswered": invited.count(), "not_reminded": invited.filter(reminded_at__isnull=True).count()}


# --- co-first authors ------------------------------------------------------------------------------

@dataclass
class FirstAuthor:
    name: str
    email: str
    status: str  # not volunteered | volunteered | accepted | invited | declined | not selected
    reminded_at: object = None

    @property
    def volunteered(self) -> bool:
        return self.status != "not volunteered"


@dataclass
class FirstAuthorRow:
    submission: Submission
    authors: list[FirstAuthor]

    @property
    def missing(self) -> list[FirstAuthor]:
        return [a for a in self.authors if not a.volunteered]


@dataclass
class RemindTarget:
    email: str
    name: str
    titles: list[str] = field(default_factory=list)


def _co_first(authorships: list[Authorship]) -> list[Authorship]:
    """The co-first authors: those marked so, else the first author."""
    flagged = [a for a in authorships if a.is_co_first]
    return flagged or authorships[:1]


def first_author_rows(venue: Venue) -> list[FirstAuthorRow]:
    """Each non-withdrawn submission with its co-first authors and whether they are in the
    pool (by account or address) and when they were reminded: 4 queries."""
    from allauth.account.models import EmailAddress

    from .reminders import FIRST_AUTHOR_KEY

    submissions = list(
        Submission.objects.filter(venue=venue).exclude(status=Submission.Status.WITHDRAWN)
        .prefetch_related(Prefetch("authorships", queryset=Authorship.objects.order_by("position"))).order_by("number")
    )
    pool_by_email, pool_by_user = {}, {}
    for m in PoolMember.objects.filter(venue=venue).values("email", "user_id", "state"):
        pool_by_email[m["email"].lower()] = m["state"]
        if m["user_id"]:
            pool_by_user[m["user_id"]] = m["state"]
    firsts = [a for s in submissions for a in _co_first(list(s.authorships.all()))]
    user_emails = defaultdict(set)
    for user_id, email in EmailAddress.objects.filter(user_id__in=[a.user_id for a in firsts if a.user_id]).values_list("user_id", "email"):
        user_emails[user_id].add(email.lower())
    reminded = dict(ReminderLog.objects.filter(venue=venue, key=FIRST_AUTHOR_KEY).values_list("email", "sent_at"))
    labels = dict(PoolMember.State.choices) | {PoolMember.State.VOLUNTEERED: "volunteered"}
    rows = []
    for s in submissions:
        authors = []
        for a in _co_first(list(s.authorships.all())):
            state = pool_by_user.get(a.user_id) if a.user_id else None
            if state is None:
                for email in {a.email.lower()} | user_emails.get(a.user_id, set()):
                    state = pool_by_email.get(email) or state
            status = labels.get(state, "").lower() if state else "not volunteered"
            authors.append(FirstAuthor(a.name, a.email.lower(), status, reminded.get(a.email.lower())))
        rows.append(FirstAuthorRow(s, authors))
    return rows


def decisions_released(venue: Venue) -> bool:
    """Has the venue released any decision? (Asked through the relation the decisions app
    declares: reviewing sits below it.) Then the call for reviewers is over."""
    return Submission.objects.filter(venue=venue, decision__released_at__isnull=False).exists()


def first_authors_to_remind(venue: Venue) -> list[RemindTarget]:
    """Co-first authors not in the pool and not yet reminded, once per address; nobody once
    decisions are released (asking authors to review then would be absurd)."""
    if decisions_released(venue):
        return []
    targets: dict[str, RemindTarget] = {}
    for row in first_author_rows(venue):
        for a in row.missing:
            if a.reminded_at is None:
                targets.setdefault(a.email, RemindTarget(a.email, a.name)).titles.append(row.submission.title)
    return list(targets.values())


# --- the reviewer's profile ------------------------------------------------------------------------

def publications_of(user):
    return Publication.objects.filter(user=user).order_by("-year", "title")


def reviewer_declarations(user, venue: Venue):
    return DeclaredConflict.objects.filter(venue=venue, side=DeclaredConflict.Side.REVIEWER, declared_by=user).select_related("submission")


def author_declarations(submission: Submission):
    return DeclaredConflict.objects.filter(submission=submission, side=DeclaredConflict.Side.AUTHOR).select_related("declared_by")


# --- bidding -----------------------------------------------------------------------------------------

@dataclass
class BidPaper:
    """What a reviewer sees of a paper while bidding: no authors, no number."""

    public_id: str
    title: str
    abstract: str
    track: str
    topics: list[str]
    score: float
    bid: str = ""

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class BiddingPage:
    page: object
    papers: list[BidPaper]
    counts: dict
    total: int


def bidding_page(viewer, venue: Venue, member: PoolMember, *, q: str = "", topic: str = "", shown: str = "", page: str | int | None = 1) -> BiddingPage:
    """The papers this reviewer may bid on, by affinity (best first), filtered by a search
    of title and abstract, a topic, or the bid given; six queries per page."""
    from .affinity import bidding_scores

    base = policy.biddable_submissions(viewer, venue)
    qs = base
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(abstract__icontains=q))
    if topic:
        secondary = Submission.secondary_topics.through.objects.filter(topicarea__slug=topic, topicarea__venue=venue).values("submission_id")
        qs = qs.filter(Q(primary_topic__slug=topic) | Q(pk__in=secondary))
    bids = dict(Bid.objects.filter(user=viewer, submission__in=base).values_list("submission_id", "value"))
    if shown == "unbid":
        qs = qs.exclude(pk__in=list(bids))
    elif shown in Bid.Value.values:
        qs = qs.filter(pk__in=[pk for pk, v in bids.items() if v == shown])
    scores = bidding_scores(venue, member)
    ids = list(qs.values_list("pk", "public_id", "title"))
    ids.sort(key=lambda row: (-scores.get(row[1], 0.0), row[2].lower(), row[1]))
    paginator = Paginator(ids, BID_PAGE)
    current = paginator.get_page(page)
    chosen = [row[0] for row in current.object_list]
    full = {s.pk: s for s in Submission.objects.filter(pk__in=chosen).select_related("track", "primary_topic").prefetch_related("secondary_topics")}
    papers = []
    for pk in chosen:
        s = full[pk]
        papers.append(BidPaper(
            public_id=s.public_id, title=s.title, abstract=s.abstract, track=s.track.name,
            topics=[s.primary_topic.name, *(t.name for t in s.secondary_topics.all())],
            score=scores.get(s.public_id, 0.0), bid=bids.get(pk, ""),
        ))
    counts = Counter(bids.values())
    counts["unbid"] = base.count() - len(bids)
    return BiddingPage(current, papers, dict(counts), paginator.count)


def bid_counts(viewer, venue: Venue) -> dict:
    """This reviewer's bids per value and the papers still without one (the page's counters)."""
    base = policy.biddable_submissions(viewer, venue)
    values = list(Bid.objects.filter(user=viewer, submission__in=base).values_list("value", flat=True))
    counts = Counter(values)
    counts["unbid"] = base.count() - len(values)
    return dict(counts)


def bidding_empty_reason(viewer, venue: Venue) -> str:
    """Why a reviewer has nothing to bid on, in words: no submitted paper yet, or a conflict
    with every one of them (authored, computed or declared)."""
    submitted = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).count()
    if not submitted:
        return "No papers to bid on yet: papers appear here once they are submitted."
    if not policy.biddable_submissions(viewer, venue).exists():
        return (f"You have a conflict of interest with every submitted paper ({submitted}): as an author, through your institution "
                "or recent co-authors, or one you declared. There is nothing for you to bid on; the chairs know you cannot review these papers. "
                f"If a conflict looks wrong, check your profile or write to {venue.contact_email}.")
    return ""


def bid_paper(viewer, submission: Submission, member: PoolMember) -> BidPaper:
    from .affinity import bidding_scores

    bid = Bid.objects.filter(user=viewer, submission=submission).values_list("value", flat=True).first() or ""
    return BidPaper(
        public_id=submission.public_id, title=submission.title, abstract=submission.abstract, track=submission.track.name,
        topics=[submission.primary_topic.name, *(t.name for t in submission.secondary_topics.all())],
        score=bidding_scores(submission.venue, member).get(submission.public_id, 0.0), bid=bid,
    )


# --- conflicts, for chairs ------------------------------------------------------------------------------

@dataclass
class ConflictRow:
    number: int
    title: str
    submission_public_id: str
    reviewer: str
    email: str
    source: str
    reason: str


def conflict_rows(viewer, venue: Venue, *, q: str = "", source: str = "", page=1):
    hidden = policy.conflicted_submission_ids(viewer, venue)
    qs = Conflict.objects.filter(submission__venue=venue).exclude(submission_id__in=hidden).select_related("submission", "user")
    if source:
        qs = qs.filter(source=source)
    if q:
        condition = Q(user__full_name__icontains=q) | Q(user__email__icontains=q) | Q(submission__title__icontains=q)
        if q.lstrip("#").isdigit():
            condition |= Q(submission__number=int(q.lstrip("#")))
        qs = qs.filter(condition)
    paginator = Paginator(qs.order_by("submission__number", "user__full_name", "user__email", "source"), 100)
    current = paginator.get_page(page)
    rows = [ConflictRow(c.submission.number, c.submission.title, c.submission.public_id, c.user.display_name, c.user.email,
                        c.get_source_display(), c.reason) for c in current.object_list]
    counts = dict(Conflict.objects.filter(submission__venue=venue).exclude(submission_id__in=hidden).values_list("source").annotate(n=Count("pk")).values_list("source", "n"))
    return current, rows, counts, len(hidden)


def last_conflict_computation(venue: Venue) -> AuditEntry | None:
    return AuditEntry.objects.filter(venue=venue, action="conflicts.compute").select_related("actor").first()


def aliases(venue: Venue):
    return InstitutionAlias.objects.filter(venue=venue).select_related("created_by")


def shipped_institutions() -> list[tuple[str, list[str], list[str]]]:
    """The shipped alias table, for the chairs' page: (name, domains, names)."""
    import tomllib
    from importlib import resources

    text = resources.files("paperdesk.matching").joinpath("data/institution_aliases.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return [(inst.get("name", key), list(inst.get("domains", ())), list(inst.get("names", ()))) for key, inst in (data.get("institutions") or {}).items()]


# --- the proposal, for chairs ------------------------------------------------------------------------------

@dataclass
class ProposedPair:
    assignment: Assignment
    reviewer: str
    email: str
    score: float | None
    why: dict
    conflict: str = ""
    over_load: bool = False


@dataclass
class ProposalPaper:
    submission: Submission
    pairs: list[ProposedPair]
    k: int
    hidden: bool = False  # the viewer has a conflict with this paper

    @property
    def total(self) -> float:
        return round(sum(p.score or 0.0 for p in self.pairs), 3)

    @property
    def mean(self) -> float:
        return round(self.total / len(self.pairs), 3) if self.pairs else 0.0

    @property
    def weakest(self) -> float | None:
        scores = [p.score for p in self.pairs if p.score is not None]
        return round(min(scores), 3) if scores else None

    @property
    def short(self) -> bool:
        return len(self.pairs) != self.k


@dataclass
class ReviewerLoad:
    member: PoolMember
    name: str
    email: str
    load: int
    max_load: int
    published: int

    @property
    def over(self) -> bool:
        return self.load > self.max_load


@dataclass
class Proposal:
    papers: list[ProposalPaper]
    loads: list[ReviewerLoad]
    unpublished: int
    published: int
    hidden_papers: int
    k: int
    reviewers: list[tuple[str, str]]  # (name, email) for the add/swap field

    @property
    def warnings(self) -> list[str]:
        out = []
        short = [p for p in self.papers if p.short and not p.hidden]
        if short:
            wanted = {p.k for p in short}
            needed = f"exactly {self.k} reviewers" if wanted == {self.k} else "the number of reviewers their track asks for"
            out.append(f"{plurals.count(len(short), 'paper')} without {needed}.")
        over = [r for r in self.loads if r.over]
        if over:
            out.append(f"{plurals.count(len(over), 'reviewer')} over their maximum load.")
        conflicted = sum(1 for p in self.papers for pair in p.pairs if pair.conflict)
        if conflicted:
            out.append(f"{plurals.count(conflicted, 'proposed pair')} with a conflict: remove them.")
        return out


def proposal(viewer, venue: Venue) -> Proposal:
    """Papers with their proposed and published reviewers, weakest papers first; the
    reviewers' loads. Eight queries whatever the size. The papers the viewer has a
    conflict with are listed without reviewers, and their assignments are left out of
    every load and count this viewer sees (`policy.hidden_from_aggregates`): a load
    that counted them would tell a chair who is an author who reviews their paper."""
    from . import demands

    k = venue.spec.reviewing.reviewers_per_paper
    per_track = demands.by_track(venue)  # each paper's own number of reviewers
    hidden = policy.hidden_from_aggregates(viewer, venue)
    submissions = list(Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).order_by("number"))
    assignments = list(Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, submission__status=Submission.Status.SUBMITTED)
                       .select_related("user").order_by("alias_number"))
    members = {m.user_id: m for m in PoolMember.objects.filter(venue=venue, role=PoolMember.Role.REVIEWER, state=PoolMember.State.ACCEPTED, user__isnull=False)
               .select_related("user")}
    for m in members.values():
        m.venue = venue  # one venue object: its spec is parsed once
    user_ids = {a.user_id for a in assignments}
    conflicts = defaultdict(list)
    for s, u, reason in Conflict.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id", "reason"):
        conflicts[(s, u)].append(reason)
    for s, u in Authorship.objects.filter(submission__venue=venue, user_id__in=user_ids).values_list("submission_id", "user_id"):
        conflicts[(s, u)].insert(0, "an author of the submission")
    seen = [a for a in assignments if a.submission_id not in hidden]
    load = Counter(a.user_id for a in seen)
    published = Counter(a.user_id for a in seen if a.published)
    by_paper = defaultdict(list)
    for a in assignments:
        by_paper[a.submission_id].append(a)
    papers = []
    for s in submissions:
        if s.pk in hidden:
            papers.append(ProposalPaper(s, [], per_track.get(s.track_id, k), hidden=True))
            continue
        pairs = []
        for a in by_paper.get(s.pk, []):
            m = members.get(a.user_id)
            max_load = m.effective_max_load() if m else venue.spec.reviewing.max_load
            pairs.append(ProposedPair(a, m.display_name if m else a.user.display_name, a.user.email, a.score, a.explanation or {},
                                      "; ".join(conflicts.get((s.pk, a.user_id), [])), load[a.user_id] > max_load))
        pairs.sort(key=lambda p: -(p.score or 0.0))
        papers.append(ProposalPaper(s, pairs, per_track.get(s.track_id, k)))
    papers.sort(key=lambda p: (p.hidden, not p.short, p.total, p.submission.number))
    loads = sorted(
        (ReviewerLoad(m, m.display_name, m.user.email, load[u], m.effective_max_load(), published[u]) for u, m in members.items()),
        key=lambda r: (-r.load, r.name.lower()),
    )
    return Proposal(
        papers=papers, loads=loads,
        unpublished=sum(1 for a in assignments if not a.published and a.submission_id not in hidden),
        published=sum(1 for a in assignments if a.published and a.submission_id not in hidden),
        hidden_papers=len(hidden & {s.pk for s in submissions}), k=k,
        reviewers=sorted(((m.display_name, m.user.email) for m in members.values()), key=lambda r: r[0].lower()),
    )


def latest_run(venue: Venue) -> AssignmentRun | None:
    return AssignmentRun.objects.filter(venue=venue).select_related("created_by").first()


def topics_of(venue: Venue):
    return TopicArea.objects.filter(venue=venue).order_by("position")


# --- papers given back by their reviewers -------------------------------------------------------------

@dataclass
class OpenSlot:
    decline: ReviewerDecline
    number: int
    title: str
    public_id: str
    reviewer: str
    what: str


def open_slots(viewer, venue: Venue) -> list[OpenSlot]:
    """Reviewers who declined a paper or flagged a conflict, not yet replaced: for the
    chairs, leaving out the papers this chair has a conflict with."""
    hidden = policy.conflicted_submission_ids(viewer, venue)
    rows = (ReviewerDecline.objects.filter(venue=venue, resolved_at__isnull=True).exclude(submission_id__in=hidden)
            .select_related("submission", "user").order_by("-created_at", "-id")[:200])
    return [OpenSlot(r, r.submission.number, r.submission.title, r.submission.public_id, r.user.display_name,
                     "declined" if r.kind == ReviewerDecline.Kind.DECLINE else "flagged a conflict") for r in rows]
