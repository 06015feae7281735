"""The access matrix covers every route by construction (issue 8): the list of routes is
generated from the URLconf and the API's OpenAPI spec, and each one must have an entry in
tests/policy/route_table.py saying which objects it takes and who may reach it. A new route
without an entry fails here, so it enters the canary sweep the day it is written."""

from __future__ import annotations

from tests.policy import route_table
from tests.policy.route_table import ROLES, ROUTES, Route, inventory, openapi_routes, urlconf_routes

KINDS = {"email", "venue", "paper", "upload", "account", "publication", "declaration", "author_declaration", "pool_member", "alias", "run",
         "pair", "ac_pair", "invite_token", "claim_token", "authorship", "action", "api_token", "review", "nothing"}


def test_every_route_and_api_operation_has_an_entry_in_the_access_matrix():
    missing = [f for f in inventory() if f.key not in ROUTES]
    assert not missing, (
        "Routes without an entry in tests/policy/route_table.py (add each one to ROUTES with who may reach it "
        "and which object each converter takes, so the canary sweep requests it):\n"
        + "\n".join(f"  {f.key!r}: pattern {f.pattern!r}, converters {list(f.params)}" for f in missing))


def test_the_table_names_no_route_that_does_not_exist():
    keys = {f.key for f in inventory()}
    stale = sorted(set(ROUTES) - keys)
    assert not stale, f"Entries of tests/policy/route_table.py for routes that no longer exist (remove them): {stale}"


def test_every_converter_of_every_route_has_an_object_kind():
    problems = []
    for found in inventory():
        route = ROUTES.get(found.key)
        if route is None:
            continue
        for param in found.params:
            kind = route.args.get(param)
            if kind not in KINDS:
                problems.append(f"{found.key}: converter {param!r} takes {kind!r} (one of {sorted(KINDS)})")
        extra = set(route.args) - set(found.params)
        if extra:
            problems.append(f"{found.key}: the table names converters the route does not have: {sorted(extra)}")
    assert not problems, "\n".join(problems)


def test_every_entry_says_who_may_reach_it_with_known_roles():
    for key, route in ROUTES.items():
        assert isinstance(route, Route), key
        assert set(route.reach) <= set(ROLES), (key, set(route.reach) - set(ROLES))
        assert route.get or not route.ignore, f"{key}: a write-only route needs no ignore reason"


def test_the_inventory_sees_pages_api_operations_and_the_check_fragment():
    """The generated list is the real one: it holds the route the hand-written matrix
    missed (/check/), allauth's regex routes with their groups, and each API operation per
    method."""
    pages = {f.key: f for f in urlconf_routes()}
    assert pages["submissions:check_status"].params == ("public_id",)
    assert pages["committee:bid"].params == ("venue_slug", "public_id")
    assert pages["account_reset_password_from_key"].params == ("uidb36", "key")
    operations = {f.key for f in openapi_routes()}
    assert {"GET /api/submissions/{public_id}", "PATCH /api/submissions/{public_id}"} <= operations
    assert not any(f.key.startswith("paperdesk-api:get_submission") for f in pages.values())  # described by the spec instead


def test_a_new_route_without_an_entry_fails_with_a_message(monkeypatch):
    """Proof the test bites: a route added to the URLconf is reported by name."""
    from django.urls import clear_url_caches, path

    from paperdesk import urls

    def view(request):  # pragma: no cover - never called
        raise AssertionError

    monkeypatch.setattr(urls, "urlpatterns", urls.urlpatterns + [path("brand-new/<int:thing_id>/", view, name="brand_new")])
    clear_url_caches()
    try:
        missing = [f.key for f in route_table.inventory() if f.key not in ROUTES]
    finally:
        monkeypatch.undo()
        clear_url_caches()
    assert missing == ["brand_new"]
