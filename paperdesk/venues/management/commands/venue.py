"""`paperdesk venue check|load|list|grant|export`: venue files and roles from the command line."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from paperdesk import clock
from paperdesk.venueconfig import VenueConfigError, VenueSpec, load_venue_file, rehearsal_copy
from paperdesk.venues.management.errors import CleanFailures, CommandFailed
from paperdesk.venues.models import Venue, VenueRole
from paperdesk.venues.services import VenueUpdateRefused, aware, role_grant, venue_load_reported
from paperdesk.venues.timeline import zone_label

INVALID = 2  # exit status for a venue file that does not validate
REFUSED = 1  # exit status for a change the database refuses


def when(spec: VenueSpec, key: str) -> str:
    moment = aware(spec, key)
    return f"{spec.dates[key]:%a %d %b %Y, %H:%M} {zone_label(spec.timezone, moment)}"


def summary(spec: VenueSpec) -> str:
    return (
        f"venue {spec.slug}: {len(spec.tracks)} tracks ({', '.join(f'{t.slug} max {t.max_pages} pages' for t in spec.tracks)}), "
        f"{len(spec.topics)} topics, {len(spec.contribution_types)} contribution types, "
        f"{len(spec.submission.attestations)} attestations; submission deadline {when(spec, 'submission_deadline')}"
    )


class Command(CleanFailures, BaseCommand):
    help = "Check and load venue files, list venues, grant roles."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{check,load,list,grant,export}")
        check = sub.add_parser("check", help="validate venue files; problems are listed with their line numbers (exit status 2)")
        check.add_argument("files", nargs="+", metavar="FILE")
        load = sub.add_parser("load", help="validate a venue file and create or update its venue (data is kept)")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--rehearsal", action="store_true",
                          help="load a labelled copy (slug <slug>-rehearsal) whose submission deadline is DAYS days ahead; other dates keep their distance")
        load.add_argument("--days-ahead", type=int, default=14, metavar="DAYS", help="for --rehearsal (default: 14)")
        sub.add_parser("list", help="list the loaded venues")
        grant = sub.add_parser("grant", help="give an existing account a role in a venue")
        grant.add_argument("slug", metavar="SLUG")
        grant.add_argument("email", metavar="EMAIL")
        grant.add_argument("role", choices=VenueRole.Role.values, metavar="{" + ",".join(VenueRole.Role.values) + "}")
        export = sub.add_parser("export", help="print a venue's settings (as edited in the browser) as a venue file")
        export.add_argument("slug", metavar="SLUG")
        export.add_argument("--version", type=int, metavar="N", help="a settings version from the history (default: the current settings)")
        export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of printing")

    def handle(self, *args, action: str, **options):
        getattr(self, f"handle_{action}")(**options)

    # --- check ----------------------------------------------------------------------------

    def handle_check(self, *, files: list[str], **options):
        failures = []
        for name in files:
            try:
                spec = load_venue_file(name)
            except VenueConfigError as error:
                failures.append(error.render())
                continue
            except OSError as error:
                failures.append(f"{name}: cannot read the file: {error.strerror}")
                continue
            self.stdout.write(f"{name}: ok ({summary(spec)})")
            if aware(spec, "submission_deadline") < clock.now():
                self.stdout.write(f"  note: the submission deadline has passed; `paperdesk venue load {name} --rehearsal` loads a copy with the deadline ahead.")
        if failures:
            raise CommandFailed("\n".join(failures), returncode=INVALID)

    # --- load -----------------------------------------------------------------------------

    def handle_load(self, *, file: str, rehearsal: bool, days_ahead: int, **options):
        try:
            spec = load_venue_file(file)
        except VenueConfigError as error:
            raise CommandFailed(error.render() + "\nNothing was loaded.", returncode=INVALID) from None
        except OSError as error:
            raise CommandFailed(f"{file}: cannot read the file: {error.strerror}. Nothing was loaded.", returncode=INVALID) from None
        if rehearsal:
            if days_ahead < 1:
                raise CommandFailed("--days-ahead must be at least 1.", returncode=INVALID)
            spec = rehearsal_copy(spec, clock.now(), days_ahead=days_ahead)
        try:
            outcome = venue_load_reported(spec, source_path=str(Path(file).resolve()))
        except VenueUpdateRefused as refusal:
            raise CommandFailed(f"{file}: refused: {refusal}", returncode=REFUSED) from None
        venue = outcome.venue
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(f"Created venue {venue.slug} ({venue.name}) from {file}."))
        else:
            kept = f"{outcome.submissions} submission{'s' if outcome.submissions != 1 else ''} kept"
            if outcome.changes:
                self.stdout.write(self.style.SUCCESS(f"Updated venue {venue.slug} from {file}; {kept}. Changed:"))
                for change in outcome.changes:
                    self.stdout.write(f"  - {change}")
            else:
                self.stdout.write(f"Venue {venue.slug} is up to date with {file} (nothing changed; {kept}).")
        if rehearsal:
            self.stdout.write(f"  Rehearsal copy: submission deadline {when(spec, 'submission_deadline')}, "
                              f"{days_ahead} days ahead; the other dates keep their distance to it.")
        self.stdout.write(f"  {len(spec.tracks)} tracks, {len(spec.topics)} topics, {len(spec.contribution_types)} contribution types")
        for key in spec.dates:
            self.stdout.write(f"  {key.replace('_', ' '):<22} {when(spec, key)}")
        if not rehearsal and aware(spec, "submission_deadline") < clock.now():
            self.stdout.write(f"  note: the submission deadline has passed; `paperdesk venue load {file} --rehearsal` loads a copy to try things in.")
        self.stdout.write(f"  {settings.SITE_URL.rstrip('/')}/v/{venue.slug}/")

    # --- list -----------------------------------------------------------------------------

    def handle_list(self, **options):
        venues = Venue.objects.annotate(
            n_submissions=Count("submissions", distinct=True),
            n_chairs=Count("roles", filter=Q(roles__role=VenueRole.Role.CHAIR), distinct=True),
        ).order_by("is_rehearsal", "slug")
        if not venues:
            self.stdout.write("No venue is loaded. Load one with `paperdesk venue load venues/mechinterp-2025.toml`.")
            return
        now = clock.now()
        rows = [("SLUG", "SUBMISSIONS", "CHAIRS", "SUBMISSION DEADLINE", "NAME")]
        for v in venues:
            deadline = v.local(v.submission_deadline)
            passed = " (passed)" if v.submission_deadline < now else ""
            rows.append((
                v.slug + (" *" if v.slug == settings.DEFAULT_VENUE else ""),
                str(v.n_submissions),
                str(v.n_chairs),
                f"{deadline:%Y-%m-%d %H:%M} {zone_label(v.timezone, v.submission_deadline)}{passed}",
                v.name,
            ))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            cells = [cell.rjust(w) if i in (1, 2) else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
            self.stdout.write("  ".join(cells + [row[-1]]).rstrip())
        self.stdout.write("* the default venue")

    # --- grant ----------------------------------------------------------------------------

    def handle_grant(self, *, slug: str, email: str, role: str, **options):
        from allauth.account.models import EmailAddress

        venue = Venue.objects.filter(slug=slug).first()
        if venue is None:
            known = ", ".join(Venue.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandFailed(f"No venue '{slug}' (known: {known}).")
        User = get_user_model()
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            address = EmailAddress.objects.filter(email__iexact=email.strip(), verified=True).select_related("user").first()
            user = address.user if address else None
        if user is None:
            raise CommandFailed(
                f"No account with the e-mail address {email}. The person signs up first at "
                f"{settings.SITE_URL.rstrip('/')}/accounts/signup/ (the first chair can also come from `paperdesk ensurechair`)."
            )
        label = VenueRole.Role(role).label
        _, created = role_grant(venue, user, role)
        if created:
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now {label} of {venue.slug}."))
        else:
            self.stdout.write(f"{user.email} already is {label} of {venue.slug}; nothing changed.")
        if not user.is_approved:
            self.stdout.write(f"  note: this account is {user.get_moderation_status_display().lower()}; the role does not approve it.")

    # --- export ---------------------------------------------------------------------------

    def handle_export(self, *, slug: str, version: int | None, output: str | None, **options):
        from paperdesk.venues.settings_selectors import version_toml

        venue = Venue.objects.filter(slug=slug).first()
        if venue is None:
            known = ", ".join(Venue.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandFailed(f"No venue '{slug}' (known: {known}).")
        found = None
        if version is not None:
            found = venue.settings_versions.select_related("actor").filter(number=version).first()
            if found is None:
                raise CommandFailed(f"Venue {slug} has no settings version {version} (see /v/{slug}/chair/settings/history/).")
        text = version_toml(venue, found)
        if not output:
            self.stdout.write(text, ending="")
            return
        Path(output).write_text(text, encoding="utf-8")
        number = found.number if found else venue.settings_versions.order_by("-number").values_list("number", flat=True).first()
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} (settings version {number})."))
