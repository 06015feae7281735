"""Bidding: submitted papers without authors, best match first, search and topic filter,
bids saved through htmx, conflicted papers never shown and never biddable (404)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paperdesk.committee.models import Bid, Conflict

CANARY = "Zebulon Canarywhistle"


@pytest.fixture
def world(venue, make_paper, make_reviewer, make_user):
    googler = make_user("ada@google.com", "Ada Googler")
    papers = {
        "sae": make_paper("Sparse autoencoders at scale", "Dictionary learning with sparse autoencoders finds monosemantic features.",
                          authors=((CANARY, "zeb@canary.edu", None, "Canary Institute"),), topic="unsupervised-discovery"),
        "probe": make_paper("Linear probes for truthfulness", "We train linear probes on residual streams to detect lies.",
                            authors=(("Bo Li", "bo@uni-b.edu", None, ""),), topic="monitoring"),
        "google": make_paper("Induction heads revisited", "Induction heads and in-context learning.",
                             authors=(("Ada Googler", "ada@google.com", googler, ""),), topic="circuits"),
        "draft": make_paper("A draft", "Not submitted yet.", authors=(("Cy Wu", "cy@uni-c.edu", None, ""),), status="draft"),
    }
    reviewer = make_reviewer("rev@deepmind.com", "Rev DeepMind", expertise=("unsupervised-discovery",),
                             publications=[("Towards monosemanticity with sparse autoencoders", "Dictionary learning of features.", 2024, [])])
    return {"papers": papers, "reviewer": reviewer}


def bids_url(venue, **query):
    from urllib.parse import urlencode

    return reverse("committee:bidding", args=[venue.slug]) + ("?" + urlencode(query) if query else "")


def test_bidding_lists_papers_best_match_first_without_authors_or_conflicts(venue, world, login):
    client = login(world["reviewer"])
    body = client.get(bids_url(venue)).content.decode()
    assert body.index("Sparse autoencoders at scale") < body.index("Linear probes for truthfulness")
    assert CANARY not in body and "zeb@canary.edu" not in body and "Canary Institute" not in body
    # google.com author vs deepmind.com reviewer: computed on first visit, never shown
    assert "Induction heads revisited" not in body
    assert Conflict.objects.filter(submission=world["papers"]["google"], user=world["reviewer"]).exists()
    assert "A draft" not in body
    assert "2 papers, best match first." in body


def test_bidding_search_and_topic_filters_never_match_authors(venue, world, login):
    client = login(world["reviewer"])
    assert "Linear probes" in client.get(bids_url(venue, q="residual")).content.decode()
    assert "Sparse autoencoders" not in client.get(bids_url(venue, q="residual")).content.decode()
    assert "0 papers match" in client.get(bids_url(venue, q="Canarywhistle")).content.decode()
    assert "0 papers match" in client.get(bids_url(venue, q="Induction")).content.decode()
    only = client.get(bids_url(venue, topic="monitoring")).content.decode()
    assert "Linear probes" in only and "Sparse autoencoders" not in only
    fragment = client.get(bids_url(venue, topic="monitoring"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="bid-list").content.decode()
    assert fragment.startswith('<div id="bid-list">')


def test_bidding_htmx_bid_set_change_clear(venue, world, login):
    client = login(world["reviewer"])
    paper = world["papers"]["probe"]
    url = reverse("committee:bid", args=[venue.slug, paper.public_id])
    response = client.post(url, {"value": "eager"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = response.content.decode()
    assert f'id="paper-{paper.public_id}"' in row and 'data-bid="eager"' in row and 'aria-pressed="true"' in row and "Saved" in row
    assert Bid.objects.get(user=world["reviewer"], submission=paper).value == "eager"
    client.post(url, {"value": "not_willing"}, HTTP_HX_REQUEST="true")
    assert Bid.objects.get(user=world["reviewer"]).value == "not_willing"
    assert client.post(url, {"value": "maybe"}, HTTP_HX_REQUEST="true").status_code == 400
    client.post(url, {"value": ""}, HTTP_HX_REQUEST="true")
    assert not Bid.objects.exists()
    client.post(url, {"value": "willing"})
    assert "1 paper match" in client.get(bids_url(venue, shown="willing")).content.decode()
    assert "1 paper match" in client.get(bids_url(venue, shown="unbid")).content.decode()


def test_bidding_on_a_conflicted_draft_or_unknown_paper_is_404(venue, world, login, make_user):
    client = login(world["reviewer"])
    client.get(bids_url(venue))  # computes the conflicts
    for key in ("google", "draft"):
        url = reverse("committee:bid", args=[venue.slug, world["papers"][key].public_id])
        assert client.post(url, {"value": "eager"}).status_code == 404
    assert client.post(reverse("committee:bid", args=[venue.slug, "nosuchpaper"]), {"value": "eager"}).status_code == 404
    assert not Bid.objects.exists()
    outsider = login(make_user("o@uni.edu", "O Utsider"))
    assert outsider.post(reverse("committee:bid", args=[venue.slug, world["papers"]["probe"].public_id]), {"value": "eager"}).status_code == 404
    response = outsider.get(bids_url(venue))
    assert response.status_code == 403 and "once they have accepted" in response.content.decode()


def test_bidding_declaring_a_conflict_removes_the_paper(venue, world, login):
    client = login(world["reviewer"])
    paper = world["papers"]["probe"]
    client.post(reverse("committee:bid", args=[venue.slug, paper.public_id]), {"value": "eager"})
    response = client.post(reverse("committee:bid_conflict", args=[venue.slug, paper.public_id]), HTTP_HX_REQUEST="true")
    assert "removed from your list" in response.content.decode()
    assert not Bid.objects.exists()
    assert "Linear probes" not in client.get(bids_url(venue)).content.decode()
    assert client.post(reverse("committee:bid", args=[venue.slug, paper.public_id]), {"value": "eager"}).status_code == 404


def test_bidding_page_queries_do_not_grow_with_papers(venue, world, login, make_paper):
    client = login(world["reviewer"])
    client.get(bids_url(venue))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(bids_url(venue)).status_code == 200
        return len(queries)

    before = count()
    for i in range(15):
        make_paper(f"Extra paper {i}", authors=((f"Au Thor{i}", f"a{i}@x{i}.edu", None, ""),), secondary=("monitoring",))
    from paperdesk.committee.conflicts import compute_conflicts

    compute_conflicts(venue)
    client.get(bids_url(venue))
    assert count() <= before + 2  # the cache stamp may be refreshed; never one query per paper
