"""A venue in reviewing, made with the real services and plain rows: a paper with a canary
author, reviewers (assigned, unassigned, conflicted), an area chair and chairs."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.test import Client

CANARY_AUTHOR = "Zebulon Canarywhistle"
CANARY_AUTHOR_EMAIL = "zebulon.canarywhistle@canary-institute.edu"
CANARY_AFFILIATION = "Canarywhistle Institute"
CANARY_REVIEWER = "Quillon Reviewbird"
CANARY_REVIEWER_EMAIL = "quillon.reviewbird@review-aviary.edu"
CANARY_AC = "Octavia Metaplume"
REVIEW_TEXT = "Reviewtext-canary: the circuit analysis is careful."
CHAIRS_ONLY_TEXT = "Chairsonly-canary: I know this group and its earlier work."
META_TEXT = "Metareview-canary: reviewers agree the hypotheses are supported."
POST_TEXT = "Discussion-canary: I lean towards accept."


def full_answers(venue, text: str = REVIEW_TEXT) -> dict:
    answers = {}
    for q in venue.spec.review_form.questions:
        answers[q.key] = q.options[0].slug if q.kind == "choice" else f"{q.label}: {text}"
    return answers


def review_post_data(venue, *, overall=4, confidence=3, text: str = REVIEW_TEXT, comments: str = CHAIRS_ONLY_TEXT, action: str = "save") -> dict:
    data = {f"q_{k}": v for k, v in full_answers(venue, text).items()}
    data.update(overall=str(overall), confidence=str(confidence), comments_to_chairs=comments, action=action)
    return data


def clean_report(leak_value: str = "") -> dict:
    leaks = [{"kind": "author_name", "value": leak_value, "context": f"by {leak_value} et al.", "page": 1}] if leak_value else []
    findings = [{"severity": "warning", "code": "leak_name", "message": f"Author name “{leak_value}” found on page 1", "page": 1}] if leak_value else []
    findings.append({"severity": "warning", "code": "margins", "message": "Left margin is 1.2 in; the template has 1.5 in.", "page": 2})
    return {
        "file": f"{leak_value or 'paper'}.pdf",
        "status": "problems",
        "pages": {"total": 6, "main_content_end": 4, "references_start": 5, "appendix_start": None, "limit": 4, "verdict": "ok"},
        "format": {"violations": [{"code": "margins", "detail": "left margin 1.2 in", "page": 2}]},
        "anonymity": {"leaks": leaks},
        "signals": {"line_numbers": True, "checklist": False, "limitations_section": True},
        "findings": findings,
    }


@dataclass
class World:
    venue: object
    people: dict
    paper: object
    other_paper: object
    assignments: dict = field(default_factory=dict)

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.people[role])
        return client


def make_paper(venue, author, title: str, coauthors=(), pdf: bytes | None = None, report: dict | None = None, track: str = "short",
               confirm: bool = True):
    """A submitted, checked paper. Its co-authors confirm their authorship (those without an
    account sign up first) unless `confirm` is False: only confirmed authors are authors
    (rights, decision notices, reminders)."""
    from django.utils import timezone

    from paperdesk.submissions import services
    from paperdesk.submissions.models import CheckRun, Submission
    from tests.conftest import make_pdf_bytes

    data = services.SubmissionInput(
        title=title, abstract=f"The abstract of {title}.", track=track, primary_topic="circuits", contribution_type="empirical",
        authors=[services.AuthorInput(author.email, author.full_name, "Uni")] + [services.AuthorInput(e, n, a) for n, e, a in coauthors],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    submission = services.submission_create(venue=venue, actor=author, data=data)
    from paperdesk.accounts.models import User

    for row in submission.authorships.filter(user__isnull=True) if confirm else ():
        coauthor = User.objects.filter(email=row.email).first()
        if coauthor is None:
            coauthor = User.objects.create_user(row.email, None, full_name=row.name, moderation_status=User.Moderation.ACTIVE)
        services.authorship_confirm(actor=coauthor, authorship_id=row.pk)
    upload = services.upload_add(submission=submission, actor=author, stream=io.BytesIO(pdf or make_pdf_bytes(2)), original_name="paper.pdf")
    CheckRun.objects.filter(upload=upload).update(state=CheckRun.State.DONE, report=report or clean_report(), finished_at=timezone.now())
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED, submitted_at=timezone.now())
    submission.refresh_from_db()
    return submission


def assign(paper, user, number: int, kind: str = "reviewer"):
    from paperdesk.committee.models import Assignment

    return Assignment.objects.create(submission=paper, user=user, kind=kind, alias_number=number, published=True)


def build_world(venue, make_user) -> World:
    from paperdesk.committee.models import Conflict, PoolMember
    from paperdesk.venues.models import VenueRole
    from tests.reviews.pdf_factory import pdf_with_metadata

    people = {
        "chair": make_user("pat@chairs.org", "Pat Chair"),
        "area_chair": make_user("octavia@ac.edu", CANARY_AC),
        "reviewer": make_user(CANARY_REVIEWER_EMAIL, CANARY_REVIEWER),
        "reviewer2": make_user("rita@rev.edu", "Rita Second"),
        "unassigned_reviewer": make_user("uma@rev.edu", "Uma Unassigned"),
        "conflicted_reviewer": make_user("conrad@rev.edu", "Conrad Conflicted"),
        "author": make_user("ada@uni.edu", "Ada Lovelace"),
        "other_author": make_user("grace@uni.edu", "Grace Hopper"),
    }
    VenueRole.objects.create(venue=venue, user=people["chair"], role=VenueRole.Role.CHAIR)
    VenueRole.objects.create(venue=venue, user=people["area_chair"], role=VenueRole.Role.AREA_CHAIR)
    for key in ("reviewer", "reviewer2", "unassigned_reviewer", "conflicted_reviewer"):
        VenueRole.objects.create(venue=venue, user=people[key], role=VenueRole.Role.REVIEWER)
        PoolMember.objects.create(venue=venue, user=people[key], email=people[key].email, state=PoolMember.State.ACCEPTED)
    paper = make_paper(
        venue, people["author"], "The canary paper",
        coauthors=[(CANARY_AUTHOR, CANARY_AUTHOR_EMAIL, CANARY_AFFILIATION)],
        pdf=pdf_with_metadata(CANARY_AUTHOR), report=clean_report(CANARY_AUTHOR),
    )
    other = make_paper(venue, people["other_author"], "Another paper")
    world = World(venue=venue, people=people, paper=paper, other_paper=other)
    world.assignments = {
        "reviewer": assign(paper, people["reviewer"], 1),
        "reviewer2": assign(paper, people["reviewer2"], 2),
        "conflicted_reviewer": assign(paper, people["conflicted_reviewer"], 3),
        "area_chair": assign(paper, people["area_chair"], 1, "area_chair"),
        "unassigned_other": assign(other, people["unassigned_reviewer"], 1),
    }
    Conflict.objects.create(submission=paper, user=people["conflicted_reviewer"], source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    return world


def hide_reviewer_names_from_area_chairs(venue) -> None:
    """Area chairs see their papers' reviewers' names unless the venue says no
    (reviewing.area_chairs_see_reviewer_names, on by default): make it say no."""
    from paperdesk.venues.models import Venue

    stored = Venue.objects.get(pk=venue.pk)
    stored.config.setdefault("reviewing", {})["area_chairs_see_reviewer_names"] = False
    stored.save()
