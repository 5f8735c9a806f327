"""The test override: the real settings, with a synchronous job queue and fast hashing."""

import os

os.environ.setdefault("Q_SYNC", "true")

from primi_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Test-only hooks of bookings.locking, for the concurrency tests' negative control
# (a live server started with these variables). Never set by the real settings.
PRIMI_TEST_LOCK_DISABLED = env_bool("PRIMI_TEST_LOCK_DISABLED", default=False)  # noqa: F405
PRIMI_TEST_RACE_DELAY = float(env("PRIMI_TEST_RACE_DELAY", "0") or 0)  # noqa: F405

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test"},
    "feeds": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "feeds"},
}

# A live server for the browser tests (tests/e2e) writes its emails to files the test
# reads, and serves the static files itself (WhiteNoise from the finders).
EMAIL_BACKEND = env("EMAIL_BACKEND", EMAIL_BACKEND)  # noqa: F405
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", "") or None  # noqa: F405
if env_bool("PRIMI_SERVE_STATIC", default=False):  # noqa: F405
    MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE]  # noqa: F405
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
