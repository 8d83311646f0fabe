"""Django settings, read from the environment with parsers that fail loudly.

Environment:
  KNOTWORK_HOME            folder for the SQLite database, secret key and collected static
                           files (default ./var)
  KNOTWORK_DATABASE_URL    postgresql://user:password@host:port/name (production); when unset,
                           SQLite at $KNOTWORK_HOME/knotwork.sqlite3
  KNOTWORK_SECRET_KEY      secret key; when unset, one is generated once and kept in
                           $KNOTWORK_HOME/secret_key
  KNOTWORK_DEBUG           true/false (default false)
  KNOTWORK_ALLOWED_HOSTS   comma-separated host names (default localhost,127.0.0.1,[::1])
  KNOTWORK_SECURE          true behind HTTPS: secure cookies, HSTS, SSL redirect (default false)
  KNOTWORK_EMAIL_URL       how email leaves: smtp://user:password@host:port (STARTTLS with
                           ?tls=true), smtps://... (TLS from the start), console: (print) or
                           memory: (tests); default smtp://localhost:25
  KNOTWORK_EMAIL_FROM      sender address (default Knotwork <bookings@localhost>)
  KNOTWORK_SITE_URL        the public address used in emailed links (default http://127.0.0.1:8000)
  KNOTWORK_CLINIC          slug of the clinic that /book/ and /api/v1/ serve (default: the first)
  KNOTWORK_TASKS           database (default: django-tasks-db, run `knotwork manage clinic_worker`)
                           or immediate (emails sent inside the request)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def database_from_url(url: str) -> dict[str, object]:
    """Django DATABASES entry for a postgresql:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"KNOTWORK_DATABASE_URL must start with postgresql:// (got {parts.scheme or 'nothing'}://)"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("KNOTWORK_DATABASE_URL names no database (postgresql://host:port/NAME)")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Persistent connections: measured here, a new PostgreSQL connection per request
        # cost about three quarters of the write throughput (reference/stack-probe.md).
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


HOME = Path(os.environ.get("KNOTWORK_HOME") or "var").resolve()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    if key := os.environ.get("KNOTWORK_SECRET_KEY"):
        return key
    path = HOME / "secret_key"
    if path.exists():
        return path.read_text().strip()
    HOME.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("KNOTWORK_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KNOTWORK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "knotwork.web",
    "django_tasks_db",
    "knotwork.clinic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "knotwork.web.urls"
WSGI_APPLICATION = "knotwork.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if url := os.environ.get("KNOTWORK_DATABASE_URL"):
    DATABASES = {"default": database_from_url(url)}
else:
    HOME.mkdir(parents=True, exist_ok=True)  # the embedded database lives here
    DATABASES = {
        "default": {
            # Django's SQLite backend, with write transactions queued on a file lock instead of
            # SQLite's sleeping busy handler (knotwork.sqlite.base).
            "ENGINE": "knotwork.sqlite",
            "NAME": HOME / "knotwork.sqlite3",
            # WAL and immediate (write-locking) transactions let several gunicorn workers
            # write without "database is locked" (reference/stack-probe.md).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "CONN_MAX_AGE": 600,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Served from collectstatic's output with hashed names in production; plain in DEBUG,
            # where nothing is collected.
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SECURE = env_bool("KNOTWORK_SECURE", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}


# Clinic booking: email and background tasks (see docs/booking.md).


def mailer_from_url(url: str) -> dict[str, object]:
    """Django's default mailer (the MAILERS setting) for KNOTWORK_EMAIL_URL."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "memory":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            "KNOTWORK_EMAIL_URL must start with smtp://, smtps://, console: or memory: "
            f"(got {parts.scheme or 'nothing'}:)"
        )
    try:
        port = parts.port
    except ValueError as error:
        raise ImproperlyConfigured(f"KNOTWORK_EMAIL_URL has a bad port: {error}") from None
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    tls = query.get("tls", "false").lower()
    if tls not in {"true", "false"}:
        raise ImproperlyConfigured(f"KNOTWORK_EMAIL_URL: tls must be true or false, not {tls!r}")
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": tls == "true" and parts.scheme == "smtp",
            "timeout": 20,
        },
    }


MAILERS = {"default": mailer_from_url(os.environ.get("KNOTWORK_EMAIL_URL") or "smtp://localhost:25")}
DEFAULT_FROM_EMAIL = os.environ.get("KNOTWORK_EMAIL_FROM") or "Knotwork <bookings@localhost>"
KNOTWORK_SITE_URL = (os.environ.get("KNOTWORK_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
# The clinic the public booking pages and API serve (its slug); empty: the first clinic.
KNOTWORK_CLINIC = os.environ.get("KNOTWORK_CLINIC", "").strip()

_tasks = (os.environ.get("KNOTWORK_TASKS") or "database").strip().lower()
if _tasks not in {"database", "immediate"}:
    raise ImproperlyConfigured(f"KNOTWORK_TASKS must be database or immediate, not {_tasks!r}")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if _tasks == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}
