"""Settings of the PRIMI international scheduler, read only from the environment.

`.env.example` lists every variable. Nothing here has a production default for a
secret: in production mode the process refuses to start until they are set.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRIMI_ENV = env("PRIMI_ENV", "development")
if PRIMI_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"PRIMI_ENV must be 'development' or 'production', not {PRIMI_ENV!r}."
    )
PRODUCTION = PRIMI_ENV == "production"

_DEV_SECRET = "development-only-insecure-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY") or ("" if PRODUCTION else _DEV_SECRET)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")

if PRODUCTION:
    problems = []
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY == _DEV_SECRET:
        problems.append(
            "set SECRET_KEY to a random string of at least 50 characters "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(64))")'
        )
    if not ALLOWED_HOSTS:
        problems.append("set ALLOWED_HOSTS to the site's host names, comma-separated")
    if DEBUG:
        problems.append("set DEBUG=false (or leave it unset)")
    if problems:
        raise ImproperlyConfigured(
            "PRIMI_ENV=production refuses to start: " + "; ".join(problems) + "."
        )

SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    # Links in emails, invitations, calendars and the API are built on it.
    raise ImproperlyConfigured(
        f"SITE_URL must be the site's address with http:// or https://, not {SITE_URL!r}."
    )

INSTALLED_APPS = [
    # First, so that its templates (the password pages and emails) win over the admin's.
    "primi_site",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "ninja",  # serves the interactive docs' assets itself (no CDN)
    "axes",
    "csp",
    "missions",
    "events",
    "bookings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the database: an over-long address, a NUL in the query.
    "primi_site.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "primi_site.security.PrivateCacheMiddleware",
    "primi_site.middleware.PersonPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "primi_site.security.ContentSecurityPolicyMiddleware",
    # Last, so that it sees the outcome of the login views.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses them during a lockout.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the person with the user.
    "primi_site.auth_backends.PersonModelBackend",
]

if PRODUCTION:
    # WhiteNoise serves the collected static files; in development runserver does.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "primi_site.urls"
WSGI_APPLICATION = "primi_site.wsgi.application"

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
                "primi_site.context_processors.site",
                "primi_site.context_processors.staff",
            ],
        },
    },
]

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    SQLITE_PATH = Path(env("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two
                # writers never both read-then-write (SQLite's select_for_update).
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "home"

# Languages: French is the default, English the other; both are complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# English pages read British dates in Django's formats too (the admin, `|date`).
FORMAT_MODULE_PATH = ["primi_site.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

# Time: aware datetimes stored in UTC; every event carries its own IANA zone.
USE_TZ = True
TIME_ZONE = "UTC"
VISITOR_TIME_ZONE = env("VISITOR_TIME_ZONE", "Europe/Paris")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Email: console on the embedded default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15)
# The one outbox (primi_site/outbox.py): a run holds a row for OUTBOX_LEASE_SECONDS (more
# than a send may take, EMAIL_TIMEOUT); a row whose job never came is swept after
# OUTBOX_GRACE_SECONDS; failures wait OUTBOX_BACKOFF_SECONDS, doubling up to
# OUTBOX_BACKOFF_MAX_SECONDS, and are given up after OUTBOX_MAX_ATTEMPTS (staff may retry).
# With the sweep every minute, a lost job's email goes out within two minutes.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 45)
OUTBOX_GRACE_SECONDS = env_int("OUTBOX_GRACE_SECONDS", 30)
OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 60)
OUTBOX_BACKOFF_MAX_SECONDS = env_int("OUTBOX_BACKOFF_MAX_SECONDS", 3600)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 30)
if OUTBOX_LEASE_SECONDS <= 2 * EMAIL_TIMEOUT:
    raise ImproperlyConfigured("OUTBOX_LEASE_SECONDS must exceed twice EMAIL_TIMEOUT.")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "PRIMI international <international@primi.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs: django-q2 on the ORM broker, or on Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL")
Q_CLUSTER = {
    "name": "primi",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": env_int("Q_TIMEOUT", 120),
    "retry": env_int("Q_RETRY", 180),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5),
    "catch_up": False,
    "save_limit": 1000,
    "label": "Jobs",
    "sync": env_bool("Q_SYNC", default=False),
}
# Why these numbers: a job stopped at `timeout` seconds is handed out again after `retry`
# seconds; retry > timeout so a job still running is never given to a second worker, and
# `max_attempts` bounds how often a failing job (a mail server down) is tried again.
# Every job is idempotent (an outbox/reminder row claimed once), so running again is safe.
if Q_CLUSTER["retry"] <= Q_CLUSTER["timeout"]:
    raise ImproperlyConfigured("Q_RETRY must be greater than Q_TIMEOUT (seconds).")
# Scheduler runs have a queue of their own, served by a cluster of their own
# (`Q_CLUSTER_NAME=solver manage.py qcluster`), so that mail never waits behind them. Its
# timeout is above the largest time limit staff may ask for (SOLVER_MAX_SECONDS).
SOLVER_MIN_SECONDS = 5
SOLVER_MAX_SECONDS = env_int("SOLVER_MAX_SECONDS", 3600)
SOLVER_QUEUE = "solver"
Q_CLUSTER["ALT_CLUSTERS"] = {
    SOLVER_QUEUE: {
        "workers": env_int("SOLVER_WORKERS", 1),
        "timeout": SOLVER_MAX_SECONDS + 300,
        "retry": SOLVER_MAX_SECONDS + 600,
        "max_attempts": 1,
    }
}
if SOLVER_MAX_SECONDS < SOLVER_MIN_SECONDS:
    raise ImproperlyConfigured(f"SOLVER_MAX_SECONDS must be at least {SOLVER_MIN_SECONDS}.")
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# The public API (docs/api.md). Rates are "<count>/<period>", period s, min, h or day.
API_THROTTLE_WRITES = env("API_THROTTLE_WRITES", "60/min")
API_THROTTLE_AUTH_FAILURES = env("API_THROTTLE_AUTH_FAILURES", "20/min")
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 365)
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)
API_LIST_CACHE_SECONDS = env_int("API_LIST_CACHE_SECONDS", 300)
# Webhooks to partners' systems: HTTPS only; retries with exponential backoff.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 60)
# Hosts allowed over plain http (the tests' local receiver); empty everywhere else.
WEBHOOK_ALLOW_HTTP_HOSTS: list[str] = []

# Registrations: how long an invitation link stays valid.
PRIMI_INVITATION_DAYS = env_int("PRIMI_INVITATION_DAYS", 14)
# Periodic jobs (manage.py setup_schedules): reminders this many hours before an event;
# unused invitations and job records removed this many days after they ended.
EVENT_REMINDER_HOURS = env_int("EVENT_REMINDER_HOURS", 24)
CLEANUP_AFTER_DAYS = env_int("CLEANUP_AFTER_DAYS", 30)
# Each side of a booked B2B meeting is reminded this many minutes before it starts.
B2B_REMINDER_MINUTES = env_int("B2B_REMINDER_MINUTES", 60)
# Personal data of people whose last mission or event ended this long ago is anonymised.
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 3 * 365)
# Per-person limits on the registration forms (register, apply), "<count>/<s|min|h|day>".
REGISTRATION_RATE = env("REGISTRATION_RATE", "20/h")
# Per-person limits on B2B booking and on meeting requests, pages and API together.
B2B_BOOKING_RATE = env("B2B_BOOKING_RATE", "30/h")
B2B_REQUEST_RATE = env("B2B_REQUEST_RATE", "30/h")

# Cache: Redis when REDIS_URL is set (shared by every app server: API throttling counters,
# rendered API lists), else in-process memory. The "feeds" cache keeps built calendar
# feeds, keyed by their ETag.
_CACHE_BACKEND = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)
CACHES = {
    "default": {**_CACHE_BACKEND, "KEY_PREFIX": "primi"},
    "feeds": {
        **_CACHE_BACKEND,
        "KEY_PREFIX": "primi-feeds",
        "TIMEOUT": 24 * 3600,
        **({} if REDIS_URL else {"LOCATION": "feeds", "OPTIONS": {"MAX_ENTRIES": 200}}),
    },
}

# Calendar feeds: the sources of a person's private feed, most precise first
# (see events/feed_sources.py).
CALENDAR_FEED_SOURCES = [
    "bookings.feed_sources.RegistrationSource",
    "bookings.feed_sources.MeetingSource",
]

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content security policy: everything from the site itself, nothing inline, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in throttling: after LOGIN_FAILURE_LIMIT failures for a user name (or from one address),
# sign-in is refused for LOGIN_LOCKOUT_MINUTES; a successful sign-in resets the count.
AXES_ENABLED = env_bool("LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "primi_site.security.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 1 if PRODUCTION else 0) or None

# Logs: one JSON object per line in production (for a log collector), plain text in development.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'plain', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    # Capability tokens (private feeds, invitations, password resets) never reach the logs.
    "filters": {"redact": {"()": "primi_site.log_redaction.RedactingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers (a console in DEBUG, mail to ADMINS, which is unset) would
        # write unfiltered copies: its records go to the filtered console above only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# B2B scheduling: the shared benchmark set (instances/, optima.json) read by the tests and
# bench/b2b.py — never copied into the repository.
PRIMI_B2B_SHARED = Path(env("PRIMI_B2B_SHARED") or BASE_DIR.parent / "shared" / "b2b")
