"""Writes for the reviewer pool, profiles, publications, declared conflicts, institution
aliases and bids. Each service checks the access policy, runs in one transaction, writes
an audit entry, and enqueues e-mails and conflict refreshes only after the commit.

The automatic assignment and its manual edits are in `assignment.py`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from paperdesk import clock, policy, tokens
from paperdesk.audit.services import record
from paperdesk.submissions.models import Submission
from paperdesk.venues.models import TopicArea, Venue, VenueRole

from .invitations import INVITATION_DAYS, Invitee
from .models import Bid, DeclaredConflict, InstitutionAlias, PoolMember, Publication


class ReviewingError(Exception):
    """A request a service refuses, with the message a person is shown."""

    def __init__(self, message: str, status: int = 400, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def _require(decision, status: int = 403) -> None:
    if not decision:
        raise ReviewingError(getattr(decision, "reason", "") or "This is not allowed.", status)


def _require_chair(actor, venue: Venue) -> None:
    if not policy.can_manage_pool(actor, venue):
        raise ReviewingError("Only the venue's chairs can do this.", 404)


def _after_commit(job, *args) -> None:
    transaction.on_commit(lambda: job.enqueue(*args))


def _refresh_conflicts_later(venue: Venue, user_ids=(), submission_ids=()) -> None:
    from . import tasks

    _after_commit(tasks.refresh_conflicts_job, venue.pk, list(user_ids), list(submission_ids))


VENUE_ROLE = {PoolMember.Role.REVIEWER: VenueRole.Role.REVIEWER, PoolMember.Role.AREA_CHAIR: VenueRole.Role.AREA_CHAIR}


def _grant_role(member: PoolMember) -> None:
    VenueRole.objects.get_or_create(venue=member.venue, user=member.user, role=VENUE_ROLE[member.role])
    if hasattr(member.user, "_venue_roles_cache"):
        del member.user._venue_roles_cache


def _check_load(venue: Venue, max_load) -> int | None:
    if max_load in (None, ""):
        return None
    try:
        value = int(max_load)
    except (TypeError, ValueError):
        raise ReviewingError("The maximum load must be a whole number.", 400, "max_load") from None
    ceiling = venue.spec.reviewing.max_load
    if value < 1 or value > ceiling:
        raise ReviewingError(f"The maximum load must be between 1 and {ceiling} papers (the venue's maximum).", 400, "max_load")
    return value


def _topics(venue: Venue, slugs) -> list[TopicArea]:
    slugs = [s for s in dict.fromkeys(slugs or []) if s]
    topics = list(TopicArea.objects.filter(venue=venue, slug__in=slugs))
    unknown = set(slugs) - {t.slug for t in topics}
    if unknown:
        raise ReviewingError(f"Unknown topic area(s): {', '.join(sorted(unknown))}.", 400, "expertise")
    return topics


def _own_emails(user) -> set[str]:
    from allauth.account.models import EmailAddress

    return {user.email.lower()} | {e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}


def membership_of(user, venue: Venue, role: str = PoolMember.Role.REVIEWER) -> PoolMember | None:
    """This person's pool row in the venue for `role`, by account or by one of their
    verified addresses (an invitation sent before they had an account)."""
    if not getattr(user, "is_authenticated", False):
        return None
    row = PoolMember.objects.filter(venue=venue, role=role, user=user).first()
    if row is None:
        row = PoolMember.objects.filter(venue=venue, role=role, user__isnull=True, email__in=_own_emails(user)).first()
    return row


# --- volunteering ------------------------------------------------------------------------------

@dataclass
class VolunteerInput:
    expertise: list[str] = field(default_factory=list)
    max_load: int | None = None
    statement: str = ""


@transaction.atomic
def volunteer(*, venue: Venue, actor, data: VolunteerInput) -> PoolMember:
    """Offer to review (the CFP's "express interest" form). An invited person who fills it
    in has accepted; an accepted one updates their details."""
    _require(policy.can_volunteer(actor, venue))
    topics = _topics(venue, data.expertise)
    max_load = _check_load(venue, data.max_load)
    statement = (data.statement or "").strip()
    if len(statement) > 2000:
        raise ReviewingError("The statement is longer than 2000 characters.", 400, "statement")
    member = membership_of(actor, venue)
    if member is None:
        member = PoolMember(venue=venue, email=actor.email.lower(), role=PoolMember.Role.REVIEWER)
    member = PoolMember.objects.select_for_update().get(pk=member.pk) if member.pk else member
    previous = member.state
    member.user = actor
    member.name = member.name or actor.full_name
    member.max_load = max_load
    member.statement = statement
    if previous == PoolMember.State.INVITED:
        member.state = PoolMember.State.ACCEPTED
        member.responded_at = clock.now()
    elif previous != PoolMember.State.ACCEPTED:
        member.state = PoolMember.State.VOLUNTEERED
    member.save()
    member.expertise.set(topics)
    if member.state == PoolMember.State.ACCEPTED:
        _grant_role(member)
        _refresh_conflicts_later(venue, [actor.pk])
    record("pool.volunteer", member, actor=actor, venue=venue, state=member.state, previous=previous or "")
    return member


@transaction.atomic
def volunteer_decide(*, member: PoolMember, actor, accept: bool) -> PoolMember:
    """A chair accepts or declines a volunteer; the volunteer hears either way."""
    from . import tasks

    member = PoolMember.objects.select_for_update(of=("self",)).select_related("venue", "user").get(pk=member.pk)
    _require_chair(actor, member.venue)
    if member.state not in (PoolMember.State.VOLUNTEERED, PoolMember.State.NOT_SELECTED, PoolMember.State.ACCEPTED):
        raise ReviewingError(f"{member.email} is {member.get_state_display().lower()}; only volunteers are accepted or declined here.", 409)
    target = PoolMember.State.ACCEPTED if accept else PoolMember.State.NOT_SELECTED
    if member.state == target:
        return member
    if not accept and member.state == PoolMember.State.ACCEPTED and member.user_id and member.user.assignments.filter(submission__venue=member.venue, published=True).exists():
        raise ReviewingError(f"{member.display_name} already has published assignments; remove them first.", 409)
    member.state = target
    member.responded_at = clock.now()
    member.save(update_fields=["state", "responded_at"])
    if accept:
        _grant_role(member)
        _refresh_conflicts_later(member.venue, [member.user_id])
    record("pool.accept" if accept else "pool.not_selected", member, actor=actor, venue=member.venue, email=member.email)
    _after_commit(tasks.send_pool_decision_job, member.pk)
    return member


# --- invitations -------------------------------------------------------------------------------

@dataclass
class InviteResult:
    invited: list[PoolMember] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def invite(*, venue: Venue, actor, invitees: list[Invitee], message: str = "") -> InviteResult:
    """Invite people by e-mail; people already in the pool are skipped (and said why)."""
    from . import tasks

    _require_chair(actor, venue)
    message = (message or "").strip()[:2000]
    result = InviteResult()
    existing = {(m.email, m.role): m for m in PoolMember.objects.filter(venue=venue, email__in=[i.email for i in invitees])}
    now = clock.now()
    for person in invitees:
        member = existing.get((person.email, person.role))
        if member is not None:
            if member.state in (PoolMember.State.DECLINED, PoolMember.State.NOT_SELECTED):
                member.state = PoolMember.State.INVITED
                member.invite_token = tokens.mint()[1]  # a placeholder nobody holds: the sending job mints the link
                member.invited_at, member.reminded_at, member.responded_at = now, None, None
                member.name = person.name or member.name
                member.save()
                result.invited.append(member)
                continue
            hint = {PoolMember.State.VOLUNTEERED: "has volunteered; accept them in the pool list"}.get(member.state, f"is already {member.get_state_display().lower()}")
            result.skipped.append(f"Line {person.line}: {person.email} {hint}.")
            continue
        result.invited.append(PoolMember.objects.create(
            venue=venue, email=person.email, name=person.name, role=person.role, state=PoolMember.State.INVITED,
            invite_token=tokens.mint()[1], invited_at=now,  # the sending job mints the link's token
        ))
    if result.invited:
        record("pool.invite", venue, actor=actor, venue=venue, count=len(result.invited), emails=[m.email for m in result.invited][:200])
        ids = [m.pk for m in result.invited]
        _after_commit(tasks.send_invitations_job, ids, message)
    return result


def invitation(token: str) -> PoolMember | None:
    """The pool row an invitation link points at, open or not (see `open_invitation`)."""
    hashed = tokens.lookup(token)  # only the token's SHA-256 is stored
    if hashed is None:
        return None
    return PoolMember.objects.select_related("venue", "user").filter(invite_token=hashed).first()


def invitation_expires_at(member: PoolMember):
    sent = member.reminded_at or member.invited_at
    deadline = member.venue.review_deadline
    return min(deadline, sent + dt.timedelta(days=INVITATION_DAYS)) if sent else deadline


def invitation_is_open(member: PoolMember | None, now=None) -> bool:
    if member is None or member.state != PoolMember.State.INVITED:
        return False
    return (now or clock.now()) < invitation_expires_at(member)


def open_invitation(token: str) -> PoolMember | None:
    """The pool row of an invitation link that can still be answered; None for an answered,
    expired or unknown link (the caller cannot tell which)."""
    member = invitation(token)
    return member if invitation_is_open(member) else None


CLOSED_INVITATION = "This invitation link is no longer open: it was already answered, it expired, or it is not valid."
ANSWERS = ("accept", "reduce", "decline")


@transaction.atomic
def invitation_respond(*, token: str, actor, answer: str, max_load=None) -> PoolMember:
    """Accept, accept with a reduced load, or decline an invitation. Declining works
    without an account; accepting links the invitation to the signed-in account."""
    hashed = tokens.lookup(token)
    member = PoolMember.objects.select_for_update(of=("self",)).select_related("venue").filter(invite_token=hashed).first() if hashed else None
    if not invitation_is_open(member):  # single use, and expiring: see INVITATION_DAYS
        raise ReviewingError(CLOSED_INVITATION, 404)
    venue = member.venue
    if answer not in ANSWERS:
        raise ReviewingError("Choose to accept, accept with a reduced load, or decline.", 400, "answer")
    signed_in = getattr(actor, "is_authenticated", False)
    if member.user_id and signed_in and member.user_id != actor.pk:
        raise ReviewingError("This invitation was accepted with another account. Sign in with that account to change the answer.", 409)
    if answer == "decline":
        member.state = PoolMember.State.DECLINED
        member.responded_at = clock.now()
        member.save(update_fields=["state", "responded_at"])
        if member.user_id:
            VenueRole.objects.filter(venue=venue, user_id=member.user_id, role=VENUE_ROLE[member.role]).delete()
        record("pool.decline", member, actor=actor if signed_in else None, venue=venue, email=member.email)
        return member
    if not signed_in:
        raise ReviewingError("Sign in or create an account to accept.", 401)
    if member.user_id is None:
        other = PoolMember.objects.filter(venue=venue, role=member.role, user=actor, state=PoolMember.State.ACCEPTED).exclude(pk=member.pk).first()
        if other is not None:
            raise ReviewingError(f"You are already in {venue.short_name}'s pool as {other.email}.", 409)
    load = None
    if answer == "reduce":
        load = _check_load(venue, max_load)
        if load is None:
            raise ReviewingError("Give the number of papers you can review.", 400, "max_load")
    member.user = actor
    member.state = PoolMember.State.ACCEPTED
    member.max_load = load
    member.responded_at = clock.now()
    member.name = member.name or actor.full_name
    member.save(update_fields=["user", "state", "max_load", "responded_at", "name"])
    _grant_role(member)
    record("pool.accept_invitation", member, actor=actor, venue=venue, email=member.email, max_load=load)
    _refresh_conflicts_later(venue, [actor.pk])
    return member


def invitation_reminders(*, venue: Venue, actor) -> int:
    """Queue one reminder to every invitee who has not answered and was not reminded."""
    from . import tasks

    _require_chair(actor, venue)
    pending = PoolMember.objects.filter(venue=venue, state=PoolMember.State.INVITED, reminded_at__isnull=True).count()
    if pending:
        record("pool.remind", venue, actor=actor, venue=venue, pending=pending)
        tasks.send_invitation_reminders_job.enqueue(venue.pk)
    return pending


def first_author_reminders(*, venue: Venue, actor) -> int:
    """Queue the one polite request to co-first authors who have not volunteered."""
    from . import selectors, tasks

    _require_chair(actor, venue)
    if not venue.spec.reviewing.ask_first_authors_to_volunteer:
        raise ReviewingError(f"{venue.short_name} does not ask first authors to volunteer.", 409)
    if selectors.decisions_released(venue):
        raise ReviewingError(f"{venue.short_name} has released its decisions: the call for reviewers is over.", 409)
    pending = len(selectors.first_authors_to_remind(venue))
    if pending:
        record("pool.remind_first_authors", venue, actor=actor, venue=venue, pending=pending)
        tasks.send_first_author_reminders_job.enqueue(venue.pk)
    return pending


# --- the reviewer's profile ----------------------------------------------------------------------

@transaction.atomic
def profile_update(*, member: PoolMember, actor, expertise: list[str], max_load) -> PoolMember:
    if member.user_id != getattr(actor, "pk", None):
        raise ReviewingError("This is not your profile.", 404)
    member.max_load = _check_load(member.venue, max_load)
    member.save(update_fields=["max_load"])
    member.expertise.set(_topics(member.venue, expertise))
    record("pool.profile", member, actor=actor, venue=member.venue, max_load=member.max_load, expertise=list(expertise))
    return member


def _title_key(title: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", title.lower())


@dataclass
class ImportResult:
    added: int = 0
    duplicates: int = 0


@transaction.atomic
def publications_import(*, user, actor, records: Sequence[Mapping[str, Any]], source: str) -> ImportResult:
    """Add parsed publications (see publications.py); a title already listed is skipped."""
    if user.pk != getattr(actor, "pk", None):
        raise ReviewingError("You can only change your own publications.", 404)
    known = {_title_key(t) for t in Publication.objects.filter(user=user).values_list("title", flat=True)}
    result = ImportResult()
    rows = []
    own = {n.lower() for n in [user.full_name, *(user.other_names or [])] if n}
    for item in records:
        key = _title_key(item.get("title") or "")
        if not key or key in known:
            result.duplicates += 1
            continue
        known.add(key)
        coauthors = [a for a in item.get("authors") or [] if a.lower() not in own]
        rows.append(Publication(user=user, title=item["title"][:500], abstract=(item.get("abstract") or "")[:5000],
                                year=item.get("year"), coauthors=coauthors[:200], source=source))
    if Publication.objects.filter(user=user).count() + len(rows) > 2000:
        raise ReviewingError("A profile holds at most 2000 publications; import the recent ones.", 400)
    Publication.objects.bulk_create(rows)
    result.added = len(rows)
    record("publications.import", user, actor=actor, source=source, added=result.added, duplicates=result.duplicates)
    _refresh_all_pools_later(user)
    return result


def _refresh_all_pools_later(user) -> None:
    """Co-authorships changed: recompute this person's conflicts in every venue they review for."""
    for venue in Venue.objects.filter(pool__user=user, pool__state=PoolMember.State.ACCEPTED).distinct():
        _refresh_conflicts_later(venue, [user.pk])


@transaction.atomic
def publication_add(*, user, actor, title: str, abstract: str = "", year=None, coauthors: str = "") -> Publication:
    from paperdesk.publications.parsers import ParseError, _year

    title = " ".join((title or "").split())
    if not title:
        raise ReviewingError("A title is required.", 400, "title")
    try:
        year_value = _year(year, "Year")
    except ParseError as error:
        raise ReviewingError(str(error), 400, "year") from None
    names = [n.strip() for n in re.split(r";|\n|\s+and\s+", coauthors or "") if n.strip()]
    result = publications_import(user=user, actor=actor, records=[{"title": title[:500], "abstract": abstract or "", "year": year_value, "authors": names}], source="manual")
    if not result.added:
        raise ReviewingError("This publication is already in your list.", 409, "title")
    return Publication.objects.filter(user=user).order_by("-pk").first()


@transaction.atomic
def publication_delete(*, publication: Publication, actor) -> None:
    if publication.user_id != getattr(actor, "pk", None):
        raise ReviewingError("No such publication.", 404)
    user = publication.user
    record("publications.delete", user, actor=actor, title=publication.title)
    publication.delete()
    _refresh_all_pools_later(user)


@transaction.atomic
def publications_clear(*, user, actor) -> int:
    if user.pk != getattr(actor, "pk", None):
        raise ReviewingError("You can only change your own publications.", 404)
    count, _ = Publication.objects.filter(user=user).delete()
    record("publications.clear", user, actor=actor, count=count)
    _refresh_all_pools_later(user)
    return count


# --- declared conflicts ------------------------------------------------------------------------

@dataclass
class DeclarationInput:
    email: str = ""
    name: str = ""
    institution: str = ""
    note: str = ""


def _clean_declaration(data: DeclarationInput) -> DeclarationInput:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = (data.email or "").strip().lower()
    name = " ".join((data.name or "").split())[:200]
    institution = " ".join((data.institution or "").split())[:200]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ReviewingError(f"'{email[:80]}' is not an e-mail address.", 400, "email") from None
    if not (email or name or institution):
        raise ReviewingError("Give a person's e-mail address or name, or an institution.", 400)
    if name and len(name.split()) < 2 and not email:
        raise ReviewingError("Give the person's full name (first and last), or their e-mail address.", 400, "name")
    return DeclarationInput(email, name, institution, " ".join((data.note or "").split())[:200])


@transaction.atomic
def author_declare(*, submission: Submission, actor, data: DeclarationInput, now=None) -> DeclaredConflict:
    _require(policy.can_declare_conflicts(actor, submission, now))
    data = _clean_declaration(data)
    if DeclaredConflict.objects.filter(submission=submission, side=DeclaredConflict.Side.AUTHOR, email=data.email, name=data.name, institution=data.institution).exists():
        raise ReviewingError("This conflict is already declared.", 409)
    if DeclaredConflict.objects.filter(submission=submission, side=DeclaredConflict.Side.AUTHOR).count() >= 100:
        raise ReviewingError(f"A submission can declare at most 100 conflicts; write to {submission.venue.contact_email} if you need more.", 400)
    row = DeclaredConflict.objects.create(venue=submission.venue, side=DeclaredConflict.Side.AUTHOR, declared_by=actor, submission=submission,
                                          email=data.email, name=data.name, institution=data.institution, note=data.note)
    record("conflict.declare", submission, actor=actor, venue=submission.venue, declared=row.describe())
    _refresh_conflicts_later(submission.venue, submission_ids=[submission.pk])
    return row


@transaction.atomic
def author_declaration_delete(*, declaration: DeclaredConflict, actor, now=None) -> None:
    submission = declaration.submission
    _require(policy.can_declare_conflicts(actor, submission, now))
    record("conflict.undeclare", submission, actor=actor, venue=submission.venue, declared=declaration.describe())
    declaration.delete()
    _refresh_conflicts_later(submission.venue, submission_ids=[submission.pk])


@transaction.atomic
def reviewer_declare(*, venue: Venue, actor, data: DeclarationInput, submission: Submission | None = None) -> DeclaredConflict:
    """A reviewer declares a person, an institution or one paper they must not review."""
    if membership_of(actor, venue) is None and membership_of(actor, venue, PoolMember.Role.AREA_CHAIR) is None:
        raise ReviewingError("Only the venue's reviewers declare conflicts here.", 404)
    if submission is None:
        data = _clean_declaration(data)
    elif submission.venue_id != venue.pk:
        raise ReviewingError("No such paper.", 404)
    row = DeclaredConflict.objects.create(venue=venue, side=DeclaredConflict.Side.REVIEWER, declared_by=actor, submission=submission,
                                          email=data.email, name=data.name, institution=data.institution, note=data.note)
    # Filed under the paper when it names one: a chair conflicted with that paper must not
    # learn from the log who declined to review it (policy.audit_entries_for).
    record("conflict.reviewer_declare", venue, actor=actor, venue=venue, paper=submission, declared=row.describe(),
           submission=submission.public_id if submission else "")
    if submission is not None:  # immediate: the paper leaves the bidding page now
        from .models import Conflict

        Conflict.objects.get_or_create(submission=submission, user=actor, source=Conflict.Source.REVIEWER_DECLARED,
                                       defaults={"reason": "declared by the reviewer"})
        Bid.objects.filter(submission=submission, user=actor).delete()
    else:
        _refresh_conflicts_later(venue, [actor.pk])
    return row


@transaction.atomic
def reviewer_declaration_delete(*, declaration: DeclaredConflict, actor) -> None:
    if declaration.side != DeclaredConflict.Side.REVIEWER or declaration.declared_by_id != getattr(actor, "pk", None):
        raise ReviewingError("No such declaration.", 404)
    venue = declaration.venue
    record("conflict.reviewer_undeclare", venue, actor=actor, venue=venue, declared=declaration.describe())
    declaration.delete()
    _refresh_conflicts_later(venue, [actor.pk])


# --- the venue's institution aliases -------------------------------------------------------------

def _split_list(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"[,;\n]", text or "") if x.strip()]


_DOMAIN = re.compile(r"^(?=.{3,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@transaction.atomic
def alias_add(*, venue: Venue, actor, name: str, domains: str = "", names: str = "") -> InstitutionAlias:
    """Teach the venue's conflict detection that these domains and names are one
    institution (extending a shipped entry when one of them is already known)."""
    from .conflicts import institution_table

    _require_chair(actor, venue)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise ReviewingError("Give the institution's name.", 400, "name")
    domain_list = [d.lower().lstrip("@").strip(".") for d in _split_list(domains)]
    bad = [d for d in domain_list if not _DOMAIN.match(d)]
    if bad:
        raise ReviewingError(f"Not a mail domain: {', '.join(bad[:5])} (write e.g. deepmind.com).", 400, "domains")
    name_list = [" ".join(n.split())[:200] for n in _split_list(names)]
    if not domain_list and not name_list:
        raise ReviewingError("Give at least one mail domain or another name for the institution.", 400, "domains")
    table = institution_table(venue)
    key = None
    for candidate in [name, *name_list]:
        found = table.from_name(candidate)
        if found and not found.startswith(("name:", "dom:")):
            key = found
            break
    if key is None:
        for domain in domain_list:
            found = table.from_domain(domain)
            if found and not found.startswith(("name:", "dom:")):
                key = found
                break
    row = InstitutionAlias.objects.create(venue=venue, key=key or "", name=name, domains=domain_list, names=name_list, created_by=actor)
    if not key:
        row.key = f"venue-{venue.pk}-{row.pk}"
        row.save(update_fields=["key"])
    record("conflict.alias_add", row, actor=actor, venue=venue, name=name, domains=domain_list, names=name_list, key=row.key)
    return row


@transaction.atomic
def alias_delete(*, alias: InstitutionAlias, actor) -> None:
    _require_chair(actor, alias.venue)
    record("conflict.alias_delete", alias, actor=actor, venue=alias.venue, name=alias.name)
    alias.delete()


# --- bids --------------------------------------------------------------------------------------

@transaction.atomic
def bid_set(*, submission: Submission, actor, value: str) -> Bid | None:
    """Set (or with an empty value, clear) this reviewer's bid; 404 for a paper they may
    not bid on (conflicted, not submitted, not theirs to see)."""
    if not policy.can_bid(actor, submission) or not policy.can_view_bidding(actor, submission.venue):
        raise ReviewingError("No such paper.", 404)
    if not value:
        Bid.objects.filter(submission=submission, user=actor).delete()
        return None
    if value not in Bid.Value.values:
        raise ReviewingError(f"Unknown bid '{value[:20]}'.", 400, "value")
    bid, _ = Bid.objects.update_or_create(submission=submission, user=actor, defaults={"value": value})
    return bid
