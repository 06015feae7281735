"""Venue texts written in Markdown, turned into HTML that is safe to put in a page."""

from __future__ import annotations

import functools

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


# A pure function of the text, and the call for papers is the page most viewed in a deadline
# hour: rendering it took ~10 ms of each view (bench/surge.py), the cache makes it free.
@functools.lru_cache(maxsize=256)
def markdown_to_html(text: str) -> str:
    """Markdown to sanitised HTML: raw HTML in the source (scripts, event handlers,
    javascript: links, images) is removed; links get rel="noopener noreferrer"."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
