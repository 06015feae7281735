"""The access matrix's route table (issue 8): every URL pattern of the URLconf and every
operation of the API's OpenAPI spec has an entry here, or tests/policy/test_route_inventory.py
fails. An entry says which object each converter takes (a kind of object of the sweep's
world, tests/policy/sweep_world.py) and which roles may ever get a 2xx answer from it; the
canary sweep requests every entry for every role in every phase.

To add a route: add `"namespace:name": Route(reach, {"converter": "kind"})` (URLconf) or
`"GET /api/path/{param}": Route(...)` (API operation). `reach` is PUBLIC, SIGNED_IN or a set
of roles; a write-only route gets `get=False` (it is still in the matrix; the sweep does not
GET it); a route the sweep cannot meaningfully request gets `ignore="why"`.
"""

from __future__ import annotations

import dataclasses
import re

ROLES = ("anonymous", "user", "author", "pending_coauthor", "reviewer", "unassigned_reviewer", "area_chair",
         "chair", "chair_author", "conflicted_chair")
PUBLIC = frozenset(ROLES)
SIGNED_IN = PUBLIC - {"anonymous"}
CHAIRS = frozenset({"chair", "chair_author", "conflicted_chair"})
AUTHORS = frozenset({"author", "chair_author"})  # confirmed authors of the canary paper
POOL = frozenset({"reviewer", "unassigned_reviewer", "pending_coauthor", "area_chair"})
PAPER_READERS = frozenset({"reviewer", "area_chair", "chair"})  # its reviewing: assigned people, unconflicted chairs
NOBODY = frozenset()

# Object kinds a converter can take (values come from the world, sweep_world.SweepWorld.objects):
# venue (slug), paper (the canary paper's public id), upload (its original PDF), account,
# publication, declaration (a reviewer's), author_declaration, pool_member, alias, run,
# pair (the canary paper's reviewer assignment), ac_pair, invite_token (a used reviewer
# invitation), claim_token (a used co-author invitation), authorship (the pending
# co-author's row), action, api_token, review (the reviewer's review of the canary paper),
# email (an outbox message about the canary paper), nothing (a made-up value).


@dataclasses.dataclass(frozen=True)
class Route:
    reach: frozenset = NOBODY
    args: dict = dataclasses.field(default_factory=dict)
    get: bool = True  # False: a write (POST/PUT/...) only; in the matrix, not requested by the sweep
    ignore: str = ""  # a reason the sweep leaves it out


V = {"venue_slug": "venue"}
P = {"public_id": "paper"}
VP = {"venue_slug": "venue", "public_id": "paper"}
API_V = {"slug": "venue"}
API_P = {"public_id": "paper"}
WRITE = "write"

ROUTES: dict[str, Route] = {
    "home": Route(PUBLIC),
    # allauth's account pages: no paper data; signed-in people are sent on.
    "account_login": Route(PUBLIC),
    "account_logout": Route(SIGNED_IN, ignore="a GET may sign the viewer out (ACCOUNT_LOGOUT_ON_GET) and would spoil the rest of the sweep"),
    "account_inactive": Route(PUBLIC),
    "account_signup": Route(PUBLIC),
    "account_reauthenticate": Route(SIGNED_IN),
    "account_email": Route(SIGNED_IN),
    "account_email_verification_sent": Route(PUBLIC),
    "account_change_password": Route(SIGNED_IN),
    "account_set_password": Route(SIGNED_IN),
    "account_reset_password": Route(PUBLIC),
    "account_confirm_login_code": Route(PUBLIC),
    "account_confirm_email": Route(PUBLIC, {"key": "nothing"}),
    "account_reset_password_from_key_done": Route(PUBLIC),
    "account_reset_password_from_key": Route(PUBLIC, {"uidb36": "nothing", "key": "nothing"}),
    "account_reset_password_done": Route(PUBLIC),
    "accounts:status": Route(SIGNED_IN),
    "accounts:profile": Route(SIGNED_IN),
    "accounts:moderation": Route(CHAIRS),
    "accounts:moderation_approve": Route(CHAIRS, {"account_id": "account"}, get=False),
    "accounts:moderation_reject": Route(CHAIRS, {"account_id": "account"}, get=False),
    "accounts:moderation_bulk": Route(CHAIRS, get=False),  # many accounts at once, after one confirmation page
    "venues:cfp": Route(PUBLIC, V),
    "venues:dates": Route(PUBLIC, V),
    "venues:dates_ics": Route(PUBLIC, V),
    # The venue settings editor (issue 10, item 2): venue-wide, so every chair of the venue,
    # also one conflicted with (or an author of) a paper; the forms are GET and POST.
    "venues:settings": Route(CHAIRS, V),
    "venues:settings_history": Route(CHAIRS, V),
    "venues:settings_export": Route(CHAIRS, V),
    "venues:settings_upload": Route(CHAIRS, V),
    "venues:settings_dates": Route(CHAIRS, V),
    "venues:settings_tracks": Route(CHAIRS, V),
    "venues:settings_topics": Route(CHAIRS, V),
    "venues:settings_contribution_types": Route(CHAIRS, V),
    "venues:settings_accounts": Route(CHAIRS, V),
    "venues:settings_review_form": Route(CHAIRS, V),
    "venues:settings_reviewing": Route(CHAIRS, V),
    "venues:settings_author_response": Route(CHAIRS, V),
    "venues:settings_emails": Route(CHAIRS, V),
    "submissions:mine": Route(SIGNED_IN),
    "submissions:create": Route(SIGNED_IN, V),
    "submissions:chair_table": Route(CHAIRS, V),
    "submissions:chair_csv": Route(CHAIRS, V),
    "submissions:chair_findings": Route(CHAIRS, V),
    "submissions:chair_contact": Route(CHAIRS, V),
    "submissions:chair_archival": Route(CHAIRS, V),
    "submissions:invitations": Route(SIGNED_IN),
    # The pending co-author answers her own invitation (the write sweep: nobody else may).
    "submissions:invitation_answer": Route({"pending_coauthor"}, {"authorship_id": "authorship", "action": "action"}, get=False),
    "submissions:desk_reject": Route({"chair"}, P),
    "submissions:reinstate": Route({"chair"}, P),
    # match_id: an id no match has (an account's); tests/submissions/test_archival_status.py dismisses a real one
    "submissions:archival_dismiss": Route({"chair"}, {"public_id": "paper", "match_id": "account"}, get=False),
    "submissions:detail": Route(AUTHORS | CHAIRS, P),
    "submissions:edit": Route(AUTHORS, P),
    "submissions:upload": Route(AUTHORS, P),
    "submissions:submit": Route(AUTHORS, P),
    "submissions:withdraw": Route(AUTHORS, P),
    "submissions:restore": Route(AUTHORS, P),
    "submissions:extension": Route({"chair"}, P),
    "submissions:check_status": Route(AUTHORS | {"chair"}, P),
    "submissions:download": Route(AUTHORS | CHAIRS, {"upload_public_id": "upload"}),
    # A used co-author invitation shows nothing to anyone.
    "submissions:claim": Route(NOBODY, {"token": "claim_token"}),
    "committee:hub": Route(PUBLIC, V),
    "committee:volunteer": Route(PUBLIC, V),
    "committee:profile": Route(POOL, V),
    "committee:publications_import": Route(POOL, V),
    "committee:publication_add": Route(POOL, V),
    "committee:publications_clear": Route(POOL, V, get=False),
    "committee:publication_delete": Route({"reviewer"}, {"venue_slug": "venue", "publication_id": "publication"}, get=False),
    "committee:reviewer_declare": Route(POOL, V),
    "committee:reviewer_declaration_delete": Route({"reviewer"}, {"venue_slug": "venue", "declaration_id": "declaration"}, get=False),
    "committee:bidding": Route(POOL, V),
    "committee:bid": Route({"reviewer", "unassigned_reviewer", "area_chair"}, VP),
    "committee:bid_conflict": Route({"reviewer", "unassigned_reviewer", "area_chair"}, VP),
    "committee:pool": Route(CHAIRS, V),
    "committee:pool_invite": Route(CHAIRS, V),
    "committee:pool_remind": Route(CHAIRS, V, get=False),
    "committee:pool_decide": Route(CHAIRS, {"venue_slug": "venue", "member_id": "pool_member"}, get=False),
    "committee:pool_min_load": Route(CHAIRS, {"venue_slug": "venue", "member_id": "pool_member"}, get=False),
    "committee:first_authors": Route(CHAIRS, V),
    "committee:first_authors_remind": Route(CHAIRS, V, get=False),
    "committee:conflicts": Route(CHAIRS, V),
    "committee:conflicts_compute": Route(CHAIRS, V, get=False),
    "committee:aliases": Route(CHAIRS, V),
    "committee:alias_delete": Route(CHAIRS, {"venue_slug": "venue", "alias_id": "alias"}, get=False),
    "committee:assignment": Route(CHAIRS, V),
    "committee:run_start": Route(CHAIRS, V, get=False),
    "committee:run_status": Route(CHAIRS, {"venue_slug": "venue", "run_id": "run"}),
    "committee:run_cancel": Route(CHAIRS, {"venue_slug": "venue", "run_id": "run"}, get=False),
    "committee:pair_add": Route({"chair"}, VP),
    "committee:pair_alternates": Route({"chair"}, VP),
    "committee:pair_emergency": Route({"chair"}, VP, get=False),
    "committee:emergency_invite": Route({"chair"}, VP, get=False),  # an outsider as emergency reviewer: unconflicted chairs
    # Withdrawing one (tests/committee/test_emergency_invitation.py); the sweep's world has none, so a made-up id.
    "committee:emergency_withdraw": Route({"chair"}, {"venue_slug": "venue", "public_id": "paper", "invitation_id": "nothing"}, get=False),
    "committee:pair_remove": Route({"chair"}, {"venue_slug": "venue", "pair_id": "pair"}, get=False),
    "committee:pair_swap": Route({"chair"}, {"venue_slug": "venue", "pair_id": "pair"}),
    "committee:publish": Route(CHAIRS, V, get=False),
    "committee:area_chairs": Route(CHAIRS, V),
    "committee:area_chairs_propose": Route(CHAIRS, V, get=False),
    "committee:area_chairs_publish": Route(CHAIRS, V, get=False),
    "committee:area_chair_add": Route({"chair"}, VP, get=False),
    "committee:area_chair_move": Route({"chair"}, {"venue_slug": "venue", "pair_id": "ac_pair"}, get=False),
    "committee:area_chair_remove": Route({"chair"}, {"venue_slug": "venue", "pair_id": "ac_pair"}, get=False),
    # A used reviewer invitation: nothing without signing in as the invitee.
    "committee:invitation": Route({"unassigned_reviewer"}, {"token": "invite_token"}),
    # An emergency reviewer's invitation (tests/committee/test_emergency_invitation.py): a made-up link shows nothing to anyone.
    "committee:emergency_invitation": Route(NOBODY, {"token": "nothing"}),
    "committee:my_assignments": Route(SIGNED_IN),
    "committee:author_conflicts": Route(AUTHORS | {"chair"}, P),
    "committee:author_conflict_delete": Route(AUTHORS, {"public_id": "paper", "declaration_id": "author_declaration"}, get=False),
    "reviews:dashboard": Route(SIGNED_IN),
    "reviews:paper": Route(PAPER_READERS, P),
    "reviews:pdf": Route(PAPER_READERS, P),
    "reviews:supplementary": Route(PAPER_READERS, P),
    "reviews:save": Route({"reviewer"}, P, get=False),
    "reviews:autosave": Route({"reviewer"}, P, get=False),
    "reviews:discussion": Route(PAPER_READERS, P),
    "reviews:meta_review": Route({"area_chair", "chair"}, P),
    "reviews:area_chair": Route({"area_chair"}, V),
    "reviews:history": Route({"chair"}, P),
    "reviews:history_revert": Route({"chair"}, P),
    "reviews:venue_revert": Route(CHAIRS, V),
    # chasing reviews: chairs (a conflicted one sees the other papers) and area chairs
    "reviews:chase": Route(CHAIRS | {"area_chair"}, V),
    "reviews:extend": Route({"chair", "area_chair"}, P, get=False),
    "reviews:give_back": Route({"reviewer"}, P),
    # rating a review's quality (issue 11 item 4): the paper's area chair and unconflicted chairs
    "reviews:rate": Route({"area_chair", "chair"}, {"public_id": "paper", "review_id": "review"}, get=False),
    # the author response (issue 11 item 1): the paper's authors, on a venue that has one (the sweep's has none: 404)
    "reviews:author_response": Route(AUTHORS, P),
    "decisions:table": Route(CHAIRS, V),
    "decisions:bulk_set": Route(CHAIRS, V, get=False),
    "decisions:from_recommendations": Route(CHAIRS, V),  # a conflicted chair's paper is left out and named
    "decisions:release": Route(CHAIRS, V),
    "decisions:release_progress": Route(CHAIRS, V),
    "decisions:release_resume": Route(CHAIRS, V, get=False),
    "decisions:dashboard": Route(CHAIRS, V),
    "decisions:export_json": Route(CHAIRS, V),
    "decisions:export_csv": Route(CHAIRS, V),
    "decisions:export_reviews_csv": Route(CHAIRS, V),
    "cameraready:camera_ready_status": Route(CHAIRS, V),
    "cameraready:camera_ready_remind": Route(CHAIRS, V, get=False),
    "cameraready:camera_ready_extension": Route({"chair"}, VP, get=False),
    "cameraready:camera_ready_csv": Route(CHAIRS, V),
    "cameraready:program_publish": Route(CHAIRS, V),
    "cameraready:accepted": Route(PUBLIC, V),
    "cameraready:public_pdf": Route(NOBODY, VP),  # the canary paper is rejected: never public
    "cameraready:program_json": Route(PUBLIC, V),
    "decisions:author": Route(AUTHORS, P),
    "cameraready:camera_ready": Route(AUTHORS, P),
    "cameraready:camera_ready_metadata": Route(AUTHORS, P),
    "jobs:venue": Route(CHAIRS, V),  # the venue's background jobs (tests/policy/test_matrix_jobs.py: retry, cancel)
    "jobs:all": Route(NOBODY),  # every venue's jobs: superusers only (no role of the sweep)
    "audit:venue": Route(CHAIRS, V),  # the venue's audit log (tests/audit/: a conflicted chair's entries)
    "audit:venue_csv": Route(CHAIRS, V),
    "audit:all": Route(NOBODY),  # every entry: superusers only (no role of the sweep)
    "audit:all_csv": Route(NOBODY),
    # The chairs' outbox (tests/mail/test_outbox.py: a conflicted chair reads nothing about the paper).
    "ops:outbox": Route(CHAIRS, V),
    "ops:outbox_message": Route({"chair"}, {"venue_slug": "venue", "email_id": "email"}),  # a message about the canary paper
    "ops:outbox_resend": Route({"chair"}, {"venue_slug": "venue", "email_id": "email"}, get=False),
    "accounts:email_preferences": Route(SIGNED_IN),  # one's own e-mail preferences
    "ops:healthz": Route(PUBLIC),
    "ops:readyz": Route(PUBLIC),
    "ops:metrics": Route(PUBLIC),
    "ops:favicon": Route(PUBLIC),  # a redirect to the static icon
    "api_tokens": Route(SIGNED_IN),
    "api/tokens": Route(PUBLIC),  # unnamed: a redirect to api/tokens/
    "api_token_revoke": Route(SIGNED_IN, {"token_id": "api_token"}, get=False),
    "paperdesk-api:openapi-json": Route(PUBLIC),
    "paperdesk-api:openapi-view": Route(PUBLIC),
    "paperdesk-api:api-root": Route(PUBLIC),
    "api/^(?P<rest>.*)$": Route(NOBODY, {"rest": "nothing"}),  # unnamed: the API's 404 for unknown paths
    # --- the API's operations (from its OpenAPI spec) ---
    "GET /api/venues": Route(PUBLIC),  # the venues' public facts
    "GET /api/venues/{slug}": Route(PUBLIC, API_V),
    "GET /api/me": Route(SIGNED_IN),
    "GET /api/submissions": Route(SIGNED_IN),
    "POST /api/venues/{slug}/submissions": Route(SIGNED_IN, API_V, get=False),
    "GET /api/venues/{slug}/submissions": Route(CHAIRS, API_V),
    # Its reviewers and area chair get the anonymised view (no authors, no original-file hash).
    "GET /api/submissions/{public_id}": Route(AUTHORS | CHAIRS | PAPER_READERS, API_P),
    "PATCH /api/submissions/{public_id}": Route(AUTHORS, API_P, get=False),
    "POST /api/submissions/{public_id}/versions": Route(AUTHORS, API_P, get=False),
    "GET /api/submissions/{public_id}/versions": Route(AUTHORS | CHAIRS | PAPER_READERS, API_P),
    "POST /api/submissions/{public_id}/submit": Route(AUTHORS, API_P, get=False),
    "POST /api/submissions/{public_id}/withdraw": Route(AUTHORS, API_P, get=False),
    "POST /api/submissions/{public_id}/restore": Route(AUTHORS, API_P, get=False),
    "GET /api/venues/{slug}/review-form": Route(SIGNED_IN, API_V),
    "GET /api/venues/{slug}/assignments": Route(SIGNED_IN, API_V),
    "GET /api/papers/{public_id}/review": Route({"reviewer"}, API_P),
    "PUT /api/papers/{public_id}/review": Route({"reviewer"}, API_P, get=False),
    "POST /api/papers/{public_id}/review/submit": Route({"reviewer"}, API_P, get=False),
    "GET /api/papers/{public_id}/reviews": Route(PAPER_READERS, API_P),
    "GET /api/papers/{public_id}/review-history": Route({"chair"}, API_P),
    "GET /api/submissions/{public_id}/results": Route(AUTHORS, API_P),
    "GET /api/papers/{public_id}/discussion": Route(PAPER_READERS, API_P),
    "POST /api/papers/{public_id}/discussion": Route(PAPER_READERS, API_P, get=False),
    "GET /api/papers/{public_id}/meta-review": Route({"area_chair", "chair"}, API_P),
    "PUT /api/papers/{public_id}/meta-review": Route({"area_chair", "chair"}, API_P, get=False),
    "POST /api/papers/{public_id}/meta-review/submit": Route({"area_chair", "chair"}, API_P, get=False),
    "GET /api/venues/{slug}/bidding": Route(POOL, API_V),
    "GET /api/venues/{slug}/bids": Route(POOL, API_V),
    "PUT /api/venues/{slug}/bids/{public_id}": Route({"reviewer", "unassigned_reviewer", "area_chair"}, {**API_V, **API_P}, get=False),
    "DELETE /api/venues/{slug}/bids/{public_id}": Route({"reviewer", "unassigned_reviewer", "area_chair"}, {**API_V, **API_P}, get=False),
    "GET /api/venues/{slug}/decisions": Route(CHAIRS, API_V),
    "POST /api/venues/{slug}/decisions": Route(CHAIRS, API_V, get=False),
    "PUT /api/papers/{public_id}/reviews/{review_id}/rating": Route({"area_chair", "chair"}, {**API_P, "review_id": "review"}, get=False),
    "GET /api/papers/{public_id}/review-ratings": Route({"area_chair", "chair"}, API_P),
    "GET /api/venues/{slug}/decisions/from-recommendations": Route(CHAIRS, API_V),
    "POST /api/venues/{slug}/decisions/from-recommendations": Route(CHAIRS, API_V, get=False),
    # publishing the program, as on cameraready:program_publish: every chair of the venue (venue-wide counts only)
    "GET /api/venues/{slug}/program/publication": Route(CHAIRS, API_V),
    "POST /api/venues/{slug}/program/publication": Route(CHAIRS, API_V, get=False),
    "DELETE /api/venues/{slug}/program/publication": Route(CHAIRS, API_V, get=False),
    "GET /api/me/review-ratings": Route(SIGNED_IN),
    # archival matches (issue 12 item 4) and review-integrity hints (issue 11 item 6)
    "GET /api/submissions/{public_id}/archival-matches": Route({"chair"}, API_P),
    "POST /api/submissions/{public_id}/archival-matches/{match_id}/dismiss": Route({"chair"}, {"public_id": "paper", "match_id": "account"}, get=False),
    "GET /api/papers/{public_id}/integrity-hints": Route({"area_chair", "chair"}, API_P),
    # the author response (issue 11 item 1); the sweep's venue has none, so every role gets a 404
    "GET /api/submissions/{public_id}/response": Route(AUTHORS, API_P),
    "PUT /api/submissions/{public_id}/response": Route(AUTHORS, API_P, get=False),
    "GET /api/papers/{public_id}/author-response": Route(PAPER_READERS, API_P),
    "GET /api/me/email-preferences": Route(SIGNED_IN),
    "PUT /api/me/email-preferences": Route(SIGNED_IN, get=False),
    "GET /api/submissions/{public_id}/camera-ready": Route(AUTHORS, API_P),
    "POST /api/submissions/{public_id}/camera-ready/versions": Route(AUTHORS, API_P, get=False),
    "PUT /api/submissions/{public_id}/camera-ready/details": Route(AUTHORS, API_P, get=False),
    "PUT /api/submissions/{public_id}/camera-ready/hosting": Route(AUTHORS, API_P, get=False),
    "GET /api/venues/{slug}/outbox": Route(CHAIRS, API_V),  # the canary paper's e-mails: not to its conflicted chairs
    "GET /api/venues/{slug}/outbox/{email_id}": Route({"chair"}, {"slug": "venue", "email_id": "email"}),
    "POST /api/venues/{slug}/outbox/{email_id}/resend": Route({"chair"}, {"slug": "venue", "email_id": "email"}, get=False),
    "GET /api/venues/{slug}/late-reviews": Route(CHAIRS | {"area_chair"}, API_V),
    "POST /api/venues/{slug}/late-reviews/remind": Route(CHAIRS | {"area_chair"}, API_V, get=False),
    "POST /api/papers/{public_id}/review-deadline": Route({"chair", "area_chair"}, API_P, get=False),
    "POST /api/papers/{public_id}/give-back": Route({"reviewer"}, API_P, get=False),
    "POST /api/venues/{slug}/papers/{public_id}/emergency-reviewer": Route({"chair"}, {**API_V, **API_P}, get=False),
    # Emergency invitations of people outside the pool (tests/api/test_api_emergency_invitations.py): unconflicted chairs.
    "GET /api/venues/{slug}/papers/{public_id}/emergency-invitations": Route({"chair"}, {**API_V, **API_P}),
    "POST /api/venues/{slug}/papers/{public_id}/emergency-invitations": Route({"chair"}, {**API_V, **API_P}, get=False),
    # The sweep's world has no invitation: a made-up id (withdrawing a real one is tested there).
    "POST /api/venues/{slug}/papers/{public_id}/emergency-invitations/{invitation_id}/withdraw": Route(
        {"chair"}, {**API_V, **API_P, "invitation_id": "nothing"}, get=False),
}


# --- the inventory: what the URLconf and the OpenAPI spec say exists ----------------------


@dataclasses.dataclass(frozen=True)
class Found:
    key: str  # the table's key: "namespace:name", the pattern for an unnamed one, or "METHOD /api/path"
    params: tuple[str, ...]  # converter (or regex group) names
    pattern: str  # the URL pattern as written, or the API path
    api: bool = False


def _params(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def urlconf_routes() -> list[Found]:
    """Every URLPattern of the URLconf, walked recursively, with its full name and the names
    of its converters. The API's operation views are left to openapi_routes(), except those
    the spec does not describe."""
    from django.urls import URLPattern, URLResolver, get_resolver

    api_paths = {re.sub(r"\{(\w+)\}", r"<\1>", f.pattern) for f in openapi_routes()}
    found: list[Found] = []

    def walk(resolver, prefix: str, namespace: str, params: tuple[str, ...]):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), ns, params + _params(entry.pattern))
            elif isinstance(entry, URLPattern):
                full = prefix + str(entry.pattern)
                if getattr(entry.callback, "__module__", "") == "ninja.operation" and "/" + full in api_paths:
                    continue
                name = f"{namespace}:{entry.name}".strip(":") if entry.name else full
                found.append(Found(name, params + _params(entry.pattern), full))

    walk(get_resolver(), "", "", ())
    return found


def openapi_routes() -> list[Found]:
    """Every operation (method and path) of the API's OpenAPI spec."""
    from paperdesk.api.api import api

    spec = api.get_openapi_schema()
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method.lower() not in ("get", "put", "post", "patch", "delete", "head", "options"):
                continue
            params = tuple(p["name"] for p in operation.get("parameters", []) if p.get("in") == "path")
            found.append(Found(f"{method.upper()} {path}", params, path, api=True))
    return found


def inventory() -> list[Found]:
    return urlconf_routes() + openapi_routes()


def url_for(found: Found, route: Route, objects: dict) -> str:
    """The route's URL with the world's objects in its converters."""
    values = {param: objects[route.args[param]] for param in found.params}
    if found.api:
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), found.pattern)
    if ":" in found.key or found.key.isidentifier():
        from django.urls import reverse

        return reverse(found.key, kwargs=values)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), found.pattern)
    path = re.sub(r"\^?\(\?P<(\w+)>[^)]*\)\$?", lambda m: str(values[m.group(1)]), path).replace("^", "").replace("$", "")
    return "/" + path
