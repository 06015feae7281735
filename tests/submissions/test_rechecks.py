"""The anonymity checks run again when what they look for changes: an author's profile (a
GitHub username added after the paper was checked), a co-author who confirms and brings their
profile, the author list. USES THE REAL CHECKER on a PDF that links a GitHub account."""

from __future__ import annotations

import pytest
from django.core import mail

from paperdesk.audit.models import AuditEntry
from paperdesk.submissions.models import CheckRun, Submission
from tests.conftest import make_pdf_bytes

LINK = "code at github.com/adalove/sparse-circuits"


@pytest.fixture
def real_checker(checker, monkeypatch):
    from paperdesk.submissions import checking

    monkeypatch.setattr(checking, "check_upload", checker.real)


def _profile_form(user, **changes) -> dict:
    data = {
        "full_name": user.full_name, "other_names": "\n".join(user.other_names or []), "github": user.github,
        "huggingface": user.huggingface, "orcid": user.orcid, "website": user.website,
        "aff-TOTAL_FORMS": "0", "aff-INITIAL_FORMS": "0", "aff-MIN_NUM_FORMS": "0", "aff-MAX_NUM_FORMS": "20",
    }
    data.update(changes)
    return data


def _leaks(run: CheckRun) -> list[tuple[str, str]]:
    run.refresh_from_db()
    return [(leak["kind"], leak["value"]) for leak in (run.report or {}).get("anonymity", {}).get("leaks", [])]


def test_a_github_username_added_after_the_check_is_looked_for_again(real_checker, venue, author, login, make_submission,
                                                                        django_capture_on_commit_callbacks):
    submission = make_submission(venue, author, pdf=make_pdf_bytes(pages=2, text=LINK), submit=True,
                                 data_url="https://adalove.dev/data.zip")
    run = CheckRun.objects.get()
    assert run.state == CheckRun.State.DONE and run.identities_digest
    assert ("github", "adalove") not in _leaks(run)  # nobody called adalove among the authors yet
    assert submission.links_flagged is False
    mail.outbox.clear()

    client = login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/profile/", _profile_form(author, github="adalove", website="https://adalove.dev"), follow=True)
    assert response.redirect_chain == [("/me/profile/", 302)]
    assert "The anonymity check of 1 paper you are an author of runs again" in response.content.decode()

    run.refresh_from_db()
    assert run.state == CheckRun.State.DONE and run.recheck_reason == "identities" and run.leaks_before == 0
    assert ("github", "adalove") in _leaks(run)
    submission.refresh_from_db()
    assert submission.links_flagged is True  # the data link is the author's homepage: hidden from reviewers now
    assert submission.status == Submission.Status.SUBMITTED  # a finding on the paper in force unsubmits nothing
    entry = AuditEntry.objects.get(action="check.rerun")
    assert entry.data["reason"] == "identities" and entry.data["uploads"] == [{"kind": "paper", "version": 1}]
    [notice] = [m for m in mail.outbox if "anonymity check now finds" in m.subject]
    assert notice.to == ["ada@uni.edu"]
    assert f"{run.leak_count} possible identity leak" in notice.subject and f"/submissions/{submission.public_id}/" in notice.body
    assert "adalove" not in notice.body  # the finding is on the page, for the authors who confirmed

    # Saving the profile again without changing what identifies anyone checks nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/me/profile/", _profile_form(author, github="adalove", website="https://adalove.dev", orcid="0000-0002-1825-0097"),
                            follow=True)
    assert "runs again" not in again.content.decode()
    assert AuditEntry.objects.filter(action="check.rerun").count() == 1
    run.refresh_from_db()
    assert run.state == CheckRun.State.DONE and run.leaks_before == 0

    # Taking the username away finds fewer leaks: checked again, and nobody is e-mailed.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/me/profile/", _profile_form(author, github="", website="https://adalove.dev"))
    assert ("github", "adalove") not in _leaks(run)
    assert run.leaks_before >= 1 and not [m for m in mail.outbox if "anonymity check" in m.subject]


def test_a_co_author_who_confirms_brings_their_profile_to_the_check(real_checker, venue, author, make_user, login, make_submission,
                                                                      django_capture_on_commit_callbacks):
    from paperdesk.submissions.services import AuthorInput

    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    turing.github = "adalove"  # the account that wrote the code is the co-author's
    turing.save(update_fields=["github"])
    authors = [AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True), AuthorInput("turing@cs.manchester.ac.uk", "Alan Turing")]
    submission = make_submission(venue, author, pdf=make_pdf_bytes(pages=2, text=LINK), authors=authors)
    run = CheckRun.objects.get()
    assert ("github", "adalove") not in _leaks(run)  # invited, not confirmed: their profile is not theirs to read yet

    from paperdesk.submissions.models import Authorship

    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    with django_capture_on_commit_callbacks(execute=True):
        assert login(turing).post(f"/submissions/invitations/{row.pk}/confirm/").status_code == 302
    assert ("github", "adalove") in _leaks(run)
    assert run.recheck_reason == "identities"


def test_identities_that_change_while_the_check_runs_queue_it_again(venue, author, login, make_submission, checker, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    """The change's own recheck skips a check that is not finished; the check, when it ends,
    sees that what it looked for is out of date and goes back to the queue."""
    from paperdesk.accounts.models import User
    from paperdesk.submissions import checking

    def check_while_the_profile_changes(run):
        User.objects.filter(pk=author.pk).update(github="adalove")  # saved by someone else meanwhile
        return checker(run)

    import io

    from paperdesk.submissions import services

    submission = make_submission(venue, author)
    monkeypatch.setattr(checking, "check_upload", check_while_the_profile_changes)
    monkeypatch.setattr(checking, "run_check", type("NoQueue", (), {"enqueue": staticmethod(lambda pk: None)}))  # run by hand below
    with django_capture_on_commit_callbacks(execute=True):
        services.upload_add(submission=submission, actor=author, stream=io.BytesIO(make_pdf_bytes()), original_name="p.pdf")
    run = CheckRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        checking.perform_check(run.pk)
    run.refresh_from_db()
    assert (run.state, run.recheck_reason) == (CheckRun.State.QUEUED, "identities")
    page = login(author).get(f"/submissions/{submission.public_id}/check/").content.decode()
    assert "Checking it again: what identifies the authors changed" in page

    monkeypatch.setattr(checking, "check_upload", checker)
    checking.perform_check(run.pk)
    run.refresh_from_db()
    assert run.state == CheckRun.State.DONE  # the second run looked for the new username: nothing more to do


def test_a_withdrawn_paper_is_not_checked_again(real_checker, venue, author, login, make_submission, django_capture_on_commit_callbacks):
    from paperdesk.submissions import services

    submission = make_submission(venue, author, pdf=make_pdf_bytes(pages=2, text=LINK), submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_withdraw(submission=submission, actor=author)
    with django_capture_on_commit_callbacks(execute=True):
        login(author).post("/me/profile/", _profile_form(author, github="adalove"))
    run = CheckRun.objects.get()
    assert run.recheck_reason == "" and ("github", "adalove") not in _leaks(run)
    assert not AuditEntry.objects.filter(action="check.rerun").exists()


def test_an_author_list_change_judges_the_links_again(venue, author, make_user, make_submission, django_capture_on_commit_callbacks):
    """The form's links are judged against the authors on every save; a co-author's profile
    counts from the moment they confirm (no save of the form in between)."""
    from paperdesk.submissions import services
    from paperdesk.submissions.models import Authorship

    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    turing.website = "https://aturing.org"
    turing.save(update_fields=["website"])
    authors = [services.AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True), services.AuthorInput("turing@cs.manchester.ac.uk", "Alan Turing")]
    submission = make_submission(venue, author, authors=authors, data_url="https://aturing.org/probes.zip")
    assert submission.links_flagged is False
    row = Authorship.objects.get(submission=submission, email=turing.email)
    with django_capture_on_commit_callbacks(execute=True):
        services.authorship_confirm(actor=turing, authorship_id=row.pk)
    submission.refresh_from_db()
    assert submission.links_flagged is True
    assert AuditEntry.objects.get(action="check.rerun").data["links_flagged"] is True


def test_saving_the_form_rechecks_only_when_the_author_list_changes(venue, author, make_submission, checker,
                                                                     django_capture_on_commit_callbacks):
    """The form autosaves while authors type: a save that leaves the author list as it was
    queues nothing, even for a check made before digests were kept."""
    from submission_helpers import submission_input

    from paperdesk.submissions import services

    submission = make_submission(venue, author, pdf=make_pdf_bytes())
    CheckRun.objects.update(identities_digest="")  # as a check from before this release
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_update(submission=submission, actor=author, data=submission_input(title="A better title"))
    run = CheckRun.objects.get()
    assert (run.state, run.recheck_reason, len(checker.checked)) == (CheckRun.State.DONE, "", 1)

    authors = [services.AuthorInput("ada@uni.edu", "Ada Lovelace", "Analytical Engine Lab", True)]
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_update(submission=submission, actor=author, data=submission_input(title="A better title", authors=authors))
    run.refresh_from_db()
    assert (run.state, run.recheck_reason, len(checker.checked)) == (CheckRun.State.DONE, "identities", 2)
    assert run.identities_digest
