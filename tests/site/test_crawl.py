"""Every page a person can reach by following links, for each role, after the decisions are
released: no server error, no link to a missing page, no template syntax shown, and the basics a screen reader and a
browser tab need (a language, a title, one main heading, labelled form fields, unique ids,
images with alt text).

The world is the policy matrix's (tests/reviews/review_world.py): a venue with two papers,
reviews, a discussion post, a meta-review and released decisions. Links are followed with
GET only, inside the site; sign-out and file downloads are not followed (downloads are
checked by the matrix)."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.policy.test_matrix_reviews import prepare
from tests.reviews.fixtures import rworld  # noqa: F401 - the world fixture

ROLES = ["anonymous", "author", "reviewer", "area_chair", "chair"]
MAX_PAGES = 150  # per role: the world is small; more would mean a link loop
QUERY_VARIANTS_PER_PATH = 2  # filters and sort orders of one table: two are enough to try it
MIN_PAGES = {"anonymous": 10, "author": 15, "reviewer": 15, "area_chair": 15, "chair": 40}  # what each role reaches today, roughly
NOT_FOLLOWED = ("/accounts/logout", "/admin", "/static/", "/api/")
FIELD_TYPES_WITHOUT_LABEL = {"hidden", "submit", "button", "reset", "image"}


class PageFacts(HTMLParser):
    """What the checks need from one HTML page, gathered in one pass."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self.in_title = False
        self.h1 = 0
        self.links: list[str] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.fields: list[tuple[str, dict, bool]] = []  # (tag, attributes, inside a <label>)
        self.images_without_alt: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self.h1 += 1
        elif tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])
        elif tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            self.fields.append((tag, a, self.label_depth > 0))
        elif tag == "img" and "alt" not in a:
            self.images_without_alt.append(a.get("src", "?"))

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "label":
            self.label_depth = max(0, self.label_depth - 1)

    def handle_data(self, data):
        if self.in_title:
            self.title += data

    def problems(self) -> list[str]:
        found = []
        if not self.lang:
            found.append("no <html lang>")
        if not self.title.strip():
            found.append("no <title>")
        if self.h1 != 1:
            found.append(f"{self.h1} <h1> elements")
        duplicated = sorted({i for i in self.ids if self.ids.count(i) > 1})
        if duplicated:
            found.append(f"duplicate ids {duplicated}")
        for tag, a, wrapped in self.fields:
            if tag == "input" and a.get("type", "text") in FIELD_TYPES_WITHOUT_LABEL:
                continue
            if wrapped or a.get("id") in self.label_for or a.get("aria-label") or a.get("aria-labelledby") or a.get("title"):
                continue
            found.append(f"unlabelled <{tag} name={a.get('name')!r}>")
        if self.images_without_alt:
            found.append(f"images without alt {self.images_without_alt}")
        return found


def _internal(href: str, here: str) -> str | None:
    href, _ = urldefrag(href)
    parts = urlsplit(href)
    if parts.scheme in ("mailto", "tel", "javascript", "data") or (parts.netloc and parts.netloc != "testserver"):
        return None
    if not href:
        return None
    path = parts.path if parts.path.startswith("/") else here.rsplit("/", 1)[0] + "/" + parts.path
    if path.startswith(NOT_FOLLOWED) or path.endswith((".pdf", ".zip", ".ics", ".csv", ".json")):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, starts: list[str], html_pages: list[str] | None = None) -> tuple[dict[str, int], dict[str, list[str]], dict[str, str]]:
    """Breadth-first over internal links: status per URL, page problems, and where each
    URL was first linked from (and, into `html_pages`, every URL that answered an HTML page)."""
    status: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    linked_from: dict[str, str] = {url: "(start)" for url in starts}
    variants: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(status) < MAX_PAGES:
        url = queue.popleft()
        if url in status:
            continue
        response = client.get(url, follow=True)
        status[url] = response.status_code
        if "text/html" not in response.get("Content-Type", ""):
            continue
        if html_pages is not None and response.status_code == 200:
            html_pages.append(url)
        html = response.content.decode("utf-8", "replace")
        facts = PageFacts()
        facts.feed(html)
        found = facts.problems()
        text = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)  # scripts may hold JSON
        # A venue's own e-mail texts hold placeholders ({{ title }}): shown verbatim in the
        # fields that edit them and the code that quotes them, never elsewhere.
        text = re.sub(r"<(textarea|pre|code)\b.*?</\1>", "", text, flags=re.S)
        text = re.sub(r'\svalue="[^"]*"', "", text)  # and a field's value (an e-mail's subject)
        if leaked := [marker for marker in ("{#", "#}", "{%", "%}", "{{", "}}") if marker in text]:
            found.append(f"template syntax in the page: {leaked}")  # e.g. a multi-line {# #} comment
        if found:
            problems[url] = found
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        for href in facts.links:
            target = _internal(href, urlsplit(final).path)
            if not target or target in linked_from:
                continue
            path = target.split("?", 1)[0]
            if "?" in target:
                variants[path] = variants.get(path, 0) + 1
                if variants[path] > QUERY_VARIANTS_PER_PATH:
                    continue
            linked_from[target] = url
            queue.append(target)
    return status, problems, linked_from


@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_page_works_and_is_well_formed(rworld, role, django_capture_on_commit_callbacks):
    prepare(rworld, "released", django_capture_on_commit_callbacks)
    client = rworld.client(role)
    venue = rworld.venue
    starts = ["/", f"/v/{venue.slug}/"]
    status, problems, linked_from = crawl(client, starts)

    assert len(status) >= MIN_PAGES[role], f"the crawl found almost nothing: {sorted(status)}"
    print(role, len(status), "pages:", " ".join(sorted(status)))
    errors = {url: code for url, code in status.items() if code >= 500}
    assert not errors, f"server errors: {errors}"
    broken = {url: f"{code}, linked from {linked_from.get(url)}" for url, code in status.items() if code == 404}
    assert not broken, f"links to missing pages: {broken}"
    assert not problems, "pages with problems:\n" + "\n".join(f"{url}: {p}" for url, p in sorted(problems.items()))


WIDTHS = (390, 1280)  # a phone and a laptop
# Chair pages added with issue 10: the crawl must reach them (and so measure them).
CHAIR_PAGES = ("/chair/audit/", "/me/moderation/", "/chair/settings/", "/chair/program/", "/chair/jobs/", "/late-reviews/")
OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const over = [];
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0) {
        let inside = false;  // an element inside a scrolling box does not widen the page
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') { inside = true; break; }
        }
        if (!inside) over.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' right=' + Math.round(box.right));
      }
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, over: over.slice(0, 5)};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_page_fits_a_phone_and_a_laptop(rworld, role, django_capture_on_commit_callbacks, live_server, new_page):
    """The same crawl, then every HTML page it reached opened in Chromium at 390 and 1280 px
    wide: the page never scrolls sideways (a wide table scrolls inside its own box)."""
    prepare(rworld, "released", django_capture_on_commit_callbacks)
    client = rworld.client(role)
    venue = rworld.venue
    starts = ["/", f"/v/{venue.slug}/"]
    if role in ("chair", "area_chair"):  # chasing late reviews is linked only while reviews are due
        starts.append(f"/v/{venue.slug}/late-reviews/")
    pages: list[str] = []
    crawl(client, starts, pages)
    if role == "chair":
        missing = [p for p in CHAIR_PAGES if not any(url.split("?")[0].endswith(p) for url in pages)]
        assert not missing, f"the crawl did not reach {missing}: {pages}"
    page = new_page()
    if role != "anonymous":
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    too_wide = {}
    for url in pages:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(live_server.url + url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            facts = page.evaluate(OVERFLOW_SCRIPT)
            if facts["scroll"] > facts["width"]:
                too_wide[f"{url} @{width}"] = f"{facts['scroll']} px wide: {facts['over']}"
    print(role, len(pages), "pages at", WIDTHS)
    assert len(pages) >= MIN_PAGES[role]
    assert not too_wide, "pages wider than the window:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(too_wide.items()))
