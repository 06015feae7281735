"""Conflicts from the database: institutions through the alias table (google.com vs
deepmind.com), affiliations in the window, co-authors from publications, declarations by
authors and reviewers, the chairs' list and alias page, and the management command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from paperdesk.committee.conflicts import compute_conflicts
from paperdesk.committee.models import Assignment, Conflict, DeclaredConflict, InstitutionAlias


def pairs(venue):
    return {(c.submission.title, c.user.email, c.source) for c in Conflict.objects.filter(submission__venue=venue).select_related("submission", "user")}


def test_conflicts_google_author_and_deepmind_reviewer_conflict_through_the_db(venue, make_paper, make_reviewer, make_user):
    googler = make_user("ada@google.com", "Ada Googler")
    make_paper("Sparse circuits", authors=(("Ada Googler", "ada@google.com", googler, "Google Research"),))
    make_paper("Unrelated paper", authors=(("Bo Ng", "bo@gmail.com", None, ""),))
    make_reviewer("cy@deepmind.com", "Cy DeepMind")
    make_reviewer("di@gmail.com", "Di Gmail")
    stats = compute_conflicts(venue)
    assert pairs(venue) == {("Sparse circuits", "cy@deepmind.com", "institution")}
    row = Conflict.objects.get()
    assert row.reason == "same institution: Google / Google DeepMind"
    assert stats.total == 1 and stats.by_source == {"institution": 1}


def test_conflicts_affiliation_domain_and_years_from_the_account(venue, make_paper, make_reviewer, make_user):
    from paperdesk.accounts.models import Affiliation

    author = make_user("ann@gmail.com", "Ann Author")
    Affiliation.objects.create(user=author, institution="University of Oxford", email_domain="ox.ac.uk", start_year=2015, end_year=2024)
    make_paper("Oxford paper", authors=(("Ann Author", "ann@gmail.com", author, ""),))
    make_reviewer("rex@oxford.ac.uk", "Rex Oxford")
    old = make_reviewer("olga@gmail.com", "Olga Old")
    Affiliation.objects.create(user=old, institution="Oxford University", start_year=2000, end_year=2010)  # outside 3 years
    compute_conflicts(venue)
    assert pairs(venue) == {("Oxford paper", "rex@oxford.ac.uk", "institution")}


def test_conflicts_coauthors_from_publications_within_the_window(venue, make_paper, make_reviewer, make_user):
    year = venue.submission_deadline.year
    make_paper("Co-authored", authors=(("Jane Q. Doe", "jane@uni-a.edu", None, ""),))
    make_reviewer("rita@uni-b.edu", "Rita Recent", publications=[("Old work", "", year - 1, ["Doe, Jane Q."])])
    make_reviewer("otto@uni-c.edu", "Otto Old", publications=[("Older work", "", year - 10, ["Jane Q. Doe"])])
    compute_conflicts(venue)
    assert pairs(venue) == {("Co-authored", "rita@uni-b.edu", "coauthor")}
    assert Conflict.objects.get().reason == "reviewer co-authored with author Jane Q Doe"


def test_conflicts_an_author_in_the_pool_is_conflicted_with_their_own_paper(venue, make_paper, make_reviewer, make_user):
    user = make_reviewer("ada@uni.edu", "Ada Lovelace")
    make_paper("Own paper", authors=(("Ada Lovelace", "ada@uni.edu", user, ""),))
    compute_conflicts(venue)
    row = Conflict.objects.get(source="author")
    assert row.reason == "an author of the submission (same account)"
    assert Conflict.objects.get(source="institution").reason == "same institution: uni.edu"


def test_conflicts_declared_by_authors_by_email_name_and_institution(venue, make_paper, make_reviewer, make_user, run_jobs):
    from paperdesk.committee import services

    author = make_user("ann@uni.edu", "Ann Author")
    paper = make_paper("Declared", authors=(("Ann Author", "ann@uni.edu", author, ""),))
    make_reviewer("advisor@lab.org", "Ada Advisor")
    make_reviewer("sib@else.org", "Sam Sibling")
    make_reviewer("x@anthropic.com", "Xavier Anthropic")
    make_reviewer("free@else.org", "Free Reviewer")
    run_jobs(services.author_declare, submission=paper, actor=author, data=services.DeclarationInput(email="advisor@lab.org", note="advisor"))
    run_jobs(services.author_declare, submission=paper, actor=author, data=services.DeclarationInput(name="Sam Sibling"))
    run_jobs(services.author_declare, submission=paper, actor=author, data=services.DeclarationInput(institution="Anthropic"))
    got = {(email, source) for _, email, source in pairs(venue)}
    assert got == {("advisor@lab.org", "author_declared"), ("sib@else.org", "author_declared"), ("x@anthropic.com", "author_declared")}
    assert Conflict.objects.get(user__email="advisor@lab.org").reason == "declared by the authors: advisor@lab.org"


def test_conflicts_declared_by_reviewers_person_institution_and_paper(venue, make_paper, make_reviewer, make_user, run_jobs):
    from paperdesk.committee import services

    make_paper("By e-mail", authors=(("Kid Student", "kid@uni.edu", None, ""),))
    make_paper("By institution", authors=(("Meta Person", "m@fb.com", None, ""),))
    target = make_paper("By paper", authors=(("Some One", "some@one.org", None, ""),))
    make_paper("Free", authors=(("Free Author", "free@free.org", None, ""),))
    reviewer = make_reviewer("rev@uni.org", "Rev Iewer")
    run_jobs(services.reviewer_declare, venue=venue, actor=reviewer, data=services.DeclarationInput(email="kid@uni.edu"))
    run_jobs(services.reviewer_declare, venue=venue, actor=reviewer, data=services.DeclarationInput(institution="meta.com"))
    run_jobs(services.reviewer_declare, venue=venue, actor=reviewer, data=services.DeclarationInput(), submission=target)
    compute_conflicts(venue)  # a full recompute keeps every declaration
    assert {(t, s) for t, _, s in pairs(venue)} == {("By e-mail", "reviewer_declared"), ("By institution", "reviewer_declared"), ("By paper", "reviewer_declared")}


def test_conflicts_declaration_bad_input_is_refused(venue, make_paper, make_user):
    from paperdesk.committee import services

    author = make_user("ann@uni.edu", "Ann Author")
    paper = make_paper("P", authors=(("Ann Author", "ann@uni.edu", author, ""),))
    for data, text in [(services.DeclarationInput(), "Give a person"), (services.DeclarationInput(email="not-an-address"), "not an e-mail"),
                       (services.DeclarationInput(name="Bob"), "full name")]:
        with pytest.raises(services.ReviewingError, match=text):
            services.author_declare(submission=paper, actor=author, data=data)
    stranger = make_user("x@y.org", "X Y")
    with pytest.raises(services.ReviewingError):
        services.author_declare(submission=paper, actor=stranger, data=services.DeclarationInput(email="a@b.org"))


def test_conflicts_author_page_reachable_by_authors_only(venue, make_paper, make_user, login, chair):
    author = make_user("ann@uni.edu", "Ann Author")
    paper = make_paper("P", authors=(("Ann Author", "ann@uni.edu", author, ""),))
    url = reverse("committee:author_conflicts", args=[paper.public_id])
    client = login(author)
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "advisor@lab.org", "note": "my advisor"}, follow=True)
    assert "advisor@lab.org" in response.content.decode()
    assert DeclaredConflict.objects.filter(submission=paper, email="advisor@lab.org").exists()
    response = client.post(url, {"email": "nope"})
    assert response.status_code == 400 and "Enter a valid email address" in response.content.decode()
    assert login(chair).get(url).status_code == 200  # chairs read them
    assert login(make_user("o@o.org", "O O")).get(url).status_code == 404
    assert login(chair).post(url, {"email": "x@y.org"}).status_code == 403


def test_conflicts_alias_extension_makes_new_domains_conflict(venue, make_paper, make_reviewer, login, chair):
    make_paper("Acme paper", authors=(("Ann Acme", "ann@acme-research.com", None, ""),))
    make_reviewer("bob@acme-labs.io", "Bob Acme")
    compute_conflicts(venue)
    assert Conflict.objects.count() == 0
    client = login(chair)
    url = reverse("committee:aliases", args=[venue.slug])
    assert client.post(url, {"name": "Acme", "domains": "acme-research.com, acme-labs.io"}).status_code == 302
    assert client.post(url, {"name": "Bad", "domains": "not a domain"}).status_code == 400
    compute_conflicts(venue)
    assert Conflict.objects.get().reason == "same institution: Acme"
    # an entry naming a shipped institution extends it
    client.post(url, {"name": "DeepMind", "domains": "dm-research.org"})
    assert InstitutionAlias.objects.get(name="DeepMind").key == "google"


def test_conflicts_chair_list_and_recompute_button(venue, make_paper, make_reviewer, make_user, login, chair, run_jobs):
    googler = make_user("ada@google.com", "Ada Googler")
    make_paper("Sparse circuits", authors=(("Ada Googler", "ada@google.com", googler, ""),))
    make_reviewer("cy@deepmind.com", "Cy DeepMind")
    client = login(chair)
    run_jobs(client.post, reverse("committee:conflicts_compute", args=[venue.slug]))
    page = client.get(reverse("committee:conflicts", args=[venue.slug])).content.decode()
    assert "Cy DeepMind" in page and "same institution: Google / Google DeepMind" in page
    assert "1 conflict for 1 paper × " in page
    assert login(make_user("r@x.org", "R X")).get(reverse("committee:conflicts", args=[venue.slug])).status_code == 404


def test_conflicts_command_prints_count_and_time(venue, make_paper, make_reviewer, make_user):
    googler = make_user("ada@google.com", "Ada Googler")
    make_paper("Sparse circuits", authors=(("Ada Googler", "ada@google.com", googler, ""),))
    make_reviewer("cy@deepmind.com", "Cy DeepMind")
    out = io.StringIO()
    call_command("conflicts", venue.slug, stdout=out)
    assert out.getvalue().startswith("1 conflict (1 same institution) for 1 paper × 1 person in ")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No venue 'nope'"):
        call_command("conflicts", "nope")


def test_conflicts_google_deepmind_pair_is_never_assigned(venue, make_paper, make_reviewer, make_user, chair, run_jobs):
    from paperdesk.committee import assignment

    googler = make_user("ada@google.com", "Ada Googler")
    paper = make_paper("Sparse circuits", authors=(("Ada Googler", "ada@google.com", googler, ""),),
                       abstract="Sparse autoencoders find circuits in transformers.")
    for i in range(3):
        make_paper(f"Other {i}", authors=((f"Au Thor{i}", f"a{i}@uni{i}.edu", None, ""),))
    dm = make_reviewer("cy@deepmind.com", "Cy DeepMind", publications=[("Sparse autoencoders find circuits in transformers", "", 2024, [])])
    for i in range(4):
        make_reviewer(f"r{i}@lab{i}.org", f"Rev Number{i}")
    run = run_jobs(assignment.run_start, venue=venue, actor=chair)
    run.refresh_from_db()
    assert run.state == "done", run.message
    assert not Assignment.objects.filter(submission=paper, user=dm).exists()
    assert Assignment.objects.filter(user=dm).count() >= 1  # the best text match, elsewhere
    with pytest.raises(assignment.ReviewingError, match="conflict"):
        assignment.pair_add(venue=venue, submission=paper, user=dm, actor=chair)
