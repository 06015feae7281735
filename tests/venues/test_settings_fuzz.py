"""An attacker's (or a clumsy chair's) input to the settings forms: whatever is typed into
any field of any section, the answer is a saved change (302), a refusal with messages
(400/409) or nothing at all, never a server error, and what is stored always loads."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from settings_helpers import form_fields

from paperdesk.venueconfig import parse_venue
from paperdesk.venues import settings_forms as forms

pytestmark = pytest.mark.django_db

NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "0", "-1", "1e400", "nan", "inf", "9" * 30, "١٢", "2025-02-30T10:00", "9999-12-31T23:59",
                     "0001-01-01T00:00", "1: a\n1: b", "x: y\nz", "a:b:c", ".", "{{ nope }}", "<script>alert(1)</script>",
                     "\x00", "on", "choice", "text", "all", "Europe/Paris", "short", "long"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from([s.slug for s in forms.SECTIONS]), st.data())
def test_any_input_to_any_section_is_answered_without_a_server_error(chair, venue, section, data):
    with transaction.atomic():  # each example starts from the venue as loaded
        client = Client(raise_request_exception=False)
        client.force_login(chair)
        url = f"/v/{venue.slug}/chair/settings/{section}/"
        fields = form_fields(client.get(url).content.decode())
        names = sorted(fields)
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        changed = {**fields, **{name: data.draw(NASTY) for name in chosen}}
        response = client.post(url, changed)
        assert response.status_code in (302, 400, 409), (section, {n: changed[n] for n in chosen}, response.status_code)
        exported = client.get(f"/v/{venue.slug}/chair/settings/export.toml")
        assert exported.status_code == 200
        parse_venue(exported.content.decode())  # what is stored is a valid venue
        transaction.set_rollback(True)
