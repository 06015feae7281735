"""The web side of supplementary archives and form links: an uploaded archive is checked by
the job in the checker's child; its findings reach the authors' page and the chairs'
screening (filters git_metadata, notebook_metadata, non-anonymous links); reviewers download
a copy without .git and notebook metadata and see only the form links that passed."""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from submission_helpers import page_text, pdf, report, upload_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "checks"))
from archive_helpers import notebook

from paperdesk.submissions.models import CheckRun, Upload


def archive(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for name, content in files.items():
            out.writestr(zipfile.ZipInfo(name, date_time=(2025, 8, 1, 12, 0, 0)), content)
    return buffer.getvalue()


def leaky_archive() -> bytes:
    nb = json.loads(notebook())
    nb["metadata"]["authors"] = [{"name": "Ada Lovelace"}]
    return archive({
        "code/train.py": b"# train\nprint('ok')\n",
        "code/README.md": b"# Code\nQuestions: ada@uni.edu\n",
        "code/probe.ipynb": json.dumps(nb, indent=1).encode(),
        "code/.git/config": b'[remote "origin"]\n\turl = https://github.com/ada-lab/secret.git\n[user]\n\tname = Ada Lovelace\n',
        "code/.git/HEAD": b"ref: refs/heads/main\n",
    })


@pytest.fixture
def real_archive_check(checker, monkeypatch):
    """The fake checker for PDFs; the real one (child process and all) for archives."""
    from paperdesk.submissions import checking

    fake = checking.check_upload

    def check(run):
        return checker.real(run) if run.upload.kind == Upload.Kind.SUPPLEMENTARY else fake(run)

    monkeypatch.setattr(checking, "check_upload", check)


def upload_archive(client, submission, content: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/submissions/{submission.public_id}/upload/", {"supplementary": upload_file(content, "code.zip", "application/zip")})
    assert response.status_code in (200, 302), response.content[:500]
    return Upload.objects.filter(submission=submission, kind=Upload.Kind.SUPPLEMENTARY).order_by("-version").first()


@pytest.fixture
def reviewer(venue, make_user):
    from paperdesk.venues.models import VenueRole

    user = make_user("rev@review.org", "Rhea Reviewer")
    VenueRole.objects.create(venue=venue, user=user, role=VenueRole.Role.REVIEWER)
    return user


def assign(paper, user):
    from paperdesk.committee.models import Assignment

    return Assignment.objects.create(submission=paper, user=user, kind="reviewer", alias_number=1, published=True)


def test_uploaded_archive_is_checked_and_its_findings_reach_the_author(venue, author, login, make_submission, real_archive_check,
                                                                       django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf(), submit=True)
    client = login(author)
    upload = upload_archive(client, paper, leaky_archive(), django_capture_on_commit_callbacks)
    run = CheckRun.objects.get(upload=upload)
    assert run.state == CheckRun.State.DONE and run.mode == "supplementary"
    assert run.report["supplementary"] == {"status": "ok", "files_scanned": 5}
    kinds = {leak["kind"] for leak in run.report["anonymity"]["leaks"]}
    assert {"git_metadata", "notebook_metadata", "email"} <= kinds
    assert " leak_git_metadata " in run.finding_codes and " leak_notebook_metadata " in run.finding_codes
    text = page_text(client.get(f"/submissions/{paper.public_id}/"))
    assert "Supplementary material" in text
    assert "https://github.com/ada-lab/secret.git" in text and "code/.git/config, line 2" in text
    assert "code/probe.ipynb" in text and "code/README.md, line 2" in text
    # the PDF's own check (and what blocks submission) is untouched by the archive
    assert not CheckRun.objects.get(upload__submission=paper, upload__kind="paper").blocking


def test_an_unsafe_archive_is_reported_not_crashed(venue, author, login, make_submission, real_archive_check, django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf())
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as out:
        out.writestr("ok.py", b"x = 1\n")
        out.writestr("../../../etc/cron.d/evil", b"* * * * * root rm -rf /\n")
    client = login(author)
    upload = upload_archive(client, paper, bomb.getvalue(), django_capture_on_commit_callbacks)
    run = CheckRun.objects.get(upload=upload)
    assert run.report["supplementary"] == {"status": "unreadable", "error": "archive_unsafe"}
    assert run.state == CheckRun.State.DONE
    text = page_text(client.get(f"/submissions/{paper.public_id}/"))
    assert "points outside the archive" in text


def test_chairs_filter_by_git_notebook_and_link_findings(venue, author, chair, login, make_submission, checker, real_archive_check,
                                                         django_capture_on_commit_callbacks):
    checker.report = report()
    leaky = make_submission(venue, author, pdf=pdf(), submit=True, title="Archive with history")
    upload_archive(login(author), leaky, leaky_archive(), django_capture_on_commit_callbacks)
    linked = make_submission(venue, author, pdf=pdf(), submit=True, title="Linked to a named account", code_url="https://github.com/someone/sae")
    anonymous = make_submission(venue, author, pdf=pdf(), submit=True, title="Anonymous links",
                                code_url="https://anonymous.4open.science/r/sae-1", data_url="https://osf.io/ab12c/?view_only=0f0f")
    client = login(chair)
    page = client.get(f"/v/{venue.slug}/chair/findings/")
    counts = {slug: n for slug, _, n in page.context["categories"]}
    assert counts["git_metadata"] == 1 and counts["notebook_metadata"] == 1 and counts["links"] == 1
    assert counts["clean"] == 3  # the PDFs' own categories are unchanged by the archive

    def titles(slug):
        return [row.submission.title for row in client.get(f"/v/{venue.slug}/chair/findings/?finding={slug}").context["rows"]]

    assert titles("git_metadata") == ["Archive with history"]
    assert titles("notebook_metadata") == ["Archive with history"]
    assert titles("links") == ["Linked to a named account"]
    git_page = page_text(client.get(f"/v/{venue.slug}/chair/findings/?finding=git_metadata"))
    assert "https://github.com/ada-lab/secret.git" in git_page
    assert anonymous.links_flagged is False and linked.links_flagged is True


def test_reviewers_download_a_cleaned_archive_and_see_only_anonymous_links(venue, author, reviewer, login, make_submission, checker,
                                                                          real_archive_check, django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf(), submit=True, code_url="https://anonymous.4open.science/r/sae-1",
                            data_url="https://huggingface.co/ada-lovelace/acts")
    upload_archive(login(author), paper, leaky_archive(), django_capture_on_commit_callbacks)
    assign(paper, reviewer)
    client = login(reviewer)
    page = page_text(client.get(f"/reviews/paper/{paper.public_id}/"))
    assert "https://anonymous.4open.science/r/sae-1" in page
    assert "huggingface.co/ada-lovelace" not in page  # named after the author: authors see why, reviewers never see it
    download = client.get(f"/reviews/paper/{paper.public_id}/supplementary.zip")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as copy:
        assert sorted(copy.namelist()) == ["code/README.md", "code/probe.ipynb", "code/train.py"]
        assert json.loads(copy.read("code/probe.ipynb"))["metadata"] == {"kernelspec": {"name": "python3", "language": "python"}, "language_info": {"name": "python"}}
    # the original stays with the authors and chairs; others get the 404 of a missing paper
    original = Upload.objects.get(submission=paper, kind=Upload.Kind.SUPPLEMENTARY)
    assert client.get(f"/files/{original.public_id}/").status_code == 404
    author_page = page_text(login(author).get(f"/submissions/{paper.public_id}/"))
    assert "huggingface.co/ada-lovelace/acts" in author_page and "Not shown to reviewers" in author_page


def test_supplementary_download_is_for_the_papers_readers_only(venue, author, make_user, login, make_submission, checker, real_archive_check,
                                                               django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf(), submit=True)
    stranger = make_user("someone@else.org", "Some One")
    assert login(stranger).get(f"/reviews/paper/{paper.public_id}/supplementary.zip").status_code == 404
    assert login(author).get(f"/reviews/paper/{paper.public_id}/supplementary.zip").status_code == 404


def targz(files: dict[str, bytes]) -> bytes:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as out:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            out.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_a_targz_archive_is_accepted_checked_and_downloaded_as_such(venue, author, reviewer, login, make_submission, checker,
                                                                     real_archive_check, django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf(), submit=True)
    client = login(author)
    content = targz({"code/run.py": b"print('hi')\n", "code/LICENSE": b"Copyright (c) 2025 Ada Lovelace\n", "code/.git/HEAD": b"ref: x\n"})
    upload = upload_archive(client, paper, content, django_capture_on_commit_callbacks)
    assert upload is not None and upload.original_name == "code.zip"  # the name as sent; the content decides
    run = CheckRun.objects.get(upload=upload)
    assert run.report["supplementary"] == {"status": "ok", "files_scanned": 3}
    assert any(leak["file"] == "code/LICENSE" and leak["line"] == 1 for leak in run.report["anonymity"]["leaks"])
    original = client.get(f"/files/{upload.public_id}/")
    assert original["Content-Type"] == "application/gzip" and ".tar.gz" in original["Content-Disposition"]
    assert b"".join(original.streaming_content) == content
    assign(paper, reviewer)
    copy = login(reviewer).get(f"/reviews/paper/{paper.public_id}/supplementary.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(copy.streaming_content))) as cleaned:
        assert sorted(cleaned.namelist()) == ["code/LICENSE", "code/run.py"]


def test_an_upload_that_is_neither_zip_nor_targz_is_refused(venue, author, login, make_submission, django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf())
    import gzip

    with django_capture_on_commit_callbacks(execute=True):
        response = login(author).post(f"/submissions/{paper.public_id}/upload/", {"supplementary": upload_file(gzip.compress(b"just text, no tar"), "x.tar.gz", "application/gzip")})
    assert response.status_code == 400
    assert ".zip or .tar.gz" in page_text(response)
    assert not Upload.objects.filter(submission=paper, kind=Upload.Kind.SUPPLEMENTARY).exists()


def test_a_conflicted_chair_reads_nothing_of_the_archive_or_the_link_verdicts(venue, author, chair, login, make_submission, checker,
                                                                              real_archive_check, django_capture_on_commit_callbacks):
    from paperdesk.committee.models import Conflict

    paper = make_submission(venue, author, pdf=pdf(), submit=True, code_url="https://github.com/ada-lab/sae")
    upload_archive(login(author), paper, leaky_archive(), django_capture_on_commit_callbacks)
    assert "https://github.com/ada-lab/secret.git" in page_text(login(chair).get(f"/submissions/{paper.public_id}/"))
    Conflict.objects.create(submission=paper, user=chair, source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    page = page_text(login(chair).get(f"/submissions/{paper.public_id}/"))
    assert "https://github.com/ada-lab/secret.git" not in page and "Not shown to reviewers" not in page


def test_damaged_archives_never_crash_the_scan(tmp_path):
    import random

    from paperdesk.checks.archive import scan_archive

    good = leaky_archive()
    rng = random.Random(12)
    for round_ in range(40):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = tmp_path / f"d{round_}.zip"
        path.write_bytes(bytes(damaged[: rng.randint(len(damaged) // 2, len(damaged))] if round_ % 3 == 0 else damaged))
        result = scan_archive(path)
        assert result.status in ("ok", "unreadable") and (result.error is None or result.error.startswith("archive_"))
