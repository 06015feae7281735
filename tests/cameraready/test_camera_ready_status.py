"""The chairs' camera-ready status: which accepted papers have a checked camera-ready, which
have problems and which are missing; a reminder to the authors of the missing ones (a
background job, never twice the same day); the same list as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core import mail
from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.cameraready.models import CameraReadyReminder, CameraReadyReminderRun
from tests.cameraready.camera_ready_world import CAMERA_READY_PDF, crworld, metadata_post, upload  # noqa: F401
from tests.conftest import make_pdf_bytes


def status_url(world, **query):
    url = reverse("cameraready:camera_ready_status", args=[world.venue.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def remind(world, capture, role="chair"):
    with capture(execute=True):
        return world.client(role).post(reverse("cameraready:camera_ready_remind", args=[world.venue.slug]))


def csv_rows(world) -> list[dict]:
    response = world.client("chair").get(reverse("cameraready:camera_ready_csv", args=[world.venue.slug]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_status_lists_checked_problems_and_missing(crworld, django_capture_on_commit_callbacks):
    html = crworld.client("chair").get(status_url(crworld)).content.decode()
    assert "Missing: 2" in html and "Checked: 0" in html and crworld.rejected.title not in html
    assert 'href="{}"'.format(reverse("cameraready:camera_ready_status", args=[crworld.venue.slug])) in html  # in the chairs' menu

    upload(crworld, "grace", make_pdf_bytes(2, "No names here"), django_capture_on_commit_callbacks, paper=crworld.missing)
    upload(crworld, "john", CAMERA_READY_PDF.read_bytes(), django_capture_on_commit_callbacks)
    crworld.client("john").post(reverse("cameraready:camera_ready_metadata", args=[crworld.paper.public_id]),
                                metadata_post(crworld, title="Sparse Circuits, Published"))
    html = crworld.client("chair").get(status_url(crworld)).content.decode()
    assert "Missing: 0" in html and "Problems: 1" in html and "Checked: 1" in html
    assert "Sparse Circuits, Published" in html and "submitted as “Sparse circuits in toy models”" in html
    assert "None of the authors&#x27; names were found" in html
    problems_only = crworld.client("chair").get(status_url(crworld, status="problems")).content.decode()
    assert crworld.missing.title in problems_only and "Sparse Circuits, Published" not in problems_only

    rows = {r["number"]: r for r in csv_rows(crworld)}
    paper, missing = rows[str(crworld.paper.number)], rows[str(crworld.missing.number)]
    assert paper["camera-ready pdf"] == "checked" and paper["metadata confirmed"] == "yes" and paper["hosting"] == "hosted"
    assert paper["published title"] == "Sparse Circuits, Published" and paper["submitted title"] == "Sparse circuits in toy models"
    assert paper["complete"] == "yes" and paper["version"] == "1"
    assert missing["camera-ready pdf"] == "problems" and "names were found" in missing["problems"] and missing["complete"] == "no"
    assert str(crworld.rejected.number) not in rows


def test_reminders_reach_the_authors_of_missing_papers_once_a_day(crworld, at, django_capture_on_commit_callbacks):
    upload(crworld, "john", CAMERA_READY_PDF.read_bytes(), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    venue = crworld.venue
    now = at(venue.local(venue.camera_ready_deadline - dt.timedelta(days=3)).replace(hour=9, minute=0))  # 9:00 in the venue's zone
    response = remind(crworld, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["grace@navy.mil.edu"]]
    message = mail.outbox[0]
    assert crworld.missing.title in message.subject and "camera-ready" in message.body
    assert reverse("decisions:author", args=[crworld.missing.public_id]) in message.body
    assert crworld.venue.contact_email in message.body and "(5 pages)" in message.body  # a short paper: 4 + 1
    run = CameraReadyReminderRun.objects.get()
    assert (run.papers, run.sent, run.failed) == (1, 1, 0) and run.finished_at is not None
    assert AuditEntry.objects.filter(action="camera_ready.remind").count() == 1
    html = crworld.client("chair").get(status_url(crworld)).content.decode()
    assert "Reminded today" in html and "1 e-mail sent" in html

    # The same day (venue time) again: refused, nothing sent.
    at(now + dt.timedelta(hours=14))
    response = remind(crworld, django_capture_on_commit_callbacks)
    assert response.status_code == 409 and "already reminded today" in response.content.decode()
    assert len(mail.outbox) == 1

    # The next day: one more reminder; a job run twice sends nothing twice.
    at(now + dt.timedelta(days=1))
    assert remind(crworld, django_capture_on_commit_callbacks).status_code == 302
    assert len(mail.outbox) == 2
    from paperdesk.cameraready.services import send_camera_ready_reminders

    send_camera_ready_reminders.call(CameraReadyReminderRun.objects.latest("pk").pk)
    assert len(mail.outbox) == 2 and CameraReadyReminder.objects.count() == 2


def test_nobody_to_remind_after_the_deadline_or_when_all_are_in(crworld, at, django_capture_on_commit_callbacks):
    at(crworld.venue.camera_ready_deadline + dt.timedelta(minutes=5))
    response = remind(crworld, django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "Nobody to remind" in response.content.decode()
    assert not mail.outbox and not CameraReadyReminderRun.objects.exists()


def test_only_chairs_see_the_status_csv_and_send_reminders(crworld, django_capture_on_commit_callbacks):
    for role in ("john", "reviewer", "anonymous"):
        client = crworld.client(role)
        for url in (status_url(crworld), reverse("cameraready:camera_ready_csv", args=[crworld.venue.slug])):
            assert client.get(url).status_code in (404, 302), (role, url)
        assert remind(crworld, django_capture_on_commit_callbacks, role).status_code in (404, 302), role
    assert not mail.outbox and not CameraReadyReminderRun.objects.exists()


def test_a_chair_with_a_conflict_sees_only_title_and_number(crworld, make_user):
    from paperdesk.venues.models import VenueRole

    VenueRole.objects.create(venue=crworld.venue, user=crworld.people["grace"], role=VenueRole.Role.CHAIR)
    html = crworld.client("grace").get(status_url(crworld)).content.decode()
    assert "You have a conflict with this paper" in html and crworld.missing.title in html
    rows = {r["number"]: r for r in csv_rows(crworld)}  # the unconflicted chair sees everything
    assert rows[str(crworld.missing.number)]["camera-ready pdf"] == "missing"
