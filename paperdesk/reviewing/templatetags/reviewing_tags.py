"""The reviewing sub-navigation (chairs' and reviewers' pages of one venue)."""

from __future__ import annotations

from django import template

from paperdesk import policy

register = template.Library()


@register.inclusion_tag("reviewing/_subnav.html", takes_context=True)
def reviewing_nav(context, venue, current: str = ""):
    request = context.get("request")
    user = getattr(request, "user", None)
    member = None
    if user is not None and user.is_authenticated:
        from ..services import membership_of

        member = membership_of(user, venue)
    return {
        "venue": venue,
        "current": current,
        "chair": policy.can_manage_pool(user, venue),
        "area_chairs": policy.can_manage_area_chairs(user, venue),
        "member": member,
        "signed_in": bool(user and user.is_authenticated),
    }


@register.filter
def pct(value) -> int:
    try:
        return max(0, min(100, round(float(value) * 100)))
    except (TypeError, ValueError):
        return 0
