"""The reviewer pool: the volunteer form, chairs' decisions, bulk invitations (with
line-numbered errors), answering an invitation signed out, reminders that are never sent
twice, and the co-first authors' page with its one polite reminder."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.committee.invitations import parse_invitation_list
from paperdesk.committee.models import PoolMember, ReminderLog
from paperdesk.venues.models import VenueRole
from tests.links import invitation_path


def invite_url(member: PoolMember) -> str:
    """The link as the invitee has it: in the e-mail (the database keeps only its hash)."""
    return invitation_path(member.email)


# --- volunteering ------------------------------------------------------------------------------

def test_pool_volunteer_form_then_chair_accepts_with_htmx(venue, make_user, login, chair, run_jobs):
    sam = make_user("sam@uni.edu", "Sam Volunteer")
    client = login(sam)
    url = reverse("committee:volunteer", args=[venue.slug])
    page = client.get(url)
    assert page.status_code == 200 and "Circuits and Causal Analysis" in page.content.decode()
    response = client.post(url, {"expertise": ["circuits", "monitoring"], "max_load": "3", "statement": "PhD student in interpretability."})
    assert response.status_code == 302
    member = PoolMember.objects.get(user=sam)
    assert (member.state, member.max_load, sorted(member.expertise.values_list("slug", flat=True))) == ("volunteered", 3, ["circuits", "monitoring"])
    assert not VenueRole.objects.filter(user=sam, role="reviewer").exists()

    pool = login(chair).get(reverse("committee:pool", args=[venue.slug])).content.decode()
    assert "Sam Volunteer" in pool and "PhD student in interpretability." in pool
    response = run_jobs(login(chair).post, reverse("committee:pool_decide", args=[venue.slug, member.public_id]), {"decision": "accept"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'class="decided"' in response.content.decode() and "Sam Volunteer accepted" in response.content.decode()
    member.refresh_from_db()
    assert member.state == "accepted"
    assert VenueRole.objects.filter(venue=venue, user=sam, role="reviewer").exists()
    assert mail.outbox[-1].to == ["sam@uni.edu"] and "Welcome to the reviewer pool" in mail.outbox[-1].subject


def test_pool_volunteer_bad_input_and_signed_out(venue, make_user, login, client):
    url = reverse("committee:volunteer", args=[venue.slug])
    assert client.get(url).status_code == 302  # to sign in
    sam = make_user("sam@uni.edu", "Sam Volunteer")
    response = login(sam).post(url, {"expertise": ["no-such-topic"], "max_load": "99"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body and "less than or equal to 5" in body
    assert not PoolMember.objects.exists()


def test_pool_chair_declines_a_volunteer_politely(venue, make_user, login, chair, run_jobs):
    from paperdesk.committee import services

    sam = make_user("sam@uni.edu", "Sam Volunteer")
    member = services.volunteer(venue=venue, actor=sam, data=services.VolunteerInput(["circuits"]))
    run_jobs(login(chair).post, reverse("committee:pool_decide", args=[venue.slug, member.public_id]), {"decision": "decline"})
    member.refresh_from_db()
    assert member.state == "not_selected"
    assert "will not need your help this time" in mail.outbox[-1].body
    assert login(sam).post(reverse("committee:pool_decide", args=[venue.slug, member.public_id]), {"decision": "accept"}).status_code == 404


# --- the invitation list -----------------------------------------------------------------------

def test_pool_invitation_list_formats():
    text = "name,email,role\n\njane@uni.edu\nJohn Roe <john@lab.org>\n\"Doe, Ann\",ann@x.org,area chair\nBo,bo@y.org\n# a comment\n"
    people, errors = parse_invitation_list(text)
    assert errors == []
    assert [(p.line, p.name, p.email, p.role) for p in people] == [
        (3, "", "jane@uni.edu", "reviewer"), (4, "John Roe", "john@lab.org", "reviewer"),
        (5, "Doe, Ann", "ann@x.org", "area_chair"), (6, "Bo", "bo@y.org", "reviewer"),
    ]


def test_pool_invitation_list_malformed_lines_are_named():
    text = "\n".join([
        "Jane,jane@uni.edu,reviewer",        # 1 ok
        "Jim,not-an-address,reviewer",       # 2
        "Kim,kim@uni.edu,pc-chair",          # 3
        "a,b@c.org,reviewer,extra,more",     # 4
        '"Unclosed,x@y.org',                 # 5
        "lee@uni.edu,Lee",                   # 6 columns swapped
        "jane@uni.edu",                      # 7 duplicate
        "Mo,,reviewer",                      # 8
    ])
    _people, errors = parse_invitation_list(text)
    assert errors == [
        "Line 2: 'not-an-address' is not an e-mail address.",
        "Line 3: unknown role 'pc-chair' (use reviewer or area_chair).",
        "Line 4: expected name,email,role (3 columns), found 5; quote names that contain commas.",
        "Line 5: unexpected end of data (quote names that contain ',').",
        "Line 6: the columns are name,email,role; the e-mail address is in the first column.",
        "Line 7: jane@uni.edu is already listed on line 1.",
        "Line 8: the e-mail address is missing.",
    ]


def test_pool_invite_page_errors_invite_nobody(venue, login, chair):
    url = reverse("committee:pool_invite", args=[venue.slug])
    response = login(chair).post(url, {"people": "ok@uni.edu\nbad,line,with,too,many", "role": "reviewer"})
    assert response.status_code == 400
    assert "Line 2: expected name,email,role (3 columns), found 5" in response.content.decode()
    assert not PoolMember.objects.exists() and not mail.outbox


# --- invitations end to end --------------------------------------------------------------------

def test_pool_invite_accept_signed_out_then_sign_in(venue, make_user, login, chair, client, run_jobs):
    response = run_jobs(login(chair).post, reverse("committee:pool_invite", args=[venue.slug]),
                        {"people": "Rita Reviewer,rita@uni.edu\nAnn Chair,ann@lab.org,area_chair", "role": "reviewer", "message": "We would love your help."})
    assert response.status_code == 302
    rita = PoolMember.objects.get(email="rita@uni.edu")
    assert rita.state == "invited" and len(rita.invite_token) > 30
    message = next(m for m in mail.outbox if m.to == ["rita@uni.edu"])
    assert "We would love your help." in message.body and f"{invite_url(rita)}?answer=reduce" in message.body

    page = client.get(invite_url(rita) + "?answer=accept")
    body = page.content.decode()
    assert page.status_code == 200 and "create an account" in body and f"?next={invite_url(rita)}" in body.replace("%2F", "/")
    assert client.post(invite_url(rita), {"answer": "accept"}).status_code == 400  # needs an account
    assert "Sign in or create an account to accept." in client.post(invite_url(rita), {"answer": "accept"}).content.decode()

    account = make_user("rita.private@gmail.com", "Rita Reviewer")  # another address: still fine
    client.force_login(account)
    response = run_jobs(client.post, invite_url(rita), {"answer": "reduce", "max_load": "2"})
    assert response.status_code == 302 and response["Location"] == reverse("committee:profile", args=[venue.slug])
    rita.refresh_from_db()
    assert (rita.state, rita.user, rita.max_load) == ("accepted", account, 2)
    assert VenueRole.objects.filter(venue=venue, user=account, role="reviewer").exists()
    # the area chair invitation grants that role
    ann = PoolMember.objects.get(email="ann@lab.org")
    other = login(make_user("ann@lab.org", "Ann Chair"))
    other.post(invite_url(ann), {"answer": "accept"})
    assert VenueRole.objects.filter(venue=venue, user__email="ann@lab.org", role="area_chair").exists()
    # once answered, the link is closed: another account cannot take it over or learn whose it was
    intruder = login(make_user("mallory@evil.org", "Mallory Evil"))
    response = intruder.post(invite_url(rita), {"answer": "decline"})
    assert response.status_code == 404 and "no longer open" in response.content.decode() and "Rita" not in response.content.decode()
    rita.refresh_from_db()
    assert rita.state == "accepted"


def test_pool_invitation_stashes_the_address_for_sign_up(venue, chair, client, run_jobs):
    from paperdesk.committee import services
    from paperdesk.committee.invitations import Invitee

    run_jobs(services.invite, venue=venue, actor=chair, invitees=[Invitee(1, "Neo New", "neo@uni.edu", "reviewer")])
    member = PoolMember.objects.get()
    client.get(invite_url(member))
    assert client.session["account_verified_email"] == "neo@uni.edu"


def test_pool_decline_without_an_account_and_bad_links(venue, chair, client, run_jobs):
    from paperdesk.committee import services
    from paperdesk.committee.invitations import Invitee

    run_jobs(services.invite, venue=venue, actor=chair, invitees=[Invitee(1, "Dee Cline", "dee@uni.edu", "reviewer")])
    member = PoolMember.objects.get()
    response = client.post(invite_url(member), {"answer": "maybe"})
    assert response.status_code == 400
    response = client.post(invite_url(member), {"answer": "decline"}, follow=True)
    assert "You declined the invitation" in response.content.decode()
    member.refresh_from_db()
    assert member.state == "declined"
    assert client.get(reverse("committee:invitation", args=["not-a-token"])).status_code == 404


def test_pool_reduced_load_must_be_within_the_venue_maximum(venue, make_user, chair, login, run_jobs):
    from paperdesk.committee import services
    from paperdesk.committee.invitations import Invitee

    run_jobs(services.invite, venue=venue, actor=chair, invitees=[Invitee(1, "", "rex@uni.edu", "reviewer")])
    member = PoolMember.objects.get()
    client = login(make_user("rex@uni.edu", "Rex Reviewer"))
    for value in ("", "0", "9"):
        response = client.post(invite_url(member), {"answer": "reduce", "max_load": value})
        assert response.status_code == 400, value
    member.refresh_from_db()
    assert member.state == "invited"


def test_pool_reminders_are_never_sent_twice(venue, chair, login, make_user, run_jobs):
    from paperdesk.committee import services, tasks
    from paperdesk.committee.invitations import Invitee

    run_jobs(services.invite, venue=venue, actor=chair, invitees=[Invitee(1, "", "a@uni.edu", "reviewer"), Invitee(2, "", "b@uni.edu", "reviewer")])
    a = PoolMember.objects.get(email="a@uni.edu")
    login(make_user("a@uni.edu", "A A")).post(invite_url(a), {"answer": "accept"})
    mail.outbox.clear()
    client = login(chair)
    client.post(reverse("committee:pool_remind", args=[venue.slug]))
    assert [m.to for m in mail.outbox] == [["b@uni.edu"]] and mail.outbox[0].subject.endswith("Reminder: invitation to serve as reviewer")
    response = client.post(reverse("committee:pool_remind", args=[venue.slug]), follow=True)
    assert "nobody is reminded twice" in response.content.decode()
    PoolMember.objects.update(reminded_at=None)  # even a retried job with stale state
    tasks.send_invitation_reminders_job.enqueue(venue.pk)
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


# --- co-first authors --------------------------------------------------------------------------

def test_pool_co_first_authors_view_and_one_reminder_each(venue, make_paper, make_user, login, chair):
    from paperdesk.committee import services
    from paperdesk.submissions.models import Authorship

    vol = make_user("vol@uni.edu", "Vera Volunteer")
    services.volunteer(venue=venue, actor=vol, data=services.VolunteerInput(["circuits"]))
    make_paper("Paper one", authors=(("Nora Noshow", "nora@uni.edu", None, ""), ("Otto Second", "otto@uni.edu", None, "")))
    p2 = make_paper("Paper two", authors=(("Vera Volunteer", "vol@uni.edu", vol, ""), ("Cai Cofirst", "cai@uni.edu", None, "")))
    Authorship.objects.filter(submission=p2).update(is_co_first=True)
    make_paper("Paper three", authors=(("Nora Noshow", "nora@uni.edu", None, ""),))
    client = login(chair)
    page = client.get(reverse("committee:first_authors", args=[venue.slug])).content.decode()
    assert "Nora Noshow" in page and "Cai Cofirst" in page and "Otto Second" not in page
    assert "Send one reminder to 2 co-first authors" in page
    client.post(reverse("committee:first_authors_remind", args=[venue.slug]))
    assert sorted(m.to[0] for m in mail.outbox) == ["cai@uni.edu", "nora@uni.edu"]
    nora = next(m for m in mail.outbox if m.to == ["nora@uni.edu"])
    assert "“Paper one”, “Paper three”" in nora.body and "not a requirement" in nora.body
    assert reverse("committee:volunteer", args=[venue.slug]) in nora.body
    client.post(reverse("committee:first_authors_remind", args=[venue.slug]))
    assert len(mail.outbox) == 2
    page = client.get(reverse("committee:first_authors", args=[venue.slug])).content.decode()
    assert "reminded" in page and "Nobody left to remind." in page
    assert login(vol).get(reverse("committee:first_authors", args=[venue.slug])).status_code == 404


@pytest.mark.parametrize("name", ["pool", "pool_invite", "first_authors", "conflicts", "aliases", "assignment"])
def test_pool_chair_pages_are_404_for_others(venue, make_user, login, client, name):
    url = reverse(f"committee:{name}", args=[venue.slug])
    assert client.get(url).status_code == 404
    assert login(make_user("x@uni.edu", "X Person")).get(url).status_code == 404


def test_pool_hub_page(venue, make_user, login, chair, client):
    url = reverse("committee:hub", args=[venue.slug])
    assert "Sign in to volunteer" in client.get(url).content.decode()
    assert "Volunteer to review" in login(make_user("x@uni.edu", "X Person")).get(url).content.decode()
    assert re.search(r"Pool</a>: 0 accepted", login(chair).get(url).content.decode())


@pytest.mark.parametrize("name", ["pool", "first_authors"])
def test_pool_chair_lists_queries_do_not_grow(venue, make_user, make_paper, make_reviewer, login, chair, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(chair)
    url = reverse(f"committee:{name}", args=[venue.slug]) + "?show=all"

    def grow(n, offset):
        for i in range(offset, offset + n):
            make_reviewer(f"r{i}@lab{i}.org", f"Rev Iewer{i}", expertise=("circuits", "monitoring"))
            make_paper(f"Paper {i}", authors=((f"First Author{i}", f"f{i}@uni{i}.edu", None, ""), (f"Second Author{i}", f"s{i}@uni{i}.edu", None, "")))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(2, 0)
    before = count()
    grow(8, 2)
    assert count() == before
