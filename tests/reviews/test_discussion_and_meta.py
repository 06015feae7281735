"""The discussion thread (aliases, sanitised Markdown, e-mails computed with each
recipient's rights, the size limit) and the area chair's meta-review and batch."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from paperdesk.reviews.forms import DISCUSSION_MAX_CHARS
from paperdesk.reviews.models import DiscussionPost, MetaReview
from tests.reviews.review_world import (
    CANARY_AC,
    CANARY_AUTHOR,
    CANARY_REVIEWER,
    META_TEXT,
    POST_TEXT,
    hide_reviewer_names_from_area_chairs,
    review_post_data,
)


def url(world, name):
    return reverse(f"reviews:{name}", args=[world.paper.public_id])


def submit_review(world, role, **kw):
    response = world.client(role).post(url(world, "save"), review_post_data(world.venue, action="submit", **kw))
    assert response.status_code == 302, response.content.decode()[:500]


def test_discussion_opens_for_a_reviewer_after_their_review(rworld):
    client = rworld.client("reviewer")
    page = client.get(url(rworld, "paper")).content.decode()
    assert "opens for you once you have submitted your review" in page
    assert client.post(url(rworld, "discussion"), {"body": "hello"}).status_code == 404
    submit_review(rworld, "reviewer")
    assert client.post(url(rworld, "discussion"), {"body": "hello"}).status_code == 302


def test_post_is_markdown_rendered_inert_and_shown_under_aliases(rworld, django_capture_on_commit_callbacks):
    submit_review(rworld, "reviewer")
    submit_review(rworld, "reviewer2")
    body = f"**{POST_TEXT}** <script>alert('x')</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    with django_capture_on_commit_callbacks(execute=True):
        response = rworld.client("reviewer").post(url(rworld, "discussion"), {"body": body}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<strong>{POST_TEXT}</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html
    seen_by_second = rworld.client("reviewer2").get(url(rworld, "paper")).content.decode()
    assert "Reviewer 1" in seen_by_second and POST_TEXT in seen_by_second
    assert CANARY_REVIEWER not in seen_by_second
    seen_by_chair = rworld.client("chair").get(url(rworld, "paper")).content.decode()
    assert f"Reviewer 1 ({CANARY_REVIEWER})" in seen_by_chair


def test_post_notifications_are_written_for_each_recipient(rworld, django_capture_on_commit_callbacks):
    hide_reviewer_names_from_area_chairs(rworld.venue)  # area chairs read aliases only
    submit_review(rworld, "reviewer")
    submit_review(rworld, "reviewer2")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rworld.client("reviewer").post(url(rworld, "discussion"), {"body": POST_TEXT})
    by_recipient = {m.to[0]: m for m in mail.outbox}
    people = rworld.people
    assert set(by_recipient) == {people["chair"].email, people["area_chair"].email, people["reviewer2"].email}
    assert people["reviewer"].email not in by_recipient  # not to oneself
    assert people["conflicted_reviewer"].email not in by_recipient
    assert people["author"].email not in by_recipient
    to_reviewer = by_recipient[people["reviewer2"].email]
    assert "Reviewer 1 wrote" in to_reviewer.body and POST_TEXT in to_reviewer.body
    assert CANARY_REVIEWER not in to_reviewer.body and CANARY_AUTHOR not in to_reviewer.body
    assert CANARY_REVIEWER not in by_recipient[people["area_chair"].email].body
    assert f"Reviewer 1 ({CANARY_REVIEWER}) wrote" in by_recipient[people["chair"].email].body


def test_reviewer_who_has_not_reviewed_gets_no_discussion_mail(rworld, django_capture_on_commit_callbacks):
    submit_review(rworld, "reviewer")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rworld.client("chair").post(url(rworld, "discussion"), {"body": "Chairs here."})
    recipients = {m.to[0] for m in mail.outbox}
    assert rworld.people["reviewer"].email in recipients
    assert rworld.people["reviewer2"].email not in recipients
    body = next(m.body for m in mail.outbox if m.to[0] == rworld.people["reviewer"].email)
    assert "Program chair wrote" in body and "Pat Chair" not in body


def test_oversized_post_is_refused_with_413_and_kept_in_the_box(rworld):
    submit_review(rworld, "reviewer")
    text = "x" * (DISCUSSION_MAX_CHARS + 1)
    response = rworld.client("reviewer").post(url(rworld, "discussion"), {"body": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 413
    html = response.content.decode()
    assert f"a post may have at most {DISCUSSION_MAX_CHARS:,}" in html
    assert not DiscussionPost.objects.exists()


def test_empty_post_is_refused(rworld):
    submit_review(rworld, "reviewer")
    response = rworld.client("reviewer").post(url(rworld, "discussion"), {"body": "   "})
    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()


def test_discussion_is_closed_to_authors_conflicted_and_outsiders(rworld):
    for role in ("author", "conflicted_reviewer", "unassigned_reviewer", "other_author"):
        client = rworld.client(role)
        assert client.get(url(rworld, "discussion")).status_code == 404, role
        assert client.post(url(rworld, "discussion"), {"body": "let me in"}).status_code == 404, role
    assert not DiscussionPost.objects.exists()


def test_area_chair_writes_the_meta_review_and_reviewers_read_it(rworld):
    submit_review(rworld, "reviewer")
    ac = rworld.client("area_chair")
    response = ac.post(url(rworld, "meta_review"), {"recommendation": "accept-poster", "text": META_TEXT, "action": "submit"})
    assert response.status_code == 302
    meta = MetaReview.objects.get(submission=rworld.paper)
    assert meta.submitted and meta.recommendation == "accept-poster"
    reviewer_page = rworld.client("reviewer").get(url(rworld, "paper")).content.decode()
    assert META_TEXT in reviewer_page and "Accept (poster)" in reviewer_page
    assert CANARY_AC not in reviewer_page
    not_yet = rworld.client("reviewer2").get(url(rworld, "paper")).content.decode()
    assert META_TEXT not in not_yet
    assert "Meta-review by " + CANARY_AC in rworld.client("chair").get(url(rworld, "paper")).content.decode()


def test_meta_review_needs_a_recommendation_and_text_to_submit(rworld):
    ac = rworld.client("area_chair")
    response = ac.post(url(rworld, "meta_review"), {"recommendation": "", "text": "x", "action": "submit"})
    assert response.status_code == 400
    response = ac.post(url(rworld, "meta_review"), {"recommendation": "reject", "text": "", "action": "submit"})
    assert response.status_code == 400
    assert "Write the meta-review before submitting it" in response.content.decode()


def test_reviewers_cannot_write_the_meta_review(rworld):
    submit_review(rworld, "reviewer")
    response = rworld.client("reviewer").post(url(rworld, "meta_review"), {"recommendation": "reject", "text": "no", "action": "submit"})
    assert response.status_code == 403
    assert "area chair and the program chairs write its meta-review" in response.content.decode()


def test_area_chair_batch_shows_progress(rworld):
    submit_review(rworld, "reviewer", overall=5)
    response = rworld.client("area_chair").get(reverse("reviews:area_chair", args=[rworld.venue.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "The canary paper" in html and "1 / 2" in html and ">5<" in html.replace(" ", "")
    assert CANARY_AUTHOR not in html
    assert rworld.client("reviewer").get(reverse("reviews:area_chair", args=[rworld.venue.slug])).status_code == 404


def test_script_tags_in_review_answers_and_meta_review_render_inert(rworld):
    evil = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"
    submit_review(rworld, "reviewer", text=evil, comments=evil)
    submit_review(rworld, "reviewer2")
    rworld.client("area_chair").post(url(rworld, "meta_review"), {"recommendation": "reject", "text": evil, "action": "submit"})
    for role in ("reviewer2", "chair", "area_chair"):
        html = rworld.client(role).get(url(rworld, "paper")).content.decode()
        assert "<script>alert(" not in html and "<img src=x" not in html, role
        assert "&lt;script&gt;alert(" in html, role
