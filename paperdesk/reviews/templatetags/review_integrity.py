"""`{% integrity_hints submission %}` and `{% integrity_batch rows %}`: the review-integrity
hints (`reviews.integrity`) for whoever may judge the paper's reviews; nothing for others."""

from __future__ import annotations

from django import template

register = template.Library()


def _viewer(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("reviews/_integrity.html", takes_context=True)
def integrity_hints(context, submission):
    from paperdesk.reviews.integrity import hints_for

    viewer = _viewer(context)
    return {"groups": [(None, hints_for(viewer, submission))] if viewer is not None else []}


@register.inclusion_tag("reviews/_integrity.html", takes_context=True)
def integrity_batch(context, rows):
    from paperdesk.reviews.integrity import hints_for_batch

    viewer = _viewer(context)
    papers = [row.submission for row in rows]
    found = hints_for_batch(viewer, papers) if viewer is not None else {}
    return {"groups": [(paper, found[paper.pk]) for paper in papers if found.get(paper.pk)], "batch": True}
