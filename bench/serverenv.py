"""What the benches that start real servers (crash.py, surge.py) share: a throwaway data
folder and, for PostgreSQL, a throwaway database on the server a URL names, put into the
environment the bench and its child processes read; and dropping that database at the end."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

OWN = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")


def _server(database_url: str) -> str:
    return database_url.rsplit("/", 1)[0]


def throwaway_environment(prefix: str, database_url: str, database_name: str, **settings: str) -> dict[str, str]:
    """The child processes' environment (none of the caller's PAPERDESK_ settings), also set
    in this process; `settings`: more PAPERDESK_ variables."""
    var = Path(tempfile.mkdtemp(prefix=prefix))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERDESK_") and k not in OWN}
    if database_url:
        drop_database(database_url, database_name, create=True)
        env["DATABASE_URL"] = f"{_server(database_url)}/{database_name}"
    env.update(PAPERDESK_VAR=str(var), DJANGO_SETTINGS_MODULE="paperdesk.settings", PYTHONUNBUFFERED="1",
               PAPERDESK_SITE_URL="http://127.0.0.1", **settings)
    os.environ.update({k: v for k, v in env.items() if k.startswith("PAPERDESK_") or k in OWN})
    return env


def drop_database(database_url: str, database_name: str, *, create: bool = False) -> None:
    """Drop the throwaway database (and make it again, empty, with `create`)."""
    import psycopg

    with psycopg.connect(_server(database_url) + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database_name} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {database_name}")
