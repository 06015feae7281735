"""The archival index (issue 12 item 4), a pure library: normalisation, streaming readers
of large listings (DBLP XML with entities, BibTeX, CSV), the on-disk index and its lookup."""

from __future__ import annotations

import io

import pytest

from paperdesk.publications import archive_index as ai
from paperdesk.publications.parsers import ParseError


def test_title_normalisation_casefolds_strips_latex_punctuation_and_accents():
    assert ai.normalise_title(r"{Sparse} Auto\-encoders: Finding {\"O}bjects in $\mathcal{L}$LMs!") == "sparse autoencoders finding objects in llms"
    assert ai.normalise_title("  The   Linear-Representation Hypothesis.  ") == "the linear representation hypothesis"
    assert ai.title_tokens("The Geometry of Truth in a Model") == ["geometry", "truth", "model"]


def test_author_keys_are_surname_and_initial_in_either_order():
    assert ai.author_key("Neel Nanda") == "nanda n"
    assert ai.author_key("Nanda, Neel") == "nanda n"
    assert ai.author_key("J. R. R. Tolkien 0002") == "tolkien j"
    assert ai.author_key(r"J{\"u}rgen Schmidhuber") == "schmidhuber j"
    assert ai.author_key("Jürgen Schmidhuber") == "schmidhuber j"
    assert ai.author_overlap(["Neel Nanda", "Chris Olah"], ["C. Olah", "Someone Else"]) == pytest.approx(0.5)
    assert ai.author_overlap([], ["A B"]) is None


def test_title_similarity_tolerates_small_edits_not_different_papers():
    a = "Towards Monosemanticity: Decomposing Language Models With Dictionary Learning"
    assert ai.title_similarity(a, "Towards monosemanticity - decomposing language models with dictionary learning.") == pytest.approx(1.0)
    assert ai.title_similarity(a, "Towards Monosemanticity: Decomposing Language Model with Dictionary-Learning") > 0.9
    assert ai.title_similarity(a, "Scaling Monosemanticity: Extracting Interpretable Features from Claude 3 Sonnet") < 0.6


DBLP = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE dblp SYSTEM "dblp.dtd">
<dblp>
<inproceedings key="conf/acl/X23" mdate="2023-01-01">
<author>J&ouml;rg M&uuml;ller 0001</author><author>Ana Lima</author>
<title>Causal Tracing of <i>Factual</i> Associations in GPT.</title>
<booktitle>ACL</booktitle><year>2023</year>
</inproceedings>
<article key="journals/tmlr/Y24"><author>Bo Chen</author><title>Probing &amp; Steering Refusal</title><journal>TMLR</journal><year>2024</year></article>
<www key="homepages/1"><author>Nobody</author><title>Home Page</title></www>
</dblp>
"""


def test_streaming_dblp_resolves_html_entities_and_nested_markup_in_small_chunks():
    records = list(ai.iter_dblp(io.BytesIO(DBLP), chunk_size=7))
    assert [r.title for r in records] == ["Causal Tracing of Factual Associations in GPT", "Probing & Steering Refusal"]
    assert records[0].authors == ("Jörg Müller", "Ana Lima")
    assert (records[0].venue, records[0].year) == ("ACL", 2023)
    assert (records[1].venue, records[1].year) == ("TMLR", 2024)


@pytest.mark.parametrize("document", [
    b'<?xml version="1.0"?><!DOCTYPE dblp [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><dblp><article><title>&c;</title></article></dblp>',
    b'<?xml version="1.0"?><!DOCTYPE dblp [<!ENTITY x SYSTEM "file:///etc/passwd">]><dblp><article><title>&x;</title></article></dblp>',
    b'<?xml version="1.0"?><dblp><article><title>&nosuchentity;</title></article></dblp>',
    b'<?xml version="1.0"?><html><body>not dblp</body></html>',
    b'<?xml version="1.0"?><dblp><article><title>unclosed</article></dblp>',
])
def test_streaming_dblp_refuses_dtds_entity_bombs_external_entities_and_junk(document):
    with pytest.raises(ParseError):
        list(ai.iter_dblp(io.BytesIO(document), chunk_size=16))


def test_streaming_bibtex_and_csv():
    bib = io.BytesIO(br"""@inproceedings{a, title = {{Linear} Probes for {\"U}ber-Features}, author = {M{\"u}ller, J{\"o}rg and Lima, Ana},
  booktitle = {Proceedings of ACL}, year = 2022}
@string{x = "y"}
@article{b, title = "Second", author = {Bo Chen}, journal = {TACL}, year = {2021}}
""")
    records = list(ai.iter_bibtex(bib))
    assert [r.title for r in records] == ["Linear Probes for Über-Features", "Second"]
    assert records[0].authors == ("Müller, Jörg", "Lima, Ana") and records[0].venue == "Proceedings of ACL"
    assert records[1].year == 2021 and records[1].venue == "TACL"
    csv_data = io.BytesIO(b"title,authors,venue,year\n\"A, Title\",Ann Bee; Cee Dee,NeurIPS,2020\n")
    (row,) = ai.iter_csv(csv_data)
    assert row.title == "A, Title" and row.authors == ("Ann Bee", "Cee Dee") and row.venue == "NeurIPS" and row.year == 2020
    with pytest.raises(ParseError, match="title"):
        list(ai.iter_csv(io.BytesIO(b"name_of_thing,year\nx,2020\n")))


def _records():
    yield ai.ArchivalRecord("Causal Tracing of Factual Associations in GPT", ("Jörg Müller", "Ana Lima"), "ACL", 2023)
    yield ai.ArchivalRecord("Probing and Steering Refusal in Chat Models", ("Bo Chen",), "TMLR", 2024)
    for i in range(300):
        yield ai.ArchivalRecord(f"Filler paper number {i} about circuits and probes", (f"Author{i} Person",), "X", 2000 + i % 20)


def test_index_is_written_once_and_looked_up_from_disk(tmp_path):
    stats = ai.build_index(_records(), tmp_path / "idx")
    assert stats.records == 302
    index = ai.ArchiveIndex.open(tmp_path / "idx")
    assert len(index) == 302
    matches = index.lookup("Causal tracing of factual associations in GPT", ["Ana Lima", "Someone New"])
    assert matches and matches[0].record.venue == "ACL" and matches[0].record.year == 2023
    assert matches[0].title_score == pytest.approx(1.0) and matches[0].author_overlap == pytest.approx(0.5)
    assert matches[0].score >= 0.9
    # a near-duplicate title with a typo still matches; an unrelated one does not
    assert index.lookup("Probing and Stearing Refusal in Chat Model", ["B. Chen"])[0].record.venue == "TMLR"
    assert index.lookup("A Completely Unrelated Study of Bird Migration", ["Bo Chen"]) == []
    # the same title by other people is a weaker hint, never hidden
    other = index.lookup("Causal Tracing of Factual Associations in GPT", ["Zed Q"])
    assert other and other[0].author_overlap == 0 and other[0].score < matches[0].score


def test_opening_a_damaged_or_missing_index_is_a_clear_error(tmp_path):
    with pytest.raises(ai.IndexError_):
        ai.ArchiveIndex.open(tmp_path / "nothing")
    ai.build_index(_records(), tmp_path / "idx")
    (tmp_path / "idx" / "meta.json").write_text("{")
    with pytest.raises(ai.IndexError_):
        ai.ArchiveIndex.open(tmp_path / "idx")


def test_reference_titles_are_split_from_a_reference_list():
    text = """References
[1] J. Müller and A. Lima. Causal tracing of factual associations in GPT. In ACL, 2023.
[2] B. Chen. Probing and steering refusal in chat models. TMLR, 2024.
[3] X. Y. A made-up paper that does not exist anywhere at all. arXiv preprint, 2025.
"""
    refs = ai.split_references(text)
    assert len(refs) == 3
    assert "causal tracing" in refs[0].lower()


def test_a_reference_resolves_by_its_title_part_and_an_invented_one_does_not(tmp_path):
    ai.build_index(_records(), tmp_path / "idx")
    index = ai.ArchiveIndex.open(tmp_path / "idx")
    found = ai.resolve_reference(index, "J. Müller and A. Lima. Causal tracing of factual associations in GPT. In ACL, 2023.")
    assert found is not None and found.record.venue == "ACL"
    quoted = ai.resolve_reference(index, 'B. Chen, "Probing and steering refusal in chat models," TMLR, 2024.')
    assert quoted is not None and quoted.record.venue == "TMLR"
    assert ai.resolve_reference(index, "X. Y. A made-up paper that does not exist anywhere at all. arXiv preprint, 2025.") is None


def test_bibtex_string_macros_carry_over_between_entries():
    bib = io.BytesIO(b'@string{acl = "Proceedings of ACL"}\n@inproceedings{a, title = {One}, booktitle = acl, year = 2020}\n')
    (record,) = ai.iter_bibtex(bib)
    assert record.venue == "Proceedings of ACL"
