"""The pure rules: institutional domains and the identifiers people enter on their profile."""

from __future__ import annotations

import pytest

from paperdesk.accounts import identifiers
from paperdesk.accounts.moderation import email_domain, initial_status, is_institutional
from paperdesk.venueconfig.spec import AccountRules

RULES = AccountRules(
    approval="institutional",
    institutional_suffixes=(".edu", ".ac.uk", "ac.jp"),
    institutional_domains=("ox.ac.uk", "anthropic.com", "@Mila.Quebec"),
)


@pytest.mark.parametrize(
    "email",
    ["a@mit.edu", "a@cs.stanford.edu", "a@ox.ac.uk", "a@cs.ox.ac.uk", "A@Anthropic.COM", "a@eng.anthropic.com", "a@mila.quebec", "a@u-tokyo.ac.jp", "a@mit.edu."],
)
def test_institutional_domain_matches(email):
    assert is_institutional(email, RULES) is True


@pytest.mark.parametrize(
    "email",
    ["a@gmail.com", "a@notanthropic.com", "a@anthropic.com.evil.org", "a@edu", "a@ac.uk", "a@myedu.com", "no-at-sign", "", "a@"],
)
def test_institutional_domain_does_not_match(email):
    assert is_institutional(email, RULES) is False


def test_institutional_initial_status_follows_the_approval_mode():
    assert initial_status("a@mit.edu", RULES) == "active"
    assert initial_status("a@gmail.com", RULES) == "pending"
    everyone = AccountRules(approval="all")
    assert initial_status("a@gmail.com", everyone) == "active"
    nobody = AccountRules(approval="moderate-all")
    assert initial_status("a@mit.edu", nobody) == "pending"


def test_institutional_email_domain_is_lowercased():
    assert email_domain("Name <weird>@CS.Ox.AC.UK") == "cs.ox.ac.uk"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("octocat", "octocat"),
        ("@octocat", "octocat"),
        (" https://github.com/octocat ", "octocat"),
        ("github.com/octo-cat/hello-world/tree/main", "octo-cat"),
        ("http://www.github.com/Octo1/", "Octo1"),
        ("a" * 39, "a" * 39),
        ("", ""),
    ],
)
def test_identifiers_github_username_is_normalised(value, expected):
    assert identifiers.github_username(value) == expected


@pytest.mark.parametrize("value", ["-octocat", "octo_cat", "a" * 40, "octo cat", "https://github.com/", "https://gitlab.com/octocat"])
def test_identifiers_github_username_rejects(value):
    with pytest.raises(identifiers.InvalidIdentifier):
        identifiers.github_username(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("julien-c", "julien-c"),
        ("https://huggingface.co/julien-c", "julien-c"),
        ("huggingface.co/datasets/open_data/corpus", "open_data"),
        ("https://hf.co/spaces/user.name/demo", "user.name"),
        ("", ""),
    ],
)
def test_identifiers_huggingface_username_is_normalised(value, expected):
    assert identifiers.huggingface_username(value) == expected


@pytest.mark.parametrize("value", ["-user", "user name", "https://huggingface.co/spaces/", "x" * 97])
def test_identifiers_huggingface_username_rejects(value):
    with pytest.raises(identifiers.InvalidIdentifier):
        identifiers.huggingface_username(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000 0002 1694 233x", "0000-0002-1694-233X"),
        ("000000021825009 7", "0000-0002-1825-0097"),
        ("", ""),
    ],
)
def test_identifiers_orcid_is_normalised(value, expected):
    assert identifiers.orcid(value) == expected


def test_identifiers_orcid_rejects_bad_check_digit_and_shape():
    with pytest.raises(identifiers.InvalidIdentifier, match="check digit does not match"):
        identifiers.orcid("0000-0002-1825-0098")
    with pytest.raises(identifiers.InvalidIdentifier, match="is not an ORCID iD"):
        identifiers.orcid("0000-0002-1825")
    with pytest.raises(identifiers.InvalidIdentifier, match="is not an ORCID iD"):
        identifiers.orcid("X000-0002-1825-0097")
