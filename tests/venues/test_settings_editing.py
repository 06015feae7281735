"""Chairs edit the venue's settings in the browser (issue 10, item 2): every section is a
form validated by the venue file's loader (same messages, naming the field), every save is
a kept version with who, when and what changed (audited), the venue exports back to a venue
file that loads to the same spec, a venue file can be uploaded through the same checks, and
changes that would break existing submissions or reviews are refused or need a confirmation
that names what they affect. Only the venue's chairs reach any of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from django.test import Client
from settings_helpers import form_fields, make_paper, make_review

from paperdesk.venueconfig import load_venue_file, parse_venue
from paperdesk.venues.services import venue_load

pytestmark = pytest.mark.django_db

BASE = "/v/mechinterp-2025/chair/settings/"


@pytest.fixture
def chair_client(chair):
    client = Client()
    client.force_login(chair)
    return client


def get_form(client, section: str) -> dict[str, str]:
    response = client.get(f"{BASE}{section}/")
    assert response.status_code == 200, response.content[:300]
    return form_fields(response.content.decode())


def post(client, section: str, fields: dict, **changes):
    data = {**fields, **changes}
    return client.post(f"{BASE}{section}/", {k: v for k, v in data.items() if v is not None})


def row_of(fields: dict, prefix: str, key: str, value: str) -> str:
    """The form name prefix (`tracks[1]`) of the row whose `key` field holds `value`."""
    for name, field_value in fields.items():
        if name.startswith(prefix + "[") and name.endswith("." + key) and field_value == value:
            return name[: -len(key) - 1]
    raise AssertionError(f"no {prefix} row with {key} = {value}")


# --- who may --------------------------------------------------------------------------------


PAGES = ["", "dates/", "tracks/", "topics/", "contribution-types/", "accounts/", "review-form/", "emails/",
         "history/", "export.toml", "upload/"]


def test_only_the_venues_chairs_reach_the_settings(client, venue, chair, author, make_user):
    from paperdesk.venues.models import VenueRole

    reviewer = make_user("rev@uni.edu", "Rita Reviewer")
    VenueRole.objects.create(venue=venue, user=reviewer, role=VenueRole.Role.REVIEWER)
    area_chair = make_user("ac@uni.edu", "Alan AC")
    VenueRole.objects.create(venue=venue, user=area_chair, role=VenueRole.Role.AREA_CHAIR)
    other_venue, _ = venue_load(dataclasses.replace(venue.spec, slug="other-venue"))
    other_chair = make_user("other@uni.edu", "Olga Other")
    VenueRole.objects.create(venue=other_venue, user=other_chair, role=VenueRole.Role.CHAIR)
    chair_client = Client()
    chair_client.force_login(chair)
    fields = get_form(chair_client, "tracks")
    for person in (None, author, reviewer, area_chair, other_chair):
        c = Client()
        if person is not None:
            c.force_login(person)
        for page in PAGES:
            assert c.get(BASE + page).status_code == 404, (person, page)
        # A write by someone else changes nothing.
        assert post(c, "tracks", fields, **{row_of(fields, "tracks", "slug", "long") + ".max_pages": "2"}).status_code == 404
        assert c.post(BASE + "upload/", {}).status_code == 404
    venue.refresh_from_db()
    assert venue.spec.track("long").max_pages == 9
    for page in PAGES:
        assert chair_client.get(BASE + page).status_code == 200, page


def test_a_chair_who_authored_a_paper_still_edits_the_venue_wide_settings(venue, chair, author):
    from paperdesk.committee.models import Conflict
    from paperdesk.submissions.models import Authorship

    paper = make_paper(venue, chair)
    Authorship.objects.create(submission=paper, position=1, name="Pat Chair", email=chair.email, user=chair, is_corresponding=True)
    Conflict.objects.create(submission=make_paper(venue, author, number=2), user=chair, source="institution", reason="Same institution")
    c = Client()
    c.force_login(chair)
    fields = get_form(c, "topics")
    row = row_of(fields, "topics", "slug", "basic-science")
    response = post(c, "topics", fields, **{row + ".name": "Basic Science of Models"})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert [t.name for t in venue.spec.topics if t.slug == "basic-science"] == ["Basic Science of Models"]


# --- editing, validation, history -------------------------------------------------------------


def test_a_chair_changes_a_page_limit_and_the_change_is_a_kept_audited_version(chair_client, venue, chair):
    from paperdesk.audit.models import AuditEntry
    from paperdesk.venues.models import SettingsVersion, Track

    fields = get_form(chair_client, "tracks")
    row = row_of(fields, "tracks", "slug", "long")
    response = post(chair_client, "tracks", fields, **{row + ".max_pages": "8"})
    assert response.status_code == 302 and response["Location"].endswith("/chair/settings/tracks/")
    page = chair_client.get(response["Location"]).content.decode()
    assert "Saved: version 2" in page
    venue.refresh_from_db()
    assert venue.spec.track("long").max_pages == 8
    assert Track.objects.get(venue=venue, slug="long").max_pages == 8
    versions = list(SettingsVersion.objects.filter(venue=venue).order_by("number"))
    assert [(v.number, v.via) for v in versions] == [(1, "file"), (2, "browser")]
    assert versions[1].actor == chair and versions[1].section == "tracks"
    assert versions[1].changes == ["tracks: changed long (max_pages 9 -> 8)"]
    assert versions[0].config["tracks"][1]["max_pages"] == 9  # the earlier version is kept as it was
    entry = AuditEntry.objects.filter(venue=venue, action="venue.update").latest("id")
    assert entry.actor == chair and entry.data["version"] == 2 and entry.data["via"] == "browser"
    assert entry.data["changes"] == ["tracks: changed long (max_pages 9 -> 8)"]


def test_bad_input_is_refused_with_the_loaders_message_naming_the_field_and_the_input_is_kept(chair_client, venue):
    from paperdesk.venues.models import SettingsVersion

    fields = get_form(chair_client, "tracks")
    row = row_of(fields, "tracks", "slug", "long")
    response = post(chair_client, "tracks", fields, **{row + ".max_pages": "0", row + ".name": "Very long paper"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "must be at least 1, got 0" in html
    assert f"{row}.max_pages" in html  # the summary names the field as the venue file does
    again = form_fields(html)
    assert again[row + ".max_pages"] == "0" and again[row + ".name"] == "Very long paper"
    assert 'aria-invalid="true"' in html
    venue.refresh_from_db()
    assert venue.spec.track("long").max_pages == 9 and venue.spec.track("long").name == "Long paper"
    assert SettingsVersion.objects.filter(venue=venue).count() == 1

    # A slug the loader refuses, and two rows with one slug: the same messages as a file.
    fields = get_form(chair_client, "contribution-types")
    new = max(int(m.group(1)) for m in (re.match(r"contribution_types\[(\d+)\]", k) for k in fields) if m)
    response = post(chair_client, "contribution-types", fields, **{
        f"contribution_types[{new}].slug": "Bad Slug", f"contribution_types[{new}].name": "Keep my words"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "&#x27;Bad Slug&#x27; must be lowercase letters, digits and hyphens" in html
    assert form_fields(html)[f"contribution_types[{new}].name"] == "Keep my words"


def test_dates_are_entered_and_shown_in_aoe_whatever_the_venue_time_zone(db, make_user):
    from paperdesk.venues.models import VenueRole

    spec = load_venue_file(__import__("venue_helpers").VENUE_FILE)
    utc_venue, _ = venue_load(dataclasses.replace(spec, slug="utc-venue", timezone="UTC"))
    chair = make_user("utc@uni.edu", "Uta Chair")
    VenueRole.objects.create(venue=utc_venue, user=chair, role=VenueRole.Role.CHAIR)
    c = Client()
    c.force_login(chair)
    url = "/v/utc-venue/chair/settings/dates/"
    html = c.get(url).content.decode()
    fields = form_fields(html)
    # 2025-08-22 23:59 UTC is 11:59 that morning in AoE (UTC-12); the reader's own time beside it.
    assert fields["dates.submission_deadline"] == "2025-08-22T11:59"
    assert '<time datetime="2025-08-22T23:59:00Z" data-localtime>2025-08-22 23:59 UTC</time>' in html
    response = c.post(url, {**fields, "dates.camera_ready_deadline": "2025-11-02T23:59"})
    assert response.status_code == 302, response.content.decode()[:2000]
    utc_venue.refresh_from_db()
    assert utc_venue.camera_ready_deadline == dt.datetime(2025, 11, 3, 11, 59, tzinfo=dt.UTC)
    assert utc_venue.spec.dates["camera_ready_deadline"] == dt.datetime(2025, 11, 3, 11, 59)  # venue time (UTC)
    # Out of order: the loader's message, naming the date.
    response = c.post(url, {**fields, "dates.review_deadline": "2025-08-01T12:00"})
    assert response.status_code == 400
    assert "review_deadline (2025-08-02 00:00) is before submission_deadline" in response.content.decode()


def test_each_section_saves_unchanged_to_the_same_spec(chair_client, venue):
    """A form that is opened and saved as it is changes nothing: no version, no drift."""
    from paperdesk.venues.models import SettingsVersion

    before = venue.spec
    for section in ("dates", "tracks", "topics", "contribution-types", "accounts", "review-form", "emails"):
        response = post(chair_client, section, get_form(chair_client, section))
        assert response.status_code == 302, (section, response.content.decode()[:3000])
        assert "Nothing changed" in chair_client.get(response["Location"]).content.decode()
    venue.refresh_from_db()
    assert venue.spec == before
    assert SettingsVersion.objects.filter(venue=venue).count() == 1


def test_load_edit_in_the_browser_export_and_load_gives_the_same_spec(chair_client, venue):
    from paperdesk.venueconfig.spec import Choice, ReviewQuestion

    # An unedited venue exports to exactly its spec.
    assert parse_venue(chair_client.get(BASE + "export.toml").content.decode()) == venue.spec
    original = venue.spec

    fields = get_form(chair_client, "tracks")
    long_row = row_of(fields, "tracks", "slug", "long")
    assert post(chair_client, "tracks", fields, **{long_row + ".max_pages": "8", long_row + ".reviewers_per_paper": "4"}).status_code == 302
    fields = get_form(chair_client, "topics")
    new = max(int(m.group(1)) for m in (re.match(r"topics\[(\d+)\]", k) for k in fields) if m)
    assert post(chair_client, "topics", fields, **{f"topics[{new}].slug": "evals", f"topics[{new}].name": "Evaluations",
                                                   f"topics[{new}].subtopics": "Benchmarks\r\nHeld-out tests"}).status_code == 302
    fields = get_form(chair_client, "accounts")
    assert post(chair_client, "accounts", fields, **{"accounts.institutional_domains": fields["accounts.institutional_domains"] + "\r\nUni-Example.DE"}).status_code == 302
    fields = get_form(chair_client, "review-form")
    new = max(int(m.group(1)) for m in (re.match(r"review_form\.questions\[(\d+)\]", k) for k in fields) if m)
    assert post(chair_client, "review-form", fields, **{
        f"review_form.questions[{new}].key": "code_quality", f"review_form.questions[{new}].label": "Is the code usable?",
        f"review_form.questions[{new}].kind": "choice", f"review_form.questions[{new}].options": "yes: Yes\r\nno: No",
        f"review_form.questions[{new}].max_chars": "5000",  # a new question is required and shown to the authors unless unticked
    }).status_code == 302
    fields = get_form(chair_client, "emails")
    assert post(chair_client, "emails", fields, **{"notifications.review_reminder_days": "10, 3",
                                                   "notifications.decision_email.reject.subject": "[{{ venue_short_name }}] {{ title }}"}).status_code == 302
    fields = get_form(chair_client, "dates")
    camera_ready = original.dates["camera_ready_deadline"] + dt.timedelta(days=7)  # the venue is in AoE
    assert post(chair_client, "dates", fields, **{"dates.camera_ready_deadline": f"{camera_ready:%Y-%m-%dT%H:%M}"}).status_code == 302

    venue.refresh_from_db()
    exported = chair_client.get(BASE + "export.toml")
    assert exported["Content-Type"].startswith("application/toml")
    assert "attachment" in exported["Content-Disposition"] and "mechinterp-2025" in exported["Content-Disposition"]
    reloaded = parse_venue(exported.content.decode())
    assert reloaded == venue.spec
    expected = dataclasses.replace(
        original,
        tracks=(original.tracks[0], dataclasses.replace(original.tracks[1], max_pages=8, reviewers_per_paper=4)),
        topics=original.topics + (type(original.topics[0])("evals", "Evaluations", ("Benchmarks", "Held-out tests")),),
        accounts=dataclasses.replace(original.accounts, institutional_domains=original.accounts.institutional_domains + ("uni-example.de",)),
        review_form=dataclasses.replace(original.review_form, questions=original.review_form.questions + (
            ReviewQuestion("code_quality", "Is the code usable?", "", "choice", True, (Choice("yes", "Yes"), Choice("no", "No")), 5000, True),)),
        notifications=dataclasses.replace(
            original.notifications, review_reminder_days=(10, 3),
            reject_email=dataclasses.replace(original.notifications.reject_email, subject="[{{ venue_short_name }}] {{ title }}")),
        dates={**original.dates, "camera_ready_deadline": camera_ready.replace(second=0, microsecond=0)},
    )
    assert reloaded == expected
    # An earlier version exports too, as it was.
    assert parse_venue(chair_client.get(BASE + "export.toml?version=1").content.decode()) == original


def test_history_lists_who_changed_what_and_shows_the_diff(chair_client, venue, chair):
    fields = get_form(chair_client, "tracks")
    row = row_of(fields, "tracks", "slug", "long")
    post(chair_client, "tracks", fields, **{row + ".max_pages": "8"})
    html = chair_client.get(BASE + "history/").content.decode()
    assert "Pat Chair" in html and "tracks: changed long (max_pages 9 -&gt; 8)" in html
    assert "Loaded from the venue file" in html
    diff = chair_client.get(BASE + "history/?version=2").content.decode()
    assert re.search(r'class="diff-del"[^>]*>-max_pages = 9', diff)
    assert re.search(r'class="diff-add"[^>]*>\+max_pages = 8', diff)
    assert chair_client.get(BASE + "history/?version=99").status_code == 404
    assert chair_client.get(BASE + "history/?version=abc").status_code == 404


def test_a_save_over_a_newer_version_is_refused_and_keeps_the_input(chair_client, venue, chair):
    fields = get_form(chair_client, "tracks")
    row = row_of(fields, "tracks", "slug", "long")
    other = get_form(chair_client, "topics")
    post(chair_client, "topics", other, **{row_of(other, "topics", "slug", "debugging") + ".name": "Debugging models"})
    response = post(chair_client, "tracks", fields, **{row + ".max_pages": "7"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed since you opened this page" in html and "Pat Chair" in html
    assert form_fields(html)[row + ".max_pages"] == "7"
    venue.refresh_from_db()
    assert venue.spec.track("long").max_pages == 9
    # Saving the kept input again (the form now carries the newer version) goes through.
    assert post(chair_client, "tracks", form_fields(html)).status_code == 302
    venue.refresh_from_db()
    assert venue.spec.track("long").max_pages == 7 and venue.spec.topics[6].name == "Debugging models"


# --- changes that would break existing data ---------------------------------------------------


def test_removing_a_track_with_submissions_is_refused_naming_them(chair_client, venue, author):
    make_paper(venue, author, number=1, track="short", status="draft")
    make_paper(venue, author, number=2, track="short")
    fields = get_form(chair_client, "tracks")
    row = row_of(fields, "tracks", "slug", "short")
    response = post(chair_client, "tracks", fields, **{row + ".remove": "on"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Short paper" in html and "2 submissions" in html and "#1" in html and "#2" in html
    assert form_fields(html).get(row + ".remove") == "on"  # the input is kept
    venue.refresh_from_db()
    assert [t.slug for t in venue.spec.tracks] == ["short", "long"]


def test_removing_a_topic_or_contribution_type_in_use_is_refused(chair_client, venue, author):
    paper = make_paper(venue, author, topic="circuits")
    from paperdesk.venues.models import TopicArea

    paper.secondary_topics.add(TopicArea.objects.get(venue=venue, slug="debugging"))
    fields = get_form(chair_client, "topics")
    for slug in ("circuits", "debugging"):
        response = post(chair_client, "topics", fields, **{row_of(fields, "topics", "slug", slug) + ".remove": "on"})
        assert response.status_code == 409 and "#1" in response.content.decode(), slug
    fields = get_form(chair_client, "contribution-types")
    response = post(chair_client, "contribution-types", fields, **{row_of(fields, "contribution_types", "slug", "empirical") + ".remove": "on"})
    assert response.status_code == 409 and "Empirical research" in response.content.decode()
    # An unused one goes.
    response = post(chair_client, "contribution-types", fields, **{row_of(fields, "contribution_types", "slug", "position") + ".remove": "on"})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert "position" not in [c.slug for c in venue.spec.contribution_types]


def test_removing_an_answered_question_needs_a_confirmation_naming_the_reviews(chair_client, venue, author, make_user):
    from paperdesk.venues.models import SettingsVersion

    paper = make_paper(venue, author)
    make_review(paper, make_user("r1@uni.edu", "R One"), answers={"baselines": "Strong baselines."}, overall=4)
    make_review(paper, make_user("r2@uni.edu", "R Two"), answers={"baselines": ""}, overall=3)
    fields = get_form(chair_client, "review-form")
    row = row_of(fields, "review_form.questions", "key", "baselines")
    response = post(chair_client, "review-form", fields, **{row + ".remove": "on"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Baselines and practical benefit" in html and "answered in 1 review" in html
    kept = form_fields(html)
    assert kept[row + ".remove"] == "on" and "confirm" not in kept  # the box is there, not ticked
    venue.refresh_from_db()
    assert "baselines" in [q.key for q in venue.spec.review_form.questions]
    digest = re.search(r'name="confirm" value="([0-9a-f]+)"', html).group(1)
    response = post(chair_client, "review-form", kept, confirm=digest)
    assert response.status_code == 302
    venue.refresh_from_db()
    assert "baselines" not in [q.key for q in venue.spec.review_form.questions]
    version = SettingsVersion.objects.filter(venue=venue).latest("number")
    assert any("answered in 1 review" in text for text in version.confirmed)
    # A confirmation for other effects than the current ones does not count.
    fields = get_form(chair_client, "review-form")
    row = row_of(fields, "review_form.questions", "key", "strengths")
    make_review(make_paper(venue, author, number=2), make_user("r3@uni.edu", "R Three"), answers={"strengths": "Clear."})
    assert post(chair_client, "review-form", fields, **{row + ".remove": "on", "confirm": digest}).status_code == 409


def test_removing_a_scale_level_or_choice_option_in_use_is_refused(chair_client, venue, author, make_user):
    paper = make_paper(venue, author)
    make_review(paper, make_user("r1@uni.edu", "R One"), answers={"limitations_rating": "partly"}, overall=5)
    fields = get_form(chair_client, "review-form")
    levels = fields["review_form.overall.levels"]
    response = post(chair_client, "review-form", fields, **{"review_form.overall.levels": "\r\n".join(levels.splitlines()[:4])})
    assert response.status_code == 409
    assert "5 (Strong accept)" in response.content.decode() and "1 review" in response.content.decode()
    row = row_of(fields, "review_form.questions", "key", "limitations_rating")
    response = post(chair_client, "review-form", fields, **{row + ".options": "documented: Clearly documented\r\ndownplayed: Downplayed or omitted"})
    assert response.status_code == 409 and "partly" in response.content.decode()
    venue.refresh_from_db()
    assert venue.spec.review_form.overall.values == (1, 2, 3, 4, 5)


# --- uploading a venue file -------------------------------------------------------------------


def test_an_uploaded_venue_file_goes_through_the_same_checks_and_history(chair_client, venue, chair, author):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from paperdesk.venues.models import SettingsVersion

    text = chair_client.get(BASE + "export.toml").content.decode()
    changed = text.replace('name = "Short paper"', 'name = "Short research paper"')
    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", changed.encode(), "application/toml")})
    assert response.status_code == 302, response.content.decode()[:2000]
    venue.refresh_from_db()
    assert venue.spec.track("short").name == "Short research paper"
    version = SettingsVersion.objects.filter(venue=venue).latest("number")
    assert (version.via, version.actor, version.changes) == ("upload", chair, ["tracks: changed short (name)"])

    bad = changed.replace("max_pages = 9", "max_pages = 0")
    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", bad.encode())})
    assert response.status_code == 400
    line = next(i for i, l in enumerate(bad.splitlines(), start=1) if l == "max_pages = 0")
    assert f"line {line}: tracks[1].max_pages: must be at least 1, got 0" in response.content.decode()

    other = changed.replace('slug = "mechinterp-2025"', 'slug = "another-venue"')
    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", other.encode())})
    assert response.status_code == 400 and "another-venue" in response.content.decode()

    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", b"\xff\xfe not text")})
    assert response.status_code == 400 and "UTF-8" in response.content.decode()
    assert chair_client.post(BASE + "upload/", {}).status_code == 400

    make_paper(venue, author, track="short")
    without_short = re.sub(r'\[\[tracks\]\]\nslug = "short".*?(?=\[\[tracks\]\])', "", changed, flags=re.S)
    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", without_short.encode())})
    assert response.status_code == 409 and "#1" in response.content.decode()
    venue.refresh_from_db()
    assert venue.spec.track("short").name == "Short research paper"


def test_loading_the_file_again_from_the_command_line_is_a_version_too(venue, chair):
    from paperdesk.venues.models import SettingsVersion

    venue_load(dataclasses.replace(venue.spec, name="Renamed"))
    venue_load(dataclasses.replace(venue.spec, name="Renamed"))  # same content: no new version
    assert [(v.number, v.via, v.changes) for v in SettingsVersion.objects.filter(venue=venue).order_by("number")] == [
        (1, "file", []), (2, "file", ["name changed"])]


def test_closing_submissions_now_asks_once_naming_the_drafts(chair_client, venue, author):
    from paperdesk import clock

    make_paper(venue, author, number=1, status="draft")
    make_paper(venue, author, number=2)
    fields = get_form(chair_client, "dates")
    yesterday = clock.now() - dt.timedelta(days=1)
    opened = dt.datetime.fromisoformat(fields["dates.submission_open"])
    response = post(chair_client, "dates", fields, **{"dates.submission_open": f"{min(opened, yesterday.replace(tzinfo=None) - dt.timedelta(days=2)):%Y-%m-%dT%H:%M}",
                                                      "dates.submission_deadline": f"{yesterday.astimezone(dt.timezone(dt.timedelta(hours=-12))):%Y-%m-%dT%H:%M}"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "submissions close now" in html and "1 draft (#1) can then no longer be submitted" in html
    digest = re.search(r'name="confirm" value="([0-9a-f]+)"', html).group(1)
    assert post(chair_client, "dates", form_fields(html), confirm=digest).status_code == 302
    venue.refresh_from_db()
    assert venue.submission_deadline < clock.now()


def test_a_new_required_question_after_submitted_reviews_asks_once(chair_client, venue, author, make_user):
    make_review(make_paper(venue, author), make_user("r1@uni.edu", "R One"), answers={"summary": "Fine."}, overall=4)
    fields = get_form(chair_client, "review-form")
    new = max(int(m.group(1)) for m in (re.match(r"review_form\.questions\[(\d+)\]", k) for k in fields) if m)
    response = post(chair_client, "review-form", fields, **{f"review_form.questions[{new}].key": "ethics",
                                                            f"review_form.questions[{new}].label": "Ethical concerns"})
    assert response.status_code == 409
    assert "“Ethical concerns”: 1 review already submitted has no answer to it, and its reviewer is not asked again" in response.content.decode()
    # Not required: no question asked.
    response = post(chair_client, "review-form", fields, **{f"review_form.questions[{new}].key": "ethics",
                                                            f"review_form.questions[{new}].label": "Ethical concerns",
                                                            f"review_form.questions[{new}].required": None})
    assert response.status_code == 302


def test_an_uploaded_file_cannot_remove_an_outcome_that_decisions_use(chair_client, venue, chair, author):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from paperdesk.decisions.models import Decision

    Decision.objects.create(submission=make_paper(venue, author), outcome="accept-oral", decided_by=chair)
    text = chair_client.get(BASE + "export.toml").content.decode()
    without = "\n".join(line for line in text.splitlines() if "accept-oral" not in line) + "\n"
    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", without.encode())})
    assert response.status_code == 409
    assert "Outcome “Accept (oral)” (accept-oral) is the decision on 1 paper (#1)" in response.content.decode()
    venue.refresh_from_db()
    assert "accept-oral" in [o.slug for o in venue.spec.outcomes]


def test_an_uploaded_file_with_consequences_is_saved_once_confirmed(chair_client, venue, author, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_review(make_paper(venue, author), make_user("r1@uni.edu", "R One"), answers={"strengths": "Clear."})
    text = chair_client.get(BASE + "export.toml").content.decode()
    without = re.sub(r'\[\[review_form\.questions\]\]\nkey = "strengths".*?(?=\[\[review_form\.questions\]\])', "", text, flags=re.S)
    assert without != text
    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", without.encode())})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Question “Strengths” (strengths) is answered in 1 review" in html
    kept = form_fields(html, "upload-form")
    assert kept["text"].replace("\r\n", "\n") == without
    digest = re.search(r'name="confirm" value="([0-9a-f]+)"', html).group(1)
    response = chair_client.post(BASE + "upload/", {**kept, "confirm": digest})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert "strengths" not in [q.key for q in venue.spec.review_form.questions]


def test_dates_at_the_edge_of_the_calendar_are_refused_not_crashed_on(chair_client, venue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fields = get_form(chair_client, "dates")
    response = post(chair_client, "dates", fields, **{"dates.camera_ready_deadline": "9999-12-31T23:59"})
    assert response.status_code == 400
    assert "dates.camera_ready_deadline: 9999-12-31 23:59 is out of range; use a year from 1900 to 2999." in response.content.decode()
    assert form_fields(response.content.decode())["dates.camera_ready_deadline"] == "9999-12-31T23:59"
    text = chair_client.get(BASE + "export.toml").content.decode()
    far = re.sub(r"camera_ready_deadline = .*", "camera_ready_deadline = 9999-12-31T23:59:00", text)
    response = chair_client.post(BASE + "upload/", {"file": SimpleUploadedFile("venue.toml", far.encode())})
    assert response.status_code == 400 and "out of range" in response.content.decode()
    venue.refresh_from_db()
    assert venue.camera_ready_deadline.year < 2999
