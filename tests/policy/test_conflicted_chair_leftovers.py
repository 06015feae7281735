"""Issue 8, what was left of the conflicted chair's intersection of rights: the chairs'
submissions table and its CSV carry no check findings (leak or format counts) of a paper
the chair is conflicted with; resuming a decision wave that holds such a paper is refused
as starting one is; the reviewing hub's counts leave such papers out.

Each is a differential test where it can be: a hidden fact about the conflicted paper
flips, and what the conflicted chair receives stays byte-identical (after normalising
CSRF tokens and nonces), while an unconflicted chair does see the change."""

from __future__ import annotations

import copy
import html

import pytest
from django.urls import reverse

from paperdesk import policy
from paperdesk.audit.models import AuditEntry
from paperdesk.committee.models import Assignment, Conflict
from paperdesk.decisions import services as decision_services
from paperdesk.decisions.models import Decision, Release
from paperdesk.submissions.models import CheckRun, Upload
from paperdesk.venues.models import VenueRole
from tests.policy.normalise import normalise
from tests.policy.test_chair_author_intersection import ca  # noqa: F401
from tests.reviews.fixtures import rworld  # noqa: F401
from tests.reviews.review_world import clean_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def cora(ca, make_user):
    """A chair with a declared conflict on the canary paper (whose check found one leak)."""
    person = make_user("cora@other-chairs.org", "Cora Conflicted-Chair")
    VenueRole.objects.create(venue=ca.world.venue, user=person, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=ca.world.paper, user=person, source=Conflict.Source.REVIEWER_DECLARED, reason="same lab")
    ca.world.people["cora"] = person
    return person


def _set_report(paper, report: dict) -> None:
    upload = Upload.objects.filter(submission=paper, kind=Upload.Kind.PAPER).order_by("-version").first()
    CheckRun.objects.filter(upload=upload).update(report=report)


def _reports() -> list[dict]:
    none = clean_report()
    none["findings"] = []
    none["format"] = {"violations": []}
    one = clean_report("Canary Leakname")
    two = copy.deepcopy(one)
    two["anonymity"]["leaks"].append({"kind": "email", "value": "x@y.org", "context": "x@y.org", "page": 2})
    two["format"]["violations"] = [{"code": "margins", "detail": "1.2 in", "page": 2}, {"code": "font_size", "detail": "9pt", "page": 3}]
    return [none, one, two]


def _get(ca, role: str, url: str) -> str:
    response = ca.world.client(role).get(url)
    assert response.status_code == 200, (role, url, response.status_code)
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return normalise(raw)


# --- 2. the chairs' submissions table and its CSV ---------------------------------------------


@pytest.mark.parametrize("name", ["submissions:chair_table", "submissions:chair_csv"])
def test_the_submissions_table_and_csv_show_no_check_counts_of_a_conflicted_paper(ca, cora, name):
    url = reverse(name, args=[ca.world.venue.slug])
    seen, neutral = [], []
    for report in _reports():
        _set_report(ca.world.paper, report)
        seen.append(_get(ca, "cora", url))
        neutral.append(_get(ca, "chair", url))
    assert seen[0] == seen[1] == seen[2], "the conflicted chair's table changes with the check findings of their paper"
    assert len(set(neutral)) == 3, "an unconflicted chair sees the counts (the test reaches the cell)"
    assert ca.world.paper.title in seen[0]  # the row is there, with what a conflicted chair may see


def test_the_submissions_table_cell_says_nothing_of_leaks_to_the_conflicted_chair_on_any_sort(ca, cora):
    _set_report(ca.world.paper, _reports()[2])
    for sort in ("number", "pages", "-pages"):
        page = _get(ca, "cora", reverse("submissions:chair_table", args=[ca.world.venue.slug]) + f"?sort={sort}")
        row = page.split(ca.world.paper.title, 1)[1].split("</tr>", 1)[0]
        assert "leak" not in row and "format" not in row, row
    neutral = _get(ca, "chair", reverse("submissions:chair_table", args=[ca.world.venue.slug]))
    assert "2 leaks" in neutral.split(ca.world.paper.title, 1)[1].split("</tr>", 1)[0]


def test_the_chair_author_sees_of_their_own_paper_what_the_policy_lets_its_authors_see(ca):
    """The field-level answer is the policy's: an author reads the check findings of their
    paper (on its own page too), so the table shows them the same counts."""
    _set_report(ca.own, _reports()[2])
    assert policy.can_view_check_findings(ca.person, ca.own)
    page = _get(ca, "chair", reverse("submissions:chair_table", args=[ca.world.venue.slug]))
    own = ca.get(reverse("submissions:chair_table", args=[ca.world.venue.slug]))
    title = html.escape(ca.own.title)
    assert "2 leaks" in own.split(title, 1)[1].split("</tr>", 1)[0]
    assert "2 leaks" in page.split(title, 1)[1].split("</tr>", 1)[0]


# --- 3. resuming a decision wave ----------------------------------------------------------------


@pytest.fixture
def stopped_wave(ca, cora, django_capture_on_commit_callbacks):
    """A wave started by the unconflicted chair that holds every paper (the chair-author's
    own, and Cora's conflicted one), stopped by a crash."""
    Decision.objects.create(submission=ca.own, outcome="reject", decided_by=ca.world.people["chair"])
    with django_capture_on_commit_callbacks(execute=False):
        release = decision_services.release_start(venue=ca.world.venue, actor=ca.world.people["chair"],
                                                  templates=decision_services.NoticeTemplates.venue_defaults(ca.world.venue))
    assert set(Decision.objects.filter(release=release).values_list("submission_id", flat=True)) >= {ca.own.pk, ca.world.paper.pk}
    Release.objects.filter(pk=release.pk).update(state=Release.State.FAILED, error="worker died")
    return release


@pytest.mark.parametrize("who", ["chair_author", "cora"])
def test_a_conflicted_chair_cannot_resume_a_wave_that_holds_their_paper(ca, stopped_wave, who, django_capture_on_commit_callbacks):
    person = ca.person if who == "chair_author" else ca.world.people["cora"]
    url = reverse("decisions:release_resume", args=[ca.world.venue.slug])
    from django.test import Client

    client = Client()
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"wave": str(stopped_wave.wave)})
    assert response.status_code == 403, response.status_code
    assert "another program chair" in response.content.decode()
    assert not callbacks  # no sending job queued
    stopped_wave.refresh_from_db()
    assert stopped_wave.state == Release.State.FAILED
    assert not AuditEntry.objects.filter(action="decisions.release_resume").exists()
    with pytest.raises(decision_services.ServiceError):
        decision_services.release_resume(venue=ca.world.venue, actor=person)


def test_an_unconflicted_chair_resumes_the_same_wave(ca, stopped_wave, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ca.world.client("chair").post(reverse("decisions:release_resume", args=[ca.world.venue.slug]), {"wave": str(stopped_wave.wave)})
    assert response.status_code == 302
    assert len(callbacks) == 1
    stopped_wave.refresh_from_db()
    assert stopped_wave.state == Release.State.RUNNING
    assert AuditEntry.objects.filter(action="decisions.release_resume").count() == 1


def test_a_chair_with_a_conflict_elsewhere_may_resume_a_wave_without_their_papers(ca, cora, django_capture_on_commit_callbacks):
    Decision.objects.filter(submission=ca.world.paper).delete()
    with django_capture_on_commit_callbacks(execute=False):
        release = decision_services.release_start(venue=ca.world.venue, actor=ca.world.people["chair"], hold_back_undecided=True,
                                                  templates=decision_services.NoticeTemplates.venue_defaults(ca.world.venue))
    Release.objects.filter(pk=release.pk).update(state=Release.State.FAILED)
    with django_capture_on_commit_callbacks(execute=False):
        resumed = decision_services.release_resume(venue=ca.world.venue, actor=ca.world.people["cora"])
    assert resumed.state == Release.State.RUNNING


# --- 4. the reviewing hub's counts ----------------------------------------------------------------


def test_the_reviewing_hub_counts_leave_out_the_conflicted_chairs_papers(ca, cora):
    url = reverse("committee:hub", args=[ca.world.venue.slug])
    pages, neutral = [], []
    extra_reviewer = ca.world.people["unassigned_reviewer"]
    for step in range(3):
        if step == 1:  # unpublished pairs and a reviewer's conflict on Cora's paper; then on Chen's own
            Assignment.objects.create(submission=ca.world.paper, user=extra_reviewer, alias_number=7, published=False)
            Assignment.objects.create(submission=ca.world.paper, user=ca.world.people["second_ac"], kind="area_chair", alias_number=2, published=False)
            Conflict.objects.create(submission=ca.world.paper, user=ca.world.people["reviewer2"], source=Conflict.Source.REVIEWER_DECLARED)
        if step == 2:
            Assignment.objects.create(submission=ca.own, user=extra_reviewer, alias_number=7, published=False)
            Conflict.objects.create(submission=ca.own, user=ca.world.people["reviewer"], source=Conflict.Source.REVIEWER_DECLARED)
        pages.append((_get(ca, "cora", url), ca.get(url)))
        neutral.append(_get(ca, "chair", url))
    cora_pages = [p[0] for p in pages]
    assert cora_pages[0] == cora_pages[1], "Cora's hub counts an unpublished pair or a conflict of her conflicted paper"
    chen_pages = [p[1] for p in pages]
    assert chen_pages[1] == chen_pages[2], "Chen's hub counts an unpublished pair or a conflict of his own paper"
    assert len(set(neutral)) == 3, "the unconflicted chair's counts move (the test reaches them)"
