"""Code, model and data links: do they keep the authors anonymous?

A link gets one verdict:
- `anonymous`: an anonymising service (anonymous.4open.science, an OSF view-only link, a
  figshare private link, a Dryad reviewer link) or an account whose name says it is
  anonymous (`anon...`). Only these pass: reviewers see them.
- `identifying`: an account or page of one of the authors (their GitHub, HuggingFace,
  GitLab or Bitbucket user, a `<user>.github.io` page, the homepage in their profile, or an
  account named after them).
- `account`: a user or organisation account on a code or model host (github.com/<user>,
  huggingface.co/<user>, gitlab.com/<user>, bitbucket.org/<user>...) that is not known to be
  an author's: it names its owner, so it is not anonymous either.
- `unverified`: any other address; it may be fine, but nothing shows it is anonymous.
- `invalid`: not a web address.

`check_form_links` judges the links of the submission form; `pdf_link_leaks` finds links in
a PDF's text that point to an author (links to other people's code are normal there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .identity import Identity
from .textnorm import fold

VERDICTS = ("anonymous", "identifying", "account", "unverified", "invalid")

ANONYMOUS_HOSTS = {"anonymous.4open.science", "anonymous.4open.science.", "anonymous-github.4open.science"}
ANONYMOUS_ACCOUNT_RE = re.compile(r"^anon", re.IGNORECASE)
GITHUB_RESERVED = {
    "about", "orgs", "topics", "features", "marketplace", "sponsors", "settings", "login", "join", "explore", "trending",
    "collections", "events", "apps", "search", "site", "security", "pricing", "enterprise", "readme", "customer-stories",
}
HF_RESERVED = {"datasets", "spaces", "models", "docs", "blog", "papers", "collections", "organizations", "join", "login", "pricing", "learn", "tasks"}
# host -> how the owner appears: "path" (first path part), "subdomain" (<owner>.host)
CODE_HOSTS = {
    "github.com": "path",
    "gist.github.com": "path",
    "raw.githubusercontent.com": "path",
    "huggingface.co": "hf",
    "hf.co": "hf",
    "gitlab.com": "path",
    "bitbucket.org": "path",
    "codeberg.org": "path",
    "git.sr.ht": "path",
    "kaggle.com": "path",
    "wandb.ai": "path",
    "colab.research.google.com": "colab",
    "drive.google.com": "drive",
    "docs.google.com": "drive",
}
PAGE_HOSTS = ("github.io", "gitlab.io", "bitbucket.io", "netlify.app", "vercel.app", "readthedocs.io", "pages.dev")
HOST_LABELS = {"github.com": "GitHub", "gist.github.com": "GitHub", "raw.githubusercontent.com": "GitHub", "huggingface.co": "HuggingFace",
               "hf.co": "HuggingFace", "gitlab.com": "GitLab", "bitbucket.org": "Bitbucket", "codeberg.org": "Codeberg"}


@dataclass(frozen=True)
class LinkVerdict:
    url: str
    verdict: str
    reason: str
    owner: str | None = None
    author: str | None = None  # the author it identifies (never shown to reviewers)

    @property
    def passed(self) -> bool:
        return self.verdict == "anonymous"

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "verdict": self.verdict, "reason": self.reason, "owner": self.owner, "author": self.author}


def _split(url: str) -> Any:
    url = (url or "").strip()
    if not url:
        return None
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.IGNORECASE):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
        return None
    return parts


def _host(parts: Any) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _path_parts(parts: Any) -> list[str]:
    return [p for p in parts.path.split("/") if p]


def _name_forms(identity: Identity) -> set[str]:
    """Account names people make from their name: jsmith, johnsmith, john-smith, smithj..."""
    forms = set()
    for name in (identity.name, *identity.other_names):
        words = [w for w in re.split(r"[^a-z]+", fold(name).lower()) if w]
        if len(words) < 2:
            continue
        first, last = words[0], words[-1]
        for form in (first + last, first + "-" + last, first + "_" + last, first + "." + last, first[0] + last, last + first,
                     last + first[0], first + last[0], first[0] + "-" + last):
            if len(form) >= 5:
                forms.add(form)
    return forms


def _owner_author(owner: str, identities: list[Identity], handles: str) -> str | None:
    owner_lower = owner.lower()
    for identity in identities:
        names = identity.github + identity.huggingface if handles == "any" else getattr(identity, handles)
        if owner_lower in {h.lower() for h in names}:
            return identity.name
    for identity in identities:
        if owner_lower in _name_forms(identity) or owner_lower in {h.lower() for h in identity.github + identity.huggingface}:
            return identity.name
    return None


def _homepage_author(host: str, path: str, identities: list[Identity]) -> str | None:
    for identity in identities:
        for site in identity.websites:
            parts = _split(site)
            if parts is None:
                continue
            site_host, site_path = _host(parts), parts.path.rstrip("/")
            if host == site_host and (not site_path or path == site_path or path.startswith(site_path + "/")):
                if not site_path and any(host == h or host.endswith("." + h) for h in (*CODE_HOSTS, "google.com", "sites.google.com")):
                    continue  # a homepage that is a whole shared host cannot be matched by host
                return identity.name
    return None


def classify_link(url: str, identities: Any = ()) -> LinkVerdict:
    identities = list(identities or ())
    parts = _split(url)
    if parts is None:
        return LinkVerdict(url, "invalid", "This is not a web address (http or https).")
    host = _host(parts)
    path = parts.path.rstrip("/")
    segments = _path_parts(parts)
    query = parse_qs(parts.query)

    author = _homepage_author(host, path, identities)
    if author:
        return LinkVerdict(url, "identifying", "This is the homepage in an author's profile.", host, author)
    if host in ANONYMOUS_HOSTS or host.endswith(".4open.science"):
        return LinkVerdict(url, "anonymous", "An anonymised copy on anonymous.4open.science.", None)
    if host == "osf.io":
        if query.get("view_only"):
            return LinkVerdict(url, "anonymous", "An OSF view-only link (make it anonymised when you create it).", None)
        return LinkVerdict(url, "account", "An OSF project page shows its contributors; share a view-only link with 'Anonymize' ticked instead.", None)
    if host == "figshare.com" and segments[:1] == ["s"]:
        return LinkVerdict(url, "anonymous", "A figshare private link.", None)
    if host == "datadryad.org" and "share" in segments:
        return LinkVerdict(url, "anonymous", "A Dryad private reviewer link.", None)
    for page_host in PAGE_HOSTS:
        if host.endswith("." + page_host):
            owner = host[: -len(page_host) - 1].split(".")[-1]
            return _account(url, owner, f"a {page_host} page", identities)
    style = CODE_HOSTS.get(host)
    if style in ("path", "hf"):
        owner = segments[0] if segments else ""
        if style == "hf" and owner in ("datasets", "spaces", "models"):
            owner = segments[1] if len(segments) > 1 else ""
        if host == "git.sr.ht":
            owner = owner.lstrip("~")
        reserved = HF_RESERVED if style == "hf" else GITHUB_RESERVED
        if not owner or owner.lower() in reserved:
            return LinkVerdict(url, "unverified", f"A {HOST_LABELS.get(host, host)} page that is not a repository.", None)
        return _account(url, owner, f"the {HOST_LABELS.get(host, host)} account '{owner}'", identities)
    if style == "colab":
        return LinkVerdict(url, "unverified", "A Colab notebook shows its owner's Google account unless it is shared from an anonymous account.", None)
    if style == "drive":
        return LinkVerdict(url, "unverified", "A Google Drive or Docs file shows its owner's name and e-mail to anyone who opens it.", None)
    if host.endswith("zenodo.org"):
        return LinkVerdict(url, "unverified", "Zenodo records list their creators; use a restricted or anonymised deposit.", None)
    return LinkVerdict(url, "unverified", "Nothing shows that this address is anonymous; make sure the page does not name you.", None)


def _account(url: str, owner: str, what: str, identities: list[Identity]) -> LinkVerdict:
    if ANONYMOUS_ACCOUNT_RE.match(owner):
        return LinkVerdict(url, "anonymous", f"Hosted under {what}, an anonymous account.", owner)
    author = _owner_author(owner, identities, "any")
    if author:
        return LinkVerdict(url, "identifying", f"Hosted under {what}, which belongs to an author.", owner, author)
    return LinkVerdict(url, "account", f"Hosted under {what}: it names its owner. Use anonymous.4open.science or an anonymous account.", owner)


def check_form_links(links: dict[str, str], identities: Any = ()) -> list[dict[str, Any]]:
    """The verdict for each non-empty link of the form ({field: url})."""
    out = []
    for field_name, url in links.items():
        if url and url.strip():
            out.append({"field": field_name, **classify_link(url.strip(), identities).to_dict()})
    return out


def flagged(report: list[dict[str, Any]] | None) -> bool:
    """Whether any link of the form is not anonymous (identifying or an account)."""
    return any(item.get("verdict") in ("identifying", "account") for item in report or [])


# ---------------------------------------------------------------- links in a PDF

URL_RE = re.compile(
    r"(?:https?://\s?)?(?:[A-Za-z0-9-]+\.)+(?:com|org|io|ai|net|edu|co|science|app|dev|de|uk|fr|ch|me|info|page|xyz)(?:/[^\s\"'<>()\[\]{},;]*)?",
    re.IGNORECASE,
)


def pdf_links(pages: Any, structure: Any, identities: Any, already: Any = ()) -> list[Any]:
    """`pdf_link_leaks` on a PDF's pages (their text as the anonymity scan reads it)."""
    if not identities:
        return []
    from .anonymity import PageText, _region_function

    # Only pages that name a host a link could identify an author on are read again.
    needles = set(CODE_HOSTS) | set(PAGE_HOSTS)
    for identity in identities:
        for site in identity.websites:
            parts = _split(site)
            if parts is not None:
                needles.add(_host(parts))
    chosen = [page for page in pages if _mentions(page, needles)]
    if not chosen:
        return []
    region_of = _region_function(structure)
    return pdf_link_leaks([PageText(page, region_of) for page in chosen], identities, already)


def _mentions(page: Any, needles: set[str]) -> bool:
    text = " ".join(line.text for line in page.lines if line.text).lower()
    return any(needle in text for needle in needles)


def pdf_link_leaks(texts: Any, identities: Any, already: Any = ()) -> list[Any]:
    """Links in a PDF's text (`anonymity.PageText`s, references left out) that point to an
    author: homepages from the profiles, GitLab / Bitbucket / Codeberg users, and accounts
    named after an author. GitHub and HuggingFace usernames listed in the profiles are
    already found by the anonymity scan (`already`)."""
    from .anonymity import Leak

    identities = list(identities or ())
    if not identities:
        return []
    seen = {(leak.kind, leak.value.lower()) for leak in already}
    known = {h.lower() for i in identities for h in (*i.github, *i.huggingface)}
    leaks = []
    for text in texts:
        for match in URL_RE.finditer(text.text):
            if text.region_at(match.start()) == "references":
                continue
            url = re.sub(r"\s", "", match.group(0)).rstrip(".")
            verdict = classify_link(url, identities)
            if verdict.verdict != "identifying":
                continue
            if verdict.owner and verdict.owner.lower() in known and _host(_split(url)) in ("github.com", "gist.github.com", "huggingface.co", "hf.co", "raw.githubusercontent.com"):
                continue  # the scan reports it as a github / huggingface leak
            if verdict.owner and any(v == verdict.owner.lower() for _, v in seen):
                continue
            key = ("non_anonymous_link", url.lower())
            if key in seen:
                continue
            seen.add(key)
            leaks.append(Leak("non_anonymous_link", url, text.page, text.context(match.start(), match.end())))
    return leaks
