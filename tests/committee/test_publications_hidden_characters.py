"""Imported publications keep only visible text: NUL and other control characters, and
the bidirectional overrides that make a name read differently from what it holds, never
reach the reviewer profile, the affinity model or a chair's page — whatever the format."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperdesk.publications.parsers import parse_bibtex, parse_csv, parse_dblp, parse_json

RLO, PDI, NUL = "\u202e", "\u2069", "\x00"
HIDDEN = {chr(c) for c in [*range(0x20), 0x7F, 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def visible(record: dict) -> bool:
    texts = [record["title"], record["abstract"], *record["authors"]]
    return not any(ch in HIDDEN for text in texts for ch in text)


@pytest.mark.parametrize("parse,data", [
    (parse_bibtex, f"@article{{a, title={{Circuits{NUL} in {RLO}sremrofsnart{PDI}}}, author={{Ada{NUL} Lovelace and {RLO}Grace Hopper}}, year=2024}}"),
    (parse_json, json.dumps([{"title": f"Circuits{NUL} in {RLO}sremrofsnart", "authors": [f"Ada{NUL} Lovelace"], "year": 2024}])),
    (parse_csv, f"title,authors,year\nCircuits{NUL} in {RLO}sremrofsnart,Ada{NUL} Lovelace,2024\n"),
])
def test_control_and_bidi_characters_are_dropped(parse, data):
    [record] = parse(data)
    assert visible(record)
    assert record["title"] == "Circuits in sremrofsnart"
    assert record["authors"][0] == "Ada Lovelace"


def test_dblp_titles_lose_bidi_overrides():
    xml = (f'<?xml version="1.0"?><dblpperson><r><article><author>Ada Lovelace</author>'
           f'<title>Circuits in {RLO}sremrofsnart{PDI}.</title><year>2024</year></article></r></dblpperson>').encode()
    [record] = parse_dblp(xml)
    assert record["title"] == "Circuits in sremrofsnart"


@given(st.text(min_size=1, max_size=80))
def test_no_hidden_character_survives_a_json_import(title):
    records = parse_json(json.dumps([{"title": title + " x", "authors": [title], "year": 2020}]))
    assert all(visible(r) for r in records)
