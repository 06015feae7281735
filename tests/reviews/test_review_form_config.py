"""The review form as venue configuration: the shipped CFP form, defaults, validation
with line numbers, and the round trip through the database."""

from __future__ import annotations

import json

import pytest

from paperdesk.venueconfig import VenueConfigError, load_venue_file, parse_venue, spec_from_dict, spec_to_dict
from paperdesk.venueconfig.spec import DEFAULT_REVIEW_FORM
from tests.conftest import VENUE_FILE

TEXT = VENUE_FILE.read_text()


def test_shipped_venue_states_the_cfp_form():
    form = load_venue_file(VENUE_FILE).review_form
    assert [q.key for q in form.questions] == ["summary", "hypotheses", "hypotheses_supported", "baselines", "limitations",
                                               "limitations_rating", "strengths", "weaknesses"]
    assert form.questions == DEFAULT_REVIEW_FORM.questions
    assert form.overall.values == (1, 2, 3, 4, 5) and form.overall.label_of(5) == "Strong accept"
    assert form.confidence.label_of(1) == "Educated guess"
    assert form.question("limitations_rating").options[-1].name == "Downplayed or omitted"
    assert not form.question("baselines").required


def test_a_venue_without_review_form_gets_the_default():
    start, end = TEXT.index("[review_form]"), TEXT.index("[decisions]")
    spec = parse_venue(TEXT[:start] + TEXT[end:], "v.toml")
    assert spec.review_form == DEFAULT_REVIEW_FORM


def test_stored_venues_without_a_form_read_back_with_the_default():
    data = json.loads(json.dumps(spec_to_dict(load_venue_file(VENUE_FILE))))
    assert spec_from_dict(data).review_form == load_venue_file(VENUE_FILE).review_form
    del data["review_form"]
    assert spec_from_dict(data).review_form == DEFAULT_REVIEW_FORM


def test_a_custom_form_replaces_questions_and_scales():
    start, end = TEXT.index("[review_form]"), TEXT.index("[decisions]")
    custom = '''[review_form]
comments_to_chairs = "Confidential comments"

[review_form.overall]
label = "Score"
levels = [{ value = -1, label = "No" }, { value = 1, label = "Yes" }]

[[review_form.questions]]
key = "verdict"
label = "Your verdict"
max_chars = 800
authors_see = false
'''
    spec = parse_venue(TEXT[:start] + custom + "\n" + TEXT[end:], "v.toml")
    form = spec.review_form
    assert [q.key for q in form.questions] == ["verdict"]
    assert form.questions[0].max_chars == 800 and not form.questions[0].authors_see
    assert form.overall.values == (-1, 1)
    assert form.confidence == DEFAULT_REVIEW_FORM.confidence
    assert form.comments_to_chairs == "Confidential comments"


def line_of(text: str, needle: str) -> int:
    return text[: text.rindex(needle)].count("\n") + 1


@pytest.mark.parametrize("old,new,path,message", [
    ('key = "strengths"', 'key = "Strengths!"', "review_form.questions[6].key", "must start with a lowercase letter"),
    ('key = "weaknesses"', 'key = "summary"', "review_form.questions[7].key", "duplicate question key 'summary'"),
    ('key = "weaknesses"', 'key = "overall"', "review_form.questions[7].key", "built into every review form"),
    ('label = "Strengths"', 'label = "Strengths"\nkind = "multiple"', "review_form.questions[6].kind", "must be text or choice"),
    ('label = "Strengths"', 'label = "Strengths"\nmax_chars = 50000', "review_form.questions[6].max_chars", "at most 20000"),
    ('label = "Strengths"', 'label = "Strengths"\ncolour = "red"', "review_form.questions[6].colour", "unknown key 'colour'"),
    ('{ value = 2, label = "Reject" }', '{ value = 2 }', "review_form.overall.levels", "level 2 must be an inline table"),
    ('{ value = 2, label = "Reject" }', '{ value = 9, label = "Reject" }', "review_form.overall.levels", "from the lowest value to the highest"),
])
def test_bad_form_config_is_reported_with_its_line(old, new, path, message):
    bad = TEXT.replace(old, new, 1)
    with pytest.raises(VenueConfigError) as caught:
        parse_venue(bad, "v.toml")
    problems = [p for p in caught.value.problems if p.path == path]
    assert problems, caught.value.render()
    assert message in problems[0].message
    assert problems[0].line is not None
    assert f"v.toml:{problems[0].line}: {path}" in caught.value.render()
    marker = new.splitlines()[-1] if "\n" in new else new
    if "levels" not in path:
        assert problems[0].line == line_of(bad, marker)


def test_a_choice_question_needs_two_options():
    bad = TEXT.replace('label = "Strengths"', 'label = "Strengths"\nkind = "choice"\noptions = [{ slug = "only", name = "Only" }]', 1)
    with pytest.raises(VenueConfigError, match="a choice question needs at least two options"):
        parse_venue(bad, "v.toml")
