"""A venue after the decisions are released, made with the real services: an accepted paper
whose authors' names the checker can find in tests/checks/fixtures/camera_ready.pdf, a
second accepted paper whose authors do nothing, a rejected paper, a reviewer and a chair."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.reviews.review_world import assign, make_paper

CAMERA_READY_PDF = Path(__file__).resolve().parent.parent / "checks" / "fixtures" / "camera_ready.pdf"


@dataclass
class CameraReadyWorld:
    venue: object
    people: dict
    paper: object  # accepted: John Smith and José Núñez
    missing: object  # accepted: Grace Hopper never uploads
    rejected: object

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(self.people[role])
        return client


@pytest.fixture
def crworld(venue, chair, make_user, django_capture_on_commit_callbacks):
    from paperdesk.decisions import services
    from paperdesk.venues.models import VenueRole

    people = {
        "chair": chair,
        "john": make_user("john.smith@carrowmore.ie", "John Smith"),
        "jose": make_user("jose.nunez@glenvale.edu", "José Núñez"),
        "grace": make_user("grace@navy.mil.edu", "Grace Hopper"),
        "ada": make_user("ada@uni.edu", "Ada Lovelace"),
        "reviewer": make_user("rita@rev.edu", "Rita Reviewer"),
    }
    VenueRole.objects.create(venue=venue, user=people["reviewer"], role=VenueRole.Role.REVIEWER)
    paper = make_paper(venue, people["john"], "Sparse circuits in toy models",
                       coauthors=[("José Núñez", "jose.nunez@glenvale.edu", "Glenvale Institute for Vision")])
    missing = make_paper(venue, people["grace"], "A paper whose camera-ready is missing")
    rejected = make_paper(venue, people["ada"], "A rejected paper")
    assign(paper, people["reviewer"], 1)
    services.decisions_set(venue=venue, submissions=[paper], outcome="accept-poster", actor=chair)
    services.decisions_set(venue=venue, submissions=[missing], outcome="accept-oral", actor=chair)
    services.decisions_set(venue=venue, submissions=[rejected], outcome="reject", actor=chair)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_start(venue=venue, actor=chair, subject=services.DEFAULT_SUBJECT, body=services.DEFAULT_BODY)
    mail.outbox.clear()
    for submission in (paper, missing, rejected):
        submission.refresh_from_db()
    return CameraReadyWorld(venue=venue, people=people, paper=paper, missing=missing, rejected=rejected)


def pdf_file(content: bytes, name: str = "final.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(world, role: str, content: bytes, capture, host: bool = True, paper=None):
    """Upload a camera-ready PDF through the authors' page; the real checker reads it."""
    with capture(execute=True):
        response = world.client(role).post(reverse("cameraready:camera_ready", args=[(paper or world.paper).public_id]),
                                           {"pdf": pdf_file(content), **({"host_pdf": "yes"} if host else {})})
    return response


def metadata_post(world, **changes) -> dict:
    """The metadata form as the page fills it for the paper, with `changes` applied."""
    data = {"title": world.paper.title, "abstract": world.paper.abstract, "code_url": "", "data_url": ""}
    for place, authorship in enumerate(world.paper.authorships.order_by("position"), start=1):
        data[f"author-{authorship.pk}-name"] = authorship.name
        data[f"author-{authorship.pk}-affiliation"] = authorship.affiliation
        data[f"author-{authorship.pk}-position"] = str(place)
    data.update(changes)
    return data


def author_ids(world) -> list[int]:
    return list(world.paper.authorships.order_by("position").values_list("pk", flat=True))
