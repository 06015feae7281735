"""The submission page: metadata, authors, the checker report, versions, chairs' extras."""

from __future__ import annotations

import datetime as dt

import pytest
from submission_helpers import page_text, pdf, report, without_csrf, zip_bytes

from paperdesk.submissions.models import CheckRun, Submission


def test_detail_shows_metadata_authors_versions_and_supplementary(venue, author, login, make_submission):
    from paperdesk.submissions.services import AuthorInput

    submission = make_submission(
        venue, author, pdf=pdf(), zip_bytes=zip_bytes(),
        under_review_at="NeurIPS 2025 main conference",
        code_url="https://anonymous.4open.science/r/sparse",
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True, True), AuthorInput("dan@example.org", "Dan Invited", "Lab", False, True)],
    )
    paper = submission.uploads.get(kind="paper")
    archive = submission.uploads.get(kind="supplementary")

    text = page_text(login(author).get(f"/submissions/{submission.public_id}/"))

    assert '<h1><span class="muted">#1</span> Sparse features in toy models <span class="badge draft">Draft</span></h1>' in text
    assert "<dt>Track</dt><dd>Short paper (max. 4 pages)</dd>" in text
    assert "<dt>Under review at</dt><dd>NeurIPS 2025 main conference</dd>" in text
    assert 'href="https://anonymous.4open.science/r/sparse"' in text
    assert "<td>Dan Invited</td><td>dan@example.org</td><td>Lab</td>" in text
    assert "invited, not yet confirmed" in text
    assert f'<td><code class="sha" title="{paper.sha256}">{paper.sha256}</code></td>' in text
    assert f'<td title="{paper.size} bytes">' in text
    assert f'href="/files/{paper.public_id}/"' in text
    assert f'href="/files/{archive.public_id}/"' in text
    assert "<td>Ada Lovelace</td>" in text  # the uploader
    assert '<span class="badge ok">confirmed</span> This work has not been accepted at an archival venue' in text


def test_check_in_progress_is_polled_every_second_until_done(venue, author, login, make_submission):
    submission = make_submission(venue, author, pdf=pdf())
    run = CheckRun.objects.get()
    CheckRun.objects.filter(pk=run.pk).update(state=CheckRun.State.RUNNING, report=None)
    client = login(author)
    poll = f'hx-get="/submissions/{submission.public_id}/check/" hx-trigger="every 1s" hx-swap="outerHTML"'

    page = page_text(client.get(f"/submissions/{submission.public_id}/"))
    running = page_text(client.get(f"/submissions/{submission.public_id}/check/"))
    assert poll in page
    assert poll in running
    assert "<strong>Checking version 1…</strong>" in running
    assert 'class="progress"' in running

    CheckRun.objects.filter(pk=run.pk).update(state=CheckRun.State.DONE, report=report())
    done = page_text(client.get(f"/submissions/{submission.public_id}/check/"))
    assert "hx-trigger" not in done
    assert "<span class=\"badge ok\">Checked</span> Version 1: main content ends on page 3 (limit 4); 0 possible identity leaks; 0 format issues." in done


def test_done_check_lists_findings_with_pages_and_offending_text_blocking_first(venue, author, login, make_submission, checker):
    checker.report = report(
        pages={"verdict": "over_limit", "main_content_end": 6, "limit": 4},
        format={"violations": [{"code": "font_size", "page": 2, "detail": "Body text is 9.0 pt; the template needs 10 pt."}]},
        anonymity={"leaks": [{"kind": "github", "value": "ada-codes", "page": 3, "context": "code at github.com/ada-codes/sparse"}]},
        signals={"limitations_section": False},
    )
    submission = make_submission(venue, author, pdf=pdf())

    text = page_text(login(author).get(f"/submissions/{submission.public_id}/check/"))

    assert '<span class="badge bad">Must be fixed before submitting</span>' in text
    findings = [
        '<div class="finding error blocking"> <strong>Blocks submission:</strong> The main content ends on page 6; this track allows 4 pages (references and appendices do not count). <span class="muted">(page 6)</span>',
        '<div class="finding warning"> Format: Body text is 9.0 pt; the template needs 10 pt. <span class="muted">(page 2)</span>',
        '<div class="finding warning"> Anonymity: GitHub username “ada-codes” <span class="muted">(page 3)</span> <div class="offending mono">“code at github.com/ada-codes/sparse”</div>',
        '<div class="finding warning"> No limitations section was found.',
    ]
    positions = [text.index(f) for f in findings]
    assert positions == sorted(positions)
    assert "1 possible identity leak; 1 format issue." in text


def test_failed_check_is_explained_and_does_not_block(venue, author, login, make_submission, monkeypatch):
    from paperdesk.submissions import checking

    def broken(run):
        raise RuntimeError("checker crashed")

    monkeypatch.setattr(checking, "check_upload", broken)
    submission = make_submission(venue, author, pdf=pdf(), submit=True)

    text = page_text(login(author).get(f"/submissions/{submission.public_id}/"))

    assert CheckRun.objects.get().state == CheckRun.State.FAILED
    assert submission.status == Submission.Status.SUBMITTED
    assert "The checker could not finish on version 1 (The checker failed: RuntimeError)." in text


def test_someone_elses_submission_gets_the_same_404_as_a_missing_one(venue, author, other_author, login, make_submission):
    submission = make_submission(venue, author, pdf=pdf(), title="Canary title 7f3a")
    paper = submission.uploads.get()
    client = login(other_author)

    for path in ["/submissions/{}/", "/submissions/{}/edit/", "/submissions/{}/check/", "/submissions/{}/withdraw/"]:
        forbidden = client.get(path.format(submission.public_id))
        missing = client.get(path.format("zzzzzzzzzz"))
        assert forbidden.status_code == missing.status_code == 404
        assert without_csrf(forbidden) == without_csrf(missing)
        assert "Canary title 7f3a" not in forbidden.content.decode()
    for path in ["/submissions/{}/submit/", "/submissions/{}/upload/", "/submissions/{}/restore/", "/submissions/{}/extension/"]:
        assert client.post(path.format(submission.public_id)).status_code == 404
    forbidden_file = client.get(f"/files/{paper.public_id}/")
    missing_file = client.get("/files/zzzzzzzzzz/")
    assert forbidden_file.status_code == missing_file.status_code == 404
    assert without_csrf(forbidden_file) == without_csrf(missing_file)


def test_chair_sees_the_audit_log_and_the_extension_form(venue, author, chair, login, make_submission):
    submission = make_submission(venue, author, pdf=pdf(), submit=True)

    text = page_text(login(chair).get(f"/submissions/{submission.public_id}/"))

    assert "<h3>Deadline extension (chairs)</h3>" in text
    assert f'action="/submissions/{submission.public_id}/extension/"' in text
    assert "<code>submission.create</code> by Ada Lovelace" in text
    assert "<code>upload.add</code> by Ada Lovelace (v1, paper)" in text
    assert "<code>submission.submit</code> by Ada Lovelace" in text
    assert "Edit details and authors" not in text  # chairs do not edit authors' papers


def test_a_chair_who_is_an_author_sees_the_paper_as_an_author(venue, chair, login, make_submission):
    from paperdesk.submissions.services import AuthorInput

    submission = make_submission(venue, chair, authors=[AuthorInput("chair@mechinterpworkshop.com", "Pat Chair", "", True)])

    text = page_text(login(chair).get(f"/submissions/{submission.public_id}/"))

    assert "Audit log" not in text
    assert "Deadline extension" not in text
    assert "Edit details and authors" in text


def test_my_submissions_lists_only_mine_with_status_deadline_and_check(venue, author, other_author, login, make_submission, checker):
    from paperdesk.submissions.services import AuthorInput

    mine_submitted = make_submission(venue, author, pdf=pdf(), submit=True, title="First paper")
    checker.report = report(pages={"verdict": "over_limit", "main_content_end": 7, "limit": 4})
    make_submission(venue, author, pdf=pdf(), title="Second paper")
    make_submission(venue, other_author, title="Not mine", authors=[AuthorInput("grace@navy.mil.edu", "Grace Hopper")])

    text = page_text(login(author).get("/submissions/"))

    deadline = mine_submitted.deadline.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert "First paper" in text and "Second paper" in text
    assert "Not mine" not in text
    assert '<span class="badge submitted">Submitted</span>' in text
    assert '<span class="badge draft">Draft</span>' in text
    assert f'<time datetime="{deadline}" data-countdown="{deadline}"' in text
    assert '<span class="badge ok">checked</span>' in text
    assert '<span class="badge bad">must be fixed</span>' in text
    assert f'href="/v/{venue.slug}/submit/"' in text


def test_a_report_in_the_checkers_own_format_is_shown_with_its_sentences(venue, author, login, make_submission, checker):
    checker.report = {
        "file": "paper.pdf",
        "status": "problems",
        "error": None,
        "pages": {"total": 12, "main_content_end": 5, "references_start": 6, "appendix_start": 8, "limit": 4, "verdict": "over_limit"},
        "format": {"paper_size": "letter", "body_font_pt": 10.0, "columns": 1, "violations": []},
        "anonymity": {"leaks": [{"kind": "email", "value": "ada@uni.edu", "page": 1, "context": "Contact: ada@uni.edu"}]},
        "signals": {"line_numbers": True, "checklist": False, "limitations_section": True},
        "findings": [
            {"severity": "error", "code": "over_limit", "message": "Main content runs to page 5; the limit is 4 pages. References and appendices do not count.", "page": 5},
            {"severity": "error", "code": "leak_email", "message": "An author's e-mail address is printed: ada@uni.edu.", "page": 1},
            {"severity": "info", "code": "code_links", "message": "Links to code or models (github.com/x/y): make sure none of them is an account of an author.", "page": 2},
        ],
    }
    submission = make_submission(venue, author, pdf=pdf())

    text = page_text(login(author).get(f"/submissions/{submission.public_id}/check/"))

    assert ('<div class="finding error blocking"> <strong>Blocks submission:</strong> Main content runs to page 5; the limit is 4 pages. '
            'References and appendices do not count. <span class="muted">(page 5)</span>') in text
    assert ('<div class="finding error"> An author&#x27;s e-mail address is printed: ada@uni.edu. <span class="muted">(page 1)</span> '
            '<div class="offending mono">“Contact: ada@uni.edu”</div>') in text
    assert '<div class="finding info"> Links to code or models (github.com/x/y)' in text
    assert "main content ends on page 5 (limit 4); 1 possible identity leak; 0 format issues." in text


def test_unreadable_report_blocks_with_the_checkers_message(venue, author, login, make_submission, checker):
    checker.report = {
        "status": "unreadable", "error": {"code": "encrypted", "message": "The PDF is encrypted: remove the password and upload it again."},
        "pages": {"limit": 4}, "format": {"violations": []}, "anonymity": {"leaks": []}, "signals": {},
        "findings": [{"severity": "error", "code": "encrypted", "message": "The PDF is encrypted: remove the password and upload it again.", "page": None}],
    }
    submission = make_submission(venue, author, pdf=pdf())
    client = login(author)

    text = page_text(client.get(f"/submissions/{submission.public_id}/check/"))
    refused = client.post(f"/submissions/{submission.public_id}/submit/")

    assert '<strong>Blocks submission:</strong> The PDF is encrypted: remove the password and upload it again.' in text
    assert refused.status_code == 400
    assert "The PDF cannot be submitted yet: The PDF is encrypted: remove the password and upload it again." in page_text(refused)


def test_identities_for_the_checker_are_tuples_of_strings(venue, author, make_submission):
    """The checker library's Identity holds tuples; a bare string would be read letter by letter."""
    from paperdesk.accounts.models import Affiliation
    from paperdesk.submissions.identities import identities_for

    author.github, author.huggingface, author.other_names = "ada-codes", "ada-hf", ["A. Lovelace"]
    author.save()
    Affiliation.objects.create(user=author, institution="University of London")
    submission = make_submission(venue, author)

    [identity] = identities_for(submission)

    assert identity.name == "Ada Lovelace"
    assert identity.github == ("ada-codes",)
    assert identity.huggingface == ("ada-hf",)
    assert identity.other_names == ("A. Lovelace",)
    assert identity.emails == ("ada@uni.edu",)
    assert identity.affiliations == ("Uni", "University of London")


def test_with_the_real_checker_library_an_upload_ends_in_a_state_the_author_sees(venue, author, login, make_submission, checker, monkeypatch):
    """USES THE REAL CHECKER (paperdesk.checks, written separately): only asserts that the
    check ends done or failed and that the page shows it, not what the report says."""
    pytest.importorskip("paperdesk.checks.sandbox")
    from paperdesk.submissions import checking

    monkeypatch.setattr(checking, "check_upload", checker.real)
    submission = make_submission(venue, author, pdf=pdf(pages=2))

    run = CheckRun.objects.get()
    text = page_text(login(author).get(f"/submissions/{submission.public_id}/check/"))
    assert run.state in (CheckRun.State.DONE, CheckRun.State.FAILED)
    assert "hx-trigger" not in text
    if run.state == CheckRun.State.DONE:
        assert run.report["status"] in ("ok", "problems", "unreadable")
        assert "Version 1" in text
    else:
        assert "The checker could not finish on version 1" in text
