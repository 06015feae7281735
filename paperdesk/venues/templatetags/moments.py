"""`{% load moments %}`: `{{ value|moment }}` prints a venue moment on a page (AoE plus the
viewer's local time), `{{ value|moment_text }}` in plain text (AoE plus UTC, for e-mails),
`{{ value|moment_iso }}` the ISO timestamp (countdowns). See paperdesk/venues/moments.py."""

from __future__ import annotations

from django import template

from paperdesk.venues import moments

register = template.Library()


@register.filter
def moment(value):
    return moments.html(value) if value else ""


@register.filter
def moment_text(value):
    return moments.text(value) if value else ""


@register.filter
def moment_iso(value):
    return moments.iso(value) if value else ""
