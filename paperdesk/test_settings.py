"""Settings for the test suite: the real settings, with jobs run inline, mail kept in
memory, files and data in a throwaway directory, and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("PAPERDESK_VAR", tempfile.mkdtemp(prefix="paperdesk-test-"))

from paperdesk.settings import *
from paperdesk.settings import VAR_DIR

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": TASKS["default"]["QUEUES"]}}
EMAIL_BACKEND = os.environ.get("PAPERDESK_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "paperdesk.submissions.storage.DurableFileSystemStorage", "OPTIONS": {"location": str(VAR_DIR / "files")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "confirm_email": None}
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared memory: the live server's threads then use their own connections,
    # as a real server would, instead of sharing the test's one.
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / "test.sqlite3")
# Throttles and lookup bursts never slow the suite down; their own tests set real rates.
PAPERDESK_API_RATES = {"account": "1000000/m", "ip": "1000000/m"}
PAPERDESK_LOOKUP_BURST = "1000000/m"
