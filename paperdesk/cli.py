"""The one `paperdesk` command.

`check` and `assign` are pure computations: they import their library only, so they start
fast and work without a database or settings. Every other subcommand is a Django
management command (venue, serve, migrate, createchair, ...).
"""

from __future__ import annotations

import os
import sys

PURE_COMMANDS = {
    "check": "paperdesk.checks.cli",
    "assign": "paperdesk.matching.cli",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PURE_COMMANDS:
        import importlib

        module = importlib.import_module(PURE_COMMANDS[argv[0]])
        return int(module.main(argv[1:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paperdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["paperdesk", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
