"""A venue with one paper, its chairs (one conflicted with it, one author of it), people
outside, and audit entries of every kind about the paper, the venue and security."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from paperdesk.audit.models import AuditEntry
from paperdesk.audit.services import record
from paperdesk.venues.models import VenueRole
from tests.jobs.jobs_helpers import draft

HIDDEN_ACTIONS = ("assignment.add", "decision.set", "review.submit", "email.sent", "conflict.declare")
AUTHOR_KNOWN_ACTIONS = ("submission.create", "upload.add")


def build(venue, author, make_user):
    from paperdesk.committee.models import Conflict
    from paperdesk.venues.services import venue_load

    people = {"author": author, "user": make_user("user@example.org", "Una User")}
    for role in ("chair", "conflicted_chair", "chair_author"):
        people[role] = make_user(f"{role}@example.org", role.replace("_", " ").title())
        VenueRole.objects.create(venue=venue, user=people[role], role=VenueRole.Role.CHAIR)
    people["superuser"] = make_user("root@example.org", "Root Operator", is_superuser=True, is_staff=True)
    other, _ = venue_load(dataclasses.replace(venue.spec, slug="other-venue", rehearsal=False))
    people["other_chair"] = make_user("otherchair@example.org", "Other Chair")
    VenueRole.objects.create(venue=other, user=people["other_chair"], role=VenueRole.Role.CHAIR)

    paper, _ = draft(venue, author, title="AUDIT-CANARY paper")  # submission.create, upload.add (real services)
    from paperdesk.submissions.models import Authorship

    Authorship.objects.create(submission=paper, position=2, email=people["chair_author"].email, name="Chair Author", user=people["chair_author"])
    Conflict.objects.create(submission=paper, user=people["conflicted_chair"], source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    chair = people["chair"]
    # What the reviewing services record about the paper (who reviews it, its decision...):
    record("assignment.add", paper, actor=chair, venue=venue, reviewer="SECRET-REVIEWER@example.org")
    record("conflict.declare", paper, actor=chair, venue=venue, declared="SECRET-REVIEWER@example.org")
    record("decision.set", paper, actor=chair, venue=venue, outcome="SECRET-OUTCOME")
    record("review.submit", SimpleNamespace(public_id="rev1", pk=1), actor=chair, venue=venue, paper=paper, overall="SECRET-SCORE")
    from paperdesk.mail import record_sent

    record_sent("decision_notice", "SECRET-DECISION-SUBJECT", [author.email], venue=venue, paper=paper.pk)
    # ... about the venue, and a security entry of no venue:
    record("venue.update", venue, actor=chair, venue=venue, source="VENUE-WIDE")
    record("decisions.release", venue, actor=chair, venue=venue, wave=1, held_back=[paper.number, 9999])
    record("security.lookup_burst", SimpleNamespace(public_id="ip:203.0.113.9", pk=0), client="ip", ip="203.0.113.9")
    record("pool.invite", other, actor=people["other_chair"], venue=other, emails=["OTHER-VENUE@example.org"])
    return SimpleNamespace(venue=venue, other=other, paper=paper, people=people)


def actions(entries) -> set[str]:
    return {e.action for e in entries}


def all_entries():
    return AuditEntry.objects.all()
