"""The access log never holds a capability: the token of an invitation link, the key of an
e-mail confirmation or of a password reset are written as [redacted] (the log is one more
copy of what passed, read by more people than the database)."""

from __future__ import annotations

import logging
import re

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def access_lines(caplog) -> str:
    records = [r for r in caplog.records if r.name == "paperdesk.access"]
    assert records, "no access-log line"
    return "\n".join(f"{r.getMessage()} {r.path}" for r in records)


def test_an_invitation_link_is_logged_without_its_token(venue, chair, django_capture_on_commit_callbacks, caplog):
    from paperdesk.committee import services
    from paperdesk.committee.invitations import Invitee

    with django_capture_on_commit_callbacks(execute=True):
        services.invite(venue=venue, actor=chair, invitees=[Invitee(1, "Iris Invitee", "iris@uni.edu", "reviewer")])
    path = re.search(r"(/reviewing/invitations/([A-Za-z0-9_-]+)/)", mail.outbox[-1].body)
    with caplog.at_level(logging.INFO, logger="paperdesk.access"):
        assert Client().get(path.group(1) + "?from=mail").status_code == 200
    logged = access_lines(caplog)
    assert path.group(2) not in logged
    assert "/reviewing/invitations/[redacted]/?from=mail" in logged


@pytest.mark.parametrize("path, secret", [
    ("/claim/{s}/", "c" * 43),
    ("/accounts/confirm-email/{s}/", "MTIz:1sEcReT:keyvalue"),
    ("/accounts/password/reset/key/{s}/", "4-secretresetkey"),
])
def test_other_capability_paths_are_logged_without_their_secret(db, caplog, path, secret):
    with caplog.at_level(logging.INFO, logger="paperdesk.access"):
        Client().get(path.format(s=secret))
    logged = access_lines(caplog)
    assert secret not in logged and "[redacted]" in logged
    for part in re.split(r"[-:]", secret):
        assert len(part) < 6 or part not in logged, part


def test_ordinary_paths_are_logged_whole(venue, caplog):
    with caplog.at_level(logging.INFO, logger="paperdesk.access"):
        Client().get(f"/v/{venue.slug}/?page=2")
    assert f"/v/{venue.slug}/?page=2" in access_lines(caplog)
