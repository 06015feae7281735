"""The CSV format: parsing, malformed input with file and line, round trips."""

from __future__ import annotations

import numpy as np
import pytest

from paperdesk.matching import csvio
from paperdesk.matching.errors import InputError
from paperdesk.matching.problem import load_csv, problem_from_records
from paperdesk.matching.solve import assign


def write(tmp_path, name, text, mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_reads_scores_with_blank_lines_crlf_bom_and_spaces(tmp_path):
    path = write(tmp_path, "s.csv",
                 "\ufeffp1, r1 ,0.5\r\n\r\np2,r2,0.25\r\n  \r\np1,r2,1e-1\r\n".encode(), "wb")
    p, r, s, ln = csvio.read_scores(path)
    assert p == ["p1", "p2", "p1"] and r == ["r1", "r2", "r2"]
    assert s.tolist() == [0.5, 0.25, 0.1]
    assert ln.tolist() == [1, 3, 5]


def test_header_row_is_tolerated(tmp_path):
    path = write(tmp_path, "s.csv", "paper_id,reviewer_id,score\np1,r1,0.5\n")
    p, _, _, ln = csvio.read_scores(path)
    assert p == ["p1"] and ln.tolist() == [2]


def test_quoted_fields(tmp_path):
    path = write(tmp_path, "s.csv", 'p1,"Doe, Jane",0.5\np2,r2,0.1\n')
    _, r, _, _ = csvio.read_scores(path)
    assert r == ["Doe, Jane", "r2"]


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("p1,r1,0.5\np2,r2\n", 2, "expected 3 fields"),
        ("p1,r1,0.5\n\np2,r2,0.3,9\n", 3, "found 4"),
        ("p1,r1,0.5\np2,r2,high\n", 2, "not a number"),
        ("p1,r1,nan\n", 1, "not a finite number"),
        ("p1,,0.5\n", 1, "empty reviewer_id"),
        ('p1,"r1,0.5\n', None, ""),
    ],
)
def test_malformed_scores_name_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, "scores.csv", text)
    with pytest.raises(InputError) as exc:
        csvio.read_scores(path)
    msg = str(exc.value)
    assert msg.startswith(path)
    if line is not None:
        assert f"scores.csv:{line}:" in msg
        assert exc.value.line == line
    assert words in msg


def test_malformed_constraints_and_max_papers(tmp_path):
    c = write(tmp_path, "constraints.csv", "p1,r1,-1\np1,r2,2\n")
    with pytest.raises(InputError, match=r"constraints.csv:2: value 2 is not -1"):
        csvio.read_constraints(c)
    m = write(tmp_path, "max_papers.csv", "r1,3\nr2,1.5\n")
    with pytest.raises(InputError, match=r"max_papers.csv:2: max_papers 1.5"):
        csvio.read_max_papers(m)


def test_missing_file_and_not_utf8(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        csvio.read_scores(str(tmp_path / "nope.csv"))
    path = write(tmp_path, "s.csv", b"p1,r1,0.5\np\xff,r1,0.5\n", "wb")
    with pytest.raises(InputError, match=r"s.csv:2: not UTF-8"):
        csvio.read_scores(path)


def test_load_csv_matches_records(tmp_path):
    rows = [("p1", "r1", 0.9), ("p1", "r2", 0.4), ("p2", "r1", 0.3), ("p2", "r3", 0.8),
            ("p3", "r2", 0.7), ("p3", "r3", 0.6)]
    cons = [("p1", "r3", -1), ("p3", "r2", 1), ("p2", "r2", 0)]
    s = write(tmp_path, "s.csv", "".join(f"{a},{b},{c}\n" for a, b, c in rows))
    c = write(tmp_path, "c.csv", "".join(f"{a},{b},{v}\n" for a, b, v in cons))
    m = write(tmp_path, "m.csv", "r1,1\nghost,4\n")
    a = load_csv(s, k=2, max_load=3, min_load=1, constraints_path=c, max_papers_path=m)
    b = problem_from_records(rows, constraints=cons, max_papers={"r1": 1, "ghost": 4}, k=2,
                             max_load=3, min_load=1)
    assert a.paper_ids == b.paper_ids and a.reviewer_ids == b.reviewer_ids
    for f in ("pair_paper", "pair_reviewer", "pair_score", "forced_paper", "min_load",
              "max_load"):
        assert np.array_equal(getattr(a, f), getattr(b, f)), f
    assert a.info["max_papers_unknown_reviewers"] == 1


def test_assignment_round_trip(tmp_path):
    prob = problem_from_records([("p1", "r1", 0.123456789), ("p1", "r2", 1 / 3),
                                 ("p2", "r1", 0.5), ("p2", "r2", 2e-7)], k=2, max_load=2)
    res = assign(prob)
    out = str(tmp_path / "a.csv")
    csvio.write_assignment(out, res.rows())
    back = csvio.read_assignment(out)
    assert back == res.rows()  # scores survive exactly (repr)
    assert {(p, r) for p, r, _ in back} == {("p1", "r1"), ("p1", "r2"), ("p2", "r1"),
                                            ("p2", "r2")}
