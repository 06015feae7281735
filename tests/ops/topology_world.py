"""The people of the topology test (tests/ops/test_topology.py), made in the deployment's
own database after the operator's steps (migrate, venue load): an author and a chair with
API tokens, the chair's password for the pages, and three accepted reviewers.

    DJANGO_SETTINGS_MODULE=paperdesk.settings DATABASE_URL=... python -m tests.ops.topology_world SLUG

Prints one JSON object on its last line."""

from __future__ import annotations

import json
import sys

PASSWORD = "topology correct horse 7"
AUTHOR = ("ada@uni.edu", "Ada Lovelace")
CHAIR = ("chair@mechinterpworkshop.com", "Pat Chair")
REVIEWERS = [("rev1@lab-one.org", "Rui One"), ("rev2@lab-two.org", "Rae Two"), ("rev3@lab-three.org", "Ren Three")]


def main(slug: str) -> dict:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from paperdesk.api.models import ApiToken
    from paperdesk.committee.models import PoolMember
    from paperdesk.venues.models import TopicArea, Venue, VenueRole

    venue = Venue.objects.get(slug=slug)

    def user(email: str, name: str):
        made = get_user_model().objects.create_user(email=email, password=PASSWORD, full_name=name, moderation_status="active")
        EmailAddress.objects.create(user=made, email=email, verified=True, primary=True)
        return made

    author = user(*AUTHOR)
    chair = user(*CHAIR)
    VenueRole.objects.create(venue=venue, user=chair, role=VenueRole.Role.CHAIR)
    for email, name in REVIEWERS:
        reviewer = user(email, name)
        member = PoolMember.objects.create(venue=venue, user=reviewer, email=email, name=name, role=PoolMember.Role.REVIEWER,
                                           state=PoolMember.State.ACCEPTED)
        member.expertise.set(TopicArea.objects.filter(venue=venue, slug="circuits"))
        VenueRole.objects.get_or_create(venue=venue, user=reviewer, role="reviewer")
    return {
        "venue": slug,
        "venue_id": venue.pk,
        "outcome": next(o.slug for o in venue.spec.outcomes if o.accepted),
        "author": {"email": AUTHOR[0], "name": AUTHOR[1], "token": ApiToken.issue(author, "topology test")[1]},
        "chair": {"email": CHAIR[0], "password": PASSWORD, "token": ApiToken.issue(chair, "topology test")[1]},
        "reviewers": [email for email, _ in REVIEWERS],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
