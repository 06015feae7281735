"""Fixtures shared by the reviews, decisions and policy-matrix tests."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from tests.reviews.review_world import build_world, clean_report


@pytest.fixture
def rworld(db, venue, make_user):
    return build_world(venue, make_user)


@pytest.fixture
def at(monkeypatch):
    """Move the server's clock: `at(moment)`."""
    from paperdesk import clock

    def _at(moment: dt.datetime):
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return _at


class FakeChecker:
    """Stands in for the checker's child process: returns `report` for every upload."""

    def __init__(self):
        self.report = clean_report()
        self.checked = []

    def __call__(self, run):
        self.checked.append((run.upload.public_id, run.mode))
        return copy.deepcopy(self.report)


@pytest.fixture
def fake_checker(monkeypatch):
    from paperdesk.submissions import checking

    fake = FakeChecker()
    monkeypatch.setattr(checking, "check_upload", fake)
    return fake
