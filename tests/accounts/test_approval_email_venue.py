"""The approval e-mail points to the venue the person signed up for (the venue page they
came from), not to the default venue when that one is closed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email

import pytest
from django.contrib.auth import get_user_model

from paperdesk import clock
from paperdesk.accounts import services
from paperdesk.venues.models import Venue
from paperdesk.venues.services import venue_load

PASSWORD = "correct horse battery staple"


@pytest.mark.django_db(transaction=True)
def test_approval_e_mail_names_the_venue_signed_up_for(client, venue, venue_spec, chair, smtp_inbox):
    other, _ = venue_load(dataclasses.replace(venue_spec, slug="open-2026", name="Open Interpretability Workshop 2026",
                                            short_name="OIW 2026", rehearsal=False))
    Venue.objects.filter(pk=venue.pk).update(submission_deadline=clock.now() - dt.timedelta(days=30))  # the default venue is closed
    answer = client.post(f"/accounts/signup/?next=/v/{other.slug}/submit/",
                         {"full_name": "Sam Gmail", "email": "sam.gmail@gmail.com", "password1": PASSWORD, "password2": PASSWORD,
                          "next": f"/v/{other.slug}/submit/"})
    assert answer.status_code == 302
    sam = get_user_model().objects.get(email="sam.gmail@gmail.com")
    assert sam.moderation_status == "pending"
    smtp_inbox.envelopes.clear()
    services.account_approve(account=sam, actor=chair)
    messages = [email.message_from_bytes(e.content) for e in smtp_inbox.envelopes]
    assert len(messages) == 1
    body = messages[0].get_payload(decode=True).decode()
    subject = messages[0]["Subject"]
    assert f"/v/{other.slug}/submit/" in body and "Open Interpretability Workshop 2026" in body
    assert f"/v/{venue.slug}/" not in body and venue.name not in body
    assert "[OIW 2026]" in subject


@pytest.mark.django_db(transaction=True)
def test_without_a_venue_the_e_mail_names_an_open_one_rather_than_the_closed_default(client, venue, venue_spec, chair, smtp_inbox):
    other, _ = venue_load(dataclasses.replace(venue_spec, slug="open-2026", name="Open Interpretability Workshop 2026",
                                            short_name="OIW 2026", rehearsal=False))
    Venue.objects.filter(pk=venue.pk).update(submission_deadline=clock.now() - dt.timedelta(days=30))
    client.post("/accounts/signup/", {"full_name": "Kim Gmail", "email": "kim.gmail@gmail.com", "password1": PASSWORD, "password2": PASSWORD})
    kim = get_user_model().objects.get(email="kim.gmail@gmail.com")
    smtp_inbox.envelopes.clear()
    services.account_approve(account=kim, actor=chair)
    body = email.message_from_bytes(smtp_inbox.envelopes[-1].content).get_payload(decode=True).decode()
    assert f"/v/{other.slug}/submit/" in body and f"/v/{venue.slug}/submit/" not in body
