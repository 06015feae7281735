"""The venue file format: the default venue encodes the CFP, and every mistake in a file
is reported with its line number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperdesk.venueconfig import (
    AOE,
    VenueConfigError,
    load_venue_file,
    parse_venue,
    rehearsal_copy,
    spec_from_dict,
    spec_to_dict,
)

VENUE_FILE = Path(__file__).resolve().parents[2] / "venues" / "mechinterp-2025.toml"


@pytest.fixture(scope="module")
def text() -> str:
    return VENUE_FILE.read_text()


def problems_of(text: str) -> list[str]:
    with pytest.raises(VenueConfigError) as caught:
        parse_venue(text, "venue.toml")
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_default_venue_encodes_the_cfp():
    spec = load_venue_file(VENUE_FILE)
    assert spec.slug == "mechinterp-2025"
    assert spec.contact_email == "neurips2025@mechinterpworkshop.com"
    assert spec.archival is False
    assert spec.submission.anonymity == "double-blind"
    assert len(spec.topics) == 15
    assert {t.slug: (t.page_limit("submission"), t.page_limit("camera-ready")) for t in spec.tracks} == {"short": (4, 5), "long": (9, 10)}
    assert spec.dates["submission_deadline"] == dt.datetime(2025, 8, 22, 23, 59)
    assert spec.dates["notification"].date() == dt.date(2025, 9, 19)
    assert spec.template.paper_size == "letter" and spec.template.columns == 1
    assert spec.accounts.expected_wait_days == 14
    kinds = {c.slug for c in spec.contribution_types}
    assert {"negative-result", "replication", "critique", "software", "model-or-dataset", "educational", "distillation", "position"} <= kinds
    assert [a.key for a in spec.submission.attestations if a.required] == ["not-accepted-archival", "anonymized"]


def test_spec_survives_a_json_round_trip():
    import json

    spec = load_venue_file(VENUE_FILE)
    assert spec_from_dict(json.loads(json.dumps(spec_to_dict(spec)))) == spec


def test_syntax_error_reports_its_line(text):
    broken = text.replace('[template]', '[template', 1)
    [problem] = problems_of(broken)
    assert problem.startswith(f"line {line_of(text, '[template]')}:")
    assert "TOML syntax error" in problem


def test_wrong_type_reports_key_and_line(text):
    broken = text.replace("max_pages = 9", 'max_pages = "nine"')
    [problem] = problems_of(broken)
    assert problem == f"line {line_of(text, 'max_pages = 9')}: tracks[1].max_pages: must be int or float, got str 'nine'"


def test_unknown_timezone_is_reported(text):
    broken = text.replace('timezone = "AoE"', 'timezone = "Mars/Olympus"')
    [problem] = problems_of(broken)
    assert problem.startswith(f"line {line_of(text, 'timezone = ')}: venue.timezone: unknown time zone 'Mars/Olympus'")


def test_dates_out_of_order_are_reported(text):
    broken = text.replace("notification = 2025-09-19T23:59:00", "notification = 2025-08-01T23:59:00")
    problems = problems_of(broken)
    assert any("dates.notification" in p and "before review_deadline" in p for p in problems)


def test_several_problems_are_all_reported(text):
    broken = (
        text.replace("max_pages = 4", "max_pages = 0")
        .replace('contact_email = "neurips2025@mechinterpworkshop.com"', 'contact_email = "nobody"')
        .replace('slug = "long"', 'slug = "short"')
    )
    problems = problems_of(broken)
    assert len(problems) == 3
    assert any("tracks[0].max_pages: must be at least 1" in p for p in problems)
    assert any("venue.contact_email" in p for p in problems)
    assert any("duplicate slug 'short'" in p for p in problems)


def test_missing_required_table_is_reported():
    problems = problems_of('[venue]\nslug = "x"\nname = "X"\ncontact_email = "a@b.org"\n')
    assert any("dates: missing table" in p for p in problems)
    assert any("tracks: at least one entry is required" in p for p in problems)


def test_error_rendering_names_file_and_line(text):
    with pytest.raises(VenueConfigError) as caught:
        parse_venue(text.replace("columns = 1", "columns = -1"), "venues/x.toml")
    assert f"venues/x.toml:{line_of(text, 'columns = 1')}: template.columns: must be at least 1, got -1" in caught.value.render()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(VenueConfigError, match="file not found"):
        load_venue_file(tmp_path / "absent.toml")


def test_rehearsal_copy_puts_deadline_14_days_ahead_and_keeps_distances():
    spec = load_venue_file(VENUE_FILE)
    now = dt.datetime(2026, 11, 25, 19, 0, tzinfo=dt.UTC)
    copy = rehearsal_copy(spec, now)
    assert copy.slug == "mechinterp-2025-rehearsal" and copy.rehearsal
    assert copy.name.startswith("Rehearsal")
    deadline = copy.dates["submission_deadline"].replace(tzinfo=AOE)
    assert dt.timedelta(days=13) < deadline - now <= dt.timedelta(days=15)
    for key in spec.dates:
        assert copy.dates[key] - copy.dates["submission_deadline"] == spec.dates[key] - spec.dates["submission_deadline"]


def _with_track_reviewers(text: str, value: str) -> str:
    """The long track of the default file with `reviewers_per_paper = value`."""
    return text.replace("max_pages = 9\n", f"max_pages = 9\nreviewers_per_paper = {value}\n", 1)


def test_track_reviewers_per_paper_overrides_the_venue_default_and_round_trips(text):
    import json

    spec = parse_venue(_with_track_reviewers(text, "4"), "venue.toml")
    assert spec.track("long").reviewers_per_paper == 4 and spec.track("short").reviewers_per_paper is None
    assert spec.reviewers_for_track("long") == 4
    assert spec.reviewers_for_track("short") == spec.reviewing.reviewers_per_paper == 3
    assert spec_from_dict(json.loads(json.dumps(spec_to_dict(spec)))) == spec
    assert parse_venue(_with_track_reviewers(text, "0"), "venue.toml").reviewers_for_track("long") == 0


def test_default_file_keeps_one_number_for_every_track():
    spec = load_venue_file(VENUE_FILE)
    assert {t.slug: spec.reviewers_for_track(t.slug) for t in spec.tracks} == {"short": 3, "long": 3}


@pytest.mark.parametrize("value, message", [("-1", "must be at least 0, got -1"), ('"three"', "must be int, got str 'three'"),
                                            ("2.5", "must be int, got float 2.5")])
def test_track_reviewers_per_paper_must_be_a_whole_number_at_least_zero(text, value, message):
    broken = _with_track_reviewers(text, value)
    [problem] = problems_of(broken)
    assert problem == f"line {line_of(broken, 'reviewers_per_paper = ' + value)}: tracks[1].reviewers_per_paper: {message}"
