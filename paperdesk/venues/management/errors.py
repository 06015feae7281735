"""Command failures whose message is complete as written: on the command line they are
printed as they are (no "CommandError:" prefix) with their exit status; through
call_command they are raised like any CommandError."""

from __future__ import annotations

import sys

from django.core.management.base import CommandError


class CommandFailed(CommandError):
    pass


class CleanFailures:
    """Mixin for BaseCommand subclasses."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandFailed as failure:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            if str(failure):
                self.stderr.write(str(failure))
            sys.exit(failure.returncode)
