"""Counts printed with their noun come from one helper (paperdesk.plurals, the built-in
`count` filter): "1 page" and "2 pages", never "1 pages", "1 leaks" or "paper' authors"."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from paperdesk import plurals
from tests.reviews.review_world import clean_report, make_paper


@pytest.mark.parametrize(("n", "noun", "expected"), [
    (0, "page", "0 pages"), (1, "page", "1 page"), (2, "page", "2 pages"), (1, "leak", "1 leak"), (3, "leak", "3 leaks"),
    (2, "person", "2 people"), (1, "person", "1 person"), (2, "discrepancy", "2 discrepancies"), (2, "day", "2 days"),
    (2, "box", "2 boxes"), (2, "possible identity leak", "2 possible identity leaks"), (2, "series", "2 series"),
    ([1], "review", "1 review"), ([1, 2], "review", "2 reviews"),
])
def test_count_prints_the_number_with_the_right_form(n, noun, expected):
    assert plurals.count(n, noun) == expected


def test_possessive_and_the_template_filters():
    assert plurals.possessive("paper", 1) == "paper's"
    assert plurals.possessive("paper", 2) == "papers'"
    assert plurals.possessive("person", 2) == "people's"
    rendered = Template('{% autoescape off %}{{ one|count:"page" }}; {{ two|count:"page" }}; {{ two|count:"leaf,leaves" }}; {{ "paper"|possessive:two }} authors; '
                        '{{ items|count:"review" }}; {{ none|count:"finding" }}{% endautoescape %}').render(
        Context({"one": 1, "two": 2, "items": ["a"], "none": None}))
    assert rendered == "1 page; 2 pages; 2 leaves; papers' authors; 1 review; 0 findings"


def test_pages_e_mails_and_tables_say_1_page_1_leak_and_never_paper_apostrophe(client, venue, author, chair):
    track = venue.tracks.get(slug="short")
    track.max_pages, track.camera_ready_extra_pages = 1, 1
    track.save()
    paper = make_paper(venue, author, "A singular paper", report=clean_report(leak_value="Ada Lovelace"))
    cfp = client.get(reverse("venues:cfp", args=[venue.slug])).content.decode()
    assert "max 1 page<" in cfp and "1 pages" not in cfp
    assert "1 extra page " in cfp or "1 extra page)" in cfp

    client.force_login(chair)
    table = client.get(reverse("submissions:chair_table", args=[venue.slug])).content.decode()
    assert "1 leak<" in table and "1 leaks" not in table
    findings = client.get(reverse("submissions:chair_findings", args=[venue.slug])).content.decode()
    assert "1 leaks" not in findings
    contact = client.get(reverse("submissions:chair_contact", args=[venue.slug]) + f"?ids={paper.public_id}").content.decode()
    assert "paper' authors" not in contact and "Send to the authors of 1 paper<" in contact

    client.force_login(author)
    detail = client.get(reverse("submissions:detail", args=[paper.public_id])).content.decode()
    assert "1 pages" not in detail and "(max. 1 page)" in detail
    assert "1 possible identity leak;" in detail


def test_plural_filter_takes_a_count_or_a_list():
    rendered = Template('<strong>{{ people|length }}</strong> {{ "reviewer"|plural:people }}; <strong>{{ one }}</strong> {{ "pair"|plural:one }}; '
                        '{{ "paper"|plural:two }}').render(Context({"people": ["a"], "one": 1, "two": 2}))
    assert rendered == "<strong>1</strong> reviewer; <strong>1</strong> pair; papers"
