"""The one way to print a venue moment (a deadline, a release, a submission time).

Pages show it Anywhere on Earth (AoE, UTC−12: the moment has passed everywhere on Earth
once it passed there) plus the viewer's own local time, which the browser writes into the
`<time datetime="…" data-localtime>` element from its ISO timestamp (paperdesk.js; until
the script runs, and without scripts, the element says the UTC time). E-mails have no
scripts: they print AoE plus UTC. A moment is never printed only in AoE.

Templates: `{% load moments %}` then `{{ value|moment }}` (HTML) or `{{ value|moment_text }}`
(plain text, e-mails). Python: `moments.html(value)`, `moments.text(value)`."""

from __future__ import annotations

import datetime as dt

from django.utils.html import format_html
from django.utils.safestring import SafeString

from paperdesk.venueconfig import AOE

AOE_TITLE = "Anywhere on Earth (UTC\u221212)"


def _day(moment: dt.datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment:%Y}, {moment:%H:%M}"


def aoe_text(moment: dt.datetime) -> str:
    """'August 22, 2025, 23:59 AoE'."""
    return f"{_day(moment.astimezone(AOE))} AoE"


def utc_text(moment: dt.datetime) -> str:
    """'August 23, 2025, 11:59 UTC'."""
    return f"{_day(moment.astimezone(dt.UTC))} UTC"


def iso(moment: dt.datetime) -> str:
    """'2025-08-23T11:59:00Z': what the browser turns into the viewer's local time."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def text(moment: dt.datetime | None) -> str:
    """Plain text (e-mails, messages): 'August 22, 2025, 23:59 AoE (August 23, 2025, 11:59 UTC)'."""
    if moment is None:
        return ""
    return f"{aoe_text(moment)} ({utc_text(moment)})"


def html(moment: dt.datetime | None) -> SafeString:
    """For pages: AoE, then the viewer's local time (UTC until the script has run)."""
    if moment is None:
        return format_html("")
    local = moment.astimezone(AOE)
    return format_html(
        '<span class="moment"><span class="moment-aoe">{} <abbr title="{}">AoE</abbr></span> '
        '<span class="moment-local">(<time datetime="{}" data-localtime="your time:">{}</time>)</span></span>',
        _day(local), AOE_TITLE, iso(moment), utc_text(moment),
    )
