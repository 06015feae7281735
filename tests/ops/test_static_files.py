"""Static files are collected and compressed once, at install: hashed names served with a
year's cache and a gzip copy; `serve` does not collect them at every start. (No Brotli:
with the brotli package WhiteNoise spends 50 s of CPU at collectstatic on the API docs'
bundles; gzip takes 3 s.)"""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

import paperdesk.settings as production
from paperdesk.ops.management.commands import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def collected(tmp_path):
    """The production static settings, collected into a fresh STATIC_ROOT."""
    with override_settings(
        STORAGES={**production.STORAGES, "staticfiles": production.STORAGES["staticfiles"]},
        STATIC_ROOT=tmp_path,
        WHITENOISE_USE_FINDERS=production.WHITENOISE_USE_FINDERS,
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path


def test_collected_files_are_hashed_compressed_and_cached_for_a_year(db, collected):
    url = static("venues/venues.css")
    assert url != "/static/venues/venues.css"  # a hashed name: its content decides it
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age >= 365 * 24 * 3600
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)).startswith(b"/* The public venue pages")


def test_production_serves_only_collected_files():
    assert production.WHITENOISE_USE_FINDERS is False
    assert production.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_setup_collects_static_files(tmp_path):
    """`make setup` on a fresh install collects them (printed by make -n, not run)."""
    plan = subprocess.run([shutil.which("make") or "make", "-n", "setup", f"PAPERDESK_VAR={tmp_path}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "paperdesk collectstatic --no-input" in plan


def test_serve_does_not_collect_static_files_when_they_were_collected(db, collected, monkeypatch):
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda name, *a, **k: calls.append(name))
    serve.Command().prepare(collect=True)
    assert "collectstatic" not in calls


def test_serve_collects_once_when_install_did_not(db, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda name, *a, **k: calls.append(name))
    with override_settings(STORAGES={**production.STORAGES, "staticfiles": production.STORAGES["staticfiles"]}, STATIC_ROOT=tmp_path):
        serve.Command().prepare(collect=True)
    assert "collectstatic" in calls


def test_favicon_at_the_root_redirects_to_the_hashed_icon(db, collected):
    """Browsers ask /favicon.ico where a page names no icon (a PDF, the API's JSON)."""
    client = Client()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("paperdesk/favicon.ico") != "/static/paperdesk/favicon.ico"
    icon = client.get(response["Location"])
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/")
    assert client.post("/favicon.ico").status_code == 405
