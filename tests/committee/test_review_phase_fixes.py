"""Correctness found while walking the review phase (issue 11, item 7): bidding counters
follow htmx clicks, a reviewer conflicted with every paper is told why the list is empty,
an area chair's affinity adds up from its parts, the co-first-author request stops once
decisions are out, the area-chair invitation speaks to area chairs, and an invited
existing account is greeted by name."""

from __future__ import annotations

import email
import email.policy

from django.urls import reverse

from paperdesk.committee.models import Assignment


def test_bid_click_updates_the_counters_out_of_band(venue, make_paper, make_reviewer, login):
    paper = make_paper("A paper on circuits")
    make_paper("Another paper on circuits")
    member = make_reviewer("rev@lab.org", "Rae Viewer")
    client = login(member)
    page = client.get(reverse("committee:bidding", args=[venue.slug])).content.decode()
    assert '<li data-bid="eager"><strong>0</strong> eager</li>' in page
    response = client.post(reverse("committee:bid", args=[venue.slug, paper.public_id]), {"value": "eager"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="bid-stats" hx-swap-oob="true"' in html
    assert '<li data-bid="eager"><strong>1</strong> eager</li>' in html
    assert '<li data-bid="unbid"><strong>1</strong> without a bid</li>' in html
    other = next(p for p in venue.submissions.all() if p.pk != paper.pk)
    html = client.post(reverse("committee:bid_conflict", args=[venue.slug, other.public_id]), HTTP_HX_REQUEST="true").content.decode()
    assert '<li data-bid="unbid"><strong>0</strong> without a bid</li>' in html  # the conflicted paper left the counters


def test_reviewer_conflicted_with_every_paper_is_told_why(venue, make_paper, make_reviewer, login):
    papers = [make_paper("First paper"), make_paper("Second paper")]
    member = make_reviewer("rev@lab.org", "Rae Viewer")
    from paperdesk.committee import services

    for p in papers:  # "I have a conflict with this paper", once per paper
        services.reviewer_declare(venue=venue, actor=member, data=services.DeclarationInput(), submission=p)
    page = login(member).get(reverse("committee:bidding", args=[venue.slug])).content.decode()
    assert "No papers to bid on yet" not in page
    assert "conflict of interest with every submitted paper (2)" in page


def test_no_paper_yet_still_says_so(venue, make_reviewer, login):
    member = make_reviewer("rev@lab.org", "Rae Viewer")
    page = login(member).get(reverse("committee:bidding", args=[venue.slug])).content.decode()
    assert "No papers to bid on yet" in page


def test_area_chair_batch_affinity_adds_up_from_its_parts(venue, make_paper, make_reviewer, login, chair):
    paper = make_paper("A paper")
    ac = make_reviewer("ac@lab.org", "Ada Chair", role="area_chair")
    Assignment.objects.create(submission=paper, user=ac, kind="area_chair", alias_number=1, score=0.0606, source="auto",
                              explanation={"text": 0.001, "topic": 0.0, "bid": None, "bid_value": 0.3, "shared_topics": [],
                                           "weights": {"text": 0.6, "topic": 0.2, "bid": 0.2}})
    page = login(chair).get(reverse("committee:area_chairs", args=[venue.slug])).content.decode()
    row = page.split('data-paper="' + paper.public_id)[1].split("</tr>")[0]
    assert "0.06" in row
    assert "= text 0.00" in row and "+ topics 0.00" in row and "+ bid 0.06 (none)" in row


def test_no_co_first_author_request_after_decisions(venue, make_paper, login, chair, run_jobs):
    from django.core import mail

    from paperdesk.committee import selectors
    from paperdesk.decisions.models import Decision
    from paperdesk.submissions.models import Authorship

    paper = make_paper("Paper one", authors=(("Nora Noshow", "nora@uni.edu", None, ""), ("Cai Cofirst", "cai@uni.edu", None, "")))
    Authorship.objects.filter(submission=paper).update(is_co_first=True)
    assert selectors.first_authors_to_remind(venue)  # before the decisions: they would be asked
    Decision.objects.create(submission=paper, outcome="reject", decided_by=chair, released_at=venue.review_deadline)
    assert selectors.first_authors_to_remind(venue) == []
    response = run_jobs(login(chair).post, reverse("committee:first_authors_remind", args=[venue.slug]), follow=True)
    assert "call for reviewers is over" in response.content.decode()
    assert mail.outbox == []


def _mails(inbox):
    out = []
    for envelope in inbox.envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        out.append((envelope.rcpt_tos, str(message["Subject"]), message.get_content()))
    return out


def test_area_chair_invitation_wording_and_existing_account_greeted_by_name(venue, chair, make_user, smtp_inbox, run_jobs):
    from paperdesk.committee import services
    from paperdesk.committee.invitations import Invitee

    make_user("known@lab.org", "Karin Known")
    run_jobs(services.invite, venue=venue, actor=chair, invitees=[
        Invitee(1, "", "known@lab.org", "area_chair"), Invitee(2, "", "stranger@lab.org", "reviewer")])
    mails = {m[0][0]: m for m in _mails(smtp_inbox)}
    ac = mails["known@lab.org"]
    assert "invitation to serve as area chair" in ac[1]
    assert ac[2].startswith("Dear Karin Known,")
    assert "Area chairs get a batch of papers" in ac[2] and "meta-review" in ac[2]
    assert "Reviewers get up to" not in ac[2]
    stranger = mails["stranger@lab.org"]
    assert stranger[2].startswith("Dear colleague,") and "Reviewers get up to" in stranger[2]
