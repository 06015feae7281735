"""Invitation tokens (issue 8): the links of reviewer invitations and of co-author
invitations carry a high-entropy token that is never stored; the database keeps its SHA-256
only and looks links up by it. A copy of the database therefore opens no invitation. The
token exists in the e-mail alone: no page shows it (nor its hash) once sent. Rows written
before (raw tokens) are hashed by a data migration, so links already sent keep working."""

from __future__ import annotations

import hashlib
import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.urls import reverse

from paperdesk.committee.invitations import Invitee
from paperdesk.committee.models import PoolMember
from paperdesk.submissions.models import Authorship

pytestmark = pytest.mark.django_db

INVITE_LINK = re.compile(r"/reviewing/invitations/([A-Za-z0-9_-]+)/")
CLAIM_LINK = re.compile(r"/claim/([A-Za-z0-9_-]+)/")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def token_in_mail(pattern, address: str) -> str:
    message = [m for m in mail.outbox if address in m.to][-1]
    return pattern.search(message.body).group(1)


def every_stored_value(model) -> str:
    return "\n".join(repr(row) for row in model.objects.values_list())


@pytest.fixture
def invite(venue, chair, run_jobs):
    from paperdesk.committee import services

    def _invite(email="iris@uni.edu", name="Iris Invitee") -> PoolMember:
        run_jobs(services.invite, venue=venue, actor=chair, invitees=[Invitee(1, name, email, "reviewer")])
        return PoolMember.objects.get(email=email)

    return _invite


def test_a_reviewer_invitation_stores_only_the_hash_of_its_token(invite, client):
    member = invite()
    token = token_in_mail(INVITE_LINK, "iris@uni.edu")
    assert len(token) >= 40  # 256 bits
    assert token not in every_stored_value(PoolMember)
    assert member.invite_token == sha256(token)
    page = client.get(reverse("committee:invitation", args=[token]))
    assert page.status_code == 200 and "Iris" in page.content.decode()
    # The stored value is not a link: a copy of the database opens nothing.
    assert client.get(reverse("committee:invitation", args=[member.invite_token])).status_code == 404


def test_accepting_by_the_mailed_link_works_and_uses_it_up(invite, make_user, login):
    invite()
    token = token_in_mail(INVITE_LINK, "iris@uni.edu")
    iris = make_user("iris@uni.edu", "Iris Invitee")
    client = login(iris)
    answer = client.post(reverse("committee:invitation", args=[token]), {"answer": "accept"})
    assert answer.status_code == 302
    assert PoolMember.objects.get(email="iris@uni.edu").state == PoolMember.State.ACCEPTED
    from django.test import Client

    assert Client().post(reverse("committee:invitation", args=[token]), {"answer": "decline"}).status_code == 404  # used up


def test_a_reminder_sends_a_fresh_link_whose_hash_is_stored(invite, venue, chair, run_jobs, client):
    from paperdesk.committee import services

    member = invite()
    first = token_in_mail(INVITE_LINK, "iris@uni.edu")
    run_jobs(services.invitation_reminders, venue=venue, actor=chair)
    second = token_in_mail(INVITE_LINK, "iris@uni.edu")
    assert second != first
    member.refresh_from_db()
    assert member.invite_token == sha256(second) and second not in every_stored_value(PoolMember)
    assert client.get(reverse("committee:invitation", args=[second])).status_code == 200


def test_the_chairs_pool_page_shows_neither_the_token_nor_its_hash(invite, venue, login, chair):
    member = invite()
    token = token_in_mail(INVITE_LINK, "iris@uni.edu")
    for name in ("committee:pool", "committee:hub"):
        body = login(chair).get(reverse(name, args=[venue.slug])).content.decode()
        assert "iris@uni.edu" in body or name == "committee:hub"
        assert token not in body and member.invite_token not in body


def test_a_coauthor_invitation_stores_only_the_hash_and_the_mailed_link_confirms(venue, author, make_user, login, django_capture_on_commit_callbacks):
    from paperdesk.submissions import services

    data = services.SubmissionInput(
        title="Hashed links", abstract="About links.", track="short", primary_topic="circuits", contribution_type="empirical",
        authors=[services.AuthorInput(author.email, author.full_name, "Uni"), services.AuthorInput("carl@lab.org", "Carl Coauthor", "Lab")],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submission_create(venue=venue, actor=author, data=data)
    token = token_in_mail(CLAIM_LINK, "carl@lab.org")
    row = Authorship.objects.get(submission=submission, email="carl@lab.org")
    assert row.claim_token == sha256(token) and token not in every_stored_value(Authorship)
    carl = make_user("carl@lab.org", "Carl Coauthor")
    client = login(carl)
    assert client.get(reverse("submissions:claim", args=[row.claim_token])).status_code == 404  # the stored value opens nothing
    assert client.get(reverse("submissions:claim", args=[token])).status_code == 200
    assert client.post(reverse("submissions:claim", args=[token]), {"action": "confirm"}).status_code == 302
    row.refresh_from_db()
    assert row.user == carl and row.claim_token == ""
    # The authors' page never shows the link.
    assert token not in login(author).get(reverse("submissions:detail", args=[submission.public_id])).content.decode()


def test_the_data_migration_hashes_existing_tokens_and_their_links_keep_working(venue, chair, author, client, make_user, login):
    """Rows written before this change hold the raw token the e-mail carried: the migration
    replaces it by its hash, and the link already sent still opens the invitation."""
    from paperdesk.committee import services as reviewing_services
    from paperdesk.submissions import services

    reviewing_services.invite(venue=venue, actor=chair, invitees=[Invitee(1, "Olga Old", "olga@uni.edu", "reviewer")])
    data = services.SubmissionInput(
        title="Old links", abstract="Old.", track="short", primary_topic="circuits", contribution_type="empirical",
        authors=[services.AuthorInput(author.email, author.full_name, "Uni"), services.AuthorInput("otto@lab.org", "Otto Old", "Lab")],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    submission = services.submission_create(venue=venue, actor=author, data=data)
    old_invite, old_claim = "o" * 43, "c" * 32  # as secrets.token_urlsafe wrote them before
    PoolMember.objects.filter(email="olga@uni.edu").update(invite_token=old_invite)
    Authorship.objects.filter(submission=submission, email="otto@lab.org").update(claim_token=old_claim)

    migration = importlib.import_module("paperdesk.committee.migrations.0005_hash_invitation_tokens")
    migration.hash_tokens(django_apps, None)
    migration.hash_tokens(django_apps, None)  # run twice (a re-run after a crash): hashes are not hashed again

    assert PoolMember.objects.get(email="olga@uni.edu").invite_token == sha256(old_invite)
    assert Authorship.objects.get(email="otto@lab.org").claim_token == sha256(old_claim)
    assert client.get(reverse("committee:invitation", args=[old_invite])).status_code == 200
    otto = login(make_user("otto@lab.org", "Otto Old"))
    assert otto.get(reverse("submissions:claim", args=[old_claim])).status_code == 200
    assert otto.post(reverse("submissions:claim", args=[old_claim]), {"action": "confirm"}).status_code == 302
    assert Authorship.objects.get(email="otto@lab.org").user.email == "otto@lab.org"
