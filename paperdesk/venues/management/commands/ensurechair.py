"""`paperdesk ensurechair`: make sure the default venue has a program chair."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from paperdesk.venues.bootstrap import DEFAULT_CHAIR_EMAIL, ensure_program_chair
from paperdesk.venues.management.errors import CleanFailures, CommandFailed
from paperdesk.venues.models import Venue


class Command(CleanFailures, BaseCommand):
    help = (
        "If the default venue has no program chair, create one (e-mail from --email, "
        "PAPERDESK_CHAIR_EMAIL or chair@paperdesk.localhost) and print a one-time password. "
        "Otherwise print who the chairs are. Safe to run again."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--email", help=f"e-mail of the chair account to create (default: $PAPERDESK_CHAIR_EMAIL or {DEFAULT_CHAIR_EMAIL})")
        parser.add_argument("--venue", default=None, help="venue slug (default: settings.DEFAULT_VENUE)")

    def handle(self, *args, email: str | None, venue: str | None, **options):
        slug = venue or settings.DEFAULT_VENUE
        target = Venue.objects.filter(slug=slug).first()
        if target is None:
            raise CommandFailed(f"The venue '{slug}' is not loaded; load it first: paperdesk venue load venues/{slug}.toml")
        address = (email or os.environ.get("PAPERDESK_CHAIR_EMAIL") or DEFAULT_CHAIR_EMAIL).strip()
        if "@" not in address:
            raise CommandFailed(f"'{address}' is not an e-mail address.")
        setup = ensure_program_chair(target, email=address)
        site = settings.SITE_URL.rstrip("/")
        if setup.created is not None:
            self.stdout.write(self.style.SUCCESS(f"Created the program chair account of {target.slug}:"))
            self.stdout.write(f"  e-mail:   {setup.created.email}")
            self.stdout.write(f"  password: {setup.password}")
            self.stdout.write(f"  This password is shown once. Sign in at {site}{reverse('account_login')}: the first sign-in asks "
                              f"for a password of your own ({site}{reverse('account_change_password')}) before anything else.")
        elif setup.existing_account is not None:
            self.stdout.write(self.style.SUCCESS(f"The existing account {setup.existing_account.email} is now program chair of {target.slug}; its password is unchanged."))
        else:
            chairs = ", ".join(f"{c.email} ({c.full_name})" if c.full_name else c.email for c in setup.chairs)
            self.stdout.write(f"{target.slug} already has program chair{'s' if len(setup.chairs) > 1 else ''}: {chairs}. Nothing to create.")
        for line in setup.granted:
            self.stdout.write(f"  granted program chair: {line}")
