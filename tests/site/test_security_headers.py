"""Security headers: a Content-Security-Policy on every HTML page (scripts and style elements
from the site or with the request's nonce, no inline event handlers anywhere a role can
reach), `Cache-Control: private, no-store` on every answer to a signed-in person, and the
HTTPS settings (HSTS, secure cookies) switched on by PAPERDESK_HTTPS."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import deque
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.policy.test_matrix_reviews import prepare
from tests.reviews.fixtures import rworld  # noqa: F401 - the world fixture
from tests.site.test_crawl import NOT_FOLLOWED, _internal

ROLES = ["anonymous", "author", "reviewer", "area_chair", "chair"]
MAX_PAGES = 120


class Inline(HTMLParser):
    """Inline code on a page: <script>/<style> elements without src, and on* attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, str | None]] = []  # (tag, nonce)
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.javascript_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "script" and "src" not in a and a.get("type", "text/javascript") in ("text/javascript", "module", ""):
            self.elements.append((tag, a.get("nonce")))
        if tag == "style":
            self.elements.append((tag, a.get("nonce")))
        self.handlers += [f"<{tag} {k}>" for k in a if k.startswith("on")]
        for key in ("href", "action", "src"):
            if a.get(key, "").strip().lower().startswith("javascript:"):
                self.javascript_urls.append(f"<{tag} {key}>")
        if tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])


def _policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def _check_page(path: str, response) -> list[str]:
    problems = []
    policy = _policy(response)
    if not policy:
        return [f"{path}: no Content-Security-Policy"]
    for directive in ("default-src", "script-src", "style-src", "object-src", "base-uri", "frame-ancestors"):
        if directive not in policy:
            problems.append(f"{path}: CSP lacks {directive}")
    for source in ("script-src", "style-src"):
        if "'unsafe-inline'" in policy.get(source, []) or "'unsafe-eval'" in policy.get(source, []):
            problems.append(f"{path}: {source} allows unsafe code")
    page = Inline()
    page.feed(response.content.decode())
    allowed = {n.removeprefix("'nonce-").removesuffix("'") for n in policy.get("script-src", []) if n.startswith("'nonce-")}
    for tag, nonce in page.elements:
        if nonce is None or nonce not in allowed:
            problems.append(f"{path}: inline <{tag}> without the response's nonce")
    problems += [f"{path}: inline handler {h}" for h in page.handlers]
    problems += [f"{path}: javascript: URL in {u}" for u in page.javascript_urls]
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_page_has_a_csp_and_no_inline_code_outside_it(rworld, role, django_capture_on_commit_callbacks):
    prepare(rworld, "released", django_capture_on_commit_callbacks)
    client = rworld.client(role)
    queue = deque(["/", f"/v/{rworld.venue.slug}/", "/accounts/login/", "/me/profile/", "/api/tokens/",
                   f"/submissions/{rworld.paper.public_id}/", f"/reviews/paper/{rworld.paper.public_id}/"])
    seen: set[str] = set()
    problems: list[str] = []
    html_pages = 0
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or path.startswith(NOT_FOLLOWED):
            continue
        seen.add(path)
        response = client.get(path)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html_pages += 1
        problems += _check_page(path, response)
        if role != "anonymous":
            cache = response.get("Cache-Control", "")
            if "no-store" not in cache or "private" not in cache:
                problems.append(f"{path}: Cache-Control {cache!r} for a signed-in person")
        if response.status_code == 200:
            page = Inline()
            page.feed(response.content.decode())
            queue.extend(p for p in (_internal(h, path) for h in page.links) if p and p not in seen)
    assert html_pages >= 5
    assert problems == []


def test_the_profile_script_runs_with_the_nonce_of_its_response(client, make_user):
    user = make_user("nonce@uni.edu", "Nonce Person")
    client.force_login(user)
    first, second = client.get("/me/profile/"), client.get("/me/profile/")
    nonces = [re.search(r'<script nonce="([^"]+)">', r.content.decode()).group(1) for r in (first, second)]
    assert nonces[0] != nonces[1]  # fresh per response
    for response, nonce in zip((first, second), nonces, strict=True):
        assert f"'nonce-{nonce}'" in _policy(response)["script-src"]


def test_signed_in_answers_are_never_stored_and_anonymous_ones_are_not_marked(client, venue, make_user):
    from paperdesk.api.models import ApiToken

    anonymous = client.get(f"/v/{venue.slug}/")
    assert "no-store" not in anonymous.get("Cache-Control", "")
    user = make_user("cache@uni.edu", "Cache Person")
    signed_in = Client()
    signed_in.force_login(user)
    for path in (f"/v/{venue.slug}/", "/me/profile/", "/api/me"):
        response = signed_in.get(path)
        assert response.status_code == 200, path
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}, path
    api = Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'script')[1]}")
    assert set(api["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_htmx_is_told_not_to_inject_styles_or_eval():
    from pathlib import Path

    import paperdesk

    script = (Path(paperdesk.__file__).parent / "static" / "paperdesk" / "paperdesk.js").read_text()
    assert "htmx.config.includeIndicatorStyles = false;" in script and "htmx.config.allowEval = false;" in script


def _settings_under(env: dict) -> dict:
    code = (
        "import json; from paperdesk import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_SSL_REDIRECT', 'SECURE_PROXY_SSL_HEADER', 'SECURE_HSTS_INCLUDE_SUBDOMAINS')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PAPERDESK_") or k == "PAPERDESK_VAR"}
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_deployments_get_hsts_and_secure_cookies(tmp_path):
    plain = _settings_under({"PAPERDESK_VAR": str(tmp_path), "PAPERDESK_SITE_URL": "http://127.0.0.1:8000"})
    assert plain["SESSION_COOKIE_SECURE"] is False and plain["SECURE_HSTS_SECONDS"] == 0 and plain["SECURE_SSL_REDIRECT"] is False
    https = _settings_under({"PAPERDESK_VAR": str(tmp_path), "PAPERDESK_HTTPS": "1", "PAPERDESK_SSL_REDIRECT": "1", "PAPERDESK_PROXY_SSL_HEADER": "1"})
    assert https["SESSION_COOKIE_SECURE"] is True and https["CSRF_COOKIE_SECURE"] is True
    assert https["SECURE_HSTS_SECONDS"] == 31536000 and https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    by_url = _settings_under({"PAPERDESK_VAR": str(tmp_path), "PAPERDESK_SITE_URL": "https://cfp.example.org"})
    assert by_url["SESSION_COOKIE_SECURE"] is True and by_url["SECURE_HSTS_SECONDS"] == 31536000


def test_hsts_header_on_https_requests(client, venue, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(f"/v/{venue.slug}/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"
