"""Rules from the venue file, modes, and the AUTHORS.json shape."""

from __future__ import annotations

import json

import pytest
from checks_helpers import ROOT

from paperdesk.checks import CheckRules, Identity, identities_from_json, load_identities, rules_for
from paperdesk.venueconfig import VenueConfigError, load_venue_file, parse_venue, spec_from_dict, spec_to_dict

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


# ---------------------------------------------------------------- typeface and leading in the venue file

VENUE_TEXT = (ROOT / "venues" / "mechinterp-2025.toml").read_text()


def _venue(**template) -> str:
    """The default venue file with [template] keys replaced or added."""
    lines = VENUE_TEXT.splitlines()
    start = lines.index("[template]")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("["))
    kept = [l for l in lines[start + 1:end] if l.split("=")[0].strip() not in template]
    added = [f"{key} = {json.dumps(value)}" for key, value in template.items() if value is not None]  # None: left out
    return "\n".join(lines[:start + 1] + kept + added + lines[end:]) + "\n"


def test_rules_from_venue_carry_typeface_and_leading():
    rules = rules_for(SPEC, "long", "submission")
    assert (rules.body_font_families, rules.body_leading_pt, rules.min_leading_pt) == (("times",), 11.0, 10.7)
    other = rules_for(parse_venue(_venue(body_font_families=["helvetica", "times"], body_leading_pt=12, min_leading_pt=None)), "short")
    assert other.body_font_families == ("helvetica", "times")
    assert (other.body_leading_pt, other.min_leading_pt) == (12.0, 11.64)  # 97% when not given
    off = rules_for(parse_venue(_venue(body_font_families=[], body_leading_pt=0)), "short")
    assert (off.body_font_families, off.body_leading_pt, off.min_leading_pt) == ((), 0.0, 0.0)


@pytest.mark.parametrize("template, message", [
    ({"body_font_families": ["comic-sans"]}, "unknown font family 'comic-sans'"),
    ({"body_font_families": "times"}, "must be list"),
    ({"body_leading_pt": 11, "min_leading_pt": 12}, "must not exceed body_leading_pt"),
    ({"body_leading_pt": -1}, "must be at least 0"),
    ({"body_leading_pt": 500}, "between 1 and 100"),
    ({"body_leading": 11}, "unknown key"),
])
def test_venue_file_typeface_and_leading_are_validated(template, message):
    with pytest.raises(VenueConfigError) as caught:
        parse_venue(_venue(**template), "venue.toml")
    rendered = caught.value.render()
    assert message in rendered and "template." in rendered


def test_venue_typeface_survives_the_stored_copy():
    spec = parse_venue(_venue(body_font_families=["palatino"], body_leading_pt=12.5))
    again = spec_from_dict(json.loads(json.dumps(spec_to_dict(spec))))
    assert again.template == spec.template and again.template.body_font_families == ("palatino",)


def test_checker_knows_every_family_a_venue_may_name():
    from paperdesk.checks.fonts import FAMILY_NAMES
    from paperdesk.venueconfig.spec import FONT_FAMILIES

    assert set(FAMILY_NAMES) == set(FONT_FAMILIES)


@pytest.mark.parametrize("name, family", [
    ("ABCDEF+NimbusRomNo9L-Regu", "times"), ("Times-Roman", "times"), ("TeXGyreTermesX-Regular", "times"),
    ("ArialMT", "helvetica"), ("Helvetica", "helvetica"), ("NimbusSanL-Regu", "helvetica"),
    ("CMR10", "computer-modern"), ("LMRoman10-Regular", "computer-modern"), ("URWPalladioL-Roma", "palatino"),
    ("", None), ("F37", None), ("?", None),
])
def test_font_names_map_to_families(name, family):
    from paperdesk.checks.fonts import family_of

    assert family_of(name) == family
