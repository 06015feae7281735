"""Whether a checked PDF stops a submission is decided in one place,
`paperdesk.checks.report.blocking_reasons`: the submit path, the adoption of a submitted
paper's new version, the stored `CheckRun.blocking` (the chairs' screening filter), the
author's page, the versions table and the API all follow it. Proved by replacing it: a
clean report then blocks everywhere, and a report the old rules refuse passes everywhere."""

from __future__ import annotations

import io

import pytest
from submission_helpers import pdf, report

from paperdesk.api.schemas import check_view as api_check_view
from paperdesk.checks import report as checker_report
from paperdesk.submissions import checking, selectors, services
from paperdesk.submissions.models import CheckRun, Submission, Upload
from paperdesk.submissions.services import ServiceError

DECIDED = "Decided by the one function."


@pytest.fixture
def decide(monkeypatch):
    """Replace the one decision: every report blocks while `state["block"]` holds."""
    state = {"block": True, "calls": 0}

    def fake(report, rules):
        state["calls"] += 1
        return [DECIDED] if state["block"] else []

    monkeypatch.setattr(checker_report, "blocking_reasons", fake)
    return state


def test_a_clean_report_blocks_everywhere_when_the_one_function_says_so(
        venue, author, chair, make_submission, checker, decide, login, django_capture_on_commit_callbacks):
    checker.report = report()  # clean: nothing the venue's rules would refuse
    submission = make_submission(venue, author, pdf=pdf(text="clean"))
    run = CheckRun.objects.get(upload__submission=submission)
    assert run.blocking  # stored when the check finished: the screening page's filter

    with pytest.raises(ServiceError) as refused:
        services.submission_submit(submission=submission, actor=author)
    assert DECIDED in str(refused.value)

    page = login(author).get(f"/submissions/{submission.public_id}/").content.decode()
    assert "Must be fixed before submitting" in page
    view = selectors.latest_check(submission)
    assert view.blocking and DECIDED not in [f.message for f in view.findings]
    assert selectors.version_verdict(run.upload, submission) == "not_compliant"

    api = api_check_view(run, venue, findings_visible=True)
    assert api["blocking"] is True and api["blocking_reasons"] == [DECIDED]

    screening = login(chair).get(f"/v/{venue.slug}/chair/findings/?status=all&finding=blocking")
    assert [row.submission.title for row in screening.context["rows"]] == [submission.title]


def test_a_report_the_rules_refuse_passes_everywhere_when_the_one_function_says_so(
        venue, author, make_submission, checker, decide, login, django_capture_on_commit_callbacks):
    decide["block"] = False
    checker.report = report(pages={"verdict": "over_limit", "main_content_end": 7, "limit": 4})
    submission = make_submission(venue, author, pdf=pdf(text="long"), submit=True)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    run = CheckRun.objects.get(upload__submission=submission)
    assert not run.blocking
    assert not selectors.latest_check(submission).blocking
    assert api_check_view(run, venue, findings_visible=True)["blocking_reasons"] == []

    # A submitted paper's new version: adopted or refused as the one function says.
    decide["block"] = True
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.upload_add(submission=submission, actor=author, stream=io.BytesIO(pdf(text="v2")), original_name="paper.pdf")
    submission.refresh_from_db()
    assert submission.paper_in_force() == run.upload
    assert checking.paper_check_finished(upload_id=refused.pk) == "refused"
    assert selectors.version_verdict(Upload.objects.get(pk=refused.pk), submission) == "refused"
    assert decide["calls"] > 0
