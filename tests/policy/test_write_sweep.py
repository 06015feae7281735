"""The write sweep (issue 8): every route of the generated inventory that takes a write — every
URLconf route (pages that show a form take its POST too; the GET-only ones must answer 405)
and every API operation that is not a GET — is sent a write by every role its matrix entry
(route_table.py) does not let reach it, with a valid CSRF token (the client enforces CSRF
checks, so a refusal is never the CSRF check's) and a body that would be accepted from a
role that may (a review with every answer, a decision with a known outcome, ...).

What each must answer (and without a canary the role may not see, as in the canary sweep): a refusal, 403, 404 or 405 (an anonymous visitor of a page may be
sent to sign in; the API answers them 401). Never a 2xx or another 3xx (a success), never a
500, and never a 400/409/422 (the body was judged before the person's rights: a refusal
that depends on what was sent, not on who sent it). And nothing may change: a digest of
every row of the domain's tables (audit entries and queued jobs included) is taken before
and after each request and must be equal.

One world (the canary sweep's, in its "decided" phase: reviews, meta-review, discussion
and decisions set, not released), built once; the whole sweep is one test that fails with
the full list of violations.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json

from django.apps import apps
from django.core.cache import cache
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tests.policy import sweep_world as w
from tests.policy.route_table import ROUTES, inventory, url_for

PHASE = "decided"

# What a write may not change: every row of every table of Paperdesk's own apps (an app
# added later joins by construction), the job queue's and allauth's, but for the fields a
# refused request legitimately touches (a sign-in's time, a token's last use).
THIRD_PARTY_APPS = ("django_tasks_database", "account")
VOLATILE_FIELDS = {"last_login", "last_used_at"}

ALLOWED_REFUSALS = {403, 404, 405}
JUDGED_BEFORE_RIGHTS = {400, 409, 413, 415, 422}


def _models():
    out = []
    assert {"cameraready", "mail"} <= {m._meta.app_label for m in apps.get_models() if m.__module__.startswith("paperdesk.")}
    for model in apps.get_models():
        ours = model.__module__.startswith("paperdesk.") or model._meta.app_label in THIRD_PARTY_APPS
        if ours and model._meta.managed and not model._meta.proxy:
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
            out.append((model, fields))
    return out


def snapshot(models) -> str:
    digest = hashlib.sha256()
    for model, fields in models:
        digest.update(model._meta.label.encode())
        for row in model._base_manager.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def table_digests(models) -> dict[str, str]:
    return {model._meta.label: snapshot([(model, fields)]) for model, fields in models}


# --- plausible bodies -------------------------------------------------------------------------


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import make_pdf_bytes

    return SimpleUploadedFile("paper.pdf", make_pdf_bytes(2, "Swept"), "application/pdf")


def _area_chair_member(world) -> str:
    from paperdesk.committee.models import PoolMember

    return PoolMember.objects.get(venue=world.venue, user=world.people["area_chair"], role=PoolMember.Role.AREA_CHAIR).public_id


def form_body(world, key: str) -> dict:
    """A form a permitted person could send: the fields of the route's form, filled in."""
    from tests.reviews.review_world import review_post_data

    objects = world.objects
    body = {
        "action": "save", "answer": "accept", "outcome": "accept-oral", "paper": [objects["paper"]], "ids": [objects["paper"]],
        "reason": "The write sweep says so.", "body": "Sweep-canary post.", "text": "Sweep-canary text.",
        "title": "A swept title", "abstract": "A swept abstract.", "recommendation": "reject", "name": "Sweep Person", "email": "sweep.person@example.org",
        "institution": "Sweep Institute", "domains": "sweep.edu", "note": "sweep", "message": "sweep",
        "invitees": "Sweep Person <sweep.person@example.org>", "role": "reviewer", "file": _pdf(), "min_load": "1", "max_load": "2",
        "decision": "accept", "wave": "1", "resend_unconfirmed": "yes", "hold_back_undecided": "yes", "confirm": "yes",
        "user": str(world.people["unassigned_reviewer"].pk), "reviewer": f"{w.UNASSIGNED_NAME} <{w.UNASSIGNED_EMAIL}>",
        "area_chair": _area_chair_member(world), "deadline": "2030-01-01T12:00", "until": "2030-01-01T12:00",
        "value": "eager", "year": "2024", "kind": "decline", "subject": "Sweep", "to": "all",
    }
    if key in ("reviews:save", "reviews:autosave"):
        body.update(review_post_data(world.venue, overall=2, confidence=2, text="Sweep-canary review.", comments="none", action="submit"))
    elif key == "reviews:meta_review":
        body.update(action="submit")
    elif key in ("submissions:claim", "submissions:invitation_answer"):
        body.update(action="confirm")
    elif key == "decisions:release":
        body.update(action="release")
    elif key == "decisions:bulk_set":
        body.update(paper=[objects["paper"], objects["other_paper"]], outcome="accept-oral")
    return body


def api_body(world, key: str) -> tuple[str, object]:
    """(content type, body) an allowed caller could send to the API operation."""
    from tests.conftest import make_pdf_bytes

    paper = world.objects["paper"]
    author = {"email": w.AUTHOR_EMAIL, "name": w.AUTHOR_NAME, "affiliation": "Finch University"}
    bodies = {
        "POST /api/venues/{slug}/submissions": {
            "title": "A swept submission", "abstract": "Swept.", "track": "short", "primary_topic": "circuits",
            "contribution_type": "empirical", "authors": [author], "attestations": {"not-accepted-archival": True, "anonymized": True}},
        "PATCH /api/submissions/{public_id}": {"title": "A swept title"},
        "PUT /api/papers/{public_id}/review": {"overall": 2, "confidence": 2, "comments_to_chairs": "sweep"},
        "POST /api/papers/{public_id}/review/submit": {"overall": 2, "confidence": 2, "comments_to_chairs": "sweep"},
        "POST /api/papers/{public_id}/discussion": {"body": "Sweep-canary post."},
        "PUT /api/papers/{public_id}/meta-review": {"recommendation": "accept", "text": "Sweep-canary meta."},
        "POST /api/papers/{public_id}/meta-review/submit": {"recommendation": "accept", "text": "Sweep-canary meta."},
        "PUT /api/venues/{slug}/bids/{public_id}": {"value": "eager"},
        "POST /api/venues/{slug}/decisions": {"papers": [paper], "outcome": "accept-oral"},
        "PUT /api/submissions/{public_id}/camera-ready/details": {"title": "Swept", "abstract": "Swept.", "authors": [
            {"authorship_id": pk, "name": f"Author {n}", "affiliation": "Swept", "position": n} for n, pk in enumerate(world.paper.authorships.order_by("position").values_list("pk", flat=True), 1)]},
        "PUT /api/submissions/{public_id}/camera-ready/hosting": {"host_pdf": True},
        "POST /api/venues/{slug}/late-reviews/remind": {"key": "sweep", "scope": "late"},
        "POST /api/papers/{public_id}/review-deadline": {"deadline": "2030-01-01T12:00:00Z"},
        "POST /api/papers/{public_id}/give-back": {"kind": "decline", "reason": "The write sweep says so."},
    }
    if key.endswith("/versions"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fields = {"file": SimpleUploadedFile("paper.pdf", make_pdf_bytes(2, "Swept"), "application/pdf")}
        fields.update({"host_pdf": "true"} if "camera-ready" in key else {"kind": "paper"})
        return "multipart", fields
    if key in bodies:
        return "application/json", bodies[key]
    return "application/json", body_from_spec(key)


@functools.cache
def _spec() -> dict:
    from paperdesk.api.api import api

    return api.get_openapi_schema()


def body_from_spec(key: str) -> object:
    """For an operation the sweep has no body for (a new one): its required fields from the
    OpenAPI spec, filled in plausibly, so that the answer judges the caller, not the body."""
    spec = _spec()
    method, path = key.split(" ", 1)
    operation = spec["paths"].get(path, {}).get(method.lower(), {})
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    components = spec.get("components", {}).get("schemas", {})

    def fill(schema: dict, name: str = "") -> object:
        if "$ref" in schema:
            return fill(components[schema["$ref"].rsplit("/", 1)[1]], name)
        for group in ("allOf", "anyOf", "oneOf"):
            if group in schema:
                options = [s for s in schema[group] if s.get("type") != "null"]
                return fill(options[0], name) if options else None
        kind = schema.get("type")
        if "enum" in schema:
            return schema["enum"][0]
        if kind == "object":
            return {field: fill(sub, field) for field, sub in schema.get("properties", {}).items() if field in schema.get("required", [])}
        if kind == "array":
            return [fill(schema.get("items", {}), name)]
        if kind == "integer":
            return max(1, schema.get("minimum", 1))
        if kind == "boolean":
            return True
        if "deadline" in name or "date" in name or schema.get("format") == "date-time":
            return "2030-01-01T12:00:00Z"
        if name in ("reviewer", "email", "user", "area_chair"):
            return w.UNASSIGNED_EMAIL
        return "sweep"

    return fill(schema) if schema else {}


# --- the sweep --------------------------------------------------------------------------------------


def write_requests():
    """(found, route, method) for every write the sweep sends."""
    out = []
    for found in inventory():
        route = ROUTES.get(found.key)
        if route is None or route.ignore:
            continue
        if found.api:
            method = found.key.split(" ", 1)[0]
            if method != "GET":
                out.append((found, route, method))
        elif found.key != "api/^(?P<rest>.*)$":
            out.append((found, route, "POST"))
    return out


def _client(world, role: str) -> tuple[Client, dict, str]:
    """A client that enforces CSRF checks, holding a valid CSRF cookie; the API's bearer
    header for the role."""
    from paperdesk.api.models import ApiToken

    client = Client(enforce_csrf_checks=True)
    headers = {}
    if role != "anonymous":
        client.force_login(world.people[role])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.people[role], 'write sweep')[1]}"}
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client, headers, token


def send(client, headers, token, method, url, found, world):
    if found.api:
        content_type, body = api_body(world, found.key)
        if content_type == "multipart":
            return client.post(url, body, **headers)
        return client.generic(method, url, json.dumps(body), content_type="application/json", **headers)
    return client.post(url, {**form_body(world, found.key), "csrfmiddlewaretoken": token}, HTTP_X_CSRFTOKEN=token)


def judge(role: str, found, response) -> str:
    """'' for a refusal, else what is wrong with the answer."""
    status = response.status_code
    if status in ALLOWED_REFUSALS:
        return ""
    if role == "anonymous":
        if found.api and status == 401:
            return ""
        if status == 302 and "/accounts/login/" in response.get("Location", ""):
            return ""
    if status >= 500:
        return f"server error {status}"
    if status in JUDGED_BEFORE_RIGHTS:
        return f"answered {status}: the body was judged before the rights ({_detail(response)})"
    return f"answered {status} ({response.get('Location', '') or _detail(response)}): a success for a role the matrix keeps out"


def _detail(response) -> str:
    raw = response.content if not getattr(response, "streaming", False) else b""
    text = raw.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        return text[:200]
    import re

    found = re.search(r'role="alert"[^>]*>(.*?)<', text, re.S) or re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    return (found.group(1).strip() if found else text[:120]).replace("\n", " ")


class WriteWatch:
    """Notes whether any statement that can change a row ran (INSERT, UPDATE, DELETE),
    but for the session table and the touches a refused request legitimately makes (a
    sign-in's time, a token's last use: VOLATILE_FIELDS). Rows change only through such
    statements, so the tables' digest is taken again only after one ran: the sweep stays
    fast, and its verdict is the digest's."""

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        head = sql.lstrip()[:6].upper()
        if head.startswith(self.WRITES) and "django_session" not in sql and not any(f in sql for f in VOLATILE_FIELDS):
            self.wrote = True
        return execute(sql, params, many, context)


def sweep(world, routes: dict | None = None) -> tuple[list[str], int]:
    """Every write × every role kept out of it. The tables' digest is compared around each
    route's writes (one per role) whenever a write statement ran, and then again around each
    single write of that route, to name who changed what."""
    from django.db import connection

    models = _models()
    violations, sent = [], 0
    clients = {role: _client(world, role) for role in w.ROLES}
    before = snapshot(models)
    watch = WriteWatch()
    for found, route, method in write_requests():
        if routes is not None:
            if found.key not in routes:
                continue
            route = routes[found.key]
        url = url_for(found, route, world.objects)
        roles = [role for role in w.ROLES if role not in route.reach]
        answers = []
        watch.wrote = False
        with connection.execute_wrapper(watch):
            for role in roles:
                cache.clear()  # throttles count per test: the sweep is one test of many requests
                client, headers, token = clients[role]
                answers.append((role, send(client, headers, token, method, url, found, world)))
                sent += 1
        for role, response in answers:
            problem = judge(role, found, response)
            if problem:
                violations.append(f"{role} {method} {url} ({found.key}): {problem}")
            violations += leaks(world, role, f"{role} {method} {url} ({found.key}) {response.status_code}", response)
        if not watch.wrote:
            continue
        after = snapshot(models)
        if after != before:
            violations.append(f"{method} {url} ({found.key}) by {', '.join(roles)}: the writes CHANGED "
                              f"{', '.join(_what_changed(models, world, found, route, method, url, clients, roles))}")
            after = snapshot(models)
        before = after
    return violations, sent


def leaks(world, role: str, where: str, response) -> list[str]:
    """A refusal tells nothing either: the canaries the role may not see in this phase
    appear nowhere in the answer (the canary sweep's rules)."""
    from tests.policy.test_canary_sweep import forbidden, response_text

    headers, body = response_text(response)
    return [f"{where}: {group} LEAKED: {canary!r}" for group, canary in forbidden(world, role, PHASE) if canary in body or canary in headers]


def _what_changed(models, world, found, route, method, url, clients, roles) -> list[str]:
    """Send the writes again one role at a time: which role changed which table."""
    out = []
    for role in roles:
        tables = table_digests(models)
        client, headers, token = clients[role]
        send(client, headers, token, method, url, found, world)
        after = table_digests(models)
        changed = [label for label, value in after.items() if tables[label] != value]
        if changed:
            out.append(f"{role}: {'/'.join(changed)}")
    return out or ["(not again when sent one at a time)"]


def test_write_sweep_every_role_kept_out_of_a_write_is_refused_and_nothing_changes(db):
    world = w.build(PHASE)
    assert not world.notes, world.notes
    violations, sent = sweep(world)
    assert sent > 500, f"the sweep sent only {sent} writes: it does not reach the routes it should"
    assert not violations, f"{len(violations)} of {sent} writes by roles the matrix keeps out were not refused cleanly:\n" + "\n".join(violations)
    # Proof that it bites (same world): were the assigned reviewer kept out of clearing her
    # publications, which she may do, the sweep would report her success and what it changed.
    key = "committee:publications_clear"
    bitten, _ = sweep(world, {key: dataclasses.replace(ROUTES[key], reach=ROUTES[key].reach - {"reviewer"})})
    assert any(v.startswith("reviewer POST") and "a success for a role the matrix keeps out" in v for v in bitten), bitten
    assert any("CHANGED" in v and "reviewer: " in v and "audit.AuditEntry" in v for v in bitten), bitten
