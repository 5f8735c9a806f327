"""Settings of the live server started by the concurrency tests: the test settings, and
the URLs with the tests' small creation API."""

from primi_site.test_settings import *  # noqa: F403

ROOT_URLCONF = "tests.primi_site.idempotency_urls"
DEBUG = False
