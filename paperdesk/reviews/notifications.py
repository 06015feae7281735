"""E-mails about a paper's discussion, each rendered with its recipient's rights: a
reviewer reads "Reviewer 2 wrote", a chair without a conflict reads the name too."""

from __future__ import annotations

from django.urls import reverse

from paperdesk import policy
from paperdesk.committee.models import Assignment
from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.venues.models import VenueRole

from .models import DiscussionPost


def discussion_recipients(post: DiscussionPost) -> list:
    """Everyone who may read the paper's discussion, except the one who wrote the post."""
    submission = post.submission
    people = {}
    for role in VenueRole.objects.filter(venue=submission.venue, role=VenueRole.Role.CHAIR).select_related("user"):
        people[role.user_id] = role.user
    for assignment in Assignment.objects.filter(submission=submission, published=True).select_related("user"):
        people[assignment.user_id] = assignment.user
    return [
        user for user_id, user in sorted(people.items())
        if user_id != post.author_id and user.is_active and policy.can_view_discussion(user, submission)
    ]


@task()
def send_discussion_notifications(post_id: int) -> int:
    from .selectors import poster_label_for

    post = DiscussionPost.objects.select_related("submission__venue").filter(pk=post_id).first()
    if post is None:
        return 0
    submission = post.submission
    url = reverse("reviews:paper", args=[submission.public_id]) + "#discussion"
    sent = 0
    for recipient in discussion_recipients(post):
        send_templated("discussion_post", {
            "venue": submission.venue,
            "title": submission.title,
            "number": submission.number,
            "poster": poster_label_for(recipient, post),
            "body": post.body,
            "path": url,
        }, [recipient.email], paper=submission)
        sent += 1
    return sent


@task()
def send_revert_notifications(version_ids: list[int]) -> int:
    """Tell each person whose review (or meta-review) the chairs reverted: one e-mail per
    person, listing their papers. Never says which chair did it."""
    from .history import Reason
    from .models import ReviewVersion

    versions = (ReviewVersion.objects.filter(pk__in=version_ids, reason=Reason.REVERT)
                .select_related("submission__venue", "review__assignment__user", "meta_review__author", "restored")
                .order_by("submission__number", "id"))
    by_person: dict[int, dict] = {}
    for version in versions:
        if version.review_id is not None:
            person, alias = version.review.assignment.user, version.review.assignment.alias
            what = "review"
        else:
            person, alias, what = version.meta_review.author, "", "meta-review"
        if not person.is_active:
            continue
        venue = version.submission.venue
        entry = by_person.setdefault(person.pk, {"person": person, "venue": venue, "rows": []})
        entry["rows"].append({
            "what": what, "alias": alias, "number": version.submission.number, "title": version.submission.title,
            "restored_text": venue.moment_text(version.restored.at) if version.restored else "an earlier version",
            "path": reverse("reviews:paper", args=[version.submission.public_id]) + ("#my-review" if what == "review" else "#meta-review"),
        })
    for entry in by_person.values():
        send_templated("review_reverted", {"venue": entry["venue"], "rows": entry["rows"]}, [entry["person"].email],
                       reply_to=entry["venue"].contact_email)
    return len(by_person)
