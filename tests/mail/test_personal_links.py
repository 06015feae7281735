"""Personal links (a reviewer invitation, a co-author invitation) exist in the e-mail alone.

The invitation tokens are never stored (paperdesk/tokens.py), and neither is the message
that carries them: the outbox keeps the message with the link withheld, so neither a copy
of the database nor a chair reading the outbox (page or API) can open someone else's
invitation. Such a message is not resent from the outbox (it would carry no link): the
invitation is sent again from its own page, with a new link.

A job taken over after a crash writes the same link again (derived from the job and the
row), so a message the first run already sent keeps working, and is not sent twice."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from paperdesk import requestcontext
from paperdesk.committee.invitations import Invitee
from paperdesk.committee.models import PoolMember
from paperdesk.mail.models import OutboundEmail
from paperdesk.submissions.models import Authorship

pytestmark = pytest.mark.django_db

INVITE_LINK = re.compile(r"/reviewing/invitations/([A-Za-z0-9_-]+)/")
CLAIM_LINK = re.compile(r"/claim/([A-Za-z0-9_-]+)/")


def token_in_mail(pattern, address: str) -> str:
    message = [m for m in mail.outbox if address in m.to][-1]
    return pattern.search(message.body).group(1)


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def coauthor_paper(venue, author):
    from paperdesk.submissions import services

    data = services.SubmissionInput(
        title="Personal links", abstract="About links.", track="short", primary_topic="circuits", contribution_type="empirical",
        authors=[services.AuthorInput(author.email, author.full_name, "Uni"), services.AuthorInput("carl@lab.org", "Carl Coauthor", "Lab")],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    return services.submission_create(venue=venue, actor=author, data=data)


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what services enqueue after commit (the test database never commits)."""
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


@pytest.fixture
def invited(venue, chair, run_jobs):
    from paperdesk.committee import services

    run_jobs(services.invite, venue=venue, actor=chair, invitees=[Invitee(1, "Iris Invitee", "iris@uni.edu", "reviewer")])
    return PoolMember.objects.get(email="iris@uni.edu")


def test_the_outbox_keeps_a_reviewer_invitation_without_its_link(invited, venue, chair):
    token = token_in_mail(INVITE_LINK, "iris@uni.edu")
    row = OutboundEmail.objects.get(template="reviewing_invitation", recipients="iris@uni.edu")
    assert row.state == "sent" and row.withheld_links
    assert token not in row.body and "/reviewing/invitations/" not in row.body
    assert "personal link" in row.body  # says what is missing, for the chair reading it
    client = signed_in(chair)
    page = client.get(reverse("ops:outbox_message", args=[venue.slug, row.pk])).content.decode()
    assert token not in page and "personal link" in page
    from paperdesk.api.models import ApiToken

    api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(chair, 'outbox test')[1]}")
    answer = api.get(f"/api/venues/{venue.slug}/outbox/{row.pk}")
    assert answer.status_code == 200 and "personal link" in answer.json()["body"] and token not in answer.content.decode()
    resent = api.post(f"/api/venues/{venue.slug}/outbox/{row.pk}/resend")
    assert resent.status_code == 409 and "invitation" in resent.json()["detail"]
    # The link in the e-mail still opens the invitation.
    assert Client().get(reverse("committee:invitation", args=[token])).status_code == 200


def test_the_outbox_keeps_a_coauthor_invitation_without_its_link(venue, author, chair, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = coauthor_paper(venue, author)
    token = token_in_mail(CLAIM_LINK, "carl@lab.org")
    row = OutboundEmail.objects.get(template="author_invitation")
    assert row.withheld_links and token not in row.body and "/claim/" not in row.body
    everything = "\n".join(repr(r) for r in OutboundEmail.objects.values_list())
    assert token not in everything
    page = signed_in(chair).get(reverse("ops:outbox_message", args=[venue.slug, row.pk])).content.decode()
    assert token not in page
    carl = make_user("carl@lab.org", "Carl Coauthor")
    assert signed_in(carl).get(reverse("submissions:claim", args=[token])).status_code == 200
    assert Authorship.objects.get(submission=submission, email="carl@lab.org").user is None


def test_a_message_with_a_withheld_link_is_not_resent_from_the_outbox(invited, venue, chair):
    from paperdesk import policy
    from paperdesk.ops import outbox

    row = OutboundEmail.objects.get(template="reviewing_invitation")
    decision = policy.can_resend_email(chair, row)
    assert not decision.allowed and "invitation" in decision.reason
    before = len(mail.outbox)
    response = signed_in(chair).post(reverse("ops:outbox_resend", args=[venue.slug, row.pk]))
    assert response.status_code in (302, 409)
    assert len(mail.outbox) == before and not OutboundEmail.objects.filter(resend_of=row).exists()
    with pytest.raises(outbox.ServiceError) as refused:
        outbox.resend(venue=venue, actor=chair, email_id=row.pk)
    assert refused.value.status == 409
    page = signed_in(chair).get(reverse("ops:outbox_message", args=[venue.slug, row.pk])).content.decode()
    assert 'id="resend-form"' not in page and "new link" in page
    coauthor_row = OutboundEmail.objects.create(recipients="carl@lab.org", template="author_invitation", event="essential", subject="s",
                                                body="b", created_at=row.created_at, venue=venue, state="sent", withheld_links=True)
    assert "sign in" in policy.can_resend_email(chair, coauthor_row).reason


def test_a_job_run_again_after_a_takeover_keeps_the_link_it_already_sent(venue, chair, author, make_user):
    """The second run of the same job (same job id) finds the message sent and skips it; the
    link the first run e-mailed must still open the invitation (it used to be replaced by a
    link minted for a message that was then not sent)."""
    from paperdesk.committee import services
    from paperdesk.committee.tasks import send_invitations_job
    from paperdesk.submissions.notifications import send_invitations_job as send_author_invitations_job

    services.invite(venue=venue, actor=chair, invitees=[Invitee(1, "Iris Invitee", "iris@uni.edu", "reviewer")])
    member = PoolMember.objects.get(email="iris@uni.edu")
    submission = coauthor_paper(venue, author)
    coauthor = Authorship.objects.get(submission=submission, email="carl@lab.org")
    mail.outbox.clear()
    OutboundEmail.objects.all().delete()

    def run_twice(call):
        for _ in range(2):  # the first run, then the takeover's run of the same job
            job = requestcontext.job_id.set("job-taken-over")
            counts = requestcontext.job_mail_counts.set({})
            try:
                call()
            finally:
                requestcontext.job_mail_counts.reset(counts)
                requestcontext.job_id.reset(job)

    run_twice(lambda: send_invitations_job.func([member.pk]))
    run_twice(lambda: send_author_invitations_job.func(submission.pk, [coauthor.pk]))
    assert sorted(m.to[0] for m in mail.outbox) == ["carl@lab.org", "iris@uni.edu"]  # each once
    assert Client().get(reverse("committee:invitation", args=[token_in_mail(INVITE_LINK, "iris@uni.edu")])).status_code == 200
    carl = make_user("carl@lab.org", "Carl Coauthor")
    assert signed_in(carl).get(reverse("submissions:claim", args=[token_in_mail(CLAIM_LINK, "carl@lab.org")])).status_code == 200


def test_links_outside_a_job_and_in_different_jobs_differ(venue, chair):
    from paperdesk import tokens

    assert tokens.mint("invitation", 1)[0] != tokens.mint("invitation", 1)[0]  # no job: random
    seen = set()
    for job_name in ("job-a", "job-b"):
        job = requestcontext.job_id.set(job_name)
        try:
            first, again, other_row = tokens.mint("invitation", 1), tokens.mint("invitation", 1), tokens.mint("invitation", 2)
        finally:
            requestcontext.job_id.reset(job)
        assert first == again and first != other_row and len(first[0]) >= 43
        seen.add(first)
    assert len(seen) == 2


def test_the_data_migration_withholds_the_links_of_messages_already_in_the_outbox(invited, venue):
    import importlib

    from django.apps import apps as django_apps

    token = token_in_mail(INVITE_LINK, "iris@uni.edu")
    row = OutboundEmail.objects.get(template="reviewing_invitation")
    # As a message was stored before this change: with its link.
    OutboundEmail.objects.filter(pk=row.pk).update(body=f"Dear Iris,\n\nhttp://testserver/reviewing/invitations/{token}/\n", withheld_links=False)
    other = OutboundEmail.objects.create(recipients="x@uni.edu", template="decision_notice", event="decision", subject="s",
                                         body="See http://testserver/v/x/decisions/", created_at=row.created_at)
    migration = importlib.import_module("paperdesk.mail.migrations.0002_withheld_links")
    migration.withhold_links(django_apps, None)
    migration.withhold_links(django_apps, None)  # a re-run changes nothing more
    row.refresh_from_db()
    assert token not in row.body and row.withheld_links and "personal link" in row.body
    other.refresh_from_db()
    assert other.body == "See http://testserver/v/x/decisions/" and not other.withheld_links
