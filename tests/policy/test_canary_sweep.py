"""The canary sweep (issue 8): every route of the generated inventory (route_table.py) ×
every role × every phase, requested with the world's real object ids in its converters; a
canary a role may not see in that phase must appear nowhere in what it receives: body
(HTML, JSON, CSV, the PDF download's bytes) or headers. Every e-mail sent while the world is
built is checked the same way against the rules of its recipient. A route that answers a
role outside its matrix entry with a 2xx is reported too.

The rules are those issue 8 states, not today's behaviour:
- authors' identities (names, e-mails, affiliations): the confirmed authors and the chairs;
  never a pending co-author, a reviewer or an area chair (the canary paper is rejected, so
  never public);
- the checker's findings (and how many identity leaks it flagged): the authors and the
  chairs without a conflict;
- the original PDF's SHA-256: the authors and the chairs (their submission list);
- reviews, scores, meta-review: the paper's reviewers, area chair and unconflicted chairs;
  the authors once the decisions are released; never a conflicted chair, a chair-author
  before release, or a pending co-author;
- comments to the chairs: unconflicted chairs, the area chair, their writer;
- discussion: the paper's reviewers, area chair and unconflicted chairs;
- the decision: unconflicted chairs once set; the authors once released;
- who reviews the paper, who is its area chair, who joined by an invitation link: the
  chairs (a chair's pool pages name everybody; what a conflicted chair learns from them about
  their own paper is proven by test_noninterference.py) and the person themself.

Each phase builds its world once and makes all role × route requests in one test, then
fails with the full list of violations.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from tests.policy import sweep_world as w
from tests.policy.route_table import ROUTES, inventory, url_for

CHAIRS = {"chair", "chair_author", "conflicted_chair"}
AUTHORS = {"author", "chair_author"}


def _reviewing(phase):
    return phase != "submission"


def _released(phase):
    return phase == "released"


# group -> (canaries, who may see them in a phase)
RULES = {
    "author identity": ([w.AUTHOR_NAME, w.AUTHOR_EMAIL, w.COAUTHOR_NAME, w.COAUTHOR_EMAIL, w.COAUTHOR_AFFILIATION,
                         w.CLAIMER_NAME, w.CLAIMER_EMAIL],
                        lambda role, phase: role in AUTHORS | CHAIRS),
    "pending co-author on the author list": ([w.PENDING_EMAIL],
                                             lambda role, phase: role in AUTHORS | CHAIRS | {"pending_coauthor"}),
    "check findings": ([w.CHECK_TEXT, "1 " + w.LEAK_COUNT_TEXT], lambda role, phase: role in AUTHORS | {"chair"}),
    "original PDF's SHA-256": ([], lambda role, phase: role in AUTHORS | CHAIRS),  # filled from the world
    "reviews and scores": ([w.REVIEW_TEXT, w.REVIEW2_TEXT, w.SCORE_HTML, w.SCORE_API],
                           lambda role, phase: role in {"chair", "area_chair", "reviewer"} or (_released(phase) and role in AUTHORS)),
    "meta-review": ([w.META_TEXT],
                    lambda role, phase: role in {"chair", "area_chair", "reviewer"} or (_released(phase) and role in AUTHORS)),
    "comments to the chairs (own)": ([w.CHAIRS_ONLY_TEXT], lambda role, phase: role in {"chair", "area_chair", "reviewer"}),
    "comments to the chairs (other reviewer's)": ([w.CHAIRS_ONLY_TEXT2], lambda role, phase: role in {"chair", "area_chair"}),
    "discussion": ([w.POST_TEXT], lambda role, phase: role in {"chair", "area_chair", "reviewer"}),
    "decision": ([w.DECISION_HTML, w.DECISION_API, w.DECISION_LETTER],
                 lambda role, phase: role == "chair" or (_released(phase) and role in AUTHORS)),
    # the canary paper's area chair sees its reviewers' names (reviewing.area_chairs_see_reviewer_names, on by default)
    "reviewer identity": ([w.REVIEWER_NAME, w.REVIEWER_EMAIL], lambda role, phase: role in CHAIRS | {"reviewer", "area_chair"}),
    "other reviewer identity": ([w.REVIEWER2_NAME, w.REVIEWER2_EMAIL], lambda role, phase: role in CHAIRS | {"area_chair"}),
    "area chair identity": ([w.AC_NAME, w.AC_EMAIL], lambda role, phase: role in CHAIRS | {"area_chair"}),
    "invitee identity": ([w.UNASSIGNED_NAME, w.UNASSIGNED_EMAIL], lambda role, phase: role in CHAIRS | {"unassigned_reviewer"}),
}

# (role, group, first phase) the sweep must find: proof that it reaches the pages it probes.
MUST_SEE = [
    ("chair", "author identity", "submission"),
    ("author", "author identity", "submission"),
    ("author", "check findings", "submission"),
    ("chair", "check findings", "submission"),
    ("author", "original PDF's SHA-256", "submission"),
    ("reviewer", "reviews and scores", "reviewing"),
    ("area_chair", "meta-review", "reviewing"),
    ("chair", "comments to the chairs (other reviewer's)", "reviewing"),
    ("reviewer", "discussion", "reviewing"),
    ("chair", "decision", "decided"),
    ("author", "decision", "released"),
    ("author", "reviews and scores", "released"),
    ("chair", "reviewer identity", "reviewing"),
    ("chair", "invitee identity", "submission"),
]


def canaries(world) -> dict[str, list[str]]:
    out = {group: list(strings) for group, (strings, _) in RULES.items()}
    out["original PDF's SHA-256"] = [world.sha256]
    return out


def forbidden(world, role: str, phase: str) -> list[tuple[str, str]]:
    return [(group, c) for group, strings in canaries(world).items() if not RULES[group][1](role, phase) for c in strings]


def response_text(response) -> tuple[str, str]:
    """(headers, body) as text: JSON re-serialised unescaped, anything else decoded as is
    (a PDF's metadata is plain ASCII in its bytes)."""
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    body = raw.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        try:
            body = json.dumps(json.loads(raw), ensure_ascii=False, indent=None) + "\n" + body
        except ValueError:
            pass
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return headers, body


def mail_text(message) -> str:
    parts = [message.subject, message.body]
    parts += [content if isinstance(content, str) else content.decode("utf-8", "replace")
              for content, _ in getattr(message, "alternatives", [])]
    for attachment in message.attachments:
        content = attachment[1] if isinstance(attachment, tuple) else attachment.get_payload()
        parts.append(content if isinstance(content, str) else bytes(content).decode("utf-8", "replace"))
    return "\n".join(str(p) for p in parts)


def requests_of():
    """(found, route) for every inventoried route the sweep requests."""
    out = []
    for found in inventory():
        route = ROUTES.get(found.key)
        if route is None or not route.get or route.ignore or (found.api and not found.key.startswith("GET ")):
            continue
        out.append((found, route))
    return out


def sweep(world, phase: str, roles=w.ROLES) -> tuple[list[str], set]:
    """Every (role, route) of the phase: the violations found, and the (role, group) pairs
    whose canaries some answer carried."""
    violations, seen = [], set()
    routes = requests_of()
    all_canaries = canaries(world)
    for role in roles:
        cache.clear()  # throttles count per test: the sweep is one test of many requests
        client, api_headers = world.client(role)
        banned = forbidden(world, role, phase)
        for found, route in routes:
            url = url_for(found, route, world.objects)
            response = client.get(url, **(api_headers if url.startswith("/api/") else {}))
            if response.status_code == 429:
                violations.append(f"[{phase}] {role} GET {url} ({found.key}): throttled (429): the sweep could not read it")
                continue
            if response.status_code >= 500:
                violations.append(f"[{phase}] {role} GET {url} ({found.key}): server error {response.status_code}")
                continue
            headers, body = response_text(response)
            for group, canary in banned:
                for where, text in (("body", body), ("headers", headers)):
                    if canary in text:
                        violations.append(f"[{phase}] {role} GET {url} ({found.key}) {response.status_code}: "
                                          f"{group} LEAKED in {where}: {canary!r}")
            if 200 <= response.status_code < 300 and role not in route.reach:
                violations.append(f"[{phase}] {role} GET {url} ({found.key}): answered {response.status_code}, "
                                  f"but the matrix lets only {sorted(route.reach) or 'nobody'} reach it")
            for group, strings in all_canaries.items():
                if any(c in body or c in headers for c in strings):
                    seen.add((role, group))
    return violations, seen


def mail_violations(world, phase: str) -> list[str]:
    """The e-mails sent during `phase`: none carries a canary its recipient may not see."""
    out = []
    for sent_in, message in world.mails:
        if sent_in != phase:
            continue
        text = mail_text(message)
        for address in list(message.to) + list(message.cc) + list(message.bcc):
            role = world.role_of_address(address.split("<")[-1].strip(">").strip())
            for group, canary in forbidden(world, role, phase):
                if canary in text:
                    out.append(f"[{phase}] e-mail to {address} ({role}) “{message.subject}”: {group} LEAKED: {canary!r}")
    return out


@pytest.mark.parametrize("phase", w.PHASES)
def test_canary_sweep(db, phase):
    world = w.build(phase)
    assert not world.notes, world.notes
    violations, seen = sweep(world, phase)
    violations += mail_violations(world, phase)
    ordered = w.PHASES.index(phase)
    for role, group, first in MUST_SEE:
        if w.PHASES.index(first) <= ordered and (role, group) not in seen:
            violations.append(f"[{phase}] the sweep never showed {role} the {group} they may see: it does not reach the pages it probes")
    assert not violations, f"{len(violations)} violations in phase {phase}:\n" + "\n".join(violations)
