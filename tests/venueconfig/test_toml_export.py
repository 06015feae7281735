"""Export back to TOML (issue 10, item 2): a venue edited in the browser is written out as a
venue file that the loader reads back to the very same spec, so the file stays the source
for version control; and the browser's edits are validated by the loader itself
(`parse_document`), with the loader's messages naming the field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperdesk.venueconfig import (
    VenueConfigError,
    load_venue_file,
    parse_document,
    parse_venue,
    spec_to_document,
    spec_to_toml,
)
from paperdesk.venueconfig.notifications import DecisionEmail, Notifications
from paperdesk.venueconfig.spec import (
    DATE_KEYS,
    AccountRules,
    Attestation,
    Choice,
    Outcome,
    ReviewForm,
    ReviewingRules,
    ReviewQuestion,
    Scale,
    ScaleLevel,
    SubmissionRules,
    Template,
    Topic,
    Track,
    VenueSpec,
)

VENUE_FILE = Path(__file__).resolve().parents[2] / "venues" / "mechinterp-2025.toml"


def test_the_default_venue_file_survives_export_and_reload():
    spec = load_venue_file(VENUE_FILE)
    text = spec_to_toml(spec)
    assert parse_venue(text, "exported.toml") == spec
    # A readable file, in the order of the original: the venue first, long texts multi-line.
    assert text.index("[venue]") < text.index("[dates]") < text.index("[[tracks]]") < text.index("[review_form]")
    assert 'description = """' in text
    assert "submission_deadline = 2025-08-22T23:59:00" in text


def test_the_export_carries_a_header_comment_that_the_loader_ignores():
    spec = load_venue_file(VENUE_FILE)
    text = spec_to_toml(spec, header="Exported by Pat Chair\nversion 3")
    assert text.startswith("# Exported by Pat Chair\n# version 3\n")
    assert parse_venue(text) == spec


def test_the_document_is_what_the_loader_reads():
    spec = load_venue_file(VENUE_FILE)
    document = spec_to_document(spec)
    assert document == tomllib.loads(spec_to_toml(spec))
    assert parse_document(document) == spec


def _problems(call) -> list[tuple[str, str]]:
    with pytest.raises(VenueConfigError) as caught:
        call()
    return [(p.path, p.message) for p in caught.value.problems]


def test_an_edited_document_gets_the_loaders_own_messages_naming_the_field():
    spec = load_venue_file(VENUE_FILE)
    document = spec_to_document(spec)
    document["tracks"][1]["max_pages"] = 0
    document["dates"]["review_deadline"] = dt.datetime(2025, 8, 1, 12, 0)
    document["review_form"]["questions"][0]["key"] = "overall"
    from_document = _problems(lambda: parse_document(document))
    text = VENUE_FILE.read_text().replace("max_pages = 9", "max_pages = 0").replace(
        "review_deadline = 2025-09-12T23:59:00", "review_deadline = 2025-08-01T12:00:00").replace('key = "summary"', 'key = "overall"')
    from_file = _problems(lambda: parse_venue(text))
    assert from_document == from_file
    assert ("tracks[1].max_pages", "must be at least 1, got 0") in from_document
    assert any(path == "dates.review_deadline" and "before submission_deadline" in message for path, message in from_document)
    assert any(path == "review_form.questions[0].key" for path, _ in from_document)


def test_institutional_domains_must_be_domain_names():
    spec = load_venue_file(VENUE_FILE)
    document = spec_to_document(spec)
    document["accounts"]["institutional_domains"] = ["uni.edu", "not a domain", "@x.org"]
    problems = _problems(lambda: parse_document(document))
    assert [path for path, _ in problems] == ["accounts.institutional_domains", "accounts.institutional_domains"]
    assert "'not a domain'" in problems[0][1]


# --- property: any spec the loader can produce survives export and reload ------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)  # NUL: refused
LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)
NONBLANK = LINE.filter(lambda s: s.strip() != "")
SLUG = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,12}\Z")
KEY = st.from_regex(r"\A[a-z][a-z0-9_]{0,12}\Z").filter(lambda k: k not in {"overall", "confidence", "comments_to_chairs"})
DOMAIN = st.from_regex(r"\A[a-z0-9]{1,8}(\.[a-z0-9]{1,6}){1,2}\Z")
SUFFIX = st.from_regex(r"\A\.[a-z]{2,4}(\.[a-z]{2})?\Z")
POSITIVE_FLOAT = st.floats(min_value=1, max_value=50, allow_nan=False, allow_infinity=False)


def _unique_by(items, attr):
    seen = set()
    out = []
    for item in items:
        if getattr(item, attr) not in seen:
            seen.add(getattr(item, attr))
            out.append(item)
    return tuple(out)


@st.composite
def dates(draw):
    start = draw(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 1, 1)))
    steps = draw(st.lists(st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=200)), min_size=4, max_size=4))
    moments = [start]
    for step in steps:
        moments.append(moments[-1] + step)
    return dict(zip(DATE_KEYS, moments, strict=True))


@st.composite
def scales(draw):
    values = sorted(draw(st.sets(st.integers(-5, 20), min_size=2, max_size=6)))
    return Scale(draw(NONBLANK), tuple(ScaleLevel(v, draw(NONBLANK)) for v in values), draw(LINE))


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(["text", "choice"]))
    options = ()
    if kind == "choice":
        options = _unique_by(draw(st.lists(st.builds(Choice, SLUG, LINE), min_size=2, max_size=4)), "slug")
        if len(options) < 2:
            options = (Choice("a", "A"), Choice("b", "B"))
    return ReviewQuestion(draw(KEY), draw(NONBLANK), draw(TEXT), kind, draw(st.booleans()), options,
                          draw(st.integers(1, 20000)), draw(st.booleans()))


@st.composite
def emails(draw):
    subject = draw(NONBLANK.filter(lambda s: "{{" not in s)).strip()
    body = draw(TEXT.filter(lambda s: s.strip() != "" and "{{" not in s))
    return DecisionEmail(subject or "Decision", body)


@st.composite
def venue_specs(draw):
    reviewing_max = draw(st.integers(1, 20))
    return VenueSpec(
        slug=draw(SLUG),
        name=draw(LINE),
        short_name=draw(LINE),
        contact_email=draw(st.from_regex(r"\A[a-z]{1,8}@[a-z]{1,8}\.[a-z]{2,4}\Z")),
        website=draw(LINE),
        timezone=draw(st.sampled_from(["AoE", "UTC", "Europe/Paris", "America/New_York"])),
        archival=draw(st.booleans()),
        description=draw(TEXT),
        dates=draw(dates()),
        submission=SubmissionRules(
            anonymity=draw(st.sampled_from(["double-blind", "single-blind", "open"])),
            max_pdf_mb=draw(st.integers(1, 500)),
            supplementary=draw(st.booleans()),
            max_supplementary_mb=draw(st.integers(1, 500)),
            in_person_question=draw(st.booleans()),
            code_links=draw(st.booleans()),
            blocking_findings=tuple(draw(st.lists(st.sampled_from(["unreadable", "over_limit", "format", "anonymity"]), max_size=3))),
            attestations=tuple(draw(st.lists(st.builds(Attestation, SLUG, TEXT, st.booleans()), max_size=3))),
            under_review_enabled=draw(st.booleans()),
            under_review_label=draw(LINE),
        ),
        template=Template(draw(LINE), draw(LINE), draw(st.sampled_from(["letter", "a4"])), draw(POSITIVE_FLOAT), draw(POSITIVE_FLOAT),
                          draw(st.floats(0, 5, allow_nan=False)), draw(st.floats(0, 5, allow_nan=False)), draw(POSITIVE_FLOAT),
                          draw(POSITIVE_FLOAT), draw(st.integers(1, 3)), draw(st.sampled_from(["optional", "required", "none"]))),
        tracks=_unique_by(draw(st.lists(st.builds(Track, SLUG, LINE, st.integers(1, 30), st.integers(0, 3), TEXT, TEXT,
                                                  st.none() | st.integers(0, 6)), min_size=1, max_size=3)), "slug"),
        contribution_types=_unique_by(draw(st.lists(st.builds(Choice, SLUG, LINE), min_size=1, max_size=3)), "slug"),
        topics=_unique_by(draw(st.lists(st.builds(Topic, SLUG, LINE, st.lists(LINE, max_size=3).map(tuple)), min_size=1, max_size=3)), "slug"),
        reviewing=ReviewingRules(draw(st.integers(1, 6)), reviewing_max, draw(st.integers(0, reviewing_max)), draw(st.booleans()),
                                 draw(st.booleans()), draw(st.booleans()), draw(st.booleans()), draw(st.integers(0, 10))),
        outcomes=tuple(draw(st.lists(st.builds(Outcome, SLUG, LINE, st.booleans()), max_size=3))),
        accounts=AccountRules(draw(st.sampled_from(["institutional", "all", "moderate-all"])), draw(st.integers(0, 60)),
                              tuple(draw(st.lists(SUFFIX, max_size=3))), tuple(draw(st.lists(DOMAIN, max_size=4)))),
        review_form=ReviewForm(
            questions=_unique_by(draw(st.lists(questions(), min_size=1, max_size=4)), "key"),
            overall=draw(scales()),
            confidence=draw(scales()),
            intro=draw(TEXT),
            comments_to_chairs=draw(NONBLANK),
        ),
        notifications=Notifications(
            tuple(sorted(draw(st.sets(st.integers(1, 90), max_size=3)), reverse=True)),
            tuple(sorted(draw(st.sets(st.sampled_from([0.5, 1, 2, 3.25, 7, 90]), max_size=3)))),
            draw(emails()),
            draw(emails()),
        ),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(venue_specs())
def test_any_loadable_spec_survives_export_and_reload(spec):
    text = spec_to_toml(spec)
    assert parse_venue(text, "exported.toml") == spec
    assert parse_document(spec_to_document(spec)) == spec


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_string_is_written_so_that_toml_reads_it_back(value):
    from paperdesk.venueconfig.document import toml_string

    assert tomllib.loads(f"a = {toml_string(value)}\n")["a"] == value


def test_a_rehearsal_copy_exports_its_own_slug_and_dates():
    from paperdesk.venueconfig import rehearsal_copy

    spec = rehearsal_copy(load_venue_file(VENUE_FILE), dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    reloaded = parse_venue(spec_to_toml(spec))
    assert reloaded == dataclasses.replace(spec, rehearsal=False)
    assert reloaded.slug.endswith("-rehearsal") and reloaded.dates == spec.dates


def test_numbers_that_go_into_database_columns_are_bounded():
    spec = load_venue_file(VENUE_FILE)
    document = spec_to_document(spec)
    document["tracks"][0]["max_pages"] = 10**12
    document["tracks"][0]["camera_ready_extra_pages"] = 5000
    document["review_form"]["overall"]["levels"][4]["value"] = 10**6
    problems = _problems(lambda: parse_document(document))
    assert ("tracks[0].max_pages", "must be at most 1000, got 1000000000000") in problems
    assert ("tracks[0].camera_ready_extra_pages", "must be at most 1000, got 5000") in problems
    assert ("review_form.overall.levels", "level 5: the value must be from -1000 to 1000, got 1000000") in problems


def test_a_nul_character_is_refused_where_it_stands():
    text = VENUE_FILE.read_text().replace('name = "Long paper"', 'name = "Long\\u0000paper"')
    assert ("tracks[1].name", "must not contain the character U+0000 (NUL)") in _problems(lambda: parse_venue(text))
    document = spec_to_document(load_venue_file(VENUE_FILE))
    document["topics"][0]["subtopics"].append("a\x00b")
    assert ("topics[0].subtopics[3]", "must not contain the character U+0000 (NUL)") in _problems(lambda: parse_document(document))
