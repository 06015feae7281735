"""E-mails about a paper's discussion, each rendered with its recipient's rights: a
reviewer reads "Reviewer 2 wrote", a chair without a conflict reads the name too."""

from __future__ import annotations

from django.urls import reverse

from paperdesk import policy
from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.reviewing.models import Assignment
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
        }, [recipient.email])
        sent += 1
    return sent
