"""`paperdesk venue export SLUG [--version N] [-o FILE]`: the venue's settings (as edited in
the browser) back as a venue file, for version control on the server side."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.management.base import CommandError
from venue_helpers import run

from paperdesk.venueconfig import load_venue_file, parse_venue
from paperdesk.venues.services import venue_load

pytestmark = pytest.mark.django_db


def test_export_prints_the_venue_file_of_the_current_settings_and_of_a_version(venue, tmp_path):
    original = venue.spec
    venue_load(dataclasses.replace(original, name="Renamed workshop"))
    venue.refresh_from_db()
    assert parse_venue(run("venue", "export", venue.slug)) == venue.spec
    assert parse_venue(run("venue", "export", venue.slug, "--version", "1")) == original
    target = tmp_path / "out.toml"
    out = run("venue", "export", venue.slug, "-o", str(target))
    assert f"Wrote {target} (settings version 2)" in out
    assert load_venue_file(target) == venue.spec


def test_export_of_an_unknown_venue_or_version_fails_clearly(venue):
    with pytest.raises(CommandError, match="No venue 'nope'"):
        run("venue", "export", "nope")
    with pytest.raises(CommandError, match="has no settings version 7"):
        run("venue", "export", venue.slug, "--version", "7")
