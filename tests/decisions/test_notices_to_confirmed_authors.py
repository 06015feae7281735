"""Decision notices go to the confirmed authors only: a co-author who was listed but has
not confirmed (perhaps a reviewer whose address someone typed) learns nothing of the
outcome, and is counted in no wave; once they confirm, the next wave's notice is theirs."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from paperdesk.decisions.models import Release
from tests.reviews.review_world import make_paper

INVITED = ("Ivy Invited", "ivy@invited.edu", "Invited Lab")


def test_an_invited_co_author_gets_no_decision_notice(rworld, django_capture_on_commit_callbacks):
    paper = make_paper(rworld.venue, rworld.people["other_author"], "A paper with an invitee", coauthors=[INVITED], confirm=False)
    chair = rworld.client("chair")
    assert chair.post(reverse("decisions:bulk_set", args=[rworld.venue.slug]),
                      {"paper": [paper.public_id], "outcome": "reject"}).status_code in (200, 302)
    preview = chair.get(reverse("decisions:release", args=[rworld.venue.slug])).content.decode()
    assert "ivy@invited.edu" not in preview
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(reverse("decisions:release", args=[rworld.venue.slug]), {"action": "release", "confirmed": "yes", "hold_back_undecided": "yes"})
    recipients = [m.to[0] for m in mail.outbox]
    assert INVITED[1] not in recipients
    assert rworld.people["other_author"].email in recipients
    wave = Release.objects.latest("wave")
    assert wave.total == wave.sent == len(recipients)


def test_a_confirmed_co_author_is_notified(rworld, django_capture_on_commit_callbacks):
    paper = make_paper(rworld.venue, rworld.people["other_author"], "A paper with a co-author", coauthors=[INVITED])
    assert paper.authorships.filter(email=INVITED[1], user__isnull=False).exists()
    chair = rworld.client("chair")
    chair.post(reverse("decisions:bulk_set", args=[rworld.venue.slug]), {"paper": [paper.public_id], "outcome": "reject"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(reverse("decisions:release", args=[rworld.venue.slug]), {"action": "release", "confirmed": "yes", "hold_back_undecided": "yes"})
    assert INVITED[1] in [m.to[0] for m in mail.outbox]
