"""`paperdesk migrate` that two hosts may start at once: the second waits for the first and
then finds nothing to do, instead of failing half-way with a traceback.

PostgreSQL: a session-level advisory lock on the migrating connection. SQLite: an exclusive
lock (flock) on a file beside the database. Other databases: no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
import zlib

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

LOCK_KEY = zlib.crc32(b"paperdesk.migrate")  # a fixed 32-bit key shared by every host


@contextlib.contextmanager
def migration_lock(alias: str, say=lambda message: None):
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                say("Another `migrate` is running on this database; waiting for it to finish.")
                started = time.monotonic()
                cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
                say(f"... it finished after {time.monotonic() - started:.1f} s.")
        try:
            yield
        finally:
            if connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    elif connection.vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        path = f"{connection.settings_dict['NAME']}.migrate-lock"
        with open(path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say("Another `migrate` is running on this database; waiting for it to finish.")
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield


class Command(MigrateCommand):
    help = MigrateCommand.help + " Concurrent runs wait for each other (a database lock)."

    def handle(self, *args, **options):
        alias = options["database"]
        with migration_lock(alias, say=lambda m: self.stdout.write(m) if options["verbosity"] else None):
            return super().handle(*args, **options)
