"""Conflicts of interest from the database: authors and reviewers are read in a few
queries, handed to the pure library `paperdesk.matching.conflicts` (institutions through
the shipped alias table plus the venue's additions, co-authorships from imported
publications, same person), and written back as Conflict rows with their reasons.

Declarations are matched here: an e-mail or a name against the people on the other side,
an institution through the same library (a one-affiliation stand-in person), a paper
directly. Every source becomes a Conflict row with source and reason, which chairs see.

`compute_conflicts(venue)` recomputes the whole venue; `users=` or `submissions=` limit it
to some reviewers or papers (a reviewer who just accepted, authors who declared), which
replaces only those rows.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q

from paperdesk import clock
from paperdesk.accounts.models import Affiliation, User
from paperdesk.submissions.models import Authorship, Submission
from paperdesk.venues.models import Venue, VenueRole

from .models import Conflict, DeclaredConflict, InstitutionAlias, PoolMember, Publication

REASON_MAX = 300


@dataclass
class ConflictStats:
    papers: int
    reviewers: int
    total: int
    by_source: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"papers": self.papers, "reviewers": self.reviewers, "total": self.total, "by_source": self.by_source, "seconds": self.seconds}


# --- the institution table -------------------------------------------------------------------

def alias_data(venue: Venue) -> dict:
    """The venue's additions in the layout of matching/data/institution_aliases.toml."""
    institutions: dict[str, dict] = {}
    for row in InstitutionAlias.objects.filter(venue=venue):
        entry = institutions.setdefault(row.key, {"name": row.name, "domains": [], "names": []})
        entry["domains"] += list(row.domains or [])
        entry["names"] += [row.name, *(row.names or [])]
    return {"institutions": institutions}


def institution_table(venue: Venue):
    from paperdesk.matching.conflicts import InstitutionTable

    return InstitutionTable.default(alias_data(venue))


# --- people as the library sees them -----------------------------------------------------------

@dataclass
class _Identity:
    name: str = ""
    emails: set = field(default_factory=set)
    affiliations: list = field(default_factory=list)  # matching Affiliation or str
    coauthors: list = field(default_factory=list)  # (name, year)
    names: set = field(default_factory=set)  # every normalised name this person goes by


def _identities(user_ids) -> dict[int, _Identity]:
    """Names, addresses, dated affiliations and co-authors of these accounts: 4 queries."""
    from allauth.account.models import EmailAddress

    from paperdesk.matching.conflicts import Affiliation as Aff
    from paperdesk.matching.conflicts import normalize_name

    ids = list(set(user_ids))
    out: dict[int, _Identity] = {}
    if not ids:
        return out
    for pk, full_name, other_names, email in _chunked(User.objects.values_list("pk", "full_name", "other_names", "email"), "pk", ids):
        person = out[pk] = _Identity(name=full_name or "", emails={email.lower()})
        person.names = {normalize_name(n) for n in [full_name, *(other_names or [])] if n} - {""}
    for user_id, email in _chunked(EmailAddress.objects.values_list("user_id", "email"), "user_id", ids):
        out[user_id].emails.add(email.lower())
    for user_id, institution, domain, start, end in _chunked(Affiliation.objects.values_list("user_id", "institution", "email_domain", "start_year", "end_year"), "user_id", ids):
        if institution:
            out[user_id].affiliations.append(Aff(institution, start, end))
        if domain:
            out[user_id].affiliations.append(Aff(domain.strip().lstrip("@").lower(), start, end))
    for user_id, coauthors, year in _chunked(Publication.objects.values_list("user_id", "coauthors", "year"), "user_id", ids):
        person = out[user_id]
        for name in coauthors or []:
            if isinstance(name, str) and name.strip() and normalize_name(name) not in person.names:
                person.coauthors.append((name, year))
    return out


def _chunked(queryset, field_name: str, ids: list, size: int = 900):
    for start in range(0, len(ids), size):
        yield from queryset.filter(**{f"{field_name}__in": ids[start:start + size]})


def reviewer_user_ids(venue: Venue) -> set[int]:
    """Everyone who may review or oversee reviews in the venue: accepted pool members and
    holders of a venue role (chairs included: a conflict overrides their role too)."""
    pool = PoolMember.objects.filter(venue=venue, state=PoolMember.State.ACCEPTED, user__isnull=False).values_list("user_id", flat=True)
    roles = VenueRole.objects.filter(venue=venue).values_list("user_id", flat=True)
    return set(pool) | set(roles)


def _papers(venue: Venue, submissions=None):
    qs = Submission.objects.filter(venue=venue).exclude(status=Submission.Status.WITHDRAWN)
    if submissions is not None:
        qs = qs.filter(pk__in=[s.pk if hasattr(s, "pk") else s for s in submissions])
    return dict(qs.values_list("pk", "public_id"))


# --- the computation ---------------------------------------------------------------------------

def compute_conflicts(venue: Venue, *, users=None, submissions=None) -> ConflictStats:
    """Recompute conflicts for the venue (or only for some reviewers / papers) and replace
    the stored rows in one transaction."""
    from paperdesk.matching.conflicts import Person, find_conflicts, normalize_name
    from paperdesk.matching.conflicts import Submission as Paper

    started = time.perf_counter()
    years = venue.spec.reviewing.conflict_years
    year = venue.submission_deadline.year
    table = institution_table(venue)

    papers = _papers(venue, submissions)  # pk -> public_id
    reviewer_ids = reviewer_user_ids(venue)
    if users is not None:
        reviewer_ids &= {u.pk if hasattr(u, "pk") else u for u in users}
    reviewer_ids = sorted(reviewer_ids)

    authorships = list(_chunked(Authorship.objects.values_list("submission_id", "name", "email", "affiliation", "user_id"), "submission_id", list(papers)))
    people = _identities([a[4] for a in authorships if a[4]] + reviewer_ids)

    found: dict[tuple[int, int, str], list[str]] = defaultdict(list)

    def add(submission_id: int, user_id: int, source: str, reason: str) -> None:
        reasons = found[(submission_id, user_id, source)]
        if source == Conflict.Source.AUTHOR and reasons:
            return  # one way of being the same person is enough to say
        if reason not in reasons:
            reasons.append(reason)

    # 1. Authors against reviewers: same person, institution, co-authorship.
    by_paper: dict[int, list] = defaultdict(list)
    author_emails: dict[str, set[int]] = defaultdict(set)  # address -> papers
    author_names: dict[str, set[int]] = defaultdict(set)  # normalised name -> papers
    for submission_id, name, email, affiliation, user_id in authorships:
        who = people.get(user_id) if user_id else None
        emails = {email.lower()} | (who.emails if who else set())
        affiliations = ([affiliation] if affiliation else []) + (who.affiliations if who else [])
        by_paper[submission_id].append(Person(
            name=name,
            emails=tuple(sorted(emails)),
            affiliations=tuple(affiliations),
            coauthors=tuple(who.coauthors) if who else (),
            id=f"u{user_id}" if user_id else None,
        ))
        for address in emails:
            author_emails[address].add(submission_id)
        for n in {normalize_name(name)} | (who.names if who else set()):
            if n:
                author_names[n].add(submission_id)
    paper_ids = list(papers)
    reviewers = [Person(name=people[u].name, emails=tuple(sorted(people[u].emails)), affiliations=tuple(people[u].affiliations),
                        coauthors=tuple(people[u].coauthors), id=f"u{u}") for u in reviewer_ids]
    if paper_ids and reviewers:
        result = find_conflicts([Paper(str(pk), tuple(by_paper.get(pk, ()))) for pk in paper_ids], reviewers,
                                year=year, coauthor_years=years, affiliation_years=years, table=table)
        for paper_key, reviewer_key in result.pairs():
            for reason in result.reasons(paper_key, reviewer_key):
                add(int(paper_key), int(reviewer_key[1:]), _source_of(reason), _sentence(reason))

    # 2. Declared by the authors of these papers, matched against the reviewers.
    reviewer_emails: dict[str, set[int]] = defaultdict(set)
    reviewer_names: dict[str, set[int]] = defaultdict(set)
    for u in reviewer_ids:
        for address in people[u].emails:
            reviewer_emails[address].add(u)
        for n in people[u].names:
            reviewer_names[n].add(u)
    declared = list(_chunked(DeclaredConflict.objects.filter(venue=venue, side=DeclaredConflict.Side.AUTHOR), "submission_id", paper_ids))
    by_institution = []
    for d in declared:
        reason = f"declared by the authors: {d.describe()}"
        matched = set()
        if d.email:
            matched |= reviewer_emails.get(d.email.lower(), set())
        if d.name:
            matched |= reviewer_names.get(normalize_name(d.name), set())
        for u in matched:
            add(d.submission_id, u, Conflict.Source.AUTHOR_DECLARED, reason)
        if d.institution:
            by_institution.append(d)
    if by_institution and reviewers:
        stand_ins = [Paper(str(d.pk), (Person(affiliations=(d.institution.strip().lstrip("@"),)),)) for d in by_institution]
        result = find_conflicts(stand_ins, reviewers, year=year, coauthor_years=years, affiliation_years=years, table=table)
        declarations = {str(d.pk): d for d in by_institution}
        for paper_key, reviewer_key in result.pairs():
            d = declarations[paper_key]
            add(d.submission_id, int(reviewer_key[1:]), Conflict.Source.AUTHOR_DECLARED, f"declared by the authors: {d.describe()}")

    # 3. Declared by these reviewers, matched against the papers' authors.
    mine = list(_chunked(DeclaredConflict.objects.filter(venue=venue, side=DeclaredConflict.Side.REVIEWER), "declared_by_id", reviewer_ids))
    institutions = []
    for d in mine:
        reason = f"declared by the reviewer: {d.describe()}"
        if d.submission_id:
            if d.submission_id in papers:
                add(d.submission_id, d.declared_by_id, Conflict.Source.REVIEWER_DECLARED, "declared by the reviewer")
            continue
        matched = set()
        if d.email:
            matched |= author_emails.get(d.email.lower(), set())
        if d.name:
            matched |= author_names.get(normalize_name(d.name), set())
        for pk in matched:
            add(pk, d.declared_by_id, Conflict.Source.REVIEWER_DECLARED, reason)
        if d.institution:
            institutions.append(d)
    if institutions and paper_ids:
        stand_ins = [Person(affiliations=(d.institution.strip().lstrip("@"),), id=f"d{d.pk}") for d in institutions]
        result = find_conflicts([Paper(str(pk), tuple(by_paper.get(pk, ()))) for pk in paper_ids], stand_ins,
                                year=year, coauthor_years=years, affiliation_years=years, table=table)
        declarations = {f"d{d.pk}": d for d in institutions}
        for paper_key, reviewer_key in result.pairs():
            d = declarations[reviewer_key]
            add(int(paper_key), d.declared_by_id, Conflict.Source.REVIEWER_DECLARED, f"declared by the reviewer: {d.describe()}")

    rows = {key: _join(reasons) for key, reasons in found.items()}
    with transaction.atomic():
        scope = Conflict.objects.filter(submission__venue=venue)
        if submissions is not None:
            scope = scope.filter(submission_id__in=paper_ids)
        if users is not None:
            scope = scope.filter(user_id__in=reviewer_ids)
        _replace(scope, rows)
        if submissions is None:
            members = PoolMember.objects.filter(venue=venue)
            if users is not None:
                members = members.filter(user_id__in=reviewer_ids)
            members.update(conflicts_checked_at=clock.now())
    by_source: dict[str, int] = defaultdict(int)
    for (_, _, source) in rows:
        by_source[source] += 1
    return ConflictStats(papers=len(paper_ids), reviewers=len(reviewer_ids), total=len({(s, u) for s, u, _ in rows}),
                         by_source=dict(by_source), seconds=round(time.perf_counter() - started, 3))


def _replace(scope, rows: dict) -> None:
    """Make the stored rows in `scope` equal `rows` ((submission, user, source) -> reason),
    writing only the difference: a recomputation that finds what is stored writes nothing.
    Inserts and updates go through executemany: model instances for hundreds of thousands
    of rows would cost more than finding the conflicts."""
    existing = {(s, u, src): (pk, reason) for pk, s, u, src, reason in scope.values_list("pk", "submission_id", "user_id", "source", "reason").iterator(chunk_size=20000)}
    stale = [pk for key, (pk, _) in existing.items() if key not in rows]
    changed = [(reason, existing[key][0]) for key, reason in rows.items() if key in existing and existing[key][1] != reason]
    meta = Conflict._meta
    created = meta.get_field("created_at").get_db_prep_value(clock.now(), connection)
    fresh = [(s, u, src, reason, created) for (s, u, src), reason in rows.items() if (s, u, src) not in existing]
    q = connection.ops.quote_name
    columns = ", ".join(q(meta.get_field(name).column) for name in ("submission", "user", "source", "reason", "created_at"))
    for start in range(0, len(stale), 900):
        Conflict.objects.filter(pk__in=stale[start:start + 900]).delete()
    # Table and column names come from the model's meta, quoted by the backend; every value
    # is a parameter.
    with connection.cursor() as cursor:
        if changed:
            cursor.executemany(f"UPDATE {q(meta.db_table)} SET {q('reason')} = %s WHERE {q(meta.pk.column)} = %s", changed)  # noqa: S608
        if fresh:
            cursor.executemany(f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s)", fresh)  # noqa: S608


def _source_of(reason: str) -> str:
    if reason.startswith("same person"):
        return Conflict.Source.AUTHOR
    if reason.startswith("same institution"):
        return Conflict.Source.INSTITUTION
    return Conflict.Source.COAUTHOR


def _sentence(reason: str) -> str:
    """The library's reason for chairs: internal account ids never shown, names in title case."""
    if reason.startswith("same person (profile"):
        return "an author of the submission (same account)"
    if reason.startswith("same person (e-mail "):
        return "an author of the submission (e-mail " + reason[len("same person (e-mail "):]
    for prefix in ("reviewer co-authored with author ", "author co-authored with reviewer "):
        if reason.startswith(prefix):
            return prefix + reason[len(prefix):].title()
    return reason


def _join(reasons: list[str]) -> str:
    text = "; ".join(reasons)
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def refresh_for_reviewer(venue: Venue, user) -> ConflictStats:
    return compute_conflicts(venue, users=[user])


def reviewer_is_stale(venue: Venue, member: PoolMember) -> bool:
    """Has a paper changed (authors edited, newly submitted) since this member's conflicts
    were last computed? Then the bidding page refreshes them first."""
    if member.conflicts_checked_at is None:
        return True
    return Submission.objects.filter(venue=venue).filter(
        Q(updated_at__gt=member.conflicts_checked_at) | Q(submitted_at__gt=member.conflicts_checked_at)
    ).exists()
