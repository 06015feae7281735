"""Server settings. Everything deployment-specific comes from the environment;
everything venue-specific comes from the venue's TOML file."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PAPERDESK_VAR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    if key := os.environ.get("PAPERDESK_SECRET_KEY"):
        return key
    # Embedded mode: a key generated once and kept beside the data, never in the repository.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("PAPERDESK_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("PAPERDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("PAPERDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("PAPERDESK_SITE_URL", "http://127.0.0.1:8000")

# Behind a reverse proxy: who may say who the client is (a count of proxies, or their
# addresses/CIDRs); paperdesk.ops.proxy rewrites REMOTE_ADDR from X-Forwarded-For, so
# allauth's per-IP limits, throttles, logs and the audit see the client. (allauth's own
# ALLAUTH_TRUSTED_PROXY_COUNT stays 0: the address it reads is already the client's.)
PAPERDESK_TRUSTED_PROXIES = os.environ.get("PAPERDESK_TRUSTED_PROXIES", "")
if PAPERDESK_TRUSTED_PROXIES.strip():
    # The proxy terminates TLS and says so; the middleware drops this header from any
    # peer that is not a trusted proxy, so a client cannot claim HTTPS itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /metrics answers loopback clients, or anyone presenting this bearer token.
PAPERDESK_METRICS_TOKEN = os.environ.get("PAPERDESK_METRICS_TOKEN", "")
# /readyz says "not ready" when no job worker has beaten for this long.
PAPERDESK_WORKER_STALE_SECONDS = float(os.environ.get("PAPERDESK_WORKER_STALE_SECONDS", "60"))
DEFAULT_VENUE = os.environ.get("PAPERDESK_DEFAULT_VENUE", "mechinterp-2025")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Paperdesk's accounts app comes first so its templates override allauth's.
    "paperdesk.accounts",
    "allauth",
    "allauth.account",
    "django_tasks",
    # Before django_tasks_db: its `db_worker` command is the lease-holding one (paperdesk.jobs).
    "paperdesk.jobs",
    "django_tasks_db",
    "ninja",
    "paperdesk.audit",
    # The outbox (every outbound message, its state) and e-mail preferences: paperdesk.mail.
    "paperdesk.mail",
    "paperdesk.venues",
    "paperdesk.submissions",
    "paperdesk.committee",
    "paperdesk.reviews",
    "paperdesk.decisions",
    # What follows an acceptance: camera-ready versions and the published program.
    "paperdesk.cameraready",
    "paperdesk.api",
    # The demo (`make demo`): fills every app above, so it comes after them all.
    "paperdesk.demo",
    # Operations: proxy-aware client address, request ids, /healthz /readyz /metrics, and
    # a `migrate` that takes a database lock so two hosts starting at once do not collide.
    "paperdesk.ops",
]

MIDDLEWARE = [
    # First: the client's address behind a trusted proxy (PAPERDESK_TRUSTED_PROXIES), then
    # the request id and access log, so everything after sees the client, not the proxy.
    "paperdesk.ops.proxy.ClientAddressMiddleware",
    "paperdesk.ops.requests.RequestContextMiddleware",
    # Load balancers probe /healthz and /readyz at a process's own address: answered before
    # the Host header is checked (paperdesk/ops/probes.py).
    "paperdesk.ops.probes.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy: CONTENT_SECURITY_POLICY below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: a declared length beyond every venue's limit is a 413.
    "paperdesk.submissions.body_limit.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # paperdesk.security: no caching of signed-in answers; a burst of 404s is a 429 and audited.
    "paperdesk.security.NoStoreForSignedInMiddleware",
    "paperdesk.security.LookupBurstMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "paperdesk.accounts.middleware.ModerationMiddleware",
]

ROOT_URLCONF = "paperdesk.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "paperdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "paperdesk.venues.context.venue_context",
                "paperdesk.venues.context.navigation_context",
            ],
            "builtins": ["paperdesk.venues.templatetags.counts"],  # {{ n|count:"page" }} everywhere
        },
    }
]
WSGI_APPLICATION = "paperdesk.wsgi.application"

# Databases: embedded SQLite under var/ unless DATABASE_URL names another (PostgreSQL at scale).
_sqlite_path = VAR_DIR / "paperdesk.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{_sqlite_path}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Files: content-addressed blobs on disk (embedded) or S3-compatible storage at scale.
MEDIA_ROOT = Path(os.environ.get("PAPERDESK_MEDIA_ROOT", VAR_DIR / "files"))
_s3_bucket = os.environ.get("PAPERDESK_S3_BUCKET")
# Any S3-compatible store (AWS, MinIO, Garage, Ceph RGW...): AWS_S3_ENDPOINT_URL names it,
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are read by boto3 from the environment.
# Blobs are content-addressed (the key is the SHA-256 of the bytes), so writing an existing
# key writes the same bytes again: overwrite, never rename to a new key (which left orphans
# and a 500 when two identical files arrived at once).
_s3_options = {
    "bucket_name": _s3_bucket,
    "file_overwrite": True,
    "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
    "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "path" for most MinIO/Garage setups
}
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
        if _s3_bucket
        else {"BACKEND": "paperdesk.submissions.storage.DurableFileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}}
    ),
    # Static files are collected once, at install or image build (`paperdesk collectstatic`,
    # run by `make setup`): hashed names and gzip copies, served by WhiteNoise with
    # a year's cache (the name changes when the content does). DEBUG serves the sources.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if not DEBUG else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "paperdesk" / "static"]
STATIC_ROOT = Path(os.environ.get("PAPERDESK_STATIC_ROOT", VAR_DIR / "static"))
WHITENOISE_USE_FINDERS = DEBUG  # in production only what collectstatic wrote is served
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PAPERDESK_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        # "checks": the PDF checks, kept apart so they neither wait behind nor hold up the
        # rest (paperdesk.jobs.CHECKS_QUEUE; `paperdesk serve` runs a worker for each).
        "QUEUES": ["default", "checks"],
    }
}
# Job leases (paperdesk.jobs): a worker not heard from for this long is dead and its jobs
# are taken over; a job is tried at most this many times, then failed for a person to retry.
JOB_LEASE_SECONDS = float(os.environ.get("PAPERDESK_JOB_LEASE_SECONDS", "30"))
JOB_MAX_ATTEMPTS = int(os.environ.get("PAPERDESK_JOB_MAX_ATTEMPTS", "3"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the identity; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Paperdesk] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# "login_failed": the "/key" rate counts per (address, client IP) (AccountAdapter's
# _get_login_attempts_cache_key): wrong passwords from one place never lock the owner out
# from another; the "/ip" rate bounds one client across addresses.
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("PAPERDESK_LOGIN_RATE", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "paperdesk.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "paperdesk.accounts.forms.SignupForm"}
ACCOUNT_MAX_EMAIL_ADDRESSES = 10

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "paperdesk_cache",
    }
}

# E-mail: files under var/mail by default; SMTP when PAPERDESK_SMTP_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("PAPERDESK_FROM_EMAIL", "Paperdesk <noreply@paperdesk.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("PAPERDESK_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["PAPERDESK_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("PAPERDESK_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("PAPERDESK_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("PAPERDESK_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("PAPERDESK_SMTP_TLS", False)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = os.environ.get("PAPERDESK_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
# Every message goes through a thin backend that counts sent and failed e-mails for /metrics
# and hands them to the backend chosen above.
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "paperdesk.ops.mail.MeteredEmailBackend"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

SESSION_COOKIE_HTTPONLY = True
# HTTPS deployments (PAPERDESK_HTTPS=1, the default when PAPERDESK_SITE_URL is https):
# cookies only over HTTPS, HSTS (sent on HTTPS requests; behind a TLS-terminating proxy set
# PAPERDESK_TRUSTED_PROXIES so that its X-Forwarded-Proto is believed), and optionally a
# redirect of plain HTTP to HTTPS (PAPERDESK_SSL_REDIRECT, for when no proxy does it).
HTTPS = env_bool("PAPERDESK_HTTPS", SITE_URL.startswith("https"))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("PAPERDESK_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PAPERDESK_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("PAPERDESK_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = HTTPS and env_bool("PAPERDESK_SSL_REDIRECT", False)
if HTTPS and env_bool("PAPERDESK_PROXY_SSL_HEADER", False):
    # For a TLS-terminating proxy not listed in PAPERDESK_TRUSTED_PROXIES: it must strip any
    # X-Forwarded-Proto a client sends (see Django's SECURE_PROXY_SSL_HEADER warning).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every response (django-csp): scripts and style elements from
# this site or carrying the request's nonce (`{{ request.csp_nonce }}`); no inline event
# handlers, no eval (htmx runs with allowEval off and no indicator <style>: paperdesk.js).
# Style attributes stay allowed (style-src-attr): progress bars set their width there, and
# an attribute cannot load or run anything.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# API throttling (paperdesk.api.throttling, ninja's throttles) per account and per client
# IP, and lookup bursts (paperdesk.security.LookupBurstMiddleware: this many 404s in the
# window make a client wait until the window ends, audited for the chairs). A rate is
# "count/period" with period s, m, h or d and an optional multiplier ("60/10m"); empty
# turns the limit off.
PAPERDESK_API_RATES = {
    "account": os.environ.get("PAPERDESK_API_RATE_ACCOUNT", "300/m"),
    "ip": os.environ.get("PAPERDESK_API_RATE_IP", "600/m"),
    # failed API sign-ins (401: bad, revoked or missing tokens) per client IP; then 429 for any token
    "auth_failures": os.environ.get("PAPERDESK_API_RATE_AUTH_FAILURES", "20/10m"),
}
PAPERDESK_LOOKUP_BURST = os.environ.get("PAPERDESK_LOOKUP_BURST", "60/10m")

# Logs on stderr, one line per event with the time, level, request id and client address:
# JSON lines (python-json-logger) for a log collector, or text for a person at a terminal
# (PAPERDESK_LOG_FORMAT=text). The access log is `paperdesk.access` (PAPERDESK_ACCESS_LOG=0 mutes it).
LOG_FORMAT = os.environ.get("PAPERDESK_LOG_FORMAT", "json").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "paperdesk.requestcontext.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(client_ip)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601, UTC
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(client_ip)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request"], "formatter": "text" if LOG_FORMAT == "text" else "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PAPERDESK_LOG_LEVEL", "WARNING")},
    "loggers": {
        "paperdesk.access": {"level": "INFO" if env_bool("PAPERDESK_ACCESS_LOG", True) else "WARNING"},
    },
}

# Checker child-process limits (untrusted PDFs are parsed out of process).
CHECK_CPU_SECONDS = int(os.environ.get("PAPERDESK_CHECK_CPU_SECONDS", "60"))
CHECK_MEMORY_MB = int(os.environ.get("PAPERDESK_CHECK_MEMORY_MB", "512"))
AUTH_USER_MODEL = "accounts.User"
