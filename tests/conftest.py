"""Shared fixtures: a loaded venue whose submission window is open, and people in it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENUE_FILE = ROOT / "venues" / "mechinterp-2025.toml"
SAMPLES = ROOT.parent / "shared" / "samples"


def make_pdf_bytes(pages: int = 1, text: str = "Paperdesk test paper") -> bytes:
    """A small valid PDF with a text layer, written without any PDF library."""
    objects = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>")
    font_id = 3 + 2 * pages
    for i in range(pages):
        content_id = 4 + 2 * i
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R /Resources << /Font << /F1 {font_id} 0 R >> >> >>")
        lines = [f"{text}, page {i + 1}, line {n + 1}: we study how circuits in small transformers compute." for n in range(40)]
        stream = "BT /F1 10 Tf 12 TL 108 720 Td " + " ".join(f"({line}) '" for line in lines) + " ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.fixture(autouse=True, scope="session")
def _select_for_update_needs_a_transaction():
    """PostgreSQL refuses SELECT ... FOR UPDATE outside a transaction; SQLite ignores the
    clause. Refuse it on SQLite too, so a missing transaction.atomic fails the first run."""
    from django.db import transaction
    from django.db.models.sql.compiler import SQLCompiler

    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        if self.query.select_for_update and self.connection.vendor == "sqlite" and self.connection.get_autocommit():
            raise transaction.TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = as_sql
    yield
    SQLCompiler.as_sql = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps rate-limit counters in the cache: every test starts at zero."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def venue_spec():
    from paperdesk.venueconfig import load_venue_file, rehearsal_copy

    return rehearsal_copy(load_venue_file(VENUE_FILE), dt.datetime.now(dt.UTC))


@pytest.fixture
def venue(db, venue_spec):
    """The default venue with its submission window open (deadline 14 days ahead)."""
    import dataclasses

    from paperdesk.venues.services import venue_load

    spec = dataclasses.replace(venue_spec, slug="mechinterp-2025", rehearsal=False)
    loaded, _ = venue_load(spec)
    return loaded


def _user(email: str, name: str, **extra):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password="correct horse battery", full_name=name, moderation_status="active", **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def make_user(db):
    return _user


@pytest.fixture
def author(db):
    return _user("ada@uni.edu", "Ada Lovelace")


@pytest.fixture
def other_author(db):
    return _user("grace@navy.mil.edu", "Grace Hopper")


@pytest.fixture
def chair(db, venue):
    from paperdesk.venues.models import VenueRole

    user = _user("chair@mechinterpworkshop.com", "Pat Chair")
    VenueRole.objects.create(venue=venue, user=user, role=VenueRole.Role.CHAIR)
    return user


@pytest.fixture
def pdf_bytes():
    return make_pdf_bytes(3)


# --- real-browser tests: Playwright drives Debian's Chromium against the live server ----

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PAPERDESK_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    contexts = []

    def make():
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) on a free local port; Django sends to it."""
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()
