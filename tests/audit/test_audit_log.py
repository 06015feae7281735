"""The venue's audit log page: filters by actor, object, action and time; keyset pages of
bounded queries at any size; the streamed CSV of the filtered set; and the state changes
that were not recorded before (sign-in lockouts, e-mails sent, moderation in the venue)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.audit.services import record
from paperdesk.ops import audit_log as selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair_client(chair):
    client = Client()
    client.force_login(chair)
    return client


def _url(venue, **params):
    return reverse("audit:venue", args=[venue.slug]), params


def _many(venue, actor, count, action="pool.remind"):
    AuditEntry.objects.bulk_create(
        AuditEntry(venue=venue, actor=actor, action=action, object_type="venue", object_id=str(venue.pk), data={"n": i})
        for i in range(count)
    )


def _ids(response) -> list[int]:
    return [row.id for row in response.context["log"].rows]


def test_filters_by_actor_object_action_and_time(chair_client, venue, chair, author, make_user):
    from tests.jobs.jobs_helpers import draft

    paper, _ = draft(venue, author, title="Filtered paper")
    other = make_user("bob@uni.edu", "Bob Other")
    record("pool.invite", venue, actor=other, venue=venue, count=1)
    old = record("decision.set", paper, actor=chair, venue=venue, outcome="accept")
    AuditEntry.objects.filter(pk=old.pk).update(at=dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC))
    path = reverse("audit:venue", args=[venue.slug])

    by_actor = chair_client.get(path, {"actor": "bob@"})
    assert {r.action for r in by_actor.context["log"].rows} == {"pool.invite"}
    by_name = chair_client.get(path, {"actor": "Ada Love"})
    assert {r.action for r in by_name.context["log"].rows} == {"submission.create", "upload.add"}
    by_paper = chair_client.get(path, {"object": f"#{paper.number}"})
    assert {r.action for r in by_paper.context["log"].rows} == {"submission.create", "upload.add", "decision.set"}
    by_object = chair_client.get(path, {"object": f"submission:{paper.public_id}"})
    assert "decision.set" in {r.action for r in by_object.context["log"].rows}
    by_action = chair_client.get(path, {"action": "decision"})
    assert [r.action for r in by_action.context["log"].rows] == ["decision.set"]
    in_march = chair_client.get(path, {"since": "2025-03-01", "until": "2025-03-01"})
    assert [r.action for r in in_march.context["log"].rows] == ["decision.set"]
    after_march = chair_client.get(path, {"since": "2025-03-02"})
    assert "decision.set" not in {r.action for r in after_march.context["log"].rows}
    page = by_action.content.decode()
    assert 'value="decision"' in page  # the form keeps what was typed
    assert "accept" in page and f"paper #{paper.number}" in page


def test_a_bad_date_is_a_400_with_a_message_and_the_form_kept(chair_client, venue):
    response = chair_client.get(reverse("audit:venue", args=[venue.slug]), {"since": "yesterday", "actor": "pat"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "From: give a date as YYYY-MM-DD" in body and 'value="pat"' in body
    backwards = chair_client.get(reverse("audit:venue", args=[venue.slug]), {"since": "2025-05-02", "until": "2025-05-01"})
    assert backwards.status_code == 400 and "before its start" in backwards.content.decode()
    assert chair_client.get(reverse("audit:venue_csv", args=[venue.slug]), {"until": "x"}).status_code == 400


def test_keyset_pages_walk_the_whole_log_once(chair_client, venue, chair):
    _many(venue, chair, 120)
    path = reverse("audit:venue", args=[venue.slug])
    seen, params, pages = [], {"action": "pool."}, 0
    while True:
        response = chair_client.get(path, params)
        assert response.status_code == 200
        ids = _ids(response)
        assert len(ids) <= selectors.PAGE_SIZE
        seen += ids
        pages += 1
        older = response.context["log"].older
        if older is None:
            break
        params = {"action": "pool.", "before": older}
    assert pages == 3
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 120
    # "newer" from the last page leads back to the middle one.
    newer = response.context["log"].newer
    middle = chair_client.get(path, {"action": "pool.", "after": newer})
    assert _ids(middle) == seen[50:100]
    assert chair_client.get(path, {"before": "junk"}).status_code == 200


@pytest.mark.parametrize("count", [200, 3000])
def test_a_page_is_a_fixed_number_of_queries_at_any_size(chair_client, venue, chair, count, django_assert_max_num_queries):
    _many(venue, chair, count)
    older = chair_client.get(reverse("audit:venue", args=[venue.slug])).context["log"].older
    with django_assert_max_num_queries(12):
        response = chair_client.get(reverse("audit:venue", args=[venue.slug]), {"before": older, "actor": "chair"})
    assert len(_ids(response)) == selectors.PAGE_SIZE


def test_the_csv_streams_the_whole_filtered_set(chair_client, venue, chair, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 7)  # several chunks
    _many(venue, chair, 30)
    record("venue.update", venue, actor=chair, venue=venue, source="=cmd|' /C calc'!A0")
    response = chair_client.get(reverse("audit:venue_csv", args=[venue.slug]), {"action": "pool."})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == selectors.CSV_HEADER
    assert len(rows) == 31 and {r[5] for r in rows[1:]} == {"pool.remind"}
    assert [int(r[0]) for r in rows[1:]] == sorted((int(r[0]) for r in rows[1:]), reverse=True)
    everything = b"".join(chair_client.get(reverse("audit:venue_csv", args=[venue.slug])).streaming_content).decode()
    assert "venue.update" in everything and ",'=cmd" not in everything.replace('"', "")  # the data cell is JSON, quoted


def test_a_sign_in_lockout_is_audited_once_and_shown_to_the_chairs(chair_client, venue, author):
    attacker = Client()
    for _ in range(8):
        attacker.post("/accounts/login/", {"login": author.email, "password": "wrong"}, REMOTE_ADDR="203.0.113.66")
    entries = AuditEntry.objects.filter(action="security.login_lockout")
    assert entries.count() == 1
    assert entries[0].venue is None and entries[0].data["email"] == author.email and entries[0].data["ip"] == "203.0.113.66"
    page = chair_client.get(reverse("audit:venue", args=[venue.slug]), {"action": "security."}).content.decode()
    assert "security.login_lockout" in page and "203.0.113.66" in page


def test_moderation_decisions_and_their_emails_are_in_the_venue_log(client, venue, chair, make_user, django_capture_on_commit_callbacks):
    from paperdesk.accounts.models import User

    waiting = make_user("sam@gmail.com", "Sam Hobbyist")
    User.objects.filter(pk=waiting.pk).update(moderation_status="pending")
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/me/moderation/{waiting.pk}/approve/")
    approve = AuditEntry.objects.get(action="account.approve")
    assert approve.venue == venue and approve.actor == chair
    sent = AuditEntry.objects.get(action="email.sent")
    assert sent.venue == venue and sent.data["to"] == ["sam@gmail.com"] and sent.data["template"] == "account_approved"
    page = client.get(reverse("audit:venue", args=[venue.slug])).content.decode()
    assert "account.approve" in page and "email.sent" in page
