"""The world the canary sweep and the non-interference tests probe (issue 8).

One venue, built through the real services and the real routes wherever a person would act
(the author adds a co-author by PATCHing the API; a reviewer accepts an invitation by its
link; reviews, the meta-review, the discussion and the decisions are posted to the pages;
the chairs release). Every protected fact carries a unique canary string; every e-mail sent
while building is kept with the phase it was sent in.

Roles (the viewers): anonymous, a plain signed-in user, the author of the canary paper, a
pending co-author (a reviewer whose e-mail the author added to the paper's author list,
who has not confirmed), the reviewer assigned to the canary paper, a reviewer not assigned
to it (assigned to the other paper), the canary paper's area chair, an unconflicted chair,
a chair who is an author of the canary paper, and a chair who declared a conflict with it.

Phases, each adding to the previous one: submission (papers submitted, checked), reviewing
(assignments published, reviews, meta-review and discussion in), decided (decisions set,
not released), released (decisions sent to the authors).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
from contextlib import contextmanager
from unittest import mock

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

ROLES = ["anonymous", "user", "author", "pending_coauthor", "reviewer", "unassigned_reviewer", "area_chair",
         "chair", "chair_author", "conflicted_chair"]
PHASES = ["submission", "reviewing", "decided", "released"]

# --- canaries: unique strings, each standing for one protected fact -------------------------

AUTHOR_NAME = "Aurelia Inkwhistle"  # the canary paper's first author (the `author` role)
AUTHOR_EMAIL = "aurelia.inkwhistle@canary-lab.edu"
COAUTHOR_NAME = "Zebulon Canarywhistle"  # a co-author without an account
COAUTHOR_EMAIL = "zebulon.canarywhistle@canary-institute.edu"
COAUTHOR_AFFILIATION = "Canarywhistle Institute of Finches"
CLAIMER_NAME = "Clementine Claimwarbler"  # a co-author who signed up and claimed her authorship
CLAIMER_EMAIL = "clementine.claimwarbler@canary-institute.edu"
PENDING_NAME = "Penelope Pendingpipit"  # the pending co-author, also a reviewer
PENDING_EMAIL = "penelope.pendingpipit@pipits.org"
CHAIR_AUTHOR_NAME = "Sam Chairauthor"
CHAIR_AUTHOR_EMAIL = "sam.chairauthor@chairs.org"
REVIEWER_NAME = "Quillon Reviewbird"  # assigned to the canary paper
REVIEWER_EMAIL = "quillon.reviewbird@review-aviary.edu"
REVIEWER2_NAME = "Rosalind Secondrook"  # the canary paper's other reviewer (not a viewer)
REVIEWER2_EMAIL = "rosalind.secondrook@review-aviary.edu"
UNASSIGNED_NAME = "Ursula Inviteejay"  # joined by an invitation link; reviews the other paper
UNASSIGNED_EMAIL = "ursula.inviteejay@jays.org"
AC_NAME = "Octavia Metaplume"
AC_EMAIL = "octavia.metaplume@ac-roost.edu"
REVIEW_TEXT = "Reviewtext-canary: the circuit analysis is careful."
REVIEW2_TEXT = "Secondreview-canary: the ablations are unconvincing."
CHAIRS_ONLY_TEXT = "Chairsonly-canary: I know this group and its earlier work."
CHAIRS_ONLY_TEXT2 = "Chairsonly2-canary: possibly the same lab as a PC member."
META_TEXT = "Metareview-canary: reviewers agree the hypotheses are supported."
POST_TEXT = "Discussion-canary: I lean towards reject."
CHECK_TEXT = "Checkfinding-canary"  # a finding of the checker's report, authors' and unconflicted chairs' eyes only
LEAK_COUNT_TEXT = "possible identity leak"  # how the check fragment counts leaks
DECISION_LETTER = "Rejectletter-canary"  # in the reject notice, sent to the canary paper's authors only
TITLE = "The canary paper on sparse circuits"
OTHER_TITLE = "Another paper on induction heads"

# Scores, as they are rendered: the second reviewer gives the canary paper "1: Strong reject"
# and confidence 5; no other review in the world uses these values.
SCORE_HTML = '<span class="score">1: Strong reject</span>'
SCORE_API = '"overall_label": "Strong reject"'
DECISION_HTML = 'outcome-reject">Reject<'
DECISION_API = '"decision": {"outcome": "reject"'


@dataclasses.dataclass
class SweepWorld:
    venue: object
    people: dict  # role (and a few extra people) -> user
    paper: object  # the canary paper
    other: object  # the other paper (accepted)
    objects: dict = dataclasses.field(default_factory=dict)  # converter kind -> value
    phase: str = ""
    mails: list = dataclasses.field(default_factory=list)  # (phase, message)
    sha256: str = ""
    notes: list = dataclasses.field(default_factory=list)
    _clients: dict = dataclasses.field(default_factory=dict)

    def client(self, role: str) -> tuple[Client, dict]:
        """A signed-in test client and the API's bearer header for the role."""
        if role not in self._clients:
            from paperdesk.api.models import ApiToken

            client, headers = Client(), {}
            if role != "anonymous":
                client.force_login(self.people[role])
                headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(self.people[role], 'sweep')[1]}"}
            self._clients[role] = (client, headers)
        return self._clients[role]

    def role_of_address(self, address: str) -> str:
        """Which viewer's rules an e-mail address falls under: the people of the canary paper
        count as its authors, the other reviewer as a reviewer, anyone else as a plain user."""
        address = address.lower()
        for role, user in self.people.items():
            if role in ROLES and user.email.lower() == address:
                return role
        if address in (COAUTHOR_EMAIL, CLAIMER_EMAIL):
            return "author"
        if address == REVIEWER2_EMAIL:
            return "reviewer"
        return "user"


@contextmanager
def sending(world: SweepWorld):
    """Run on-commit callbacks (e-mails, jobs) as a commit would, and keep each e-mail
    with the phase it was sent in."""
    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
    world.mails.extend((world.phase, m) for m in mail.outbox[before:])


def _user(email: str, name: str):
    from tests.conftest import _user as make

    return make(email, name)


def check_report() -> dict:
    """The checker's report on the canary paper: its identity-leak finding quotes the
    co-author's name found in the PDF's metadata and carries CHECK_TEXT (only the authors and
    unconflicted chairs may read it); its format finding is one reviewers may be told of."""
    return {
        "file": "paper.pdf",
        "status": "problems",
        "pages": {"total": 6, "main_content_end": 4, "references_start": 5, "appendix_start": None, "limit": 4, "verdict": "ok"},
        "format": {"violations": [{"code": "margins", "detail": "left margin 1.2 in", "page": 2}]},
        "anonymity": {"leaks": [{"kind": "author_name", "value": COAUTHOR_NAME, "context": f"{CHECK_TEXT} by {COAUTHOR_NAME} et al.", "page": 1}]},
        "signals": {"line_numbers": True, "checklist": False, "limitations_section": True},
        "findings": [
            {"severity": "warning", "code": "leak_name", "message": f"{CHECK_TEXT}: author name “{COAUTHOR_NAME}” found on page 1", "page": 1},
            {"severity": "warning", "code": "margins", "message": "Left margin is 1.2 in; the template has 1.5 in.", "page": 2},
        ],
    }


def _clean_other_report() -> dict:
    return {"file": "paper.pdf", "status": "ok",
            "pages": {"total": 4, "main_content_end": 4, "references_start": 4, "appendix_start": None, "limit": 4, "verdict": "ok"},
            "format": {"violations": []}, "anonymity": {"leaks": []},
            "signals": {"line_numbers": True, "checklist": True, "limitations_section": True}, "findings": []}


def _submit(world, author, title, coauthors, pdf: bytes, report: dict):
    from paperdesk.submissions import checking, services
    from paperdesk.submissions.models import Submission

    data = services.SubmissionInput(
        title=title, abstract=f"The abstract of {title}.", track="short", primary_topic="circuits", contribution_type="empirical",
        authors=[services.AuthorInput(author.email, author.full_name, "Finch University")]
        + [services.AuthorInput(e, n, a) for n, e, a in coauthors],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    with mock.patch.object(checking, "check_upload", lambda run: json.loads(json.dumps(report))), sending(world):
        submission = services.submission_create(venue=world.venue, actor=author, data=data)
        services.upload_add(submission=submission, actor=author, stream=io.BytesIO(pdf), original_name="paper.pdf")
    with sending(world):
        services.submission_submit(submission=Submission.objects.get(pk=submission.pk), actor=author)
    submission.refresh_from_db()
    return submission


def _phase_submission(world: SweepWorld) -> None:
    from paperdesk.committee import services as reviewing_services
    from paperdesk.committee.invitations import Invitee
    from paperdesk.committee.models import AssignmentRun, Conflict, PoolMember
    from paperdesk.submissions.models import Authorship, Upload
    from paperdesk.venues.models import VenueRole
    from tests.conftest import make_pdf_bytes
    from tests.links import claim_token, invitation_token
    from tests.reviews.pdf_factory import pdf_with_metadata

    venue, people = world.venue, world.people
    for role in ("chair", "chair_author", "conflicted_chair"):
        VenueRole.objects.create(venue=venue, user=people[role], role=VenueRole.Role.CHAIR)
    VenueRole.objects.create(venue=venue, user=people["area_chair"], role=VenueRole.Role.AREA_CHAIR)
    PoolMember.objects.create(venue=venue, user=people["area_chair"], email=AC_EMAIL, role=PoolMember.Role.AREA_CHAIR,
                              state=PoolMember.State.ACCEPTED)
    for key in ("reviewer", "reviewer2", "pending_coauthor"):
        VenueRole.objects.create(venue=venue, user=people[key], role=VenueRole.Role.REVIEWER)
        PoolMember.objects.create(venue=venue, user=people[key], email=people[key].email, state=PoolMember.State.ACCEPTED)
    # The unassigned reviewer joins through an invitation link, which then stays in the world
    # as a used link.
    with sending(world):
        reviewing_services.invite(venue=venue, actor=people["chair"], invitees=[Invitee(1, UNASSIGNED_NAME, UNASSIGNED_EMAIL, "reviewer")])
    member = PoolMember.objects.get(venue=venue, email=UNASSIGNED_EMAIL)
    invite_token = invitation_token(UNASSIGNED_EMAIL, [m for _, m in world.mails])  # in the e-mail only (the row keeps its hash)
    with sending(world):
        answer = world.client("unassigned_reviewer")[0].post(reverse("committee:invitation", args=[invite_token]), {"answer": "accept"})
    assert answer.status_code == 302, answer.status_code
    member.refresh_from_db()
    world.objects["invite_token"] = invite_token
    world.objects["pool_member"] = member.public_id

    original = pdf_with_metadata(COAUTHOR_NAME)
    world.sha256 = hashlib.sha256(original).hexdigest()
    paper = _submit(world, people["author"], TITLE, [
        (COAUTHOR_NAME, COAUTHOR_EMAIL, COAUTHOR_AFFILIATION),
        (CLAIMER_NAME, CLAIMER_EMAIL, COAUTHOR_AFFILIATION),
        (CHAIR_AUTHOR_NAME, CHAIR_AUTHOR_EMAIL, "Chairs University"),
    ], original, check_report())
    other = _submit(world, people["other_author"], OTHER_TITLE, [], make_pdf_bytes(2, "Another paper"), _clean_other_report())
    world.paper, world.other = paper, other
    world.objects.update(paper=paper.public_id, other_paper=other.public_id)

    # The chair who is a co-author confirms his authorship where the code asks for consent.
    sam = Authorship.objects.get(submission=paper, email=CHAIR_AUTHOR_EMAIL)
    if sam.user_id is None:
        with sending(world):
            world.client("chair_author")[0].post(reverse("submissions:invitation_answer", args=[sam.pk, "confirm"]))
        if not Authorship.objects.filter(pk=sam.pk, user=people["chair_author"]).exists():
            world.notes.append("the chair-author's confirmation did not link his authorship")

    # A co-author signs up and claims her authorship by the e-mailed link: the link is used.
    claim = Authorship.objects.get(submission=paper, email=CLAIMER_EMAIL)
    world.objects["claim_token"] = claim_token(CLAIMER_EMAIL, [m for _, m in world.mails])
    people["claimer"] = _user(CLAIMER_EMAIL, CLAIMER_NAME)
    claimer = Client()
    claimer.force_login(people["claimer"])
    with sending(world):
        claimer.post(reverse("submissions:claim", args=[world.objects["claim_token"]]))
    if not Authorship.objects.filter(pk=claim.pk, user=people["claimer"]).exists():
        world.notes.append("the co-author's claim by link did not link her authorship")

    # The author adds a reviewer's address to the author list, through the API (issue 8 #3):
    # she becomes a pending co-author until she confirms.
    client, headers = world.client("author")
    authors = [{"email": a.email, "name": a.name, "affiliation": a.affiliation} for a in paper.authorships.order_by("position")]
    authors.append({"email": PENDING_EMAIL, "name": PENDING_NAME, "affiliation": "Pipit College"})
    with sending(world):
        patched = client.patch(f"/api/submissions/{paper.public_id}", data=json.dumps({"authors": authors}),
                               content_type="application/json", **headers)
    assert patched.status_code == 200, patched.content
    world.objects["authorship"] = Authorship.objects.get(submission=paper, email=PENDING_EMAIL).pk

    # The conflicted chair's declared conflict; the author declares one too (a row to probe).
    Conflict.objects.create(submission=paper, user=people["conflicted_chair"], source=Conflict.Source.REVIEWER_DECLARED,
                            reason="declared by the chair: same lab")
    declaration = reviewing_services.author_declare(
        submission=paper, actor=people["author"], data=reviewing_services.DeclarationInput(name="Ivo Rivalfinch", note="former advisor"))
    world.objects["author_declaration"] = declaration.pk
    own = reviewing_services.reviewer_declare(venue=venue, actor=people["reviewer"],
                                              data=reviewing_services.DeclarationInput(institution="Rival Institute"))
    world.objects["declaration"] = own.pk
    world.objects["publication"] = reviewing_services.publication_add(user=people["reviewer"], actor=people["reviewer"],
                                                                      title="Circuits in toy models", year=2024).pk
    world.objects["alias"] = reviewing_services.alias_add(venue=venue, actor=people["chair"], name="Finch University",
                                                          domains="finch.edu").pk
    world.objects["run"] = AssignmentRun.objects.create(venue=venue, created_by=people["chair"], state="done", message="Proposal ready").public_id
    world.objects["upload"] = Upload.objects.get(submission=paper, kind=Upload.Kind.PAPER, version=1).public_id


def _phase_reviewing(world: SweepWorld) -> None:
    from paperdesk.committee.models import Assignment
    from paperdesk.reviews import reminders
    from tests.reviews.review_world import review_post_data

    venue, people, paper, other = world.venue, world.people, world.paper, world.other
    rows = {
        "pair": Assignment.objects.create(submission=paper, user=people["reviewer"], alias_number=1, published=True),
        "pair2": Assignment.objects.create(submission=paper, user=people["reviewer2"], alias_number=2, published=True),
        "ac_pair": Assignment.objects.create(submission=paper, user=people["area_chair"], kind="area_chair", alias_number=1, published=True),
    }
    Assignment.objects.create(submission=other, user=people["unassigned_reviewer"], alias_number=1, published=True)
    Assignment.objects.create(submission=other, user=people["pending_coauthor"], alias_number=2, published=True)
    world.objects.update({k: v.pk for k, v in rows.items()})

    def post(role, name, target, data):
        response = world.client(role)[0].post(reverse(name, args=[target.public_id]), data)
        assert response.status_code in (200, 302), (role, name, response.status_code)

    with sending(world):
        post("reviewer", "reviews:save", paper, review_post_data(venue, overall=4, confidence=3, text=REVIEW_TEXT,
                                                                 comments=CHAIRS_ONLY_TEXT, action="submit"))
        post("reviewer2", "reviews:save", paper, review_post_data(venue, overall=1, confidence=5, text=REVIEW2_TEXT,
                                                                  comments=CHAIRS_ONLY_TEXT2, action="submit"))
        post("unassigned_reviewer", "reviews:save", other, review_post_data(venue, overall=3, confidence=2, text="A fair paper.",
                                                                            comments="none", action="submit"))
        post("pending_coauthor", "reviews:save", other, review_post_data(venue, overall=4, confidence=2, text="A good paper.",
                                                                         comments="none", action="submit"))
        post("area_chair", "reviews:meta_review", paper, {"recommendation": "reject", "text": META_TEXT, "action": "submit"})
        post("reviewer", "reviews:discussion", paper, {"body": POST_TEXT})
        reminders.send_review_reminders(venue, venue.review_deadline - dt.timedelta(hours=12))
    from paperdesk.reviews.models import Review

    world.objects["review"] = Review.objects.get(assignment=rows["pair"]).public_id  # reviewer's review, rated by the AC/chairs


def _phase_decided(world: SweepWorld) -> None:
    chair = world.client("chair")[0]
    slug = world.venue.slug
    with sending(world):
        chair.post(reverse("decisions:bulk_set", args=[slug]), {"paper": [world.paper.public_id], "outcome": "reject"})
        chair.post(reverse("decisions:bulk_set", args=[slug]), {"paper": [world.other.public_id], "outcome": "accept-poster"})
    from paperdesk.decisions.models import Decision

    assert Decision.objects.filter(submission=world.paper, outcome="reject").exists()


def _phase_released(world: SweepWorld) -> None:
    from paperdesk.decisions import services as decision_services

    templates = decision_services.NoticeTemplates.venue_defaults(world.venue)
    templates = dataclasses.replace(templates, reject_body=templates.reject_body + f"\n{DECISION_LETTER}\n")
    with sending(world):
        decision_services.release_start(venue=world.venue, actor=world.people["chair"], templates=templates)


STEPS = {"submission": _phase_submission, "reviewing": _phase_reviewing, "decided": _phase_decided, "released": _phase_released}


def build(phase: str) -> SweepWorld:
    """The world as it stands in `phase` (every earlier phase's steps run first). Needs
    database access (the `db` fixture)."""
    from paperdesk.venueconfig import load_venue_file, rehearsal_copy
    from paperdesk.venues.services import venue_load
    from tests.conftest import VENUE_FILE

    mail.outbox = []
    spec = rehearsal_copy(load_venue_file(VENUE_FILE), dt.datetime.now(dt.UTC))
    venue, _ = venue_load(dataclasses.replace(spec, slug="mechinterp-2025", rehearsal=False))
    people = {
        "user": _user("olive.outsider@outside.edu", "Olive Outsider"),
        "author": _user(AUTHOR_EMAIL, AUTHOR_NAME),
        "pending_coauthor": _user(PENDING_EMAIL, PENDING_NAME),
        "reviewer": _user(REVIEWER_EMAIL, REVIEWER_NAME),
        "reviewer2": _user(REVIEWER2_EMAIL, REVIEWER2_NAME),
        "unassigned_reviewer": _user(UNASSIGNED_EMAIL, UNASSIGNED_NAME),
        "area_chair": _user(AC_EMAIL, AC_NAME),
        "chair": _user("pat.chair@neutral-chairs.net", "Pat Chair"),
        "chair_author": _user(CHAIR_AUTHOR_EMAIL, CHAIR_AUTHOR_NAME),
        "conflicted_chair": _user("cora.conflicted@other-chairs.org", "Cora Conflictchair"),
        "other_author": _user("grace.other@uni.edu", "Grace Otherauthor"),
    }
    world = SweepWorld(venue=venue, people=people, paper=None, other=None)
    world.objects.update(venue=venue.slug, account=people["user"].pk, nothing="nosuchthing", action="confirm")
    for name in PHASES[: PHASES.index(phase) + 1]:
        world.phase = name
        STEPS[name](world)
    for kind in ("pair", "pair2", "ac_pair"):  # before the reviewing phase: ids nothing has
        world.objects.setdefault(kind, 999999)
    world.objects.setdefault("review", "nosuchthing")
    from paperdesk.api.models import ApiToken

    world.objects["api_token"] = ApiToken.objects.filter(user=people["chair"]).values_list("pk", flat=True).first() or 0
    from paperdesk.mail.models import OutboundEmail

    # An e-mail about the canary paper (its receipt) in the chairs' outbox.
    world.objects["email"] = OutboundEmail.objects.filter(submission=world.paper).values_list("pk", flat=True).first() or 999999
    world.paper.refresh_from_db()
    return world
