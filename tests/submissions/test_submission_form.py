"""The submission form: one page for metadata, ordered authors, declarations and files."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core import mail
from django.test import Client
from submission_helpers import form_data, page_text, pdf, set_limits, stored_blobs, upload_file, zip_bytes

from paperdesk import tokens
from paperdesk.audit.models import AuditEntry
from paperdesk.submissions.models import Authorship, Submission, Upload
from tests.links import claim_token


def create_url(venue) -> str:
    return f"/v/{venue.slug}/submit/"


def test_create_page_prefills_the_current_user_and_shows_the_venue_rules(venue, author, login):
    from paperdesk.accounts.models import Affiliation

    Affiliation.objects.create(user=author, institution="University of London")
    author.github = "ada-codes"
    author.save()

    response = login(author).get(create_url(venue))

    assert response.status_code == 200
    text = page_text(response)
    assert 'name="authors-0-name" value="Ada Lovelace"' in text
    assert 'name="authors-0-email" value="ada@uni.edu"' in text
    assert 'name="authors-0-affiliation" value="University of London"' in text
    assert 'name="authors-0-is_corresponding" id="id_authors-0-is_corresponding" checked' in text
    assert "<strong>Short paper</strong>: 4 pages of main content" in text
    assert "<strong>Long paper</strong>: 9 pages of main content" in text
    assert 'href="https://media.neurips.cc/Conferences/NeurIPS2025/Styles.zip"' in text
    assert "Double-blind: keep yourself out of the PDF" in text
    assert "<li>Names: Ada Lovelace</li>" in text
    assert "<li>E-mails: ada@uni.edu</li>" in text
    assert "<li>Affiliations: University of London</li>" in text
    assert "<li>GitHub: ada-codes</li>" in text
    deadline_iso = venue.submission_deadline.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    assert f'data-countdown="{deadline_iso}"' in text
    assert "neurips2025@mechinterpworkshop.com" in text
    assert '<button type="submit" name="action" value="save" class="secondary">Save draft</button>' in text
    assert '<button type="submit" name="action" value="submit">Submit</button>' in text
    # The file inputs come after every text field, so an oversized file cannot cut them off.
    assert text.index('name="pdf"') > text.index('name="authors-TOTAL_FORMS"') > text.index('name="title"')


def test_create_save_draft_keeps_the_author_order_and_invites_every_coauthor(
    venue, author, other_author, login, django_capture_on_commit_callbacks
):
    authors = [
        {"name": "Linus Newcomer", "email": "Linus@Example.org", "affiliation": "Lab", "is_co_first": True},
        {"name": "Ada Lovelace", "email": "ada@uni.edu", "affiliation": "Uni", "is_co_first": True, "is_corresponding": True},
        {"name": "Grace Hopper", "email": "grace@navy.mil.edu", "affiliation": "Navy"},
    ]
    client = login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(venue), form_data(authors=authors))

    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{submission.public_id}/"
    assert submission.status == Submission.Status.DRAFT
    assert submission.title == "Sparse features in toy models"
    assert [t.slug for t in submission.secondary_topics.all()] == ["basic-science"]
    assert submission.attestations == {"not-accepted-archival": True, "anonymized": True}
    rows = list(submission.authorships.order_by("position").values_list("position", "email", "is_co_first", "is_corresponding", "user__email"))
    assert rows == [
        (1, "linus@example.org", True, False, None),
        (2, "ada@uni.edu", True, True, "ada@uni.edu"),
        (3, "grace@navy.mil.edu", False, False, None),  # an account, but not linked before Grace confirms
    ]
    assert sorted(m.to for m in mail.outbox) == [["grace@navy.mil.edu"], ["linus@example.org"]]
    token = claim_token("linus@example.org")  # in the e-mail only: the row keeps its SHA-256
    assert Authorship.objects.get(email="linus@example.org").claim_token == hashlib.sha256(token.encode()).hexdigest()

    detail = page_text(client.get(response["Location"]))
    assert "Draft saved. It is not submitted yet: submit it before the deadline." in detail
    assert "<td>Linus Newcomer</td><td>linus@example.org</td><td>Lab</td> <td><span class=\"badge\">co-first</span></td> <td><span class=\"badge pending\" title=\"Co-authors become authors only when they confirm the invitation sent to this address.\">invited, not yet confirmed</span></td>" in detail
    assert AuditEntry.objects.filter(action="submission.create", object_id=submission.public_id).count() == 1


def test_create_and_submit_in_one_click_sends_the_receipt(transactional_db, venue, author, login):
    data = form_data(action="submit", pdf=upload_file(pdf(), "my paper.pdf"))

    client = login(author)
    response = client.post(create_url(venue), data)

    submission = Submission.objects.get()
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert submission.status == Submission.Status.SUBMITTED
    assert upload.original_name == "my paper.pdf"
    assert upload.check_run.state == "done"
    assert [m.subject for m in mail.outbox] == [f"[{venue.short_name}] Submission #1 submitted: Sparse features in toy models"]
    assert upload.sha256 in mail.outbox[0].body
    detail = page_text(client.get(response["Location"]))
    assert "Your paper is submitted. A receipt with the PDF&#x27;s SHA-256 was sent to all authors." in detail
    assert '<span class="badge submitted">Submitted</span>' in detail


def test_create_with_submit_but_no_pdf_keeps_a_draft_and_says_why(venue, author, login):
    response = login(author).post(create_url(venue), form_data(action="submit"), follow=True)

    assert Submission.objects.get().status == Submission.Status.DRAFT
    assert "Your changes are saved as a draft, but the paper is not submitted yet: Upload the paper PDF before submitting." in page_text(response)


def test_create_with_missing_title_answers_400_and_keeps_everything_typed(venue, author, login):
    data = form_data(title="", abstract="An abstract worth keeping.", code_url="https://anonymous.4open.science/r/x")

    response = login(author).post(create_url(venue), data)

    text = page_text(response)
    assert response.status_code == 400
    assert "A title is required." in text
    assert "Nothing was saved." in text
    assert "An abstract worth keeping.</textarea>" in text
    assert 'value="https://anonymous.4open.science/r/x"' in text
    assert 'value="circuits" selected' in text
    assert 'name="authors-0-email" value="ada@uni.edu"' in text
    assert Submission.objects.count() == 0


def test_create_without_listing_oneself_is_refused_with_the_service_message(venue, author, login):
    data = form_data(authors=[{"name": "Someone Else", "email": "someone@else.org"}])

    response = login(author).post(create_url(venue), data)

    assert response.status_code == 400
    assert "You must be one of the authors (list yourself with one of your verified e-mail addresses)." in page_text(response)
    assert 'value="someone@else.org"' in page_text(response)
    assert Submission.objects.count() == 0


BAD_FILES = [
    ("pdf", "paper.pdf", b"<!DOCTYPE html><html><body>Not a paper</body></html>", 400,
     "This file is not a PDF (its content does not start with %PDF-). It looks like an HTML page."),
    ("pdf", "paper.pdf", b"", 400, "The file is empty. Please upload your paper as a PDF."),
    ("pdf", "paper.pdf", pdf()[:-400], 400,
     "This PDF is incomplete (truncated): its end-of-file marker is missing. Please export it again and re-upload."),
    ("supplementary", "code.zip", pdf(), 400, "Supplementary material must be a .zip or .tar.gz archive."),
    ("supplementary", "code.zip", zip_bytes()[:-30], 400, "The .zip archive is damaged (no central directory)."),
]


def test_create_with_a_bad_file_answers_4xx_keeps_the_input_and_creates_nothing(venue, author, login):
    client = login(author)
    for field, name, content, status, message in BAD_FILES:
        data = form_data(title="My carefully typed title")
        data[field] = upload_file(content, name)
        if field == "supplementary":
            data["pdf"] = upload_file(pdf(), "paper.pdf")

        response = client.post(create_url(venue), data)

        text = page_text(response)
        assert response.status_code == status, name
        assert message in text
        assert 'value="My carefully typed title"' in text
        assert "please choose your files again" in text
        assert Submission.objects.count() == 0
        assert Upload.objects.count() == 0
    assert stored_blobs() == set()  # refused files never reach storage


def test_create_with_an_oversized_pdf_answers_413_before_storing_it(venue, author, login):
    set_limits(venue, pdf_mb=1)
    data = form_data(title="Kept title")
    data["pdf"] = upload_file(pdf(pad_to=1_200_000))

    response = login(author).post(create_url(venue), data)

    text = page_text(response)
    assert response.status_code == 413
    assert "The file is larger than this venue&#x27;s limit of 1 MB. Please upload a smaller file." in text
    assert 'value="Kept title"' in text
    assert Submission.objects.count() == 0


def test_create_with_a_body_beyond_every_limit_stops_reading_and_still_keeps_the_fields(venue, author, login):
    set_limits(venue, pdf_mb=1, zip_mb=1)  # limits 2 MB + 1 MB margin
    data = form_data(title="Still here")
    data["pdf"] = upload_file(pdf(pad_to=3_500_000))

    response = login(author).post(create_url(venue), data)

    assert response.status_code == 413
    assert "larger than this venue&#x27;s limit of 1 MB" in page_text(response)
    assert 'value="Still here"' in page_text(response)
    assert Submission.objects.count() == 0


def test_upload_add_refuses_an_oversized_stream_with_413(venue, author, make_submission):
    import io

    from paperdesk.submissions.services import ServiceError, upload_add

    set_limits(venue, pdf_mb=1)
    submission = make_submission(venue, author)
    try:
        upload_add(submission=submission, actor=author, stream=io.BytesIO(pdf(pad_to=1_100_000)), original_name="big.pdf")
    except ServiceError as error:
        assert (error.status, error.field) == (413, "pdf")
        assert error.message == "The file is 1.1 MB; the limit for this venue is 1 MB."
    else:
        raise AssertionError("an oversized PDF was accepted")
    assert Upload.objects.count() == 0


def test_edit_page_is_prefilled_and_saving_reorders_authors(venue, author, other_author, login, make_submission):
    from paperdesk.submissions.services import AuthorInput

    submission = make_submission(venue, author, authors=[
        AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True),
        AuthorInput("grace@navy.mil.edu", "Grace Hopper", "Navy"),
    ])
    client = login(author)

    page = page_text(client.get(f"/submissions/{submission.public_id}/edit/"))
    assert 'value="Sparse features in toy models"' in page
    assert 'name="authors-1-email" value="grace@navy.mil.edu"' in page
    assert '<input type="checkbox" name="attest_anonymized" aria-describedby="id_attest_anonymized_helptext" id="id_attest_anonymized" checked>' in page

    reordered = [
        {"name": "Grace Hopper", "email": "grace@navy.mil.edu", "affiliation": "Navy", "is_co_first": True},
        {"name": "Ada Lovelace", "email": "ada@uni.edu", "affiliation": "Uni", "is_co_first": True, "is_corresponding": True},
    ]
    response = client.post(f"/submissions/{submission.public_id}/edit/", form_data(authors=reordered, title="A sharper title"))

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.title == "A sharper title"
    assert list(submission.authorships.values_list("email", "is_co_first")) == [("grace@navy.mil.edu", True), ("ada@uni.edu", True)]
    entry = AuditEntry.objects.get(action="submission.update")
    assert entry.data["fields"] == ["title", "attendance"]


def test_coauthor_who_claimed_with_another_address_can_save_the_form(venue, author, make_user, login, make_submission):
    from paperdesk.submissions.services import AuthorInput, authorship_claim

    submission = make_submission(venue, author, authors=[
        AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True),
        AuthorInput("bob@old-lab.org", "Bob Builder", "Old Lab"),
    ])
    bob = make_user("bob@new-lab.edu", "Bob Builder")
    token, hashed = tokens.mint()  # the link e-mailed to bob@old-lab.org (its row keeps the hash)
    Authorship.objects.filter(email="bob@old-lab.org").update(claim_token=hashed)
    authorship_claim(token=token, actor=bob)

    authors = [
        {"name": "Ada Lovelace", "email": "ada@uni.edu", "affiliation": "Uni", "is_corresponding": True},
        {"name": "Bob Builder", "email": "bob@old-lab.org", "affiliation": "New Lab"},
    ]
    response = login(bob).post(f"/submissions/{submission.public_id}/edit/", form_data(authors=authors))

    assert response.status_code == 302
    assert Authorship.objects.get(email="bob@old-lab.org").affiliation == "New Lab"


def test_csrf_is_enforced_on_the_form_and_on_uploads(venue, author, make_submission):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    submission = make_submission(venue, author)

    refused = client.post(create_url(venue), form_data())
    refused_upload = client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(pdf())})

    assert refused.status_code == 403
    assert refused_upload.status_code == 403
    assert Submission.objects.count() == 1 and Upload.objects.count() == 0
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(create_url(venue)).content.decode()).group(1)
    accepted = client.post(create_url(venue), {**form_data(), "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    assert Submission.objects.count() == 2


def test_create_page_refuses_an_account_waiting_for_approval(venue, make_user, login, settings):
    # The moderation middleware sends such accounts to their status page first; the view
    # refuses on its own too (the policy's answer), which is what this test pins down.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("ModerationMiddleware")]
    pending = make_user("new@gmail.com", "New Person")
    pending.moderation_status = "pending"
    pending.save()

    response = login(pending).get(create_url(venue))

    assert response.status_code == 403
    assert "Your account is waiting for approval. Contact neurips2025@mechinterpworkshop.com if this prevents you from submitting." in page_text(response)


def test_claim_link_asks_then_links_the_account(venue, author, make_user, login, make_submission, django_capture_on_commit_callbacks):
    from paperdesk.submissions.services import AuthorInput

    with django_capture_on_commit_callbacks(execute=True):
        submission = make_submission(venue, author, authors=[
            AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True),
            AuthorInput("carol@example.org", "Carol Coauthor"),
        ])
    token = claim_token("carol@example.org")
    carol = make_user("carol@example.org", "Carol Coauthor")
    client = login(carol)
    assert client.get(f"/submissions/{submission.public_id}/").status_code == 404  # not yet linked

    page = client.get(f"/claim/{token}/")
    assert page.status_code == 200
    assert "Carol Coauthor (carol@example.org) is listed as an author of" in page_text(page)

    response = client.post(f"/claim/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{submission.public_id}/"
    assert client.get(response["Location"]).status_code == 200
    # Used once: sent again by the person who confirmed, it leads to the submission (a double
    # click); for anyone else it opens nothing.
    assert client.post(f"/claim/{token}/")["Location"] == f"/submissions/{submission.public_id}/"
    assert login(make_user("dan@example.org", "Dan Other")).post(f"/claim/{token}/").status_code == 404
    assert Client().get(f"/claim/{token}/").status_code == 302  # sign in first
