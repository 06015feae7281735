"""Venue facts: public, with dates in UTC and in the venue's time zone."""

from __future__ import annotations


def test_api_venues_lists_loaded_venues_without_credentials(client, venue):
    response = client.get("/api/venues")
    assert response.status_code == 200
    [listed] = response.json()
    assert listed["slug"] == "mechinterp-2025"
    assert listed["timezone"] == "AoE"
    assert listed["archival"] is False
    assert listed["submission_window"] == {"open": True, "reason": ""}


def test_api_venue_detail_gives_facts_dates_tracks_and_rules(client, venue):
    body = client.get("/api/venues/mechinterp-2025").json()
    assert body["name"] == venue.name
    assert body["is_rehearsal"] is False
    assert body["contact_email"] == "neurips2025@mechinterpworkshop.com"
    deadline = next(d for d in body["dates"] if d["key"] == "submission_deadline")
    assert deadline["label"] == "Submission deadline"
    assert deadline["local"].endswith("T23:59:00-12:00")
    assert deadline["utc"].endswith("T11:59:00Z")
    assert deadline["passed"] is False
    assert [(t["slug"], t["max_pages"], t["camera_ready_pages"]) for t in body["tracks"]] == [("short", 4, 5), ("long", 9, 10)]
    assert "circuits" in [t["slug"] for t in body["topics"]]
    assert "position" in [c["slug"] for c in body["contribution_types"]]
    assert body["template"]["paper_size"] == "letter"
    assert body["template"]["columns"] == 1
    rules = body["submission_rules"]
    assert rules["anonymity"] == "double-blind"
    assert rules["max_pdf_mb"] == 50
    assert [a["key"] for a in rules["attestations"]] == ["not-accepted-archival", "anonymized"]


def test_api_venue_unknown_or_malformed_slug_is_404(client, venue):
    for slug in ("no-such-venue", "x" * 300, "%00", "caf%C3%A9"):
        response = client.get(f"/api/venues/{slug}")
        assert response.status_code == 404, slug
        assert response.json() == {"detail": "Not found.", "field": None}


def test_api_venue_detail_gives_a_fractional_size_limit_as_loaded(client, db, venue_spec):
    """The venue file accepts a size such as 2.5 MB; the API states it as loaded, not a 500."""
    import dataclasses

    from paperdesk.venues.services import venue_load

    rules = dataclasses.replace(venue_spec.submission, max_pdf_mb=2.5, max_supplementary_mb=7.5)
    venue_load(dataclasses.replace(venue_spec, slug="half-sizes", rehearsal=False, submission=rules))
    response = client.get("/api/venues/half-sizes")
    assert response.status_code == 200, response.content
    assert (response.json()["submission_rules"]["max_pdf_mb"], response.json()["submission_rules"]["max_supplementary_mb"]) == (2.5, 7.5)
