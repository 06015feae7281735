"""Archival listings from the command line (issue 12 item 4):

    paperdesk archival import FILE --venue SLUG [--format dblp|bibtex|csv]
    paperdesk archival match --venue SLUG

`import` streams the file (a DBLP slice of hundreds of MB is fine) into an index on disk
and looks every paper up; `match` looks every paper up again in the venue's listings."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from paperdesk.submissions import archival
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.models import Venue


class Command(BaseCommand):
    help = "Import an archival listing (DBLP XML, BibTeX, CSV) and flag submissions that match published work."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        load = commands.add_parser("import", help="import a listing and match every paper")
        load.add_argument("file")
        load.add_argument("--venue", required=True)
        load.add_argument("--format", choices=["dblp", "bibtex", "csv"], default=None)
        again = commands.add_parser("match", help="match every paper against the venue's listings again")
        again.add_argument("--venue", required=True)

    def handle(self, *args, action, venue, **options):
        found = Venue.objects.filter(slug=venue).first()
        if found is None:
            raise CommandError(f"No venue '{venue}'.")
        if action == "import":
            try:
                with open(options["file"], "rb") as stream:
                    listing = archival.import_listing(venue=found, actor=None, stream=stream, filename=options["file"].rsplit("/", 1)[-1], kind=options["format"])
            except OSError as error:
                raise CommandError(f"Cannot read {options['file']}: {error.strerror}.") from None
            except ServiceError as error:
                raise CommandError(error.message) from None
            flagged = archival.open_matches().filter(submission__venue=found).values("submission").distinct().count()
            self.stdout.write(f"Imported {listing.records} records ({listing.kind}) into {found.slug}; {flagged} paper(s) with an archival match.")
        else:
            flagged = archival.match_venue(found)
            self.stdout.write(f"Matched {found.slug}: {flagged} paper(s) with an archival match.")
