"""Writing reviews: the dashboard, the paper page, autosave, submit, edit until the
deadline, late reviews, visibility of the other reviews, and refusals."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from paperdesk.reviews.models import Review
from tests.reviews.review_world import (
    CANARY_AUTHOR,
    CANARY_AUTHOR_EMAIL,
    CANARY_REVIEWER,
    CHAIRS_ONLY_TEXT,
    REVIEW_TEXT,
    hide_reviewer_names_from_area_chairs,
    review_post_data,
)


def paper_url(world, name="paper"):
    return reverse(f"reviews:{name}", args=[world.paper.public_id])


def test_dashboard_lists_assigned_papers_under_their_alias_without_authors(rworld):
    response = rworld.client("reviewer").get(reverse("reviews:dashboard"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The canary paper" in body and "Reviewer 1" in body
    assert "Another paper" not in body
    assert CANARY_AUTHOR not in body and "Ada Lovelace" not in body
    assert "data-countdown" in body
    assert "not started" in body


def test_dashboard_of_a_conflicted_reviewer_leaves_the_paper_out(rworld):
    body = rworld.client("conflicted_reviewer").get(reverse("reviews:dashboard")).content.decode()
    assert "The canary paper" not in body


def test_paper_page_shows_form_guidance_and_check_without_identities(rworld):
    response = rworld.client("reviewer").get(paper_url(rworld))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hypotheses and evidence" in body and "Overall score" in body and "Strong accept" in body
    assert "Judge a short paper" in body  # the track's guidance
    assert "identity leak" not in body and "Anonymity" not in body  # reviewers learn nothing about leaks (issue 8)
    assert "Left margin is 1.2 in" in body
    assert CANARY_AUTHOR not in body and "Canarywhistle" not in body and CANARY_AUTHOR_EMAIL not in body
    assert 'hx-post="' + paper_url(rworld, "autosave") in body


def test_autosave_keeps_a_partial_draft(rworld):
    client = rworld.client("reviewer")
    response = client.post(paper_url(rworld, "autosave"), {"q_summary": "Half a thought", "overall": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Draft saved" in response.content.decode()
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    assert review.state == "draft" and review.answers["summary"] == "Half a thought"


def test_autosave_reports_a_bad_value_with_a_4xx(rworld):
    response = rworld.client("reviewer").post(paper_url(rworld, "autosave"), {"overall": "17"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Not saved" in response.content.decode()


def test_submit_needs_every_required_answer(rworld):
    response = rworld.client("reviewer").post(paper_url(rworld, "save"), {"q_summary": "Only this", "action": "submit"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "To submit, answer:" in body and "Overall score" in body and "Strengths" in body
    assert not Review.objects.filter(state="submitted").exists()


def test_submit_then_edit_until_the_deadline_then_final(rworld, at):
    venue = rworld.venue
    client = rworld.client("reviewer")
    at(venue.review_deadline - dt.timedelta(days=2))
    response = client.post(paper_url(rworld, "save"), review_post_data(venue, action="submit"))
    assert response.status_code == 302
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    assert review.state == "submitted" and not review.late and review.overall == 4
    response = client.post(paper_url(rworld, "save"), review_post_data(venue, overall=5))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.overall == 5 and review.state == "submitted"
    at(venue.review_deadline + dt.timedelta(minutes=1))
    response = client.post(paper_url(rworld, "save"), review_post_data(venue, overall=2))
    assert response.status_code == 403
    assert "The review deadline passed on" in response.content.decode()
    review.refresh_from_db()
    assert review.overall == 5


def test_a_review_after_the_deadline_is_accepted_and_marked_late(rworld, at):
    venue = rworld.venue
    at(venue.review_deadline + dt.timedelta(days=1))
    client = rworld.client("reviewer2")
    page = client.get(paper_url(rworld)).content.decode()
    assert "The review deadline has passed. You can still submit your review; it will be marked late." in page
    response = client.post(paper_url(rworld, "save"), review_post_data(venue, action="submit"), follow=True)
    assert "It is marked late" in response.content.decode()
    review = Review.objects.get(assignment=rworld.assignments["reviewer2"])
    assert review.late and review.state == "submitted"
    chair_page = rworld.client("chair").get(paper_url(rworld)).content.decode()
    assert "submitted (late)" in chair_page


def test_other_reviews_appear_only_after_submitting_ones_own(rworld):
    venue = rworld.venue
    rworld.client("reviewer").post(paper_url(rworld, "save"), review_post_data(venue, action="submit"))
    second = rworld.client("reviewer2")
    before = second.get(paper_url(rworld)).content.decode()
    assert "The other reviews appear here once you have submitted yours." in before
    assert REVIEW_TEXT not in before
    second.post(paper_url(rworld, "save"), review_post_data(venue, text="Second opinion", comments="My own note", action="submit"))
    after = second.get(paper_url(rworld)).content.decode()
    assert REVIEW_TEXT in after and "Reviewer 1" in after
    assert CANARY_REVIEWER not in after
    assert CHAIRS_ONLY_TEXT not in after  # comments to the chairs stay with the chairs


def test_chairs_see_who_wrote_what_and_the_comments_to_them(rworld):
    rworld.client("reviewer").post(paper_url(rworld, "save"), review_post_data(rworld.venue, action="submit"))
    body = rworld.client("chair").get(paper_url(rworld)).content.decode()
    assert f"Reviewer 1 ({CANARY_REVIEWER})" in body
    assert CHAIRS_ONLY_TEXT in body


def test_area_chair_sees_reviews_and_comments_to_chairs_under_aliases(rworld):
    hide_reviewer_names_from_area_chairs(rworld.venue)  # area chairs read aliases only
    rworld.client("reviewer").post(paper_url(rworld, "save"), review_post_data(rworld.venue, action="submit"))
    body = rworld.client("area_chair").get(paper_url(rworld)).content.decode()
    assert REVIEW_TEXT in body and CHAIRS_ONLY_TEXT in body
    assert CANARY_REVIEWER not in body


def test_review_of_an_unassigned_paper_is_not_found(rworld):
    client = rworld.client("unassigned_reviewer")
    assert client.get(paper_url(rworld)).status_code == 404
    response = client.post(paper_url(rworld, "save"), review_post_data(rworld.venue, action="submit"))
    assert response.status_code == 404
    assert "There is nothing at this address, or it is not visible to you." in response.content.decode()
    assert not Review.objects.exists()


def test_conflicted_reviewer_cannot_review_even_with_an_assignment(rworld):
    client = rworld.client("conflicted_reviewer")
    assert client.get(paper_url(rworld)).status_code == 404
    assert client.post(paper_url(rworld, "save"), review_post_data(rworld.venue, action="submit")).status_code == 404


def test_withdrawn_paper_refuses_reviews(rworld):
    from paperdesk.submissions.models import Submission

    Submission.objects.filter(pk=rworld.paper.pk).update(status="withdrawn")
    response = rworld.client("reviewer").post(paper_url(rworld, "save"), review_post_data(rworld.venue, action="submit"))
    assert response.status_code == 403
    assert "withdrawn" in response.content.decode()


def test_reviewer_pdf_has_no_author_metadata_and_the_original_is_not_theirs(rworld):
    from paperdesk.submissions.models import Upload

    response = rworld.client("reviewer").get(paper_url(rworld, "pdf"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    assert b"Canarywhistle" not in data and b"Zebulon" not in data
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    assert len(document) == 2
    assert "Zebulon" not in str(document.get_metadata_dict())
    original = Upload.objects.get(submission=rworld.paper, kind="paper")
    assert rworld.client("reviewer").get(reverse("submissions:download", args=[original.public_id])).status_code == 404
    # made once, then served from storage
    from paperdesk.reviews.models import AnonymizedPdf

    assert AnonymizedPdf.objects.count() == 1
    rworld.client("reviewer2").get(paper_url(rworld, "pdf"))
    assert AnonymizedPdf.objects.count() == 1


def test_a_damaged_pdf_is_refused_clearly_never_served_raw(rworld):
    import io

    from paperdesk.submissions.models import Upload
    from paperdesk.submissions.storage import store_blob

    blob = store_blob(io.BytesIO(b"%PDF-1.4\nnot really a pdf by Zebulon Canarywhistle\n%%EOF\n"))
    Upload.objects.filter(submission=rworld.paper).update(blob=blob.name)
    response = rworld.client("reviewer").get(paper_url(rworld, "pdf"))
    assert response.status_code == 422
    assert b"could not be prepared for reviewers" in response.content
    assert b"Canarywhistle" not in response.content


def test_venue_option_lets_reviewers_read_others_before_their_own(rworld):
    from paperdesk.venues.models import Venue

    rworld.client("reviewer").post(paper_url(rworld, "save"), review_post_data(rworld.venue, action="submit"))
    venue = Venue.objects.get(pk=rworld.venue.pk)
    venue.config["reviewing"]["reviews_visible_after_own"] = False
    venue.save()
    html = rworld.client("reviewer2").get(paper_url(rworld)).content.decode()
    assert REVIEW_TEXT in html and "appear here once you have submitted yours" not in html
