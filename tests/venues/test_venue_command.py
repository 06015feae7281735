"""`paperdesk venue check|load|list|grant`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management.base import CommandError
from venue_helpers import VENUE_FILE, cli, run, variant

from paperdesk.venueconfig import AOE, DATE_KEYS, load_venue_file
from paperdesk.venues.models import Track, Venue, VenueRole
from paperdesk.venues.services import aware

# --- check ------------------------------------------------------------------------------


def test_venue_check_real_file_ok():
    out = run("venue", "check", str(VENUE_FILE))

    assert out.startswith(f"{VENUE_FILE}: ok (venue mechinterp-2025: 2 tracks (short max 4 pages, long max 9 pages), 15 topics, 9 contribution types")
    assert "submission deadline Fri 22 Aug 2025, 23:59 AoE (UTC−12)" in out


def test_venue_check_syntax_error_reports_line(tmp_path):
    path, [line] = variant(tmp_path, ("max_load = 5", "max_load = = 5"))

    with pytest.raises(CommandError) as failure:
        run("venue", "check", str(path))

    assert failure.value.returncode == 2
    assert f"  {path}:{line}: TOML syntax error: Invalid value (at line {line}, column 12)" in str(failure.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('timezone = "AoE"', 'timezone = "Mars/Olympus_Mons"', "venue.timezone: unknown time zone 'Mars/Olympus_Mons' (use AoE or an IANA name such as Europe/Paris)"),
        ("max_pages = 9", "max_pages = -9", "tracks[1].max_pages: must be at least 1, got -9"),
        ('slug = "long"', 'slug = "short"', "tracks[1].slug: duplicate slug 'short'"),
        ("review_deadline = 2025-09-12T23:59:00", "review_deadline = 2025-08-01T23:59:00",
         "dates.review_deadline: review_deadline (2025-08-01 23:59) is before submission_deadline (2025-08-22 23:59)"),
    ],
    ids=["bad-time-zone", "negative-pages", "duplicate-track-slug", "dates-out-of-order"],
)
def test_venue_check_semantic_error_reports_line(tmp_path, old, new, message):
    path, [line] = variant(tmp_path, (old, new))

    with pytest.raises(CommandError) as failure:
        run("venue", "check", str(path))

    assert failure.value.returncode == 2
    assert str(failure.value).splitlines() == [f"{path}: 1 problem(s)", f"  {path}:{line}: {message}"]


def test_venue_check_lists_every_problem(tmp_path):
    path, lines = variant(
        tmp_path,
        ('timezone = "AoE"', 'timezone = "Nowhere/Town"'),
        ("max_pages = 4", "max_pages = 0"),
        ("notification = 2025-09-19T23:59:00", "notification = 2025-09-01T23:59:00"),
    )

    with pytest.raises(CommandError) as failure:
        run("venue", "check", str(path))

    rendered = str(failure.value)
    assert rendered.splitlines()[0] == f"{path}: 3 problem(s)"
    for line in lines:
        assert f"  {path}:{line}: " in rendered


def test_venue_check_cli_exit_status(tmp_path):
    ok = cli(tmp_path, "venue", "check", str(VENUE_FILE))
    path, [line] = variant(tmp_path, ("max_pages = 9", "max_pages = -9"))
    bad = cli(tmp_path, "venue", "check", str(path))

    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith(f"{VENUE_FILE}: ok (venue mechinterp-2025:")
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.splitlines() == [
        f"{path}: 1 problem(s)",
        f"  {path}:{line}: tracks[1].max_pages: must be at least 1, got -9",
    ]


def test_venue_check_cli_missing_file(tmp_path):
    result = cli(tmp_path, "venue", "check", str(tmp_path / "nope.toml"))

    assert result.returncode == 2
    assert "nope.toml: file not found" in result.stderr


# --- load -------------------------------------------------------------------------------


def _submit_draft(venue, author, track="short", secondary=()):
    from paperdesk.submissions.services import AuthorInput, SubmissionInput, submission_create

    return submission_create(venue=venue, actor=author, data=SubmissionInput(
        title="Kept across reloads",
        abstract="An abstract.",
        track=track,
        primary_topic="circuits",
        secondary_topics=list(secondary),
        contribution_type="empirical",
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace")],
    ))


def test_venue_load_creates_then_updates(db):
    first = run("venue", "load", str(VENUE_FILE))
    second = run("venue", "load", str(VENUE_FILE))

    assert first.startswith(f"Created venue mechinterp-2025 (Mechanistic Interpretability Workshop at NeurIPS 2025) from {VENUE_FILE}.")
    assert "  submission deadline    Fri 22 Aug 2025, 23:59 AoE (UTC−12)" in first
    assert second.startswith(f"Venue mechinterp-2025 is up to date with {VENUE_FILE} (nothing changed; 0 submissions kept).")
    assert Venue.objects.count() == 1


def test_venue_load_twice_keeps_submissions(venue, author, tmp_path):
    submission = _submit_draft(venue, author)
    track_id = submission.track_id
    path, _ = variant(tmp_path, ("max_pages = 4", "max_pages = 5"))

    out = run("venue", "load", str(path))
    again = run("venue", "load", str(path))

    assert "; 1 submission kept. Changed:" in out
    assert "  - tracks: changed short (max_pages 4 -> 5)" in out
    assert "nothing changed; 1 submission kept" in again
    submission.refresh_from_db()
    assert submission.track_id == track_id
    assert Track.objects.get(pk=track_id).max_pages == 5


def test_venue_load_refuses_to_remove_used_track(venue, author, tmp_path):
    _submit_draft(venue, author, track="short")
    text = VENUE_FILE.read_text(encoding="utf-8")
    start = text.index("[[tracks]]\nslug = \"short\"")
    end = text.index("[[tracks]]", start + 1)
    path = tmp_path / "no-short.toml"
    renamed = (text[:start] + text[end:]).replace('short_name = "MechInterp @ NeurIPS 2025"', 'short_name = "Renamed"')
    path.write_text(renamed, encoding="utf-8")
    before = venue.short_name

    with pytest.raises(CommandError) as failure:
        run("venue", "load", str(path))

    assert failure.value.returncode == 1
    assert str(failure.value) == (
        f"{path}: refused: track 'short' is used by submissions and cannot be removed from the venue file; "
        "keep it in the file (you may rename it). Nothing was changed."
    )
    venue.refresh_from_db()
    assert venue.short_name == before != "Renamed"
    assert list(venue.tracks.values_list("slug", flat=True)) == ["short", "long"]


def test_venue_load_removes_unused_track(venue, tmp_path):
    text = VENUE_FILE.read_text(encoding="utf-8")
    start = text.index("[[tracks]]\nslug = \"long\"")
    end = text.index("[[contribution_types]]")
    path = tmp_path / "short-only.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    out = run("venue", "load", str(path))

    assert "  - tracks: removed long" in out
    assert list(venue.tracks.values_list("slug", flat=True)) == ["short"]


def test_venue_load_refuses_to_remove_secondary_topic_in_use(venue, author, tmp_path):
    _submit_draft(venue, author, secondary=["novel-paradigms"])
    text = VENUE_FILE.read_text(encoding="utf-8")
    start = text.index('[[topics]]\nslug = "novel-paradigms"')
    end = text.index("[reviewing]")
    path = tmp_path / "fewer-topics.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    with pytest.raises(CommandError) as failure:
        run("venue", "load", str(path))

    assert "topic area 'novel-paradigms' is used by submissions" in str(failure.value)
    assert venue.topics.filter(slug="novel-paradigms").exists()


def test_venue_load_invalid_file_loads_nothing(db, tmp_path):
    path, _ = variant(tmp_path, ('timezone = "AoE"', 'timezone = "Bad/Zone"'))

    with pytest.raises(CommandError) as failure:
        run("venue", "load", str(path))

    assert failure.value.returncode == 2
    assert str(failure.value).endswith("Nothing was loaded.")
    assert not Venue.objects.exists()


def test_venue_load_rehearsal_deadline_two_weeks_ahead(db, monkeypatch):
    now = dt.datetime(2026, 11, 25, 19, 0, tzinfo=dt.UTC)
    monkeypatch.setattr("paperdesk.clock.now", lambda: now)

    out = run("venue", "load", str(VENUE_FILE), "--rehearsal")

    rehearsal = Venue.objects.get(slug="mechinterp-2025-rehearsal")
    assert rehearsal.is_rehearsal
    assert rehearsal.name == "Rehearsal: Mechanistic Interpretability Workshop at NeurIPS 2025"
    deadline = rehearsal.local(rehearsal.submission_deadline)
    assert (deadline.date(), deadline.time()) == ((now.astimezone(AOE) + dt.timedelta(days=14)).date(), dt.time(23, 59))
    assert deadline.date() == dt.date(2026, 12, 9)
    spec = load_venue_file(VENUE_FILE)
    for key in DATE_KEYS:
        distance = getattr(rehearsal, key) - rehearsal.submission_deadline
        assert distance == aware(spec, key) - aware(spec, "submission_deadline"), key
    assert "Rehearsal copy: submission deadline Wed 09 Dec 2026, 23:59 AoE (UTC−12), 14 days ahead" in out
    assert not Venue.objects.filter(slug="mechinterp-2025").exists()


def test_venue_load_rehearsal_again_moves_dates_keeps_data(venue, author, monkeypatch):
    run("venue", "load", str(VENUE_FILE), "--rehearsal")
    rehearsal = Venue.objects.get(slug="mechinterp-2025-rehearsal")
    submission = _submit_draft(rehearsal, author)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    monkeypatch.setattr("paperdesk.clock.now", lambda: later)

    out = run("venue", "load", str(VENUE_FILE), "--rehearsal")

    assert "1 submission kept" in out
    rehearsal.refresh_from_db()
    assert rehearsal.submission_deadline.astimezone(AOE).date() == (later.astimezone(AOE) + dt.timedelta(days=14)).date()
    assert rehearsal.submissions.get() == submission


# --- list and grant ---------------------------------------------------------------------


def test_venue_list_shows_venues(venue):
    run("venue", "load", str(VENUE_FILE), "--rehearsal")

    lines = run("venue", "list").splitlines()

    assert lines[0].split() == ["SLUG", "SUBMISSIONS", "CHAIRS", "SUBMISSION", "DEADLINE", "NAME"]
    assert lines[1].startswith("mechinterp-2025 *")
    assert lines[2].startswith("mechinterp-2025-rehearsal ")
    assert "Rehearsal: Mechanistic Interpretability Workshop" in lines[2]
    assert lines[-1] == "* the default venue"


def test_venue_list_empty(db):
    assert run("venue", "list").startswith("No venue is loaded.")


def test_venue_grant_role(venue, make_user):
    user = make_user("rev@uni.edu", "Rae Viewer")

    first = run("venue", "grant", "mechinterp-2025", "REV@uni.edu", "reviewer")
    second = run("venue", "grant", "mechinterp-2025", "rev@uni.edu", "reviewer")

    assert first == "rev@uni.edu is now Reviewer of mechinterp-2025.\n"
    assert second == "rev@uni.edu already is Reviewer of mechinterp-2025; nothing changed.\n"
    assert list(VenueRole.objects.filter(user=user).values_list("role", flat=True)) == ["reviewer"]


def test_venue_grant_unknown_account_or_venue(venue):
    with pytest.raises(CommandError, match=r"No account with the e-mail address ghost@uni\.edu"):
        run("venue", "grant", "mechinterp-2025", "ghost@uni.edu", "chair")
    with pytest.raises(CommandError, match=r"No venue 'nope' \(known: mechinterp-2025\)"):
        run("venue", "grant", "nope", "ghost@uni.edu", "chair")
    with pytest.raises(CommandError, match="invalid choice: 'king'"):
        run("venue", "grant", "mechinterp-2025", "ghost@uni.edu", "king")
