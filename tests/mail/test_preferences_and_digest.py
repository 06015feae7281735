"""E-mail preferences per kind of e-mail (page and API), the daily digest with a moved
clock, and co-author notices coalesced; every message through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import email

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk import clock
from paperdesk.mail import send_templated

pytestmark = pytest.mark.django_db


def subjects(inbox) -> list[str]:
    return [email.message_from_bytes(e.content)["Subject"] for e in inbox.envelopes]


def to_of(inbox) -> list[list[str]]:
    return [sorted(e.rcpt_tos) for e in inbox.envelopes]


@pytest.fixture
def at(monkeypatch):
    def move(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment
    return move


def discussion(venue, to):
    """A non-essential message (event "review_updates")."""
    return send_templated("review_reverted", {"venue": venue, "rows": [{"what": "review", "number": 1}]}, to)


def test_the_preferences_page_says_essential_mail_is_always_sent_and_saves_choices(author):
    client = Client()
    client.force_login(author)
    page = client.get(reverse("accounts:email_preferences"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Always sent immediately" in text and "decision notices" in text and "assignment notices" in text
    assert 'name="reminders"' in text and 'value="digest"' in text
    saved = client.post(reverse("accounts:email_preferences"), {"reminders": "digest", "discussion": "off",
                                                                "paper_updates": "immediate", "review_updates": "digest"})
    assert saved.status_code == 302
    again = client.get(reverse("accounts:email_preferences")).content.decode()
    assert 'name="reminders" value="digest" checked' in again and 'name="discussion" value="off" checked' in again
    bad = client.post(reverse("accounts:email_preferences"), {"reminders": "hourly"})
    assert bad.status_code == 400 and "Unknown choice" in bad.content.decode()
    assert Client().get(reverse("accounts:email_preferences")).status_code == 302  # login first


def test_the_api_reads_and_sets_preferences_and_refuses_essential_mail(author):
    client = Client()
    client.force_login(author)
    url = "/api/me/email-preferences"
    first = client.get(url).json()
    assert "Always sent immediately" in first["essential"]
    assert {p["event"]: p["mode"] for p in first["preferences"]}["reminders"] == "immediate"
    put = client.put(url, {"reminders": "off", "review_updates": "digest"}, content_type="application/json")
    assert put.status_code == 200
    modes = {p["event"]: p["mode"] for p in client.get(url).json()["preferences"]}
    assert modes["reminders"] == "off" and modes["review_updates"] == "digest" and modes["discussion"] == "immediate"
    for body in ({"essential": "off"}, {"reminders": "sometimes"}):
        refused = client.put(url, body, content_type="application/json")
        assert refused.status_code == 400 and refused.json()["detail"]
    assert Client().get(url).status_code == 401


def test_off_drops_digest_holds_and_essential_mail_ignores_preferences(smtp_inbox, venue, author, make_user, at):
    from paperdesk.accounts.digest import send_digests
    from paperdesk.accounts.email_preferences import set_preferences
    from paperdesk.mail.models import OutboundEmail

    other = make_user("bob@uni.edu", "Bob")
    set_preferences(user=author, actor=author, choices={"review_updates": "digest", "reminders": "off"})
    set_preferences(user=other, actor=other, choices={"review_updates": "digest"})
    at(dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC))
    assert discussion(venue, [author.email, "nobody@uni.edu"]) == 1  # the address with no account: immediately
    assert to_of(smtp_inbox) == [["nobody@uni.edu"]]
    send_templated("review_reminder", {"venue": venue, "missing": [], "overdue": False, "deadline_text": "x", "due_text": "soon",
                                        "dashboard_path": "/"}, [author.email])  # off: not sent, not held
    at(dt.datetime(2026, 5, 1, 15, 0, tzinfo=dt.UTC))
    discussion(venue, [author.email, other.email])
    # Essential mail (an account decision) goes out at once whatever the preferences.
    send_templated("account_approved", {"user": author}, [author.email])
    assert len(smtp_inbox.envelopes) == 2
    assert OutboundEmail.objects.filter(state="held").count() == 3
    # The digest job on the next morning: one e-mail per person with all their held messages.
    at(dt.datetime(2026, 5, 2, 7, 0, tzinfo=dt.UTC))
    assert send_digests() == 2
    digests = [e for e in smtp_inbox.envelopes[2:]]
    by_person = {tuple(e.rcpt_tos): email.message_from_bytes(e.content) for e in digests}
    assert set(by_person) == {(author.email,), (other.email,)}
    ada = by_person[(author.email,)]
    assert "2 messages" in ada["Subject"] and ada.get_payload().count("==== ") == 2
    assert OutboundEmail.objects.filter(state="held").count() == 0
    assert OutboundEmail.objects.filter(state="digested").count() == 3
    assert send_digests() == 0  # nothing twice


def test_the_digest_is_scheduled_daily_like_the_reminders(settings, at):
    from django.core.management import call_command
    from django_tasks import task_backends

    from paperdesk.accounts import digest
    from paperdesk.mail.models import DigestSchedule

    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a backend that defers
    moment = at(dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC))
    assert digest.next_digest_moment(dt.datetime(2026, 5, 1, 6, 0, tzinfo=dt.UTC)) == dt.datetime(2026, 5, 1, 7, 0, tzinfo=dt.UTC)
    call_command("send-digests", "--schedule-only")
    assert digest.schedule_next_digest(moment) == dt.datetime(2026, 5, 2, 7, 0, tzinfo=dt.UTC)
    backend = task_backends["default"]
    assert len(backend.results) == 1  # once, however often it is asked
    assert backend.results[0].task.run_after == dt.datetime(2026, 5, 2, 7, 0, tzinfo=dt.UTC)
    assert DigestSchedule.objects.get().next_at == dt.datetime(2026, 5, 2, 7, 0, tzinfo=dt.UTC)


def coauthored(venue, author, make_user, coauthor_email="grace@uni.edu"):
    from paperdesk.submissions import services
    from paperdesk.submissions.models import Authorship
    from tests.submissions.submission_helpers import submission_input

    submission = services.submission_create(venue=venue, actor=author, data=submission_input())
    grace = make_user(coauthor_email, "Grace Hopper")
    Authorship.objects.create(submission=submission, position=9, email=grace.email, name="Grace Hopper", user=grace)
    return submission, grace


def verdict(submission, n):
    from paperdesk.submissions.models import Upload

    upload = Upload.objects.filter(submission=submission).first()
    return send_templated("submission_version_verdict", {"submission": submission, "venue": submission.venue, "upload": upload,
                                                         "refused": False, "reasons": [], "in_force": upload, "url": f"/v{n}"},
                          [a.email for a in submission.authorships.all()], coalesce=f"paper-change:{submission.pk}")


def test_changes_to_a_paper_within_minutes_become_one_notice_per_coauthor(smtp_inbox, venue, author, make_user, pdf_bytes, at):
    import io

    from paperdesk.accounts.digest import deliver_due
    from paperdesk.submissions import services

    submission, grace = coauthored(venue, author, make_user)
    services.upload_add(submission=submission, actor=author, stream=io.BytesIO(pdf_bytes), original_name="paper.pdf")
    start = at(dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC))
    verdict(submission, 1)  # the first change: at once, one message to the co-authors
    assert len(smtp_inbox.envelopes) == 1
    for minute in (1, 2, 3):  # three more changes within the window: held, coalesced
        at(start + dt.timedelta(minutes=minute))
        verdict(submission, minute + 1)
    assert len(smtp_inbox.envelopes) == 1
    at(start + dt.timedelta(minutes=5))
    assert deliver_due() == 0  # the window is not over
    at(start + dt.timedelta(minutes=11))
    assert deliver_due() == 2  # one notice per co-author for the three changes
    later = smtp_inbox.envelopes[1:]
    assert sorted(e.rcpt_tos[0] for e in later) == sorted([author.email, grace.email])
    body = email.message_from_bytes(later[0].content).get_payload()
    assert "covers 3 changes" in body and "/v4" in body
    assert deliver_due() == 0
    # A co-author who chose the digest gets the change in it, not by itself.
    from paperdesk.accounts.email_preferences import set_preferences

    set_preferences(user=grace, actor=grace, choices={"paper_updates": "digest"})
    at(start + dt.timedelta(hours=2))
    verdict(submission, 9)
    assert [e.rcpt_tos for e in smtp_inbox.envelopes[3:]] == [[author.email]]
