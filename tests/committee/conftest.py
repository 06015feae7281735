"""Fixtures for the reviewing tests: papers and reviewers made straight in the database
(factories, no checker), logged-in clients, and on-commit jobs run as after a commit."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def login():
    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def make_paper(db, venue, make_user):
    """A submission with authors (name, e-mail, optional account, affiliation)."""
    from django.db.models import Max

    from paperdesk.submissions.models import Authorship, Submission
    from paperdesk.venues.models import ContributionType, TopicArea, Track

    def _make(title, abstract="We study circuits in small transformers.", *, authors=(("Ada Lovelace", "ada@uni.edu", None, ""),),
              topic="circuits", secondary=(), status="submitted", track="short", target=None):
        target = target or venue
        number = (Submission.objects.filter(venue=target).aggregate(n=Max("number"))["n"] or 0) + 1
        creator = next((a[2] for a in authors if a[2] is not None), None) or make_user(f"creator{number}@factory.edu", f"Creator {number}")
        submission = Submission.objects.create(
            venue=target, number=number, title=title, abstract=abstract, status=status,
            track=Track.objects.get(venue=target, slug=track),
            primary_topic=TopicArea.objects.get(venue=target, slug=topic),
            contribution_type=ContributionType.objects.filter(venue=target).first(),
            created_by=creator,
        )
        submission.secondary_topics.set(TopicArea.objects.filter(venue=target, slug__in=secondary))
        for position, (name, email, user, affiliation) in enumerate(authors, start=1):
            Authorship.objects.create(submission=submission, position=position, name=name, email=email, user=user, affiliation=affiliation,
                                      is_corresponding=position == 1)
        return submission

    return _make


@pytest.fixture
def make_reviewer(db, venue, make_user):
    """An accepted reviewer with expertise and publications: (title, abstract, year, coauthors)."""
    from paperdesk.committee.models import PoolMember, Publication
    from paperdesk.venues.models import TopicArea, VenueRole

    def _make(email, name, *, expertise=("circuits",), publications=(), max_load=None, role="reviewer", user=None, target=None):
        target = target or venue
        user = user or make_user(email, name)
        member = PoolMember.objects.create(venue=target, user=user, email=email, name=name, role=role, state=PoolMember.State.ACCEPTED, max_load=max_load)
        member.expertise.set(TopicArea.objects.filter(venue=target, slug__in=expertise))
        VenueRole.objects.get_or_create(venue=target, user=user, role=role)
        for title, abstract, year, coauthors in publications:
            Publication.objects.create(user=user, title=title, abstract=abstract, year=year, coauthors=list(coauthors))
        return user

    return _make


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what services enqueue after commit (the test database never commits)."""
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run
