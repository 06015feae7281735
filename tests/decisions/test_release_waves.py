"""Releasing in waves: decisions set after a release (a late paper, a paper held back) go
out in a further wave that notifies only their authors; a released decision is final; the
notice per outcome kind starts from the venue file; each wave resumes on its own."""

from __future__ import annotations

import dataclasses

from django.core import mail
from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.decisions import services
from paperdesk.decisions.models import Decision, NoticeSent, Release
from paperdesk.venueconfig import DecisionEmail, Notifications
from paperdesk.venues.services import venue_load
from tests.reviews.review_world import make_paper

LATE_AUTHOR = ("Lou Late", "lou@late.edu", "Late University")


def decide(world, outcome, *papers):
    response = world.client("chair").post(reverse("decisions:bulk_set", args=[world.venue.slug]),
                                          {"paper": [p.public_id for p in papers], "outcome": outcome}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def release(world, **fields):
    return world.client("chair").post(reverse("decisions:release", args=[world.venue.slug]), {"action": "release", "confirmed": "yes", **fields})


def release_page(world, query: str = "") -> str:
    response = world.client("chair").get(reverse("decisions:release", args=[world.venue.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def late_paper(world):
    return make_paper(world.venue, world.people["other_author"], "A late paper", coauthors=[LATE_AUTHOR])


def recipients() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox)


def test_a_late_paper_goes_out_in_a_second_wave_to_its_authors_only(rworld, django_capture_on_commit_callbacks):
    decide(rworld, "accept-poster", rworld.paper)
    decide(rworld, "reject", rworld.other_paper)
    with django_capture_on_commit_callbacks(execute=True):
        assert release(rworld).status_code == 302
    assert len(mail.outbox) == 3
    late = late_paper(rworld)
    page = release_page(rworld)
    assert "Wave 1" in page and "3 of 3" in page and "Nothing new to release" in page
    assert f"1 submitted paper has no decision yet: #{late.number}" in page
    again = release(rworld)
    assert again.status_code == 409
    assert "The decisions were already released on" in again.content.decode() and "Nothing new to release" in again.content.decode()

    decide(rworld, "accept-oral", late)
    page = release_page(rworld)
    assert "Release 1 decision and send 2 e-mails" in page
    assert "Dear Grace Hopper" in page and "Dear Ada Lovelace" not in page  # the preview shows the new wave only
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = release(rworld)
    assert response.status_code == 302 and response["Location"].endswith("?wave=2")
    assert recipients() == ["grace@uni.edu", "lou@late.edu"]
    assert all("Accept (oral)" in m.subject and "A late paper" in m.subject for m in mail.outbox)
    second = Release.objects.get(wave=2)
    assert (second.state, second.decision_count, second.total, second.sent) == ("done", 1, 2, 2)
    assert Decision.objects.get(submission=late).release == second
    assert Decision.objects.get(submission=rworld.paper).release.wave == 1
    assert AuditEntry.objects.filter(action="decisions.release", data__wave=2, data__decisions=1, data__notices=2).count() == 1

    page = release_page(rworld)
    assert page.index("Wave 1") < page.index("Wave 2") and "3 of 3" in page and "2 of 2" in page
    assert page.count("Pat Chair") >= 2 and "Nothing new to release" in page
    progress = reverse("decisions:release_progress", args=[rworld.venue.slug])
    assert "wave 1" in rworld.client("chair").get(progress + "?wave=1").content.decode()
    assert "wave 2" in rworld.client("chair").get(progress).content.decode()  # the latest by default
    table = rworld.client("chair").get(reverse("decisions:table", args=[rworld.venue.slug])).content.decode()
    assert "Wave 2 of decisions released" in table and "2 of 2 notices sent" in table
    for bad in ("?wave=9", "?wave=x", "?wave=-1"):
        assert rworld.client("chair").get(progress + bad).status_code == 404
    mail.outbox.clear()
    third = release(rworld)
    assert third.status_code == 409 and "most recently in wave 2" in third.content.decode()
    assert mail.outbox == [] and Release.objects.count() == 2


def test_undecided_papers_can_be_held_back_for_a_later_wave(rworld, django_capture_on_commit_callbacks):
    decide(rworld, "accept-poster", rworld.paper)
    refused = release(rworld)
    assert refused.status_code == 400
    assert "has no decision yet (#2)" in refused.content.decode() and "hold the undecided ones back" in refused.content.decode()
    assert 'name="hold_back_undecided"' in release_page(rworld)
    with django_capture_on_commit_callbacks(execute=True):
        assert release(rworld, hold_back_undecided="yes").status_code == 302
    assert recipients() == sorted(["ada@uni.edu", "zebulon.canarywhistle@canary-institute.edu"])
    assert Decision.objects.get(submission=rworld.paper).released_at is not None
    held_back = AuditEntry.objects.get(action="decisions.release")
    assert held_back.data["held_back"] == [rworld.other_paper.number]
    # the held-back paper is decided later and goes out alone
    decide(rworld, "reject", rworld.other_paper)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert release(rworld).status_code == 302
    assert recipients() == ["grace@uni.edu"]
    assert list(Release.objects.values_list("wave", "total", "state")) == [(1, 2, "done"), (2, 1, "done")]


def test_a_released_decision_can_be_neither_changed_nor_cleared(rworld, django_capture_on_commit_callbacks):
    decide(rworld, "accept-poster", rworld.paper, rworld.other_paper)
    with django_capture_on_commit_callbacks(execute=True):
        release(rworld)
    for outcome in ("reject", ""):
        page = decide(rworld, outcome, rworld.paper)
        assert f"The decision on paper #{rworld.paper.number} has already been released to its authors." in page
    decision = Decision.objects.get(submission=rworld.paper)
    assert decision.outcome == "accept-poster" and decision.released_at is not None
    assert not AuditEntry.objects.filter(action="decision.set", data__outcome="reject").exists()
    assert "A released decision is final" in release_page(rworld)


def test_the_notice_per_outcome_kind_starts_from_the_venue_file(rworld, django_capture_on_commit_callbacks):
    accept = DecisionEmail("Welcome aboard: {{ title }}", "Dear {{ author_name }}, {{ outcome }}! {{ next_steps }} {{ results_url }}")
    reject = DecisionEmail("About {{ title }}", "Dear {{ author_name }}, sadly not this time. {{ results_url }}")
    venue_load(dataclasses.replace(rworld.venue.spec, notifications=Notifications(accept_email=accept, reject_email=reject)))
    decide(rworld, "accept-oral", rworld.paper)
    decide(rworld, "reject", rworld.other_paper)
    page = release_page(rworld)
    assert 'value="Welcome aboard: {{ title }}"' in page and 'value="About {{ title }}"' in page
    assert "Welcome aboard: The canary paper" in page and "About Another paper" in page  # the preview
    bad = release(rworld, accept_subject=accept.subject, accept_body=accept.body, reject_subject="{{ reviewer_name }}", reject_body=reject.body)
    assert bad.status_code == 400
    assert "Notice to the other papers: Unknown placeholder: {{ reviewer_name }}" in bad.content.decode()
    assert 'value="Welcome aboard: {{ title }}"' in bad.content.decode()  # what the chair typed is kept
    with django_capture_on_commit_callbacks(execute=True):
        response = release(rworld, accept_subject=accept.subject, accept_body=accept.body + "\nSee you there.",
                           reject_subject=reject.subject, reject_body=reject.body)
    assert response.status_code == 302
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient["ada@uni.edu"].subject == "Welcome aboard: The canary paper"
    assert "Dear Ada Lovelace, Accept (oral)! Congratulations!" in by_recipient["ada@uni.edu"].body
    assert "See you there." in by_recipient["ada@uni.edu"].body
    assert by_recipient["grace@uni.edu"].subject == "About Another paper"
    assert "sadly not this time" in by_recipient["grace@uni.edu"].body and "See you there" not in by_recipient["grace@uni.edu"].body
    stored = Release.objects.get()
    assert stored.template_for(True) == (accept.subject, accept.body + "\nSee you there.") and stored.template_for(False) == (reject.subject, reject.body)


def test_a_new_wave_waits_while_one_is_sending(rworld, django_capture_on_commit_callbacks):
    decide(rworld, "reject", rworld.paper, rworld.other_paper)
    with django_capture_on_commit_callbacks(execute=False):  # the job has not run yet
        release(rworld)
    decide(rworld, "accept-poster", late_paper(rworld))
    response = release(rworld)
    assert response.status_code == 409
    assert "Wave 1 is still sending (0 of 3 notices sent)" in response.content.decode()
    assert Release.objects.count() == 1 and mail.outbox == []


def test_each_wave_resumes_on_its_own(rworld, monkeypatch, django_capture_on_commit_callbacks):
    from paperdesk import mail as mail_module

    decide(rworld, "reject", rworld.paper, rworld.other_paper)
    real_send = mail_module.EmailMessage.send

    def refusing_grace(self, *args, **kwargs):
        if self.to[0] == "grace@uni.edu":
            raise ConnectionRefusedError("SMTP server refused")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail_module.EmailMessage, "send", refusing_grace)
    with django_capture_on_commit_callbacks(execute=True):
        release(rworld)
    assert Release.objects.get(wave=1).state == "failed"
    monkeypatch.setattr(mail_module.EmailMessage, "send", real_send)
    decide(rworld, "accept-poster", late_paper(rworld))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert release(rworld).status_code == 302  # a stopped wave does not hold the next one back
    assert recipients() == ["grace@uni.edu", "lou@late.edu"]  # the late paper's authors
    page = release_page(rworld)
    assert page.count("Failed") >= 1 and 'name="wave" value="2"' not in page  # the latest wave is done: nothing to resume there
    resume = reverse("decisions:release_resume", args=[rworld.venue.slug])
    done = rworld.client("chair").post(resume, {"wave": "2"})
    assert done.status_code == 409 and "The release is complete: all 2 notices of wave 2 were sent" in done.content.decode()
    for bad in ("7", "x"):
        assert rworld.client("chair").post(resume, {"wave": bad}).status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = rworld.client("chair").post(resume, {"wave": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?wave=1")
    assert recipients() == ["grace@uni.edu"]  # only the failed notice of wave 1, nothing twice
    assert list(Release.objects.values_list("wave", "state", "sent", "total")) == [(1, "done", 3, 3), (2, "done", 2, 2)]
    assert NoticeSent.objects.filter(release__wave=1, state="sent").count() == 3


def test_only_chairs_see_and_start_waves(rworld):
    decide(rworld, "reject", rworld.paper, rworld.other_paper)
    for role in ("area_chair", "reviewer", "author", "anonymous"):
        client = rworld.client(role)
        assert client.get(reverse("decisions:release", args=[rworld.venue.slug])).status_code in (302, 404), role
        response = client.post(reverse("decisions:release", args=[rworld.venue.slug]),
                               {"subject": services.DEFAULT_SUBJECT, "body": services.DEFAULT_BODY, "action": "release", "confirmed": "yes"})
        assert response.status_code in (302, 404), role
    assert not Release.objects.exists()
