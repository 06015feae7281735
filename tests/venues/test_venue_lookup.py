"""The one venue lookup of pages and the API (paperdesk.venues.lookup, issue 14): each need
against each role, unknown and malformed slugs (one 404 for all), the request helper, and
a structural test that no page or API module looks a venue up by its slug on its own."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from paperdesk import policy
from paperdesk.venues.lookup import (
    MISSING_PAGE,
    MISSING_VENUE,
    PREDICATES,
    Need,
    allows,
    find_venue,
    get_venue_for,
    venue_for_request,
)

ROLES = ["anonymous", "user", "author", "reviewer", "area_chair", "chair", "other_venue_chair", "inactive_chair", "staff",
         "superuser"]
CHAIRS = {"chair", "superuser"}

# Who has each need on the venue; everyone else gets the 404 of a missing venue.
EXPECTED: dict[Need, set[str]] = {
    Need.SEE: set(ROLES),
    Need.CHAIR: CHAIRS,
    Need.MANAGE_VENUE: CHAIRS,
    Need.EDIT_SETTINGS: CHAIRS,
    Need.MANAGE_POOL: CHAIRS,
    Need.MANAGE_AREA_CHAIRS: CHAIRS,
    Need.AREA_CHAIR: {"area_chair"},
    Need.CHASE_REVIEWS: CHAIRS | {"area_chair"},
    Need.REVERT_REVIEWS: CHAIRS,
    Need.VIEW_AUDIT_LOG: CHAIRS,
    Need.VIEW_JOBS: CHAIRS,
    Need.VIEW_OUTBOX: CHAIRS,
}

MALFORMED = ["", " ", "a" * 65, "../mechinterp-2025", "mechinterp-2025/", "mechinterp 2025", "mechinterp-2025\n",
             "mechinterp-2025\x00", "médecine", "mechinterp%2D2025", "*", "mechinterp-2025?x=1"]


@pytest.fixture
def world(venue, chair, author, make_user):
    from paperdesk.committee.models import Assignment
    from paperdesk.submissions.models import Authorship
    from paperdesk.venues.models import VenueRole
    from paperdesk.venues.services import venue_load
    from tests.venues.settings_helpers import make_paper

    other, _ = venue_load(dataclasses.replace(venue.spec, slug="other-venue", rehearsal=False))
    paper = make_paper(venue, author)
    Authorship.objects.create(submission=paper, position=1, email=author.email, name=author.full_name, user=author)
    people: dict[str, object] = {"anonymous": AnonymousUser(), "author": author, "chair": chair,
                                 "user": make_user("user@example.org", "Una User")}
    people["reviewer"] = make_user("reviewer@example.org", "Rita Reviewer")
    Assignment.objects.create(submission=paper, user=people["reviewer"], kind="reviewer", alias_number=1, published=True)
    people["area_chair"] = make_user("ac@example.org", "Alan Areachair")
    Assignment.objects.create(submission=paper, user=people["area_chair"], kind="area_chair", alias_number=1, published=True)
    people["other_venue_chair"] = make_user("other-chair@example.org", "Otto Otherchair")
    VenueRole.objects.create(venue=other, user=people["other_venue_chair"], role=VenueRole.Role.CHAIR)
    people["inactive_chair"] = make_user("gone@example.org", "Ina Inactive", is_active=False)
    VenueRole.objects.create(venue=venue, user=people["inactive_chair"], role=VenueRole.Role.CHAIR)
    people["staff"] = make_user("staff@example.org", "Stan Staff", is_staff=True)
    people["superuser"] = make_user("root@example.org", "Root Operator", is_superuser=True, is_staff=True)
    assert set(people) == set(ROLES)
    return venue, other, people


def test_every_need_is_answered_by_one_policy_predicate():
    assert set(PREDICATES) == set(Need)
    for need, predicate in PREDICATES.items():
        assert predicate.__module__ == "paperdesk.policy", need
        assert getattr(policy, predicate.__name__) is predicate, need


@pytest.mark.parametrize("need", list(Need), ids=lambda n: n.name)
def test_each_need_against_each_role(world, need):
    venue, _, people = world
    expected_message = MISSING_VENUE if need is Need.SEE else MISSING_PAGE
    reached = set()
    for role, person in people.items():
        for who in (person, policy.as_viewer(person)):  # a user or the request's Viewer
            try:
                found = get_venue_for(who, venue.slug, need)
            except Http404 as refused:
                assert str(refused) == expected_message, (role, need)
                assert not allows(who, venue, need)
            else:
                assert found == venue
                assert allows(who, venue, need)
                reached.add(role)
    assert reached == EXPECTED[need], f"{need.name}: reached by {sorted(reached)}, expected {sorted(EXPECTED[need])}"


@pytest.mark.parametrize("need", list(Need), ids=lambda n: n.name)
def test_the_chair_of_another_venue_has_there_what_the_chair_has_here(world, need):
    _, other, people = world
    if need is not Need.AREA_CHAIR:  # no area chair there
        assert get_venue_for(people["other_venue_chair"], other.slug, need) == other
    if need not in (Need.SEE, Need.AREA_CHAIR):
        with pytest.raises(Http404):
            get_venue_for(people["chair"], other.slug, need)


@pytest.mark.parametrize("need", list(Need), ids=lambda n: n.name)
def test_an_unknown_venue_is_the_same_404_as_one_the_person_may_not_open(world, need):
    venue, _, people = world
    for person in (people["anonymous"], people["chair"], people["superuser"]):
        with pytest.raises(Http404) as unknown:
            get_venue_for(person, "no-such-venue", need)
        assert str(unknown.value) == (MISSING_VENUE if need is Need.SEE else MISSING_PAGE)
    if need is not Need.SEE:
        with pytest.raises(Http404) as forbidden:
            get_venue_for(people["user"], venue.slug, need)
        assert str(forbidden.value) == str(unknown.value)


@pytest.mark.parametrize("slug", MALFORMED, ids=repr)
def test_a_malformed_slug_is_a_404_without_a_query(world, slug, django_assert_num_queries):
    _, _, people = world
    with django_assert_num_queries(0):
        for need in Need:
            with pytest.raises(Http404):
                get_venue_for(people["superuser"], slug, need)
        assert find_venue(slug) is None


def test_find_venue_asks_no_right_and_takes_anything(world):
    venue, _, _ = world
    assert find_venue(venue.slug) == venue
    assert find_venue("no-such-venue") is None
    assert find_venue(None) is None
    assert find_venue(42) is None
    assert find_venue("a" * 64) is None  # well formed, and unknown


def test_the_request_helper_uses_the_request_viewer_and_keeps_the_venue(world):
    venue, _, people = world
    request = RequestFactory().get(f"/v/{venue.slug}/chair/")
    request.user = people["chair"]
    assert venue_for_request(request, venue.slug, Need.CHAIR) == venue
    assert request.venue == venue
    assert policy.viewer_for(request).user == people["chair"]

    refused = RequestFactory().get(f"/v/{venue.slug}/chair/")
    refused.user = people["author"]
    with pytest.raises(Http404):
        venue_for_request(refused, venue.slug, Need.CHAIR)
    assert not hasattr(refused, "venue")


@pytest.mark.parametrize("path", ["/v/{slug}/chair/submissions/", "/v/{slug}/reviewing/pool/", "/v/{slug}/chair/settings/",
                                  "/v/{slug}/chair/audit/", "/v/{slug}/chair/outbox/", "/v/{slug}/chair/jobs/"])
def test_chairs_pages_answer_the_same_404_for_a_missing_venue_and_a_refused_person(client, world, path):
    venue, _, people = world
    client.force_login(people["author"])
    refused = client.get(path.format(slug=venue.slug))
    missing = client.get(path.format(slug="no-such-venue"))
    assert refused.status_code == missing.status_code == 404
    assert [t.name for t in refused.templates] == [t.name for t in missing.templates]
    client.force_login(people["chair"])
    assert client.get(path.format(slug=venue.slug)).status_code == 200


def test_the_api_answers_the_same_404_for_a_missing_venue_a_malformed_slug_and_a_refused_person(client, world):
    from paperdesk.api.models import ApiToken

    venue, _, people = world
    _, secret = ApiToken.issue(people["author"], "lookup test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    refused = client.get(f"/api/venues/{venue.slug}/submissions", **auth)
    missing = client.get("/api/venues/no-such-venue/submissions", **auth)
    malformed = client.get(f"/api/venues/{'a' * 65}/submissions", **auth)
    assert refused.status_code == missing.status_code == malformed.status_code == 404
    assert refused.json() == missing.json() == malformed.json() == {"detail": "Not found.", "field": None}
    assert client.get(f"/api/venues/{venue.slug}").status_code == 200
    assert client.get("/api/venues/no-such-venue").status_code == 404


# --- structure: one lookup --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2] / "paperdesk"
LOOKUP = re.compile(r"Venue\.objects\.(filter|get)\(\s*slug\s*=|get_object_or_404\(\s*Venue\b")

# The modules that still read a venue by its slug themselves, each with the reason; none is a
# page or an API operation.
EXCEPTIONS = {
    "venues/lookup.py": "the one lookup itself",
    "venues/context.py": "the default venue of settings.DEFAULT_VENUE for the layout, no request's slug",
    "venues/services.py": "venue_load reads the stored row of the venue file it is writing",
    "venues/bootstrap.py": "rehearsal_of: the rehearsal twin of a venue, for the operators' commands (ensurechair, demo)",
}
# Management commands take --venue from the operator at the shell, not from a request.
COMMANDS = re.compile(r"(^|/)management/commands/")


def _offenders() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in f"/{relative}" or COMMANDS.search(relative) or relative in EXCEPTIONS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LOOKUP.search(line):
                found.append(f"paperdesk/{relative}:{number}: {line.strip()}")
    return found


def test_no_page_or_api_module_looks_a_venue_up_by_its_slug_on_its_own():
    offenders = _offenders()
    assert not offenders, (
        "Look venues up with paperdesk.venues.lookup (venue_for_request / get_venue_for and a Need), "
        "which checks the slug and asks the policy:\n" + "\n".join(offenders))


def test_each_exception_still_needs_its_place():
    for relative, reason in EXCEPTIONS.items():
        assert reason
        assert LOOKUP.search((ROOT / relative).read_text(encoding="utf-8")), f"{relative} no longer looks a venue up: drop it"


def test_no_module_keeps_a_venue_helper_of_its_own():
    helpers = re.compile(r"^def (_chair_venue|_public_venue|_chase_venue|venue_or_404)\(", re.M)
    found = [path.relative_to(ROOT).as_posix() for path in sorted(ROOT.rglob("*.py"))
             if "/migrations/" not in path.as_posix() and helpers.search(path.read_text(encoding="utf-8"))]
    assert not found, f"Duplicated venue lookups (use paperdesk.venues.lookup): {found}"
