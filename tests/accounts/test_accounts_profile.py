"""The profile page: names, online identities, affiliations and e-mail addresses."""

from __future__ import annotations

from accounts_helpers import confirm_from_outbox
from allauth.account.models import EmailAddress
from django.core import mail

from paperdesk.accounts.models import Affiliation, User
from paperdesk.audit.models import AuditEntry


def profile_data(**overrides) -> dict:
    data = {
        "full_name": "Ada Lovelace",
        "other_names": "",
        "github": "",
        "huggingface": "",
        "orcid": "",
        "website": "",
        "aff-TOTAL_FORMS": "1",
        "aff-INITIAL_FORMS": "0",
        "aff-MIN_NUM_FORMS": "0",
        "aff-MAX_NUM_FORMS": "1000",
        "aff-0-institution": "",
        "aff-0-email_domain": "",
        "aff-0-start_year": "",
        "aff-0-end_year": "",
    }
    data.update(overrides)
    return data


def test_profile_requires_sign_in(client, venue):
    response = client.get("/me/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/profile/"


def test_profile_page_shows_the_fields_and_emails(client, venue, author):
    EmailAddress.objects.create(user=author, email="ada@gmail.com", verified=False)
    client.force_login(author)
    page = client.get("/me/profile/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Ada Lovelace"' in html
    for label in ("Full name", "GitHub username", "HuggingFace username", "ORCID iD"):
        assert f">{label}" in html
    assert '<label for="id_other_names">Other names used in papers <span class="muted small">(optional)</span></label>' in html
    assert '<li>ada@uni.edu\n            <span class="badge ok">verified</span>\n            <span class="badge">primary</span></li>' in html
    assert '<li>ada@gmail.com\n            <span class="badge warn">not verified</span>' in html
    assert '<a class="button secondary small" href="/accounts/email/">Manage e-mail addresses</a>' in html


def test_profile_edit_saves_and_normalises_every_field(client, venue, author):
    client.force_login(author)
    response = client.post(
        "/me/profile/",
        profile_data(
            full_name="  Augusta   Ada King ",
            other_names="Ada Lovelace\nA. Lovelace\n\n  A.  King \na. lovelace",
            github="https://github.com/ada-l/analytical-engine",
            huggingface="https://huggingface.co/spaces/adal/demo",
            orcid="https://orcid.org/0000-0002-1694-233x",
            website="ada.example.org",
            **{
                "aff-TOTAL_FORMS": "2",
                "aff-0-institution": "University of London",
                "aff-0-email_domain": "@London.AC.uk",
                "aff-0-start_year": "2015",
                "aff-0-end_year": "2019",
                "aff-1-institution": "Analytical Society",
                "aff-1-start_year": "2019",
            },
        ),
        follow=True,
    )
    assert response.redirect_chain == [("/me/profile/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["Your profile is saved."]
    user = User.objects.get(pk=author.pk)
    assert user.full_name == "Augusta Ada King"
    assert user.other_names == ["Ada Lovelace", "A. Lovelace", "A. King"]
    assert user.github == "ada-l"
    assert user.huggingface == "adal"
    assert user.orcid == "0000-0002-1694-233X"
    assert user.website == "https://ada.example.org"
    assert list(Affiliation.objects.filter(user=user).order_by("institution").values_list("institution", "email_domain", "start_year", "end_year")) == [
        ("Analytical Society", "", 2019, None),
        ("University of London", "london.ac.uk", 2015, 2019),
    ]
    entry = AuditEntry.objects.get(action="account.profile_update")
    assert entry.data == {"fields": ["full_name", "other_names", "github", "huggingface", "orcid", "website", "affiliations"]}

    again = client.get("/me/profile/").content.decode()
    assert "Ada Lovelace\nA. Lovelace\nA. King</textarea>" in again
    assert again.index('value="Analytical Society"') < again.index('value="University of London"')  # current first


def test_profile_invalid_orcid_is_rejected_with_a_clear_message(client, venue, author):
    client.force_login(author)
    response = client.post("/me/profile/", profile_data(orcid="0000-0002-1825-0098", github="octocat"))
    assert response.status_code == 400
    assert response.context["form"].errors["orcid"] == [
        "“0000-0002-1825-0098” is not a valid ORCID iD: its check digit does not match. Please copy it again from orcid.org."
    ]
    html = response.content.decode()
    assert "Your profile is not saved: please correct the fields marked below." in html
    assert "is not a valid ORCID iD: its check digit does not match." in html
    assert User.objects.get(pk=author.pk).github == ""


def test_profile_malformed_orcid_is_rejected(client, venue, author):
    client.force_login(author)
    response = client.post("/me/profile/", profile_data(orcid="1234"))
    assert response.status_code == 400
    assert response.context["form"].errors["orcid"] == ["“1234” is not an ORCID iD: it has the form 0000-0002-1825-0097 (16 digits, the last may be X)."]


def test_profile_invalid_github_username_is_rejected_with_a_clear_message(client, venue, author):
    client.force_login(author)
    response = client.post("/me/profile/", profile_data(github="-ada"))
    assert response.status_code == 400
    assert response.context["form"].errors["github"] == [
        "“-ada” is not a GitHub username: use 1 to 39 letters, digits or hyphens, not starting with a hyphen."
    ]
    assert "“-ada” is not a GitHub username" in response.content.decode()
    too_long = client.post("/me/profile/", profile_data(github="a" * 40))
    assert too_long.context["form"].errors["github"][0].startswith(f"“{'a' * 40}” is not a GitHub username")


def test_profile_affiliation_end_before_start_is_rejected(client, venue, author):
    client.force_login(author)
    response = client.post(
        "/me/profile/",
        profile_data(**{"aff-0-institution": "MIT", "aff-0-start_year": "2020", "aff-0-end_year": "2019", "aff-0-email_domain": "not a domain"}),
    )
    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors
    assert errors["end_year"] == ["The end year is before the start year."]
    assert errors["email_domain"] == ["“not a domain” is not an e-mail domain (e.g. ox.ac.uk)."]
    assert not Affiliation.objects.exists()


def test_profile_affiliation_can_be_removed(client, venue, author):
    Affiliation.objects.create(user=author, institution="Old Lab", start_year=2010, end_year=2015)
    Affiliation.objects.create(user=author, institution="New Lab", start_year=2016)
    client.force_login(author)
    page = client.get("/me/profile/")
    assert page.context["formset"].initial_form_count() == 2
    data = profile_data(
        **{
            "aff-TOTAL_FORMS": "3",
            "aff-INITIAL_FORMS": "2",
            "aff-0-institution": "New Lab",
            "aff-0-start_year": "2016",
            "aff-1-institution": "Old Lab",
            "aff-1-start_year": "2010",
            "aff-1-end_year": "2015",
            "aff-1-DELETE": "on",
            "aff-2-institution": "",
        }
    )
    response = client.post("/me/profile/", data)
    assert response.status_code == 302
    assert list(Affiliation.objects.filter(user=author).values_list("institution", flat=True)) == ["New Lab"]


def test_profile_second_email_is_verified_by_its_own_link(client, venue, author):
    client.force_login(author)
    response = client.post("/accounts/email/", {"action_add": "", "email": "ada@gmail.com"})
    assert response.status_code == 302
    address = EmailAddress.objects.get(email="ada@gmail.com")
    assert (address.user, address.verified) == (author, False)
    assert mail.outbox[-1].to == ["ada@gmail.com"]
    page = confirm_from_outbox(client, "ada@gmail.com")
    assert page.redirect_chain[-1][0] == "/accounts/email/"
    assert EmailAddress.objects.get(email="ada@gmail.com").verified is True
    html = page.content.decode()
    assert "<h1>E-mail addresses</h1>" in html
    assert '> ada@gmail.com</label>\n      <span class="badge ok">verified</span>' in html
