"""The public venue pages: start page, call for papers, dates, .ics, error pages."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import loader
from django.test import RequestFactory
from django.utils.html import escape
from icalendar import Calendar
from venue_helpers import VENUE_FILE

from paperdesk.venueconfig import load_venue_file, rehearsal_copy
from paperdesk.venues import views
from paperdesk.venues.services import venue_load

UTC = dt.UTC
CONTACT = "neurips2025@mechinterpworkshop.com"


@pytest.fixture
def real_venue(db):
    """The default venue exactly as its file says (the submission deadline has passed)."""
    venue, _ = venue_load(load_venue_file(VENUE_FILE))
    return venue


@pytest.fixture
def rehearsal(db):
    venue, _ = venue_load(rehearsal_copy(load_venue_file(VENUE_FILE), dt.datetime.now(UTC)))
    return venue


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


# --- start page -------------------------------------------------------------------------


def test_home_lists_default_venue_first_and_labels_rehearsal(client, real_venue, rehearsal):
    html = page(client, "/")

    assert html.index(escape(real_venue.name)) < html.index(escape(rehearsal.name))
    assert html.count("Rehearsal copy</span>") == 1
    assert "Default venue" in html
    # The real venue's dates have all passed; the rehearsal counts down to its next date.
    assert "All dates of this venue have passed." in html
    assert f'data-countdown="{rehearsal.submission_deadline.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"' in html
    assert "/v/mechinterp-2025-rehearsal/submit/" in html


def test_home_without_venues(client, db):
    assert "No venue is loaded yet." in page(client, "/")


# --- call for papers --------------------------------------------------------------------


def test_cfp_shows_topics_tracks_contact(client, venue, django_assert_max_num_queries):
    spec = load_venue_file(VENUE_FILE)
    with django_assert_max_num_queries(6):
        html = page(client, "/v/mechinterp-2025/")

    assert len(spec.topics) == 15
    for topic in spec.topics:
        assert f"<h3>{escape(topic.name)}</h3>" in html
        for sub in topic.subtopics:
            assert escape(sub) in html
    assert "<strong>Max 4 pages</strong> of main content" in html
    assert "<strong>Max 9 pages</strong> of main content" in html
    assert "Camera-ready: 5 pages (1 extra page to integrate reviewer feedback)" in html
    assert "Camera-ready: 10 pages" in html
    assert f'href="mailto:{CONTACT}"' in html
    assert 'href="/v/mechinterp-2025/submit/">Submit a paper</a>' in html


def test_cfp_shows_rules(client, venue):
    html = page(client, "/v/mechinterp-2025/")

    for text in [
        "US Letter (8.5 × 11 in)",
        "5.5 × 9 in (left margin 1.5 in, top margin 1 in)",
        "10 pt body text; nothing smaller than 9.5 pt",
        "Single column",
        "Not needed (you may include one; it is never required)",
        "Double-blind review",
        "The venue is non-archival.",
        "Work under review elsewhere is welcome",
        escape("This work has not been accepted at an archival venue (journal or proceedings)."),
        "Rigorous negative result",
        "Position piece",
        "We request, but do not require, that (co-)first authors of submitted papers volunteer as reviewers.",
        "Non-institutional e-mails wait up to 14 days for approval by the program chairs; "
        f'write to <a href="mailto:{CONTACT}">{CONTACT}</a> if this prevents you from submitting.',
    ]:
        assert text in html, text


def test_cfp_renders_description_markdown(client, venue):
    html = page(client, "/v/mechinterp-2025/")

    assert "<strong>non-archival</strong>" in html
    assert '<a href="https://anonymous.4open.science/" rel="noopener noreferrer">anonymous.4open.science</a>' in html


def test_cfp_sanitises_malicious_description(client, venue):
    venue.description = (
        "Hello <script>alert('owned')</script> **bold**\n\n"
        '<img src="x" onerror="alert(2)"> [click](javascript:alert(3)) '
        '<a href="https://ok.example/" onclick="alert(4)">ok</a>\n\n'
        '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>'
    )
    venue.save()

    html = page(client, "/v/mechinterp-2025/")

    assert "alert(" not in html
    assert "<script>" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "<iframe" not in html and "display:none" not in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://ok.example/" rel="noopener noreferrer">ok</a>' in html


def test_cfp_after_deadline_has_no_submit_button(client, real_venue):
    html = page(client, "/v/mechinterp-2025/")

    assert "Submissions closed on Fri 22 Aug 2025, 23:59 AoE (UTC−12)." in html
    assert "/v/mechinterp-2025/submit/" not in html


def test_cfp_rehearsal_is_labelled(client, rehearsal):
    html = page(client, "/v/mechinterp-2025-rehearsal/")

    assert 'class="rehearsal-banner"' in html
    assert "Rehearsal: Mechanistic Interpretability Workshop at NeurIPS 2025" in html


def test_cfp_unknown_venue_is_404_with_contact(client, real_venue):
    html = page(client, "/v/no-such-venue/", status=404)

    assert "<h1>Not found</h1>" in html
    assert f'href="mailto:{CONTACT}"' in html


# --- dates ------------------------------------------------------------------------------


def test_dates_page_venue_and_utc_times(client, real_venue):
    html = page(client, "/v/mechinterp-2025/dates/")

    assert html.count("AoE (UTC−12)") == 5
    assert "Fri 22 Aug 2025, 23:59 <span class=\"zone\">AoE (UTC−12)</span>" in html
    assert '<time datetime="2025-08-23T11:59:00Z" data-localtime>Sat 23 Aug 2025, 11:59 UTC</time>' in html
    assert "data-countdown" not in html  # every date has passed
    assert 'href="/v/mechinterp-2025/dates.ics"' in html
    assert "UTC−12: a deadline has passed only once it has passed everywhere on Earth" in html


def test_dates_page_counts_down_future_dates(client, venue):
    html = page(client, "/v/mechinterp-2025/dates/")

    # The fixture's submission window is open: four dates lie ahead.
    assert html.count("<time data-countdown=") == 4
    deadline = venue.submission_deadline.astimezone(UTC)
    assert f'<time data-countdown="{deadline:%Y-%m-%dT%H:%M:%SZ}"' in html


def test_dates_page_other_time_zone(client, db):
    spec = load_venue_file(VENUE_FILE)
    venue, _ = venue_load(dataclasses.replace(spec, slug="paris", timezone="Europe/Paris"))

    html = page(client, f"/v/{venue.slug}/dates/")

    assert "Fri 22 Aug 2025, 23:59 <span class=\"zone\">Europe/Paris (UTC+2)</span>" in html
    assert "Fri 31 Oct 2025, 23:59 <span class=\"zone\">Europe/Paris (UTC+1)</span>" in html
    assert "Anywhere on Earth" not in html


# --- .ics -------------------------------------------------------------------------------


def test_dates_ics_is_valid_calendar(client, real_venue):
    response = client.get("/v/mechinterp-2025/dates.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mechinterp-2025-dates.ics"'
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    got = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in events}
    assert got == {
        "MechInterp @ NeurIPS 2025: Submissions open": dt.datetime(2025, 7, 1, 12, 0, tzinfo=UTC),
        "MechInterp @ NeurIPS 2025: Submission deadline": dt.datetime(2025, 8, 23, 11, 59, tzinfo=UTC),
        "MechInterp @ NeurIPS 2025: Reviews due": dt.datetime(2025, 9, 13, 11, 59, tzinfo=UTC),
        "MechInterp @ NeurIPS 2025: Notification of acceptance": dt.datetime(2025, 9, 20, 11, 59, tzinfo=UTC),
        "MechInterp @ NeurIPS 2025: Camera-ready deadline": dt.datetime(2025, 11, 1, 11, 59, tzinfo=UTC),
    }
    assert all(e.decoded("DTSTART").utcoffset() == dt.timedelta(0) for e in events)
    assert all("DTSTAMP" in e and "DTEND" not in e for e in events)
    reminded = [str(e["SUMMARY"]) for e in events if e.walk("VALARM")]
    assert reminded == ["MechInterp @ NeurIPS 2025: Submission deadline", "MechInterp @ NeurIPS 2025: Camera-ready deadline"]
    assert b"DTSTART:20250823T115900Z" in response.content
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar


def test_dates_ics_uids_stable_and_unique(client, real_venue, rehearsal):
    def uids(slug):
        calendar = Calendar.from_ical(client.get(f"/v/{slug}/dates.ics").content)
        return [str(e["UID"]) for e in calendar.walk("VEVENT")]

    first, again, other = uids("mechinterp-2025"), uids("mechinterp-2025"), uids("mechinterp-2025-rehearsal")

    assert first == again
    assert len(set(first)) == 5
    assert not set(first) & set(other)
    assert "submission-deadline.mechinterp-2025@127.0.0.1" in first


def test_dates_ics_unknown_venue_404(client, db):
    assert client.get("/v/nope/dates.ics").status_code == 404


# --- error pages ------------------------------------------------------------------------


def _request(path="/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_error_pages_show_default_venue_contact(real_venue):
    for view, status, heading in [
        (views.permission_denied, 403, "Not allowed"),
        (views.bad_request, 400, "The request could not be understood"),
        (views.not_found, 404, "Not found"),
    ]:
        response = view(_request(), Exception("secret detail"))
        html = response.content.decode()
        assert response.status_code == status
        assert f"<h1>{heading}</h1>" in html
        assert f'href="mailto:{CONTACT}"' in html
        assert "secret detail" not in html


def test_server_error_page(real_venue):
    response = views.server_error(_request())

    assert response.status_code == 500
    assert f'href="mailto:{CONTACT}"' in response.content.decode()


def test_server_error_template_renders_without_context():
    html = loader.get_template("500.html").render({})

    assert "Something went wrong on our side" in html
    assert "mailto:" not in html
