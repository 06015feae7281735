"""The chairs' decision table, bulk decisions, release (preview, once, resumable after a
crash without sending twice), the authors' page and the camera-ready upload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.decisions import services
from paperdesk.decisions.models import Decision, NoticeSent, Release
from paperdesk.reviews.models import Review
from paperdesk.submissions.models import CheckRun, Upload
from tests.conftest import make_pdf_bytes
from tests.reviews.review_world import (
    CANARY_AUTHOR,
    CANARY_REVIEWER,
    CHAIRS_ONLY_TEXT,
    META_TEXT,
    REVIEW_TEXT,
    review_post_data,
)


def review(world, role, paper=None, **kw):
    paper = paper or world.paper
    response = world.client(role).post(reverse("reviews:save", args=[paper.public_id]), review_post_data(world.venue, action="submit", **kw))
    assert response.status_code == 302, response.content.decode()[:300]


def decide(world, outcome, *papers):
    response = world.client("chair").post(reverse("decisions:bulk_set", args=[world.venue.slug]),
                                          {"paper": [p.public_id for p in papers], "outcome": outcome})
    assert response.status_code == 302
    return response


def release(world, **extra):
    data = {"subject": services.DEFAULT_SUBJECT, "body": services.DEFAULT_BODY, "action": "release", "confirmed": "yes", **extra}
    return world.client("chair").post(reverse("decisions:release", args=[world.venue.slug]), data)


@pytest.fixture
def reviewed(rworld):
    review(rworld, "reviewer", overall=5, confidence=4)
    review(rworld, "reviewer2", overall=2, confidence=2, text="Second opinion", comments="nothing")
    rworld.client("area_chair").post(reverse("reviews:meta_review", args=[rworld.paper.public_id]),
                                     {"recommendation": "accept-poster", "text": META_TEXT, "action": "submit"})
    return rworld


def test_table_shows_statistics_recommendation_and_checker_findings(reviewed):
    response = reviewed.client("chair").get(reverse("decisions:table", args=[reviewed.venue.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The canary paper" in html and "Another paper" in html
    assert "<strong>3.5</strong>" in html and "2–5" in html and ">3.0<" in html  # mean, min–max, mean confidence
    assert "split" in html  # spread 3
    assert "Accept (poster)" in html
    assert "1 leak" in html and "1 format" in html
    assert "2/2" in html  # submitted of assigned (the conflicted reviewer's assignment does not count)


def test_table_sorts_and_filters(reviewed):
    review(reviewed, "unassigned_reviewer", paper=reviewed.other_paper, overall=1)
    url = reverse("decisions:table", args=[reviewed.venue.slug])
    client = reviewed.client("chair")
    html = client.get(url + "?sort=-mean").content.decode()
    assert html.index("Another paper") < html.index("The canary paper")
    html = client.get(url + "?sort=mean").content.decode()
    assert html.index("The canary paper") < html.index("Another paper")
    html = client.get(url + "?agreement=split").content.decode()
    assert "The canary paper" in html and "Another paper" not in html
    html = client.get(url + "?recommendation=accept-poster").content.decode()
    assert "Another paper" not in html
    html = client.get(url + "?q=another").content.decode()
    assert "The canary paper" not in html and "Another paper" in html


def test_bulk_set_decides_and_clears(reviewed):
    decide(reviewed, "accept-oral", reviewed.paper, reviewed.other_paper)
    assert sorted(Decision.objects.values_list("outcome", flat=True)) == ["accept-oral", "accept-oral"]
    decide(reviewed, "", reviewed.other_paper)
    assert Decision.objects.count() == 1
    html = reviewed.client("chair").get(reverse("decisions:table", args=[reviewed.venue.slug]) + "?decision=none").content.decode()
    assert "Another paper" in html and "The canary paper" not in html


def test_bulk_set_refuses_unknown_outcomes_and_non_chairs(reviewed):
    url = reverse("decisions:bulk_set", args=[reviewed.venue.slug])
    response = reviewed.client("chair").post(url, {"paper": [reviewed.paper.public_id], "outcome": "maybe"})
    assert response.status_code == 400
    assert "Unknown outcome" in response.content.decode()
    for role in ("area_chair", "reviewer", "author"):
        assert reviewed.client(role).post(url, {"paper": [reviewed.paper.public_id], "outcome": "reject"}).status_code == 404
    assert not Decision.objects.exists()


def test_a_chair_who_is_an_author_sees_their_paper_as_an_author_does(reviewed, make_user):
    from paperdesk.submissions.models import Authorship
    from paperdesk.venues.models import VenueRole

    chair_author = make_user("sam@chairs.org", "Sam Chair-Author")
    VenueRole.objects.create(venue=reviewed.venue, user=chair_author, role=VenueRole.Role.CHAIR)
    Authorship.objects.create(submission=reviewed.paper, position=9, email=chair_author.email, name=chair_author.full_name, user=chair_author)
    client = reviewed.client("chair")
    client.force_login(chair_author)
    html = client.get(reverse("decisions:table", args=[reviewed.venue.slug])).content.decode()
    assert "You have a conflict with this paper" in html
    assert "<strong>3.5</strong>" not in html and "2–5" not in html and "agreement-split" not in html
    response = client.post(reverse("decisions:bulk_set", args=[reviewed.venue.slug]), {"paper": [reviewed.paper.public_id], "outcome": "accept-oral"}, follow=True)
    assert "another chair must decide it" in response.content.decode()
    assert not Decision.objects.exists()
    assert client.get(reverse("reviews:paper", args=[reviewed.paper.public_id])).status_code == 404
    exported = b"".join(client.get(reverse("decisions:export_json", args=[reviewed.venue.slug])).streaming_content).decode()
    assert REVIEW_TEXT not in exported and CANARY_REVIEWER not in exported


def test_release_needs_every_paper_decided(reviewed):
    decide(reviewed, "accept-poster", reviewed.paper)
    page = reviewed.client("chair").get(reverse("decisions:release", args=[reviewed.venue.slug])).content.decode()
    assert "1 submitted paper has no decision yet" in page
    response = release(reviewed)
    assert response.status_code == 400
    assert "has no decision yet (#2)" in response.content.decode()
    assert not Release.objects.exists()


def test_release_preview_renders_each_outcome_with_placeholders(reviewed):
    decide(reviewed, "accept-poster", reviewed.paper)
    decide(reviewed, "reject", reviewed.other_paper)
    page = reviewed.client("chair").post(reverse("decisions:release", args=[reviewed.venue.slug]),
                                          {"subject": "{{ outcome }}: {{ title }}", "body": "Dear {{ author_name }}, {{ next_steps }}", "action": "preview"})
    html = page.content.decode()
    assert "Accept (poster): The canary paper" in html and "Reject: Another paper" in html
    assert "Dear Ada Lovelace, Congratulations!" in html
    assert not Release.objects.exists()
    bad = reviewed.client("chair").post(reverse("decisions:release", args=[reviewed.venue.slug]),
                                         {"subject": "{{ reviewer_name }}", "body": "x", "action": "release", "confirmed": "yes"})
    assert bad.status_code == 400
    assert "Unknown placeholder" in bad.content.decode()


def test_release_sends_every_author_once_and_opens_reviews(reviewed, django_capture_on_commit_callbacks):
    decide(reviewed, "accept-poster", reviewed.paper)
    decide(reviewed, "reject", reviewed.other_paper)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = release(reviewed)
    assert response.status_code == 302
    rel = Release.objects.get()
    assert rel.state == "done" and rel.total == rel.sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["ada@uni.edu", "zebulon.canarywhistle@canary-institute.edu", "grace@uni.edu"])
    to_canary = next(m for m in mail.outbox if m.to[0].startswith("zebulon"))
    assert "Accept (poster)" in to_canary.subject and "Dear Zebulon Canarywhistle" in to_canary.body
    assert reverse("decisions:author", args=[reviewed.paper.public_id]) in to_canary.body
    for message in mail.outbox:
        assert CANARY_REVIEWER not in message.body and "Rita Second" not in message.body
        assert message.reply_to == [reviewed.venue.contact_email]
    author_page = reviewed.client("author").get(reverse("decisions:author", args=[reviewed.paper.public_id])).content.decode()
    assert "Accept (poster)" in author_page and REVIEW_TEXT in author_page and META_TEXT in author_page
    assert "Reviewer 1" in author_page and "Reviewer 2" in author_page
    assert CANARY_REVIEWER not in author_page and "Rita Second" not in author_page and "Octavia" not in author_page
    assert CHAIRS_ONLY_TEXT not in author_page
    # twice: refused clearly
    mail.outbox.clear()
    again = release(reviewed)
    assert again.status_code == 409
    assert "The decisions were already released on" in again.content.decode()
    with pytest.raises(services.ServiceError) as refused:
        services.release_start(venue=reviewed.venue, actor=reviewed.people["chair"], subject="s", body="b")
    assert refused.value.status == 409 and "already released" in refused.value.message
    resumed = reviewed.client("chair").post(reverse("decisions:release_resume", args=[reviewed.venue.slug]))
    assert resumed.status_code == 409 and "The release is complete" in resumed.content.decode()
    assert mail.outbox == []
    # decisions are final after release
    response = reviewed.client("chair").post(reverse("decisions:bulk_set", args=[reviewed.venue.slug]), {"paper": [reviewed.paper.public_id], "outcome": "reject"}, follow=True)
    assert "already been released" in response.content.decode()
    assert Decision.objects.get(submission=reviewed.paper).outcome == "accept-poster"


def test_release_twice_through_the_form_answers_409(reviewed, django_capture_on_commit_callbacks):
    decide(reviewed, "reject", reviewed.paper, reviewed.other_paper)
    with django_capture_on_commit_callbacks(execute=True):
        release(reviewed)
    Release.objects.update(state="done")
    client = reviewed.client("chair")
    response = client.post(reverse("decisions:release", args=[reviewed.venue.slug]),
                           {"subject": services.DEFAULT_SUBJECT, "body": services.DEFAULT_BODY, "action": "release", "confirmed": "yes"})
    assert response.status_code == 409
    assert "already released" in response.content.decode()


class Crash(BaseException):
    """Stands for the worker being killed mid-job (not an Exception: nothing catches it)."""


def test_release_resumes_after_a_crash_without_sending_twice(reviewed, monkeypatch, django_capture_on_commit_callbacks):
    from paperdesk import mail as mail_module

    decide(reviewed, "accept-poster", reviewed.paper)
    decide(reviewed, "reject", reviewed.other_paper)
    real_send = mail_module.EmailMessage.send
    sent = {"n": 0}

    def crashing_send(self, *args, **kwargs):
        sent["n"] += 1
        if sent["n"] == 2:
            raise Crash()
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail_module.EmailMessage, "send", crashing_send)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the job dies (the task backend records it as failed)
        services.release_start(venue=reviewed.venue, actor=reviewed.people["chair"], subject=services.DEFAULT_SUBJECT, body=services.DEFAULT_BODY)
    assert len(mail.outbox) == 1
    rel = Release.objects.get()
    assert rel.state == "running" and rel.sent == 1
    assert NoticeSent.objects.filter(state="sending").count() == 1  # cut off while sending
    # the worker restarts the job: it sends what was never started, nothing twice
    monkeypatch.setattr(mail_module.EmailMessage, "send", real_send)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_resume(venue=reviewed.venue, actor=reviewed.people["chair"])
    assert len(mail.outbox) == 2
    assert len({m.to[0] for m in mail.outbox}) == 2
    rel.refresh_from_db()
    assert rel.state == "failed" and rel.sent == 2 and rel.runs == 2
    progress = reviewed.client("chair").get(reverse("decisions:release_progress", args=[reviewed.venue.slug])).content.decode()
    assert "Not confirmed" in progress and "Send these 1 again" in progress
    # the chair decides to resend the one unconfirmed notice
    with django_capture_on_commit_callbacks(execute=True):
        services.release_resume(venue=reviewed.venue, actor=reviewed.people["chair"], resend_unconfirmed=True)
    assert len(mail.outbox) == 3
    assert len({m.to[0] for m in mail.outbox}) == 3
    rel.refresh_from_db()
    assert rel.state == "done" and rel.sent == rel.total == 3


def test_a_wave_whose_job_died_is_offered_for_resuming_once_it_stalls(reviewed, monkeypatch, django_capture_on_commit_callbacks, at):
    """A worker killed mid-wave leaves it marked as sending: after a few silent minutes the
    page says so and offers to resume, and resuming sends the rest once."""
    import datetime as dt

    from paperdesk import clock
    from paperdesk import mail as mail_module

    decide(reviewed, "reject", reviewed.paper, reviewed.other_paper)
    real_send = mail_module.EmailMessage.send

    def dying(self, *args, **kwargs):
        raise Crash()

    monkeypatch.setattr(mail_module.EmailMessage, "send", dying)
    with django_capture_on_commit_callbacks(execute=True):
        release(reviewed)
    url = reverse("decisions:release_progress", args=[reviewed.venue.slug])
    page = reviewed.client("chair").get(url).content.decode()
    assert Release.objects.get().state == "running"
    assert "Resume sending" not in page and 'id="release-stalled"' not in page  # still counts as sending

    at(clock.now() + services.RELEASE_STALLED_AFTER + dt.timedelta(seconds=1))
    page = reviewed.client("chair").get(url).content.decode()
    assert 'id="release-stalled"' in page and "Resume sending" in page and 'hx-trigger="every 1s"' not in page
    monkeypatch.setattr(mail_module.EmailMessage, "send", real_send)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviewed.client("chair").post(reverse("decisions:release_resume", args=[reviewed.venue.slug]), {"resend_unconfirmed": "yes"})
    recipients = [m.to[0] for m in mail.outbox]
    assert recipients and len(recipients) == len(set(recipients)) == NoticeSent.objects.filter(state="sent").count()  # each once
    assert Release.objects.get().state == "done"


def test_a_failed_send_is_retried_on_resume(reviewed, monkeypatch, django_capture_on_commit_callbacks):
    from paperdesk import mail as mail_module

    decide(reviewed, "reject", reviewed.paper, reviewed.other_paper)
    real_send = mail_module.EmailMessage.send

    def refusing(self, *args, **kwargs):
        if self.to[0].startswith("grace"):
            raise ConnectionRefusedError("SMTP server refused")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(mail_module.EmailMessage, "send", refusing)
    with django_capture_on_commit_callbacks(execute=True):
        release(reviewed)
    rel = Release.objects.get()
    assert rel.state == "failed" and rel.sent == 2
    progress = reviewed.client("chair").get(reverse("decisions:release_progress", args=[reviewed.venue.slug])).content.decode()
    assert "SMTP server refused" in progress and "Resume sending" in progress
    monkeypatch.setattr(mail_module.EmailMessage, "send", real_send)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviewed.client("chair").post(reverse("decisions:release_resume", args=[reviewed.venue.slug]))
    assert [m.to[0] for m in mail.outbox] == ["grace@uni.edu"]
    rel.refresh_from_db()
    assert rel.state == "done"


def test_authors_see_nothing_before_release(reviewed):
    decide(reviewed, "accept-oral", reviewed.paper)
    html = reviewed.client("author").get(reverse("decisions:author", args=[reviewed.paper.public_id])).content.decode()
    assert "has not been announced yet" in html
    assert "Accept (oral)" not in html and REVIEW_TEXT not in html and META_TEXT not in html
    assert reviewed.client("other_author").get(reverse("decisions:author", args=[reviewed.paper.public_id])).status_code == 404
    assert reviewed.client("reviewer").get(reverse("decisions:author", args=[reviewed.paper.public_id])).status_code == 404


@pytest.fixture
def released(reviewed, django_capture_on_commit_callbacks):
    decide(reviewed, "accept-poster", reviewed.paper)
    decide(reviewed, "reject", reviewed.other_paper)
    with django_capture_on_commit_callbacks(execute=True):
        release(reviewed)
    return reviewed


def cr_url(world, paper=None):
    return reverse("cameraready:camera_ready", args=[(paper or world.paper).public_id])


def test_camera_ready_is_checked_in_camera_ready_mode_and_versions_kept(released, fake_checker, django_capture_on_commit_callbacks):
    client = released.client("author")
    for n in (1, 2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(cr_url(released), {"pdf": _file(make_pdf_bytes(3, f"Final v{n} by {CANARY_AUTHOR}")), "host_pdf": "yes"})
        assert response.status_code == 302, response.content.decode()[:400]
    uploads = Upload.objects.filter(submission=released.paper, kind="camera_ready").order_by("version")
    assert [u.version for u in uploads] == [1, 2]
    assert [mode for _, mode in fake_checker.checked] == ["camera-ready", "camera-ready"]
    assert all(CheckRun.objects.get(upload=u).mode == "camera-ready" for u in uploads)
    assert Decision.objects.get(submission=released.paper).host_pdf
    html = client.get(reverse("decisions:author", args=[released.paper.public_id])).content.decode()
    assert "v2" in html and "v1" in html


def test_camera_ready_of_a_rejected_paper_is_refused(released):
    response = released.client("other_author").post(cr_url(released, released.other_paper), {"pdf": _file(make_pdf_bytes(2))})
    assert response.status_code == 403
    assert "Only accepted papers have a camera-ready version" in response.content.decode()
    assert not Upload.objects.filter(kind="camera_ready").exists()


def test_camera_ready_after_the_deadline_is_refused(released, at):
    at(released.venue.camera_ready_deadline + dt.timedelta(minutes=1))
    response = released.client("author").post(cr_url(released), {"pdf": _file(make_pdf_bytes(2))})
    assert response.status_code == 403
    assert "The camera-ready deadline passed on" in response.content.decode()


def test_camera_ready_must_be_a_pdf(released):
    response = released.client("author").post(cr_url(released), {"pdf": _file(b"<html>not a pdf</html>")})
    assert response.status_code == 400
    assert "not a PDF" in response.content.decode()


def test_camera_ready_only_by_authors(released):
    for role in ("reviewer", "chair", "other_author"):
        response = released.client(role).post(cr_url(released), {"pdf": _file(make_pdf_bytes(2))})
        assert response.status_code in (403, 404), role
    assert not Upload.objects.filter(kind="camera_ready").exists()


def _file(content: bytes, name: str = "final.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_reviews_are_closed_after_release(released):
    response = released.client("reviewer").post(reverse("reviews:save", args=[released.paper.public_id]), review_post_data(released.venue, overall=1))
    assert response.status_code == 403
    assert "reviews are closed" in response.content.decode()
    assert Review.objects.get(assignment=released.assignments["reviewer"]).overall == 5


def test_decision_table_and_dashboard_queries_do_not_grow_with_papers(rworld, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reviews.review_world import assign, make_paper

    def count(name):
        client = rworld.client("chair")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"decisions:{name}", args=[rworld.venue.slug])).status_code == 200
        return len(queries)

    before = {name: count(name) for name in ("table", "dashboard", "export_json")}
    for n in range(6):
        paper = make_paper(rworld.venue, rworld.people["other_author"], f"More paper {n}")
        assign(paper, rworld.people["reviewer2"], 1)
    after = {name: count(name) for name in ("table", "dashboard", "export_json")}
    assert after["table"] == before["table"]
    assert after["dashboard"] == before["dashboard"]
    assert after["export_json"] - before["export_json"] <= 2  # prefetches only
