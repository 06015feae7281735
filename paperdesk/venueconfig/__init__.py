"""Venue configuration: the TOML file format, its validation and the rehearsal copy.

Pure Python (no Django): the checker CLI and the web app read venues through it.
"""

from .document import document_to_toml, spec_to_document, spec_to_toml
from .loader import (
    AOE,
    Problem,
    VenueConfigError,
    load_venue_file,
    parse_document,
    parse_venue,
    rehearsal_copy,
    venue_tzinfo,
)
from .notifications import DecisionEmail, Notifications
from .serialize import spec_from_dict, spec_to_dict
from .spec import DATE_KEYS, Template, Track, VenueSpec

__all__ = [
    "AOE",
    "DATE_KEYS",
    "DecisionEmail",
    "Notifications",
    "Problem",
    "Template",
    "Track",
    "VenueConfigError",
    "VenueSpec",
    "document_to_toml",
    "load_venue_file",
    "parse_document",
    "parse_venue",
    "rehearsal_copy",
    "spec_from_dict",
    "spec_to_dict",
    "spec_to_document",
    "spec_to_toml",
    "venue_tzinfo",
]
