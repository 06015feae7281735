"""Confirming an e-mail address is an event accounts announces (accounts.events); the
submissions app answers how many co-authorship invitations wait under the address, so
accounts never imports submissions."""

from __future__ import annotations

import ast
from pathlib import Path

import paperdesk.accounts as accounts
from paperdesk.accounts import events, services
from paperdesk.submissions.models import Authorship, Submission


def test_confirming_counts_the_invitations_submissions_answers(venue, author, make_user):
    from paperdesk.venues.models import ContributionType, TopicArea, Track

    submission = Submission.objects.create(
        venue=venue, number=1, track=Track.objects.filter(venue=venue).first(), title="Shared", abstract="x",
        primary_topic=TopicArea.objects.filter(venue=venue).first(),
        contribution_type=ContributionType.objects.filter(venue=venue).first(), created_by=author)
    Authorship.objects.create(submission=submission, email="grace@uni.edu", name="Grace", position=1)
    grace = make_user("grace@uni.edu", "Grace Hopper")
    result = services.email_confirmed(user=grace, email="grace@uni.edu")
    assert result.pending_invitations == 1


def test_every_receivers_answer_is_added_up(venue, make_user):
    grace = make_user("grace@uni.edu", "Grace Hopper")

    def extra(sender, **kwargs):
        return 2

    events.email_address_confirmed.connect(extra, dispatch_uid="test.extra")
    try:
        assert events.pending_invitations_on_confirm(user=grace, email="grace@uni.edu") == 2
    finally:
        events.email_address_confirmed.disconnect(dispatch_uid="test.extra")


def test_accounts_imports_no_higher_app():
    higher = ("submissions", "reviewing", "reviews", "decisions", "api", "ops", "demo")
    for source in Path(accounts.__file__).parent.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        for node in ast.walk(ast.parse(source.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                assert not any(name.startswith(f"paperdesk.{app}") for app in higher), f"{source}: imports {name}"
