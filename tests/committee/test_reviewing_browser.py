"""The reviewing flow in a real browser (Chromium through Playwright): a chair invites two
reviewers; one creates an account from the invitation link, the other signs in; both
accept and bid through htmx; the chair runs the assignment, swaps one pair, publishes;
each reviewer then sees only their own papers. A google.com reviewer never sees, nor is
given, the paper of a deepmind.com author."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PAPERDESK_SCREENSHOTS")  # a directory to keep screenshots in, for a look


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"reviewing-{name}.png"), full_page=True)

PAPERS = [
    ("Circuits for indirect object identification", "We find a circuit of attention heads in GPT-2 small.", "circuits"),
    ("Linear probes for deception", "Probes on residual stream activations detect deception at inference time.", "monitoring"),
    ("Sparse autoencoders at scale", "Dictionary learning with sparse autoencoders finds monosemantic features.", "unsupervised-discovery"),
    ("DeepMind paper on steering", "Steering vectors change model behaviour.", "monitoring"),
]


def invitation_link(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"https?://[^/\s]+(/reviewing/invitations/\S+\?answer=accept)", message.body).group(1)  # the path


def test_browser_invite_accept_bid_assign_edit_publish(live_server, new_page, venue, chair, make_paper, make_user):
    from playwright.sync_api import expect

    from paperdesk.committee.models import Assignment, Bid, PoolMember

    config = dict(venue.config)
    config["reviewing"] = {**config["reviewing"], "reviewers_per_paper": 1}
    type(venue).objects.filter(pk=venue.pk).update(config=config)
    papers = {}
    for i, (title, abstract, topic) in enumerate(PAPERS):
        email = "ada@deepmind.com" if "DeepMind" in title else f"author{i}@uni{i}.edu"
        papers[title] = make_paper(title, abstract, topic=topic, authors=((f"Author Person{i}", email, None, ""),))
    make_user("sam@uni-b.edu", "Sam Reviewer")  # the account the invitation later finds
    base = live_server.url
    errors: list[str] = []

    def watch(page):
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    def sign_in(page, email):
        page.fill("#id_login", email)
        page.fill("#id_password", "correct horse battery")
        page.click("button:has-text('Sign in')")

    # The chair invites two reviewers by pasting CSV rows.
    chair_page = watch(new_page())
    chair_page.goto(f"{base}/accounts/login/")
    sign_in(chair_page, chair.email)
    chair_page.goto(f"{base}/v/{venue.slug}/reviewing/pool/invite/")
    chair_page.fill("#id_people", "Rita Reviewer,rita@google.com,reviewer\nbad line,without an address")
    chair_page.click("button:has-text('Send invitations')")
    expect(chair_page.locator("#invite-errors")).to_contain_text("Line 2: 'without an address' is not an e-mail address.")
    shot(chair_page, "invite-errors")
    chair_page.fill("#id_people", "Rita Reviewer,rita@google.com,reviewer\nSam Reviewer,sam@uni-b.edu,reviewer")
    chair_page.click("button:has-text('Send invitations')")
    chair_page.wait_for_url(f"{base}/v/{venue.slug}/reviewing/pool/")
    expect(chair_page.locator("#pool")).to_contain_text("rita@google.com")
    expect(chair_page.locator(".messages")).to_contain_text("Invited 2 people")

    # Rita has no account: she creates one from the invitation and lands back on it.
    rita = watch(new_page())
    rita.goto(base + invitation_link("rita@google.com"))
    expect(rita.locator("#invitation")).to_contain_text("invite Rita Reviewer to serve as reviewer")
    shot(rita, "invitation-signed-out")
    rita.click("#invitation-signup")
    rita.fill("#id_full_name", "Rita Reviewer")
    rita.fill("#id_email", "rita@google.com")
    rita.fill("#id_password1", "correct horse battery")
    rita.fill("#id_password2", "correct horse battery")
    rita.click("button:has-text('Create account')")
    rita.wait_for_url(re.compile(r".*/reviewing/invitations/.*"))
    shot(rita, "invitation-signed-in")
    rita.check("input[name=answer][value=accept]")
    rita.click("button:has-text('Send my answer')")
    rita.wait_for_url(f"{base}/v/{venue.slug}/reviewing/profile/")
    expect(rita.locator(".messages")).to_contain_text("Welcome to")
    shot(rita, "profile")

    # Sam has an account: he signs in from the invitation and accepts a reduced load.
    sam = watch(new_page())
    sam.goto(base + invitation_link("sam@uni-b.edu"))
    sam.click("#invitation-signin")
    sign_in(sam, "sam@uni-b.edu")
    sam.wait_for_url(re.compile(r".*/reviewing/invitations/.*"))
    sam.check("input[name=answer][value=reduce]")
    sam.fill("#id_max_load", "3")
    sam.click("button:has-text('Send my answer')")
    sam.wait_for_url(f"{base}/v/{venue.slug}/reviewing/profile/")
    assert PoolMember.objects.get(email="sam@uni-b.edu").max_load == 3
    assert PoolMember.objects.get(email="rita@google.com").user.email == "rita@google.com"

    # Both bid through htmx; Rita never sees the DeepMind author's paper.
    rita.goto(f"{base}/v/{venue.slug}/reviewing/bids/")
    expect(rita.locator("#bid-list")).not_to_contain_text("DeepMind paper on steering")
    expect(rita.locator("#bid-count")).to_have_text("3 papers, best match first.")
    assert "Author Person" not in rita.content()
    row = rita.locator(f"#paper-{papers['Circuits for indirect object identification'].public_id}")
    row.locator("button:has-text('Eager')").click()
    expect(rita.locator(f"#paper-{papers['Circuits for indirect object identification'].public_id} button:has-text('Eager')")).to_have_attribute("aria-pressed", "true")
    # the counters above the list follow the click (they stayed at 0 until a reload)
    expect(rita.locator('#bid-stats li[data-bid="eager"]')).to_have_text("1 eager")
    expect(rita.locator('#bid-stats li[data-bid="unbid"]')).to_have_text("2 without a bid")
    rita.fill("input[name=q]", "probes")
    expect(rita.locator("#bid-count")).to_have_text("1 paper match, best match first.")
    rita.locator(f"#paper-{papers['Linear probes for deception'].public_id} button:has-text('Not willing')").click()
    expect(rita.locator(f"#paper-{papers['Linear probes for deception'].public_id}")).to_have_attribute("data-bid", "not_willing")
    rita.fill("input[name=q]", "")
    expect(rita.locator("#bid-count")).to_have_text("3 papers, best match first.")
    shot(rita, "bidding")
    sam.goto(f"{base}/v/{venue.slug}/reviewing/bids/")
    sam.locator(f"#paper-{papers['Sparse autoencoders at scale'].public_id} button:has-text('Willing')").first.click()
    expect(sam.locator(f"#paper-{papers['Sparse autoencoders at scale'].public_id}")).to_have_attribute("data-bid", "willing")
    assert Bid.objects.count() == 3

    # The chair runs the assignment (the job runs inline in tests) and sees the proposal.
    chair_page.goto(f"{base}/v/{venue.slug}/reviewing/assignment/")
    chair_page.click("#run-assignment")
    chair_page.wait_for_url(re.compile(r".*/reviewing/assignment/.*"))
    expect(chair_page.locator("#run-state")).to_have_text("Done")
    expect(chair_page.locator("#run-summary")).to_contain_text("4 papers × 2 reviewers")
    shot(chair_page, "proposal")
    pairs = {a.submission.title: a.user.email for a in Assignment.objects.select_related("submission", "user")}
    assert pairs["DeepMind paper on steering"] == "sam@uni-b.edu"  # never Rita (google.com = deepmind.com)
    assert pairs["Linear probes for deception"] == "sam@uni-b.edu"  # Rita is not willing
    assert pairs["Circuits for indirect object identification"] == "rita@google.com"  # eager

    # One edit: swap Sam for Rita on the sparse autoencoder paper.
    sae = papers["Sparse autoencoders at scale"]
    target = "rita@google.com" if pairs[sae.title] == "sam@uni-b.edu" else "sam@uni-b.edu"
    row = chair_page.locator(f"#paper-{sae.public_id}")
    row.locator("input[name=reviewer]").first.fill(f"{'Rita' if target.startswith('rita') else 'Sam'} Reviewer <{target}>")
    row.locator("button:has-text('Swap')").click()
    expect(chair_page.locator(".messages")).to_contain_text("replaced by")
    pairs[sae.title] = target
    # A conflicted swap is refused with the reason.
    steering = chair_page.locator(f"#paper-{papers['DeepMind paper on steering'].public_id}")
    steering.locator("input[name=reviewer]").first.fill("Rita Reviewer <rita@google.com>")
    steering.locator("button:has-text('Swap')").click()
    expect(chair_page.locator(".refusal")).to_contain_text("same institution: Google / Google DeepMind")
    shot(chair_page, "conflict-refused")
    chair_page.go_back()

    chair_page.goto(f"{base}/v/{venue.slug}/reviewing/assignment/")
    chair_page.click("#publish")
    # asked once, naming the papers and who is e-mailed; nothing is published before the answer
    expect(chair_page.locator("#publish-consequences")).to_contain_text("2 reviewers get an e-mail now")
    expect(chair_page.locator("#publish-papers li")).to_have_count(4)
    assert not Assignment.objects.filter(published=True).exists()
    shot(chair_page, "publish-confirm")
    chair_page.click("#confirm-publish")
    expect(chair_page.locator(".messages")).to_contain_text("Published 4 assignments")
    assert {a.submission.title: a.user.email for a in Assignment.objects.select_related("submission", "user")} == pairs
    assert all(a.published for a in Assignment.objects.all())

    # Each reviewer sees only their papers, under an alias, never an author.
    for reviewer_page, email in ((rita, "rita@google.com"), (sam, "sam@uni-b.edu")):
        reviewer_page.goto(f"{base}/reviewing/assignments/")  # the address in the e-mail: now "My reviews"
        reviewer_page.wait_for_url(f"{base}/reviews/")
        shown = set(reviewer_page.locator(".my-paper td:nth-child(2)").all_inner_texts())
        assert shown == {title for title, owner in pairs.items() if owner == email}
        assert "Author Person" not in reviewer_page.content()
        expect(reviewer_page.locator(".my-paper").first).to_contain_text("Reviewer 1")
        shot(reviewer_page, f"my-papers-{email.split('@')[0]}")
    chair_page.goto(f"{base}/v/{venue.slug}/reviewing/pool/")
    shot(chair_page, "pool")
    chair_page.goto(f"{base}/v/{venue.slug}/reviewing/conflicts/")
    shot(chair_page, "conflicts")
    notice = [m for m in mail.outbox if m.to == ["rita@google.com"] and "Your papers to review" in m.subject][-1]
    assert "Author Person" not in notice.body and "Circuits for indirect object identification" in notice.body
    assert errors == []
