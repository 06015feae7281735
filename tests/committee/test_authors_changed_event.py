"""Submissions announce an author-list change; reviewing (a higher layer) recomputes the
paper's conflicts after the commit. Submissions never imports reviewing."""

from __future__ import annotations

from paperdesk.committee.models import Conflict
from paperdesk.submissions import services
from paperdesk.submissions.services import AuthorInput, SubmissionInput


def _input(authors):
    return SubmissionInput(
        title="Sparse features in toy models", abstract="We find sparse features.", track="short",
        primary_topic="circuits", contribution_type="empirical", authors=authors,
        attestations={"not-accepted-archival": True, "anonymized": True},
    )


def test_adding_a_coauthor_of_a_reviewer_makes_a_conflict_after_the_commit(venue, author, make_reviewer, run_jobs):
    make_reviewer("rita@uni-b.edu", "Rita Reviewer", publications=(("Old work", "An abstract.", 2023, ("Jane Q. Doe",)),))
    ada = AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True)
    paper = run_jobs(services.submission_create, venue=venue, actor=author, data=_input([ada]))
    assert not Conflict.objects.filter(submission=paper).exists()

    jane = AuthorInput("jane@uni-a.edu", "Jane Q. Doe", "Uni A")
    run_jobs(services.submission_update, submission=paper, actor=author, data=_input([ada, jane]))

    assert set(Conflict.objects.filter(submission=paper).values_list("user__email", "source")) == {("rita@uni-b.edu", "coauthor")}


def test_the_submissions_app_imports_nothing_of_reviewing():
    import ast
    import pathlib

    import paperdesk.submissions as package

    for path in pathlib.Path(package.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("paperdesk.committee"), f"{path.name} imports {node.module}"
