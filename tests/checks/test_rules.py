"""Rules from the venue file, modes, and the AUTHORS.json shape."""

from __future__ import annotations

import json

import pytest
from checks_helpers import ROOT

from paperdesk.checks import CheckRules, Identity, identities_from_json, load_identities, rules_for
from paperdesk.venueconfig import load_venue_file

SPEC = load_venue_file(ROOT / "venues" / "mechinterp-2025.toml")


def test_rules_from_venue_submission_mode():
    rules = rules_for(SPEC, "long", "submission")
    assert (rules.page_limit, rules.mode, rules.paper_size, rules.columns) == (9, "submission", "letter", 1)
    assert (rules.text_width_in, rules.text_height_in, rules.left_margin_in, rules.top_margin_in) == (5.5, 9.0, 1.5, 1.0)
    assert (rules.body_font_pt, rules.min_font_pt) == (10, 9.5)
    assert rules.anonymity and rules.check_anonymity
    assert rules.max_bytes == 50 * 1024 * 1024


def test_rules_camera_ready_adds_a_page_and_skips_anonymity():
    rules = rules_for(SPEC, "short", "camera_ready")
    assert (rules.page_limit, rules.mode, rules.check_anonymity) == (5, "camera-ready", False)


def test_rules_unknown_track_and_mode_raise():
    with pytest.raises(KeyError):
        rules_for(SPEC, "medium", "submission")
    with pytest.raises(ValueError, match="unknown mode"):
        rules_for(SPEC, "short", "final")


def test_rules_round_trip_through_a_dict():
    rules = rules_for(SPEC, "short", "submission", timeout=5)
    assert CheckRules.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules


def test_identity_parser_accepts_the_authors_json_shape():
    identities = identities_from_json([
        {"name": "  Ada   Lovelace ", "emails": ["ada@x.org"], "github": "@ada", "huggingface": None},
        {"name": "Bob", "other_names": ["Robert"], "affiliations": ["Uni A", "Lab B"], "github": ["b1", "b2"]},
    ])
    assert identities[0] == Identity(name="Ada Lovelace", emails=("ada@x.org",), github=("ada",))
    assert identities[1].github == ("b1", "b2") and identities[1].other_names == ("Robert",)


@pytest.mark.parametrize("data, message", [
    ({"name": "x"}, "must hold a list"),
    ([{"emails": []}], "'name' is required"),
    ([{"name": "x", "email": "a@b"}], "unknown key"),
    ([{"name": "x", "emails": "a@b.org", "github": 3}], "github must be a string"),
])
def test_identity_parser_rejects_bad_shapes(data, message):
    with pytest.raises(ValueError, match=message):
        identities_from_json(data)


def test_identity_file_errors_are_clear(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_identities(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("[{")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_identities(tmp_path / "bad.json")
