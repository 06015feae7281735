"""The settings editor's forms are a faithful view of the venue file: for any venue, each
section's form, submitted unchanged (as a browser submits it: CRLF in text areas, ticked
boxes as "on", unticked ones absent), goes through the loader back to the very same spec.
No database: the forms are plain functions of the spec."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from venue_helpers import VENUE_FILE

from paperdesk.venueconfig import load_venue_file, parse_document, venue_tzinfo
from paperdesk.venueconfig.notifications import DecisionEmail, Notifications
from paperdesk.venueconfig.spec import (
    DATE_KEYS,
    AccountRules,
    Choice,
    ReviewForm,
    ReviewQuestion,
    Scale,
    ScaleLevel,
    Topic,
    Track,
)
from paperdesk.venues import settings_forms as forms

BASE = load_venue_file(VENUE_FILE)
ONE_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30).map(str.strip)
NONBLANK = ONE_LINE.filter(bool)
AREA = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=60)  # a text area (NUL: refused)
SLUG = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,12}\Z")
KEY = st.from_regex(r"\A[a-z][a-z0-9_]{0,12}\Z").filter(lambda k: k not in {"overall", "confidence", "comments_to_chairs"})


def _unique(items, attr):
    seen, out = set(), []
    for item in items:
        if getattr(item, attr) not in seen:
            seen.add(getattr(item, attr))
            out.append(item)
    return tuple(out)


@st.composite
def scales(draw):
    values = sorted(draw(st.sets(st.integers(-5, 20), min_size=2, max_size=6)))
    return Scale(draw(NONBLANK), tuple(ScaleLevel(v, draw(NONBLANK)) for v in values), draw(ONE_LINE))


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(["text", "choice"]))
    options = ()
    if kind == "choice":
        options = _unique(draw(st.lists(st.builds(Choice, SLUG, ONE_LINE), min_size=2, max_size=4)), "slug")
        if len(options) < 2:
            options = (Choice("a", "A"), Choice("b", "B"))
    return ReviewQuestion(draw(KEY), draw(NONBLANK), draw(AREA), kind, draw(st.booleans()), options, draw(st.integers(1, 20000)), draw(st.booleans()))


@st.composite
def specs(draw):
    timezone = draw(st.sampled_from(["AoE", "UTC", "Asia/Tokyo"]))  # zones without daylight saving: every wall-clock time exists once
    start = draw(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 1, 1))).replace(microsecond=0)
    moments = [start]
    for step in draw(st.lists(st.integers(0, 200 * 86400), min_size=4, max_size=4)):
        moments.append(moments[-1] + dt.timedelta(seconds=step))
    subject = draw(NONBLANK.filter(lambda s: "{{" not in s))
    return dataclasses.replace(
        BASE,
        timezone=timezone,
        dates=dict(zip(DATE_KEYS, moments, strict=True)),
        tracks=_unique(draw(st.lists(st.builds(Track, SLUG, NONBLANK, st.integers(1, 30), st.integers(0, 3), AREA, AREA,
                                               st.none() | st.integers(0, 6)), min_size=1, max_size=3)), "slug"),
        topics=_unique(draw(st.lists(st.builds(Topic, SLUG, NONBLANK, st.lists(NONBLANK, max_size=3).map(tuple)), min_size=1, max_size=3)), "slug"),
        contribution_types=_unique(draw(st.lists(st.builds(Choice, SLUG, NONBLANK), min_size=1, max_size=3)), "slug"),
        accounts=AccountRules(draw(st.sampled_from(["institutional", "all", "moderate-all"])), draw(st.integers(0, 60)),
                              tuple(draw(st.lists(st.from_regex(r"\A\.[a-z]{2,4}(\.[a-z]{2})?\Z"), max_size=3))),
                              tuple(draw(st.lists(st.from_regex(r"\A[a-z0-9]{1,8}(\.[a-z0-9]{1,6}){1,2}\Z"), max_size=4)))),
        review_form=ReviewForm(_unique(draw(st.lists(questions(), min_size=1, max_size=4)), "key"), draw(scales()), draw(scales()),
                               draw(AREA), draw(NONBLANK)),
        notifications=Notifications(
            tuple(sorted(draw(st.sets(st.integers(1, 90), max_size=3)), reverse=True)),
            tuple(sorted(draw(st.sets(st.sampled_from([0.5, 1, 2, 3.25, 7, 90]), max_size=3)))),
            DecisionEmail(subject, draw(AREA.filter(lambda s: s.strip() and "{{" not in s))),
            DecisionEmail(subject, "Dear {{ author_name }},\n\nthank you.\n"),
        ),
    )


def as_browser_posts(section, values: dict[str, str]) -> dict[str, str]:
    kinds = {forms.field_name(part, f, None if not part.many else 0).split(".")[-1]: f.kind for part in section.parts for f in part.fields}
    posted = {}
    for name, value in values.items():
        kind = kinds.get(name.rsplit(".", 1)[-1])
        if kind == "bool":
            if value:
                posted[name] = "on"
        elif kind in ("textarea", "lines", "domains", "options", "levels"):
            posted[name] = value.replace("\n", "\r\n")
        else:
            posted[name] = value
    return posted


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(specs())
def test_every_section_submitted_unchanged_gives_back_the_same_spec(spec):
    tz = venue_tzinfo(spec.timezone)
    for section in forms.SECTIONS:
        values = forms.initial_values(section, spec, tz)
        applied = forms.apply(section, spec, as_browser_posts(section, values), tz)
        assert parse_document(applied.document) == spec, section.slug


def test_dates_are_shown_in_aoe_and_read_back_in_the_venue_zone():
    spec = dataclasses.replace(BASE, timezone="Asia/Tokyo")  # UTC+9: AoE is 21 hours behind
    section = forms.BY_SLUG["dates"]
    tz = venue_tzinfo("Asia/Tokyo")
    values = forms.initial_values(section, spec, tz)
    assert values["dates.submission_deadline"] == "2025-08-22T02:59"  # 23:59 in Tokyo
    values["dates.submission_deadline"] = "2025-08-23T23:59"
    document = forms.apply(section, spec, values, tz).document
    assert document["dates"]["submission_deadline"] == dt.datetime(2025, 8, 24, 20, 59)
