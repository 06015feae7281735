"""Anonymity: names and their variants, e-mails, usernames, acknowledgements, self-citations,
metadata; anonymous and third-party links pass; camera-ready expects names."""

from __future__ import annotations

import re

import pytest
from checks_helpers import AUTHORS, check

from paperdesk.checks import Identity
from paperdesk.checks.anonymity import AnonymityScan, _xmp_creators, affiliation_parts, name_patterns
from paperdesk.checks.extract import Line, Page
from paperdesk.checks.structure import find_structure
from paperdesk.checks.textnorm import fold


def _matches(name: str, text: str) -> bool:
    return any(re.search(p, fold(text), re.IGNORECASE) for p in name_patterns(name))


@pytest.mark.parametrize("printed", [
    "John Smith", "JOHN SMITH", "J. Smith", "J.Smith", "Smith, John", "Smith, J.", "John A. Smith", "J. A. Smith",
])
def test_anonymity_name_variants_match(printed):
    assert _matches("John Smith", f"The study was run by {printed} in 2024.")


@pytest.mark.parametrize("printed", ["Smith et al. [3]", "Smithson", "Johnny Smithers", "John went to Smith College"])
def test_anonymity_name_lookalikes_do_not_match(printed):
    assert not _matches("John Smith", printed)


@pytest.mark.parametrize("identity, printed", [
    ("José Núñez", "Jose Nunez"),
    ("Jose Nunez", "José Núñez"),
    ("Henrietta Blomqvist-Adu", "Henrietta Blomqvist Adu"),
    ("Henrietta Blomqvist-Adu", "Henrietta BlomqvistAdu"),  # line-end hyphen removed by the extractor
    ("Søren Kierkegaard", "Soren Kierkegaard"),
    ("Vincent van Gogh", "V. van Gogh"),
])
def test_anonymity_name_diacritics_and_hyphens_folded(identity, printed):
    assert _matches(identity, printed)


def test_anonymity_affiliation_parts_keep_institutions_drop_places():
    parts = dict(affiliation_parts("EPIC Lab, Shanghai Jiao Tong University; Changsha, China"))
    assert parts == {"EPIC Lab": True, "Shanghai Jiao Tong University": True}
    assert affiliation_parts("Google") == [("Google", False)]


def _leaks(result):
    return {(leak["kind"], leak["value"], leak["page"]) for leak in result["anonymity"]["leaks"]}


def test_anonymity_leaks_fixture_finds_every_identity_string():
    leaks = _leaks(check("leaks.pdf"))
    assert ("name", "John Smith", 2) in leaks  # printed "J. Smith"
    assert ("name", "José Núñez", 2) in leaks  # printed "Núñez, José"
    assert ("email", "jsmith@carrow.edu", 2) in leaks  # brace form {jsmith,jnunez}@carrow.edu
    assert ("email", "jnunez@carrow.edu", 2) in leaks
    assert ("github", "jsmith-lab", 2) in leaks  # github.com/jsmith-lab/...
    assert ("github", "jnunez", 2) in leaks  # plain "@jnunez"
    assert ("huggingface", "jsmith", 2) in leaks  # huggingface.co/jsmith/...
    assert ("self_citation", "John Smith", 2) in leaks  # "our previous work [3]", [3] lists John Smith
    assert ("acknowledgements", "Glenvale Institute for Vision", 3) in leaks
    assert ("metadata", "John Smith; José Núñez", None) in leaks


def test_anonymity_leaks_are_errors_with_page_and_context():
    result = check("leaks.pdf")
    assert result["status"] == "problems"
    leak = next(l for l in result["anonymity"]["leaks"] if l["kind"] == "github" and l["value"] == "jsmith-lab")
    assert "github.com/jsmith-lab" in leak["context"]
    finding = next(f for f in result["findings"] if f["code"] == "leak_github")
    assert finding["severity"] == "error" and finding["page"] == 2


def test_anonymity_anonymous_and_third_party_links_pass():
    # anonymous.4open.science, an anonymous HuggingFace account, github.com/pytorch, "Smith et al. [3]",
    # and John Smith's paper in the bibliography: none is a leak
    result = check("appendix_checklist.pdf")
    assert result["anonymity"]["leaks"] == []
    info = [f for f in result["findings"] if f["code"] == "code_links"]
    assert "github.com/pytorch" in info[0]["message"] and info[0]["severity"] == "info"


def test_anonymity_bibliography_entries_of_authors_are_not_leaks():
    assert check("refs_midpage.pdf")["anonymity"]["leaks"] == []  # [3] John Smith, ... in the references


def test_anonymity_camera_ready_expects_names():
    result = check("camera_ready.pdf", limit=5, mode="camera-ready")
    assert result["anonymity"]["leaks"] == []
    assert result["status"] == "ok"
    assert not [f for f in result["findings"] if f["code"] == "authors_missing"]


def test_anonymity_camera_ready_without_names_warns():
    result = check("refs_midpage.pdf", limit=5, mode="camera-ready")
    assert [f["severity"] for f in result["findings"] if f["code"] == "authors_missing"] == ["warning"]


def test_anonymity_single_blind_venue_skips_the_scan():
    assert check("leaks.pdf", anonymity=False)["anonymity"]["leaks"] == []


def test_anonymity_metadata_author_leaks_without_identities():
    leaks = _leaks(check("leaks.pdf", authors=[]))
    assert leaks == {("metadata", "John Smith; José Núñez", None)}


def test_anonymity_xmp_creators_are_read():
    xmp = ('<x:xmpmeta><rdf:RDF><rdf:Description><dc:creator><rdf:Seq><rdf:li>John Smith</rdf:li>'
           '<rdf:li>José Núñez</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF>')
    assert _xmp_creators(xmp) == ["John Smith", "José Núñez"]


# ------------------------------------------------------------ synthetic pages for the rarer forms


def _scan(lines_by_page, identities, metadata=None, xmp=""):
    pages = []
    for number, texts in enumerate(lines_by_page, start=1):
        lines = [
            Line(number, i, t, 108.0, 504.0, 700.0 - 12 * i, 707.0 - 12 * i, 12.0 if t.startswith(("1 ", "References", "Acknowledgements")) else 10.0,
                 False, False, False, len(t.split()))
            for i, t in enumerate(texts)
        ]
        pages.append(Page(number=number, width=612, height=792, lines=lines))
    structure = find_structure(pages, 10.0, lambda marker: True)
    leaks, _ = AnonymityScan(pages, structure, identities, 10.0).run(metadata or {}, xmp)
    return {(leak.kind, leak.value, leak.page) for leak in leaks}


JANE = Identity(name="Jane Doe", emails=("jane@x.org",), github=("janedoe42",), huggingface=("jdoe-models",))


def test_anonymity_github_username_in_plain_text_leaks():
    leaks = _scan([["1 Introduction", "Our code lives in the janedoe42 organisation on the public forge."]], [JANE])
    assert ("github", "janedoe42", 1) in leaks


def test_anonymity_github_io_and_hf_datasets_links_leak():
    leaks = _scan([["1 Introduction", "See janedoe42.github.io and huggingface.co/datasets/jdoe-models/probe-set for data."]], [JANE])
    assert {("github", "janedoe42", 1), ("huggingface", "jdoe-models", 1)} <= leaks


def test_anonymity_anonymous_accounts_pass():
    leaks = _scan([["1 Introduction", "Models: huggingface.co/anonymous-authors/x and github.com/anon-sub/code here."]], [JANE])
    assert leaks == set()


def test_anonymity_self_citation_author_year_leaks():
    leaks = _scan([["1 Introduction", "As shown in our previous work (Doe et al., 2023), probes transfer."]], [JANE])
    assert ("self_citation", "Jane Doe", 1) in leaks


def test_anonymity_third_person_citation_passes():
    leaks = _scan([["1 Introduction", "Doe et al. (2023) showed that probes transfer; we build on this work."]], [JANE])
    assert leaks == set()


def test_anonymity_xmp_metadata_leaks():
    xmp = "<x:xmpmeta><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>"
    leaks = _scan([["1 Introduction", "Text of the paper that goes on for a while here."]], [JANE], xmp=xmp)
    assert ("metadata", "Jane Doe", None) in leaks


@pytest.mark.parametrize("author", ["", " ", "Anonymous Author(s)", "anonymous"])
def test_anonymity_placeholder_metadata_passes(author):
    leaks = _scan([["1 Introduction", "Text of the paper that goes on for a while here."]], [JANE], metadata={"Author": author})
    assert leaks == set()


def test_anonymity_one_word_affiliation_flagged_in_title_block_only():
    ada = Identity(name="Ada Lovelace", affiliations=("DeepMind",))
    in_block = _scan([["Sparse Features", "Ada L.", "DeepMind", "Abstract", "We study models trained at scale here."]], [ada])
    assert ("affiliation", "DeepMind", 1) in in_block
    in_body = _scan([["Sparse Features", "Abstract", "We compare with models released by DeepMind last year."]], [ada])
    assert in_body == set()


def test_anonymity_multi_word_affiliation_flagged_anywhere_but_references():
    ada = Identity(name="Ada Lovelace", affiliations=("University of Carrowmore, Ireland",))
    leaks = _scan([["1 Introduction", "The study was approved by the University of Carrowmore ethics board."],
                   ["References", "[1] K. Osei. Work done at the University of Carrowmore. 2020."]], [ada])
    assert leaks == {("affiliation", "University of Carrowmore", 1)}


@pytest.mark.parametrize("sentence, leaks", [
    ("We extend our work [1] to larger models.", True),
    ("As we previously showed in [1], probes transfer.", True),
    ("In [1], we showed that probes transfer.", True),
    ("Our analysis builds on the probes of prior studies [1].", False),
    ("We enrich our research with preferences as documented by the study [1].", False),
    ("Our previous work on circuits [2] is unrelated to this author.", False),
])
def test_anonymity_self_citation_phrases(sentence, leaks):
    found = _scan([["1 Introduction", sentence, "References",
                    "[1] Jane Doe and Kofi Osei. Probes that transfer. In Proceedings of a conference, 2023.",
                    "[2] Lena Varga. Circuits everywhere. arXiv preprint, 2022."]], [JANE])
    assert (("self_citation", "Jane Doe", 1) in found) is leaks


def test_anonymity_acknowledgements_after_references_are_scanned():
    leaks = _scan([["1 Introduction", "Text of the paper that goes on for a while here.", "References",
                    "[1] Jane Doe. Probes that transfer. In Proceedings of a conference, 2023."],
                   ["Acknowledgements", "We thank Jane Doe's lab for the compute."]], [JANE])
    assert leaks == {("acknowledgements", "Jane Doe", 2)}


def test_anonymity_run_in_acknowledgements_paragraph_is_scanned():
    leaks = _scan([["1 Introduction", "Text of the paper that goes on for a while here.",
                    "Acknowledgments. We thank Doe and the team for their helpful comments on an early draft of this",
                    "paper and for the compute.", "References", "[1] K. Osei. Probes. 2023."]], [JANE])
    assert leaks == set()  # "Doe" is 3 letters: too short to flag alone
    leaks = _scan([["1 Introduction", "Text of the paper that goes on for a while here.",
                    "Acknowledgments. We thank Jane Doe and the team for their helpful comments on an early draft of",
                    "this paper.", "References", "[1] K. Osei. Probes. 2023."]], [JANE])
    assert leaks == {("acknowledgements", "Jane Doe", 1)}


def _with_compressed_xmp(original: bytes, creator: str) -> bytes:
    """An incremental update that gives the catalog a Flate-compressed XMP stream, as some
    exporters write it (the packet is invisible to a plain byte search)."""
    import zlib

    root = int(re.search(rb"/Root (\d+) 0 R", original).group(1))
    size = int(re.findall(rb"/Size (\d+)", original)[-1])
    catalog = re.search(rb"\n%d 0 obj\s*<<(.*?)>>\s*endobj" % root, original, re.S).group(1)
    previous = int(re.findall(rb"startxref\s+(\d+)", original)[-1])
    packet = ('<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>'
              f'<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>'
              '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()
    body = zlib.compress(packet)
    update = bytearray(b"\n")
    offsets = {}
    offsets[size] = len(original) + len(update)
    update += b"%d 0 obj\n<< /Type /Metadata /Subtype /XML /Filter /FlateDecode /Length %d >>\nstream\n" % (size, len(body))
    update += body + b"\nendstream\nendobj\n"
    offsets[root] = len(original) + len(update)
    update += b"%d 0 obj\n<<%s /Metadata %d 0 R >>\nendobj\n" % (root, catalog, size)
    xref = len(original) + len(update)
    update += b"xref\n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (root, offsets[root], size, offsets[size])
    update += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size + 1, root, previous, xref)
    return original + bytes(update)


def test_anonymity_compressed_xmp_creator_is_a_metadata_leak(tmp_path):
    from checks_helpers import fixture

    from paperdesk.checks import CheckRules, check_pdf, identities_from_json

    clean = fixture("refs_numbered.pdf").read_bytes()
    path = tmp_path / "compressed-xmp.pdf"
    path.write_bytes(_with_compressed_xmp(clean, "John Smith"))
    assert b"John Smith" not in path.read_bytes()
    leaky = check_pdf(path, CheckRules(page_limit=4), identities_from_json(AUTHORS)).to_dict()
    assert leaky["status"] != "unreadable"
    assert {"kind": "metadata", "value": "John Smith"} in [{"kind": leak["kind"], "value": leak["value"]} for leak in leaky["anonymity"]["leaks"]]

    path.write_bytes(_with_compressed_xmp(clean, "Anonymous Author"))
    quiet = check_pdf(path, CheckRules(page_limit=4), identities_from_json(AUTHORS)).to_dict()
    assert [leak for leak in quiet["anonymity"]["leaks"] if leak["kind"] == "metadata"] == []
