"""Helpers for the submission tests: a logged-in client, the form's POST data, submissions
made through the services, a stand-in for the checker library and a movable clock."""

from __future__ import annotations

import copy
import datetime as dt
import io

import pytest
from django.test import Client
from submission_helpers import CLEAN_REPORT, submission_input


class FakeChecker:
    """Stands in for the compliance checker (written separately): every check returns
    `report` (a deep copy) and records the upload it read."""

    def __init__(self, real):
        self.real = real
        self.report = copy.deepcopy(CLEAN_REPORT)
        self.checked = []

    def __call__(self, run):
        self.checked.append(run.upload.public_id)
        return copy.deepcopy(self.report)


@pytest.fixture(autouse=True)
def checker(monkeypatch):
    from paperdesk.submissions import checking

    fake = FakeChecker(checking.check_upload)
    monkeypatch.setattr(checking, "check_upload", fake)
    return fake


@pytest.fixture(autouse=True)
def blob_storage(settings, tmp_path):
    """Each test stores files in its own directory (durable storage, as in production)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "paperdesk.submissions.storage.DurableFileSystemStorage", "OPTIONS": {"location": str(tmp_path / "files")}},
    }
    return tmp_path / "files"


@pytest.fixture
def login():
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def at(monkeypatch):
    """Move the server's clock: `at(moment)`."""
    from paperdesk import clock

    def _at(moment: dt.datetime):
        monkeypatch.setattr(clock, "now", lambda: moment)

    return _at



@pytest.fixture
def make_submission(django_capture_on_commit_callbacks):
    """A submission made through the services (on-commit jobs run, as after a real commit)."""
    from paperdesk.submissions import services

    def _make(venue, actor, *, pdf: bytes | None = None, submit: bool = False, zip_bytes: bytes | None = None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            submission = services.submission_create(venue=venue, actor=actor, data=submission_input(**fields))
        if pdf is not None:
            with django_capture_on_commit_callbacks(execute=True):
                services.upload_add(submission=submission, actor=actor, stream=io.BytesIO(pdf), original_name="paper.pdf")
        if zip_bytes is not None:
            with django_capture_on_commit_callbacks(execute=True):
                services.upload_add(submission=submission, actor=actor, stream=io.BytesIO(zip_bytes), original_name="extra.zip", kind="supplementary")
        if submit:
            with django_capture_on_commit_callbacks(execute=True):
                services.submission_submit(submission=submission, actor=actor)
        submission.refresh_from_db()
        return submission

    return _make


