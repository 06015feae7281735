"""The reviewing sub-navigation (chairs' and reviewers' pages of one venue)."""

from __future__ import annotations

from django import template

from paperdesk import policy

register = template.Library()


@register.inclusion_tag("committee/_subnav.html", takes_context=True)
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


BID_LABELS = {"eager": "eager", "willing": "willing", "in_a_pinch": "in a pinch", "not_willing": "not willing"}


@register.filter
def bid_label(value) -> str:
    """A bid as people write it ("in a pinch"), never its slug; "none" without a bid."""
    if not value:
        return "none"
    return BID_LABELS.get(str(value), str(value).replace("_", " "))


@register.filter
def why_parts(why, score=None) -> dict:
    """The parts of a pair's affinity as they add up to it: each component times its weight
    (text, topics, bid; "no bid" has a value too), in hundredths rounded so that the parts
    shown sum to the score shown (largest remainder). A part printed as a raw component
    (0.00) next to a total of 0.06 made the total look wrong."""
    if not isinstance(why, dict) or not why:
        return {}
    weights = why.get("weights") or {}
    try:
        parts = [float(weights.get("text", 0.6)) * float(why.get("text") or 0),
                 float(weights.get("topic", 0.2)) * float(why.get("topic") or 0),
                 float(weights.get("bid", 0.2)) * float(why.get("bid_value") or 0)]
    except (TypeError, ValueError):
        return {}
    total = sum(parts)
    try:
        shown = round(float(score) * 100) if score is not None else round(total * 100)
    except (TypeError, ValueError):
        shown = round(total * 100)
    cents = [int(p * 100) for p in parts]
    left = shown - sum(cents)
    if 0 <= left <= len(parts) and abs(total * 100 - shown) < 1.5:
        for i in sorted(range(len(parts)), key=lambda i: -(parts[i] * 100 - cents[i]))[:left]:
            cents[i] += 1
    else:  # the stored score is not the sum of its parts (floored, or from an older model)
        cents = [round(p * 100) for p in parts]
    return {"text": f"{cents[0] / 100:.2f}", "topic": f"{cents[1] / 100:.2f}", "bid": f"{cents[2] / 100:.2f}"}
