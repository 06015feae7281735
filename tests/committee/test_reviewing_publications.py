"""Publications for affinity and co-authorship: BibTeX, JSON, CSV and DBLP XML parsed in a
child process with limits; malformed files get a message naming the line; hostile XML
(entities, DTDs) is refused; the profile page imports them and lists them."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from paperdesk.committee.models import Publication
from paperdesk.publications.parsers import ParseError, parse_bibtex, parse_csv, parse_dblp, parse_in_child, parse_json

BIBTEX = r"""
@string{nips = "NeurIPS"}
@comment{exported by a reference manager}
@inproceedings{doe2024,
  title     = {Sparse {Autoencoders} Find G\"odel's Circuits},
  author    = {Doe, Jane and M{\"u}ller, Hans and others},
  booktitle = nips # " 2024",
  year      = 2024,
  abstract  = "We find {features} in residual streams."
}
@article{x, title = "Induction heads", year = {2022}, author = {A. B and C. D}}
"""

DBLP = b"""<?xml version="1.0" encoding="US-ASCII"?>
<dblpperson name="Jane Doe" pid="12/345" n="2">
<person key="homepages/12/345" mdate="2024-01-01"><author pid="12/345">Jane Doe</author></person>
<r><article key="journals/x/Doe24" mdate="2024-05-01"><author pid="12/345">Jane Doe 0001</author><author pid="9/9">J&#246;rg Schmidt</author><title>Circuits in <i>toy</i> models.</title><year>2024</year><journal>X</journal></article></r>
<r><inproceedings key="conf/y/Doe23"><author>Jane Doe</author><title>Probing for truth.</title><year>2023</year><booktitle>Y</booktitle></inproceedings></r>
<coauthors n="1"><co c="0"><na f="s/Schmidt:J=ouml=rg" pid="9/9">J&#246;rg Schmidt</na></co></coauthors>
</dblpperson>"""


def test_publications_bibtex_with_strings_accents_and_authors():
    records = parse_bibtex(BIBTEX)
    assert records == [
        {"title": "Sparse Autoencoders Find Gödel's Circuits", "abstract": "We find features in residual streams.", "year": 2024, "authors": ["Doe, Jane", "Müller, Hans"]},
        {"title": "Induction heads", "abstract": "", "year": 2022, "authors": ["A. B", "C. D"]},
    ]


@pytest.mark.parametrize("text, message", [
    ("@article{a,\n  title = {Unclosed brace,\n  year = 2020\n}", "Line 2: the value of 'title' runs into the next field (a closing '}' or '\"' is missing)."),
    ("@article{a,\n  title = {Unclosed brace", "Line 2: a '{' is never closed."),
    ("@article{a title = {x}}", "Line 1: the entry @article{a needs a ',' after its key."),
    ("@article{a,\n  title = {x}\n  year = 2020}", "Line 3: expected ',' or the end of @article{a after the field 'title', found 'y'."),
    ("@article{a,\n year = {2020}}", "Line 1: the entry 'a' has no title."),
    ("@article{a, title = {T}, year = {soon}}", "Line 1: the year 'soon' is not a year."),
    ("Just some notes, no entries.", "No BibTeX entries were found"),
])
def test_publications_bibtex_errors_name_the_line(text, message):
    with pytest.raises(ParseError) as error:
        parse_bibtex(text)
    assert str(error.value).startswith(message)


def test_publications_json_and_csv():
    assert parse_json(json.dumps({"publications": [{"title": "T", "abstract": "A", "year": "2021", "authors": ["X Y", {"name": "Z W"}]}]})) == [
        {"title": "T", "abstract": "A", "year": 2021, "authors": ["X Y", "Z W"]}]
    assert parse_csv('title,abstract,year,authors\n"Circuits, again",An abstract,2023,Jane Doe; Bo Li\n') == [
        {"title": "Circuits, again", "abstract": "An abstract", "year": 2023, "authors": ["Jane Doe", "Bo Li"]}]


@pytest.mark.parametrize("parser, text, message", [
    (parse_json, '[{"title": "ok"}, {"year": 2020}]', "Publication 2: the title is missing."),
    (parse_json, '[{"title": "ok",]', "Line 1, column 17: this is not valid JSON (Expecting property name"),
    (parse_json, '{"papers": 3}', "The JSON must be a list of publications"),
    (parse_csv, "year,authors\n2020,X", "Line 1: the header must have a 'title' column (found: year, authors)."),
    (parse_csv, "title,year\nok,2020\n,2021\n", "Line 3: the title is empty."),
    (parse_csv, "title,year\nA,2020,extra\n", "Line 2: 3 columns, but the header has 2"),
    (parse_csv, 'title,year\n"unclosed,2020\n', "Line 2: a quoted value starting here is never closed."),
])
def test_publications_json_and_csv_errors(parser, text, message):
    with pytest.raises(ParseError) as error:
        parser(text)
    assert str(error.value).startswith(message)


def test_publications_dblp_person_page():
    assert parse_dblp(DBLP) == [
        {"title": "Circuits in toy models", "abstract": "", "year": 2024, "authors": ["Jane Doe", "Jörg Schmidt"]},
        {"title": "Probing for truth", "abstract": "", "year": 2023, "authors": ["Jane Doe"]},
    ]
    # dblp.xml style: an external DTD reference (never read) and HTML entities
    xml = b'<?xml version="1.0"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp><article key="a"><author>J&ouml;rg</author><title>T</title><year>2020</year></article></dblp>'
    assert parse_dblp(xml)[0]["authors"] == ["Jörg"]


@pytest.mark.parametrize("xml, message", [
    (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<dblp>&lol2;</dblp>', "Line 2: the file declares its own document type"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://attacker.example/x.dtd">\n<dblp><article><title>&xxe;</title></article></dblp>', "Line 3: unknown entity &xxe;."),
    (b"<dblpperson>\n<r><article><title>Unclosed</article></r></dblpperson>", "Line 2, column"),
    (b"<html><body>not dblp</body></html>", "Line 1: this is not a DBLP export"),
    (b"", "The file is empty."),
])
def test_publications_dblp_hostile_or_malformed_xml_is_refused(xml, message):
    with pytest.raises(ParseError) as error:
        parse_dblp(xml)
    assert str(error.value).startswith(message)


def test_publications_parse_in_child_process_and_size_limit():
    assert parse_in_child("dblp", DBLP)[1]["title"] == "Probing for truth"
    with pytest.raises(ParseError, match="Line 1: the entry @article"):
        parse_in_child("bibtex", b"@article{a,")
    with pytest.raises(ParseError, match="larger than 2 MB"):
        parse_in_child("bibtex", b"%" * 2_000_001)


@pytest.fixture
def reviewer_client(venue, make_reviewer, login):
    user = make_reviewer("rev@uni.edu", "Rev Iewer")
    return user, login(user)


def test_publications_import_through_the_profile_page(venue, reviewer_client):
    user, client = reviewer_client
    url = reverse("committee:publications_import", args=[venue.slug])
    response = client.post(url, {"file": SimpleUploadedFile("me.bib", BIBTEX.encode())}, follow=True)
    assert "Imported 2 publications." in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("dblp.xml", DBLP)}, follow=True)
    assert "Imported 2 publications." in response.content.decode()
    response = client.post(url, {"text": "title\nInduction heads\n", "kind": "csv"}, follow=True)
    assert "Imported 0 publications (1 already listed" in response.content.decode()
    titles = set(Publication.objects.filter(user=user).values_list("title", flat=True))
    assert titles == {"Sparse Autoencoders Find Gödel's Circuits", "Induction heads", "Circuits in toy models", "Probing for truth"}
    # the reviewer's own name is not a co-author
    assert Publication.objects.get(title="Probing for truth").coauthors == ["Jane Doe"]
    page = client.get(reverse("committee:profile", args=[venue.slug])).content.decode()
    assert "Circuits in toy models" in page


@pytest.mark.parametrize("data, message", [
    ({"file": SimpleUploadedFile("bad.bib", b"@article{a,\n title = {x")}, "BibTeX: Line 2: a &#x27;{&#x27; is never closed."),
    ({"file": SimpleUploadedFile("bad.xml", b'<!DOCTYPE d [<!ENTITY e "x">]><dblp/>')}, "DBLP XML: Line 1: the file declares its own document type"),
    ({"file": SimpleUploadedFile("bad.csv", b"name\n\n")}, "CSV: no publications were found in it."),
    ({"text": "[1, 2]", "kind": "json"}, "JSON: Publication 1: expected an object"),
    ({}, "Choose a file or paste your publications."),
    ({"file": SimpleUploadedFile("notes.txt", b"plain words")}, "The format could not be recognised"),
])
def test_publications_import_bad_files_get_a_clear_400(venue, reviewer_client, data, message):
    _, client = reviewer_client
    response = client.post(reverse("committee:publications_import", args=[venue.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Publication.objects.exists()


def test_publications_manual_add_delete_and_profile(venue, reviewer_client):
    user, client = reviewer_client
    client.post(reverse("committee:publication_add", args=[venue.slug]), {"title": "My paper", "year": "2024", "coauthors": "Bo Li; Cy Wu"})
    pub = Publication.objects.get(user=user)
    assert pub.coauthors == ["Bo Li", "Cy Wu"]
    response = client.post(reverse("committee:publication_add", args=[venue.slug]), {"title": "My paper"})
    assert response.status_code == 400 and "already in your list" in response.content.decode()
    client.post(reverse("committee:profile", args=[venue.slug]), {"expertise": ["monitoring"], "max_load": "2"})
    member = user.pool_memberships.get()
    assert member.max_load == 2 and list(member.expertise.values_list("slug", flat=True)) == ["monitoring"]
    assert client.post(reverse("committee:profile", args=[venue.slug]), {"max_load": "7"}).status_code == 400
    client.post(reverse("committee:publication_delete", args=[venue.slug, pub.pk]))
    assert not Publication.objects.exists()


def test_publications_profile_needs_a_pool_membership(venue, make_user, login):
    response = login(make_user("x@uni.edu", "X Person")).get(reverse("committee:profile", args=[venue.slug]))
    assert response.status_code == 403 and "opens once you have volunteered" in response.content.decode()
