"""The chairs' message to a paper's authors is sent as the chair wrote it: no automatic
"Dear authors" before the chair's own greeting, only the venue's signature after it."""

from __future__ import annotations

import email

import pytest
from django.urls import reverse

from tests.reviews.review_world import make_paper


@pytest.mark.django_db(transaction=True)
def test_the_chairs_text_opens_the_e_mail_as_written(client, venue, author, chair, smtp_inbox):
    paper = make_paper(venue, author, "Circuits of plurals")
    smtp_inbox.envelopes.clear()
    client.force_login(chair)
    text = "Dear Ada and co-authors,\n\nCould you send the missing appendix?\n\nBest, Chris"
    response = client.post(reverse("submissions:chair_contact", args=[venue.slug]) + f"?ids={paper.public_id}",
                           {"ids": paper.public_id, "subject": "Your appendix", "body": text, "action": "send"})
    assert response.status_code == 302
    messages = [email.message_from_bytes(e.content) for e in smtp_inbox.envelopes]
    assert len(messages) == 1
    body = messages[0].get_payload(decode=True).decode()
    assert "Dear authors" not in body
    assert body.lstrip().startswith("Dear Ada and co-authors,")  # the chair's greeting is the first line
    assert text in body.replace("\r\n", "\n")
    assert venue.name in body.split("Best, Chris", 1)[1]  # the venue's signature follows
