"""Synthetic people and papers so a fresh installation has something to look at.

Everything goes through the real services (accounts are created like `ensurechair`
creates one; submissions through submission_create, upload_add, submission_submit and
submission_withdraw), so the demo also exercises the checker and the e-mails. Only the
timestamps are moved afterwards, so that charts of submissions over time look like a
real call for papers. Demo accounts use the reserved `.test` top-level domain."""

from __future__ import annotations

import datetime as dt
import io
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from paperdesk import clock
from paperdesk.venues.models import Venue, VenueRole
from paperdesk.venues.services import role_grant

from . import pdf as demo_pdf

DEMO_DOMAIN = "demo.test"
# Reviewers get a registrable domain of their own: conflict detection treats every
# *.demo.test address as one institution, which would conflict them with every author.
DEMO_REVIEWER_DOMAIN = "demo-pool.test"

# (full name, local part, institution, active?, github, huggingface)
PEOPLE = [
    ("Amara Okafor", "amara.okafor", "Northlake University", True, "amara-ok", ""),
    ("Bram de Vries", "bram.devries", "Lowlands Institute of Technology", True, "bramdv", "bramdv"),
    ("Chen Wei", "chen.wei", "Eastbay University", True, "", "chenwei-hf"),
    ("Daniela Ruiz", "daniela.ruiz", "Andes Research Lab", True, "druiz", ""),
    ("Emil Lindqvist", "emil.lindqvist", "Fjord University", True, "", ""),
    ("Fatima Haddad", "fatima.haddad", "Cedar Institute", True, "fhaddad", ""),
    ("Gustavo Pereira", "gustavo.pereira", "Atlantic University", True, "", ""),
    ("Hana Sato", "hana.sato", "Sakura Institute of Science", True, "hsato", "hanasato"),
    ("Ishaan Mehta", "ishaan.mehta", "Deccan Institute", True, "", ""),
    ("Julia Novak", "julia.novak", "Vltava University", True, "jnovak", ""),
    ("Kai Andersen", "kai.andersen", "", False, "", ""),
    ("Lena Fischer", "lena.fischer", "", False, "", ""),
    ("Mateo Rossi", "mateo.rossi", "", False, "", ""),
]
EXTERNAL_COAUTHOR = ("noor.rahman@lab." + DEMO_DOMAIN, "Noor Rahman", "Riverside Lab")

# (title, track, primary topic, secondary topics, contribution type, main pages, outcome)
# outcome: "submitted" | "draft" | "withdrawn" | "over-limit" (tried, the checker should stop it)
PAPERS = [
    ("Sparse Autoencoder Features Do Not Beat Linear Probes on Toxicity Detection", "long", "unsupervised-discovery", ["monitoring"], "negative-result", 8, "submitted"),
    ("Attribution Graphs for Multi-Step Arithmetic in a Small Language Model", "long", "circuits", ["model-biology"], "empirical", 9, "submitted"),
    ("A Faithfulness Test for Chain of Thought by Counterfactual Step Deletion", "short", "reasoning-cot", [], "empirical", 4, "submitted"),
    ("Replicating Induction Head Formation Across Random Seeds", "short", "developmental", ["case-studies"], "replication", 3, "submitted"),
    ("Probing for Belief Representations in Instruction-Tuned Models", "long", "model-biology", ["basic-science"], "empirical", 7, "submitted"),
    ("TinyLens: A Minimal Library for Activation Patching", "short", "circuits", ["automating"], "software", 4, "withdrawn"),
    ("Where Do Jailbreaks Act? Localising Refusal Suppression", "long", "debugging", ["safety-auditing"], "empirical", 9, "submitted"),
    ("The Linear Representation Hypothesis Needs a Definition of Feature", "short", "conceptual", [], "position", 4, "submitted"),
    ("Automated Neuron Descriptions Are Overconfident: A Calibration Study", "short", "automating", ["applications-benchmarking"], "empirical", 4, "draft"),
    ("Do Dictionary Features Transfer from Small to Large Models?", "long", "scaling", ["unsupervised-discovery"], "empirical", 8, "submitted"),
    ("An Interactive Tutorial on Causal Scrubbing", "short", "circuits", [], "educational", 2, "submitted"),
    ("Hidden Goal Detection with Cheap Activation Monitors", "short", "monitoring", ["safety-auditing"], "empirical", 5, "over-limit"),
]
REAL_VENUE_PAPERS = 8  # the real venue gets the first papers, all before its deadline


@dataclass
class DemoReport:
    skipped: bool = False
    password: str = ""
    users: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    venues: dict[str, dict[str, int]] = field(default_factory=dict)
    pools: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def demo_users_exist() -> int:
    accounts = get_user_model().objects
    return accounts.filter(email__iendswith="." + DEMO_DOMAIN).count() + accounts.filter(email__iendswith="." + DEMO_REVIEWER_DOMAIN).count()


def _create_people(password: str) -> list:
    rows = [(name, f"{local}@{'uni.' if active else 'mail.'}{DEMO_DOMAIN}", institution, active, github, huggingface)
            for name, local, institution, active, github, huggingface in PEOPLE]
    return _create_accounts(password, rows)


def _create_reviewers(password: str) -> list:
    from paperdesk.committee.demo import REVIEWERS

    return _create_accounts(password, [(name, f"{local}@{label}.{DEMO_REVIEWER_DOMAIN}", institution, True, "", "")
                                       for name, local, institution, label, _, _ in REVIEWERS])


@transaction.atomic
def _create_accounts(password: str, rows: list[tuple]) -> list:
    """(full name, e-mail, institution, active?, github, huggingface) -> verified accounts."""
    from allauth.account.models import EmailAddress

    from paperdesk.accounts.models import Affiliation
    from paperdesk.audit.services import record

    User = get_user_model()
    people = []
    for name, email, institution, active, github, huggingface in rows:
        host = email.rsplit("@", 1)[1]
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=name,
            github=github,
            huggingface=huggingface,
            moderation_status=User.Moderation.ACTIVE if active else User.Moderation.PENDING,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if institution:
            Affiliation.objects.create(user=user, institution=institution, email_domain=host, start_year=2021)
        record("account.create", user, email=email, reason="demo")
        people.append(user)
    return people


def _times(venue: Venue, count: int, now: dt.datetime) -> list[dt.datetime]:
    """Moments in the submission window, bunched toward its end as real submissions are."""
    start = venue.submission_open + dt.timedelta(days=1)
    end = min(venue.submission_deadline, now) - dt.timedelta(hours=2)
    span = end - start
    return [start + span * (1 - (1 - (i + 1) / (count + 1)) ** 2.5) for i in range(count)]


def _database_jobs() -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.compat import task_backends

    return isinstance(task_backends["default"], DatabaseBackend)


def run_pending_jobs() -> None:
    """Run queued background jobs now (checks, e-mails) when they go through the database;
    with an inline backend they have run already."""
    from django.core.management import call_command

    if _database_jobs():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "*", verbosity=0)


def _wait_for_checks(upload_ids: list[int], timeout: float = 120.0) -> None:
    """Until the checker has looked at every upload. Only database jobs can still be
    pending: another worker (a running `serve`) may be holding some of them."""
    from paperdesk.submissions.models import CheckRun

    if not _database_jobs():
        return
    deadline = time.monotonic() + timeout
    busy = (CheckRun.State.QUEUED, CheckRun.State.RUNNING)
    while True:
        run_pending_jobs()
        if not CheckRun.objects.filter(upload_id__in=upload_ids, state__in=busy).exists() or time.monotonic() > deadline:
            return
        time.sleep(0.5)


def _fill_venue(venue: Venue, people: list, papers: list[tuple], now: dt.datetime, log: Callable[[str], None]) -> dict[str, int]:
    from paperdesk.submissions.models import Submission, Upload
    from paperdesk.submissions.services import (
        AuthorInput,
        ServiceError,
        SubmissionInput,
        authorship_confirm,
        submission_create,
        submission_submit,
        submission_withdraw,
        upload_add,
    )

    active = [p for p in people if p.is_approved]
    moments = _times(venue, len(papers), now)
    made = []
    for index, (title, track, topic, secondary, kind, pages, outcome) in enumerate(papers):
        first, second = active[index % len(active)], active[(index + 3) % len(active)]
        authors = [
            AuthorInput(first.email, first.full_name, _affiliation(first), is_corresponding=True, is_co_first=index % 4 == 0),
            AuthorInput(second.email, second.full_name, _affiliation(second), is_co_first=index % 4 == 0),
        ]
        if index % 5 == 2:
            email, name, affiliation = EXTERNAL_COAUTHOR
            authors.append(AuthorInput(email, name, affiliation))
        when = moments[index]
        data = SubmissionInput(
            title=title,
            abstract=_abstract(title, topic),
            track=track,
            primary_topic=topic,
            secondary_topics=secondary,
            contribution_type=kind,
            authors=authors,
            attestations={a.key: True for a in venue.spec.submission.attestations},
            under_review_at="NeurIPS 2025 main conference" if index % 3 == 0 else "",
            attendance=[Submission.Attendance.YES, Submission.Attendance.UNSURE, Submission.Attendance.NO][index % 3],
            code_url=f"https://anonymous.4open.science/r/demo-{index + 1}" if index % 2 == 0 else "",
        )
        submission = submission_create(venue=venue, actor=first, data=data, now=when)
        # The demo's co-author with an account has confirmed the invitation (nobody becomes
        # an author without confirming); the external one is still invited.
        if second.pk != first.pk:
            invited = submission.authorships.get(email=second.email.lower())
            authorship_confirm(actor=second, authorship_id=invited.pk)
        # One paper leaks an author's GitHub username, so the anonymity check has something to show.
        extra = f"Code is available at https://github.com/{first.github}/probe-kit." if index == 1 and first.github else ""
        # And the position piece has no limitations section, which the checker warns about.
        pdf = demo_pdf.paper_pdf(title, main_pages=pages, seed=index, extra=extra, limitations=kind != "position")
        upload = upload_add(submission=submission, actor=first, stream=io.BytesIO(pdf), original_name=f"paper-{index + 1}.pdf", now=when)
        made.append((submission, upload, first, when, outcome))

    _wait_for_checks([upload.pk for _, upload, _, _, _ in made])
    counts = {"submitted": 0, "draft": 0, "withdrawn": 0}
    for submission, upload, actor, when, outcome in made:
        submitted_at = None
        if outcome != "draft":
            try:
                submission_submit(submission=submission, actor=actor, now=when + dt.timedelta(minutes=20))
                submitted_at = when + dt.timedelta(minutes=20)
            except ServiceError as refusal:
                log(f"  #{submission.number} stays a draft: {refusal.message}")
        if outcome == "withdrawn" and submitted_at:
            submission_withdraw(submission=submission, actor=actor, now=when + dt.timedelta(hours=1))
        # Demo only: put the timestamps where the story happened.
        Submission.objects.filter(pk=submission.pk).update(created_at=when, submitted_at=submitted_at)
        Upload.objects.filter(pk=upload.pk).update(uploaded_at=when)
        submission.refresh_from_db()
        counts[submission.status] = counts.get(submission.status, 0) + 1
    return counts


def _affiliation(user) -> str:
    first = user.affiliations.first()
    return first.institution if first else ""


def _abstract(title: str, topic: str) -> str:
    return (
        f"{title}. We state a specific, falsifiable hypothesis about {topic.replace('-', ' ')}, test it "
        "with causal interventions against well-implemented baselines, and report where the evidence "
        "does and does not support it. We document the limitations of our evidence in detail."
    )


def populate_demo(*, venue: Venue, rehearsal: Venue | None, log: Callable[[str], None] = lambda line: None, now=None) -> DemoReport:
    now = now or clock.now()
    if count := demo_users_exist():
        return DemoReport(skipped=True, notes=[f"{count} demo accounts already exist; nothing was added."])
    report = DemoReport(password=secrets.token_urlsafe(9))
    people = _create_people(report.password)
    report.users = [p.email for p in people if p.is_approved]
    report.pending = [p.email for p in people if not p.is_approved]
    for target in (venue, rehearsal):
        if target is None:
            continue
        for reviewer in people[5:9]:
            role_grant(target, reviewer, VenueRole.Role.REVIEWER)
        papers = PAPERS if target.is_rehearsal else PAPERS[:REAL_VENUE_PAPERS]
        log(f"{target.slug}: adding {len(papers)} submissions...")
        report.venues[target.slug] = _fill_venue(target, people, papers, now, log)
    if rehearsal is not None:  # the real venue's reviewing is over; the rehearsal's is ahead
        from paperdesk.committee.demo import populate_pool

        reviewers = _create_reviewers(report.password)
        report.users += [r.email for r in reviewers]
        log(f"{rehearsal.slug}: adding a reviewer pool of {len(reviewers)}...")
        report.pools[rehearsal.slug] = populate_pool(venue=rehearsal, people=reviewers, log=log)
    run_pending_jobs()  # receipts, invitations, the pool's e-mails
    return report
