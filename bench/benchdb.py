"""What the Django benches share: a throwaway data folder, the test settings, Django set
up before the bench imports models, a fresh database per measured size (SQLite in the
temporary folder, or a test database on the server DATABASE_URL names, dropped after) and
the default venue loaded with its dates shifted to the phase the bench needs."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENUE_FILE = ROOT / "venues" / "mechinterp-2025.toml"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PAPERDESK_VAR", tempfile.mkdtemp(prefix="paperdesk-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "paperdesk.test_settings"

import django  # noqa: E402

django.setup()


@contextlib.contextmanager
def fresh_database():
    """A new, migrated database for one measurement; the name it got."""
    from django.db import connection, connections

    old_name = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield name
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def load_venue(*, slug: str = "mechinterp-2025", deadline_in_days: int):
    """The default venue as a real (not rehearsal) venue named `slug`, whose submission
    deadline lies `deadline_in_days` from now (negative: in the past), every other date
    keeping its distance."""
    from paperdesk.venueconfig import load_venue_file, rehearsal_copy
    from paperdesk.venues.services import venue_load

    spec = rehearsal_copy(load_venue_file(VENUE_FILE), dt.datetime.now(dt.UTC), days_ahead=deadline_in_days)
    venue, _ = venue_load(dataclasses.replace(spec, slug=slug, rehearsal=False))
    return venue
