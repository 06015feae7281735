"""Conflicts of interest: institutions with aliases, public mail, co-authors, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from paperdesk.matching.conflicts import (
    Affiliation,
    InstitutionTable,
    Person,
    Submission,
    find_conflicts,
    normalize_name,
)

YEAR = 2025


def pairs_of(subs, revs, **kw):
    c = find_conflicts(subs, revs, year=YEAR, **kw)
    return c, set(c.pairs())


def test_google_and_deepmind_conflict_gmail_does_not():
    subs = [Submission("P1", (Person("Ada", ("ada@google.com",)),)),
            Submission("P2", (Person("Bo", ("bo@gmail.com",)),))]
    revs = [Person("Cy", ("cy@deepmind.com",), id="R1"),
            Person("Di", ("di@gmail.com",), id="R2")]
    c, got = pairs_of(subs, revs)
    assert got == {("P1", "R1")}
    assert c.reasons("P1", "R1") == ["same institution: Google / Google DeepMind"]
    assert c.reasons("P2", "R2") == []


@pytest.mark.parametrize("a, b", [
    ("x@cs.ox.ac.uk", "y@oxford.ac.uk"),
    ("x@cam.ac.uk", "y@cantab.net"),
    ("x@fb.com", "y@meta.com"),
    ("x@facebook.com", "y@meta.com"),
    ("x@google.co.uk", "y@google.com"),
    ("x@eecs.berkeley.edu", "y@berkeley.edu"),
    ("x@stat.somewhere.edu", "y@somewhere.edu"),
])
def test_domain_aliases_and_subdomains(a, b):
    _, got = pairs_of([Submission("P", (Person("A", (a,)),))], [Person("B", (b,), id="R")])
    assert got == {("P", "R")}


@pytest.mark.parametrize("a, b", [
    ("x@gmail.com", "y@gmail.com"),
    ("x@googlemail.com", "y@google.com"),
    ("x@cs.ox.ac.uk", "y@cam.ac.uk"),
    ("x@a.ac.uk", "y@b.ac.uk"),
    ("x@qq.com", "y@qq.com"),
])
def test_no_conflict(a, b):
    _, got = pairs_of([Submission("P", (Person("A", (a,)),))], [Person("B", (b,), id="R")])
    assert got == set()


def test_affiliation_names_and_years():
    author = Person("A", affiliations=(Affiliation("Microsoft Research", 2019, None),
                                       Affiliation("University of Oxford", 2010, 2015)))
    revs = [Person("B", ("b@microsoft.com",), id="R1"),
            Person("C", ("c@ox.ac.uk",), id="R2"),  # Oxford ended 10 years ago
            Person("D", affiliations=("the Massachusetts Institute of Technology",), id="R3"),
            Person("E", affiliations=(Affiliation("Meta AI", 2020, 2023),), id="R4")]
    subs = [Submission("P1", (author,)),
            Submission("P2", (Person("F", ("f@mit.edu",)),)),
            Submission("P3", (Person("G", affiliations=("Facebook AI Research",)),))]
    c, got = pairs_of(subs, revs)
    assert got == {("P1", "R1"), ("P2", "R3"), ("P3", "R4")}  # 2023 is within 3 years
    assert "Microsoft" in c.reasons("P1", "R1")[0]
    _, got = pairs_of(subs, revs, affiliation_years=1)
    assert ("P3", "R4") not in got


def test_coauthors_within_years_both_directions():
    subs = [Submission("P1", (Person("Jane Doe", coauthors=(("Li Wei", 2024),)),)),
            Submission("P2", (Person("José Álvarez"),)),
            Submission("P3", (Person("Old Friend", coauthors=(("Li Wei", 2015),)),))]
    revs = [Person("Wei, Li", id="R1"),
            Person("Kim", coauthors=(("jose alvarez", 2023), "Someone Else"), id="R2")]
    c, got = pairs_of(subs, revs)
    assert got == {("P1", "R1"), ("P2", "R2")}
    assert c.reasons("P1", "R1") == ["author co-authored with reviewer li wei"]
    assert c.reasons("P2", "R2") == ["reviewer co-authored with author jose alvarez"]
    _, got = pairs_of(subs, revs, coauthor_years=20)
    assert ("P3", "R1") in got


def test_same_person_and_several_reasons():
    subs = [Submission("P1", (Person("Ann", ("ann@uni.edu",), id="~Ann1"),))]
    revs = [Person("Ann", ("ANN@uni.edu",), id="~Ann1")]
    c, got = pairs_of(subs, revs)
    assert got == {("P1", "~Ann1")}
    reasons = c.reasons("P1", "~Ann1")
    assert "same person (profile ~Ann1)" in reasons
    assert "same person (e-mail ann@uni.edu)" in reasons
    assert "same institution: uni.edu" in reasons
    assert c.rows() == [("P1", "~Ann1", -1)]


def test_caller_extends_the_alias_table():
    subs = [Submission("P", (Person("A", ("a@acme.org",)),))]
    revs = [Person("B", ("b@acme-labs.com",), id="R")]
    assert pairs_of(subs, revs)[1] == set()
    extra = {"institutions": {"acme": {"name": "ACME", "domains": ["acme.org",
                                                                    "acme-labs.com"]}},
             "public_mail": {"domains": ["example.net"]}}
    assert pairs_of(subs, revs, extra_aliases=extra)[1] == {("P", "R")}
    table = InstitutionTable.default(extra)
    assert table.from_domain("x.example.net") is None
    assert table.from_domain("mail.acme.org") == "acme"


def test_normalize_name():
    assert normalize_name("Doe, Jane") == "jane doe"
    assert normalize_name("  Zoë  O'Brien-Smith ") == "zoe o brien smith"


def test_reviewer_without_id_is_an_error():
    with pytest.raises(ValueError, match="no id"):
        find_conflicts([], [Person("X")], year=YEAR)


def synthetic(P, R, seed=0):
    rng = np.random.default_rng(seed)
    insts = [f"u{i}.edu" for i in range(200)] + ["google.com", "deepmind.com", "gmail.com"]
    w = 1 / np.arange(1, len(insts) + 1)
    w /= w.sum()
    names = [f"name{i}" for i in range(3 * (P + R))]

    def person(i, rid=None):
        inst = insts[rng.choice(len(insts), p=w)]
        co = tuple((names[j], int(y)) for j, y in
                   zip(rng.integers(0, len(names), 5), rng.integers(2015, 2026, 5)))
        aff = (Affiliation(insts[rng.integers(len(insts))], 2010, int(rng.integers(2012, 2026))),)
        return Person(names[i], (f"{names[i]}@{inst}",), aff, co, rid)

    subs = [Submission(f"P{i}", tuple(person(int(j)) for j in rng.integers(0, len(names), 3)))
            for i in range(P)]
    revs = [person(int(j), f"R{k}") for k, j in enumerate(rng.integers(0, len(names), R))]
    return subs, revs


def brute_force(subs, revs, table):
    """The P x R definition, for checking the index join."""
    def keys(p, own_tag, co_tag):
        out = set()
        if p.id:
            out.add(("id", p.id))
        for e in p.emails:
            out.add(("email", e.lower()))
            k = table.from_domain(e.split("@")[1])
            if k:
                out.add(("inst", k))
        for a in p.affiliations:
            if a.end is None or a.end >= YEAR - 3:
                k = table.from_name(a.institution)
                if k:
                    out.add(("inst", k))
        out.add((own_tag, normalize_name(p.name)))
        for n, y in p.coauthors:
            if y >= YEAR - 3:
                out.add((co_tag, normalize_name(n)))
        return out

    rk = [keys(r, "aco", "rco") for r in revs]
    got = set()
    for s in subs:
        sk = set().union(*(keys(a, "rco", "aco") for a in s.authors))
        for r, k in zip(revs, rk):
            if sk & k:
                got.add((s.id, r.id))
    return got


def test_index_join_equals_brute_force():
    subs, revs = synthetic(150, 120, seed=3)
    table = InstitutionTable.default()
    _, got = pairs_of(subs, revs, table=table)
    assert got == brute_force(subs, revs, table)
    assert len(got) > 100


def test_fast_enough():
    subs, revs = synthetic(3000, 2000, seed=1)
    t = time.perf_counter()
    c = find_conflicts(subs, revs, year=YEAR)
    assert time.perf_counter() - t < 10
    assert len(c) > 0
