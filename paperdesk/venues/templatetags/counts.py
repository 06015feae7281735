"""Built-in filters (settings.TEMPLATES builtins) for counted nouns, from paperdesk.plurals:
`{{ n|count:"page" }}` -> "1 page" / "2 pages" (n may be a number or a list);
`{{ n|count:"leaf,leaves" }}` gives the plural when it is irregular and unknown;
`{{ "paper"|plural:n }}` -> "paper" / "papers"; `{{ "paper"|possessive:n }}` -> "paper's" / "papers'"."""

from __future__ import annotations

from django import template

from paperdesk import plurals

register = template.Library()


@register.filter
def count(value, noun: str) -> str:
    singular, _, plural_form = str(noun).partition(",")
    return plurals.count(value if value not in (None, "") else 0, singular, plural_form or None)


@register.filter
def plural(noun, value) -> str:
    return plurals.plural(str(noun), plurals.number(value if value not in (None, "") else 0))


@register.filter
def possessive(noun, value) -> str:
    return plurals.possessive(str(noun), plurals.number(value if value not in (None, "") else 0))
