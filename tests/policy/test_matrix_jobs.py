"""The access matrix for background jobs (issue 9): every role against the venue's jobs
page, the operators' page of every venue's jobs, and retry / cancel of a job. Chairs of
the venue see and act on its jobs; superusers on all; everyone else gets the 404 of a
missing page and changes nothing."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk.jobs.models import JobLease
from paperdesk.venues.models import VenueRole
from tests.jobs.jobs_helpers import check_job, db_backend, draft, left_by_dead_worker

ROLES = ["anonymous", "user", "author", "reviewer", "area_chair", "chair", "other_venue_chair", "superuser"]
VENUE_PAGE = {"chair", "superuser"}
OPS_PAGE = {"superuser"}


@pytest.fixture
def world(venue, author, make_user, settings):
    from paperdesk.jobs import leases
    from paperdesk.venues.services import venue_load

    db_backend(settings)
    settings.JOB_MAX_ATTEMPTS = 1
    other_spec = dataclasses.replace(venue.spec, slug="other-venue", rehearsal=False)
    other, _ = venue_load(other_spec)
    people = {"author": author, "user": make_user("user@example.org", "Una User")}
    for role, where, kind in [("reviewer", venue, "reviewer"), ("area_chair", venue, "area_chair"), ("chair", venue, "chair"),
                              ("other_venue_chair", other, "chair")]:
        people[role] = make_user(f"{role}@example.org", role.replace("_", " ").title())
        VenueRole.objects.create(venue=where, user=people[role], role=kind)
    people["superuser"] = make_user("root@example.org", "Root Operator", is_superuser=True, is_staff=True)
    _, upload = draft(venue, author, title="CANARY-JOB paper")
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=1)
    leases.sweep()  # attempts exhausted: failed, on the jobs page
    return venue, people, str(db_task.id)


def client_for(people, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_jobs_pages_and_actions_for_every_role(world, role):
    venue, people, task_id = world
    client = client_for(people, role)
    venue_page = client.get(reverse("jobs:venue", args=[venue.slug]))
    ops_page = client.get(reverse("jobs:all"))
    assert venue_page.status_code == (200 if role in VENUE_PAGE else 404)
    assert ops_page.status_code == (200 if role in OPS_PAGE else 404)
    label = "PDF check of paper #1, version 1"
    assert (label in venue_page.content.decode()) == (role in VENUE_PAGE)
    assert (label in ops_page.content.decode()) == (role in OPS_PAGE)

    retried = client.post(reverse("jobs:venue", args=[venue.slug]), {"action": "retry", "job": task_id})
    state = JobLease.objects.get(pk=task_id).state
    if role in VENUE_PAGE:
        assert retried.status_code == 302 and state == JobLease.State.RETRYING
    else:
        assert retried.status_code == 404 and state == JobLease.State.FAILED


def test_a_chair_of_another_venue_cannot_retry_this_venues_job_through_their_own_page(world):
    _venue, people, task_id = world
    client = client_for(people, "other_venue_chair")
    response = client.post(reverse("jobs:venue", args=["other-venue"]), {"action": "retry", "job": task_id})
    assert response.status_code == 404 and "No such job" in response.content.decode()
    assert JobLease.objects.get(pk=task_id).state == JobLease.State.FAILED
