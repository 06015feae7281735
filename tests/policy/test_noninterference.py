"""Differential non-interference (issue 8): for a viewer who may not know a hidden fact
about the canary paper, flipping that fact changes nothing they can receive. Each flip is
made in the sweep's world (tests/policy/sweep_world.py, decisions set but not released);
every route of the generated inventory the viewer can reach (its matrix entry names them,
or it answers them today) is requested before and after, and the answers must be
byte-identical once CSRF tokens, nonces and times are normalised.

Hidden facts and who must not learn them:
- a score of the canary paper: its chair-author, the chair with a declared conflict, the
  pending co-author (a reviewer), a reviewer not assigned to it, its author before release;
- its decision before release: the same people, its reviewers and its area chair;
- which reviewer is assigned to it: the same people and its area chair (on a venue that
  does not show area chairs their reviewers' names);
- an author's name: the people who may not see its authors (reviewers, area chair,
  pending co-author, anyone signed in or not).
"""

from __future__ import annotations

import re

from django.core.cache import cache

from tests.policy import sweep_world as w
from tests.policy.route_table import ROUTES, url_for
from tests.policy.test_canary_sweep import requests_of, response_text

CONFLICTED = ["chair_author", "conflicted_chair", "pending_coauthor", "unassigned_reviewer", "author"]


def _score(world, value):
    from paperdesk.reviews.models import Review

    def flip():
        old = Review.objects.get(assignment_id=world.objects["pair2"])
        Review.objects.filter(pk=old.pk).update(overall=value[0], confidence=value[1])
        return lambda: Review.objects.filter(pk=old.pk).update(overall=old.overall, confidence=old.confidence)
    return flip


def _flip_score(world):
    return _score(world, (5, 1))()


def _flip_decision(world):
    from paperdesk.decisions.models import Decision

    assert Decision.objects.filter(submission=world.paper, released_at__isnull=True).update(outcome="accept-oral") == 1
    return lambda: Decision.objects.filter(submission=world.paper).update(outcome="reject")


def _flip_assignment(world):
    """Another reviewer of the pool (there from the start) takes the second reviewer's place:
    same alias, same review."""
    from paperdesk.committee.models import Assignment

    row = Assignment.objects.get(pk=world.objects["pair2"])
    Assignment.objects.filter(pk=row.pk).update(user=world.people["swap_reviewer"])
    return lambda: Assignment.objects.filter(pk=row.pk).update(user=row.user_id)


def _flip_author_name(world):
    from paperdesk.submissions.models import Authorship

    row = Authorship.objects.get(submission=world.paper, email=w.COAUTHOR_EMAIL)
    Authorship.objects.filter(pk=row.pk).update(name="Yolanda Othername")
    return lambda: Authorship.objects.filter(pk=row.pk).update(name=row.name)


def _hide_reviewer_names_from_area_chairs(world):
    """Area chairs see their papers' reviewers' names unless the venue says no
    (reviewing.area_chairs_see_reviewer_names, on by default): here it says no, so which
    reviewer is assigned is a fact hidden from the area chair too."""
    from paperdesk.venues.models import Venue

    venue = Venue.objects.get(pk=world.venue.pk)
    venue.config.setdefault("reviewing", {})["area_chairs_see_reviewer_names"] = False
    venue.save()
    assert not Venue.objects.get(pk=venue.pk).spec.reviewing.area_chairs_see_reviewer_names


def _add_swap_reviewer(world):
    from paperdesk.committee.models import PoolMember
    from paperdesk.venues.models import VenueRole

    other = w._user("xavier.swapfinch@review-aviary.edu", "Xavier Swapfinch")
    VenueRole.objects.create(venue=world.venue, user=other, role=VenueRole.Role.REVIEWER)
    PoolMember.objects.create(venue=world.venue, user=other, email=other.email, state=PoolMember.State.ACCEPTED)
    world.people["swap_reviewer"] = other


FLIPS = {
    "score": (_flip_score, CONFLICTED),
    "decision": (_flip_decision, CONFLICTED + ["reviewer", "area_chair"]),
    "assignment": (_flip_assignment, CONFLICTED + ["area_chair"]),
    "author name": (_flip_author_name, ["reviewer", "unassigned_reviewer", "area_chair", "pending_coauthor", "user", "anonymous"]),
}
# Infrastructure answers that change with every request and hold no paper data (the canary
# sweep still reads them).
VOLATILE = {"ops:readyz", "ops:metrics"}

_NORMALISE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'("X-CSRFToken"\s*:\s*")[^"]+'), r"\1CSRF"),
    (re.compile(r'(&quot;X-CSRFToken&quot;\s*:\s*&quot;)[^&]+'), r"\1CSRF"),
    (re.compile(r'(csrf[-_]?token["\']?\s*[:=]\s*["\'])[^"\']+', re.I), r"\1CSRF"),
    (re.compile(r'nonce="[^"]+"'), 'nonce="NONCE"'),
    (re.compile(r"'nonce-[^']+'"), "'nonce-NONCE'"),
    (re.compile(r"\b\d{8}T\d{6}Z?\b"), "ICSTIME"),
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?"), "TIME"),
    (re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w* \d{4}(, \d\d?:\d\d( [ap]\.?m\.?)?)?"), "DATE"),
    (re.compile(r"\b\d\d?:\d\d( ?[AaPp]\.?[Mm]\.?| UTC)?\b"), "HH:MM"),
    (re.compile(r"\b\d+\s+(seconds?|minutes?|hours?)( ago)?\b"), "N UNITS"),
    # A download's name stamped with the minute it was made (the audit log's CSV).
    (re.compile(r"\b20\d{6}-\d{4}\b"), "YYYYMMDD-HHMM"),
    # A reminder's click key (the chase page's form, the late-reviews API): fresh random
    # letters at each request (secrets.token_urlsafe), derived from nothing about the paper.
    (re.compile(r'(<input type="hidden" name="key" value=")[A-Za-z0-9_-]{16}"'), r'\1CLICKKEY"'),
    (re.compile(r'("key"\s*:\s*")[A-Za-z0-9_-]{16}"'), r'\1CLICKKEY"'),
]
_HEADERS = ("content-type", "content-disposition", "location", "content-length")


def normalise(status: int, headers: str, body: str) -> str:
    kept = "\n".join(line for line in headers.splitlines() if line.split(":", 1)[0].strip().lower() in _HEADERS
                     and not line.lower().startswith("content-length"))
    for pattern, replacement in _NORMALISE:
        kept, body = pattern.sub(replacement, kept), pattern.sub(replacement, body)
    return f"{status}\n{kept}\n{body}"


def snapshot(world, role: str, routes) -> dict[str, str]:
    cache.clear()
    client, api_headers = world.client(role)
    out = {}
    for found, route in routes:
        url = url_for(found, route, world.objects)
        response = client.get(url, **(api_headers if url.startswith("/api/") else {}))
        headers, body = response_text(response)
        out[found.key] = (response.status_code, normalise(response.status_code, headers, body))
    return out


def _first_difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"before …{a[max(0, at - 80):at + 80]!r}… after …{b[max(0, at - 80):at + 80]!r}…"


def test_a_hidden_fact_changes_nothing_the_conflicted_viewer_receives(db):
    """One world; every viewer's answers before; then each flip alone (undone after it)."""
    world = w.build("decided")
    _add_swap_reviewer(world)
    _hide_reviewer_names_from_area_chairs(world)
    everything = [(f, r) for f, r in requests_of() if f.key not in VOLATILE]
    viewers = sorted({role for _, roles in FLIPS.values() for role in roles})
    before, routes = {}, {}
    for role in viewers:
        client, api_headers = world.client(role)
        client.get("/")  # shows (and so drops) the messages left from building the world
        client.get("/api/me", **api_headers)  # the token's "last used" is set from now on
        full = snapshot(world, role, everything)
        # What the viewer can reach: its matrix entries, and whatever answers it today.
        routes[role] = [(f, r) for f, r in everything if role in r.reach or 200 <= full[f.key][0] < 300]
        before[role] = full
    differences = []
    for flip, (change, flip_viewers) in FLIPS.items():
        undo = change(world)
        for role in flip_viewers:
            after = snapshot(world, role, routes[role])
            for key, (status, text) in after.items():
                if before[role][key][1] != text:
                    differences.append(f"[{flip}] {role} {key}: the answer changed ({before[role][key][0]} → {status}): "
                                       f"{_first_difference(before[role][key][1], text)}")
        undo()
    assert not differences, f"{len(differences)} answers reveal a hidden fact:\n" + "\n".join(differences)


def test_the_normalisation_keeps_what_matters():
    """Only tokens, nonces and times are blanked: a score or a name still shows as a change."""
    page = '<input name="csrfmiddlewaretoken" value="abc123"><span class="score">1: Strong reject</span> 2025-06-01T10:00:00Z'
    other = '<input name="csrfmiddlewaretoken" value="zzz999"><span class="score">1: Strong reject</span> 2025-06-02T11:30:00Z'
    assert normalise(200, "", page) == normalise(200, "", other)
    assert normalise(200, "", page) != normalise(200, "", page.replace("1: Strong reject", "5: Strong accept"))
    # A fresh click key is blanked; who is to be reminded is not.
    preview = '{"key": "%s", "late_only": true, "reviewers": [{"name": "Rita Reviewer"}]}'
    assert normalise(200, "", preview % "Ab3_-xYz09QwErTy") == normalise(200, "", preview % "zZ9-_aB1cD2eF3gH")
    assert normalise(200, "", preview % "Ab3_-xYz09QwErTy") != normalise(200, "", (preview % "Ab3_-xYz09QwErTy").replace("Rita", "Ulla"))
    name = 'Content-Disposition: attachment; filename="mechinterp-2025-audit-%s.csv"'
    assert normalise(200, name % "20251203-0501", "") == normalise(200, name % "20251203-0502", "")
    assert ROUTES  # the inventory's table is what the viewer's routes come from
