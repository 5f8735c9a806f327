"""Settings of the real `qcluster` processes started by tests/bookings/test_job_faults.py.

The test settings, with a real queue (not synchronous) on the ORM broker (or Redis with
JOB_BROKER=redis), short timeouts so that a killed or failed job comes back within seconds,
and email sent to a local SMTP server (JOB_EMAIL=smtp, port EMAIL_PORT), written to files
(EMAIL_FILE_PATH) or written to files with a pause to kill the worker in (JOB_EMAIL=pause).
"""

import os

os.environ["Q_SYNC"] = "false"

from primi_site.test_settings import *  # noqa: F403

Q_CLUSTER = {
    "name": "primi-test",
    "workers": 1,
    "timeout": 4,
    "retry": 5,
    "max_attempts": 20,
    "catch_up": False,
    "save_limit": 1000,
    "sync": False,
    "orm": "default",
    "poll": 0.2,
    "guard_cycle": 0.2,
}
if os.environ.get("JOB_BROKER") == "redis":
    del Q_CLUSTER["orm"]
    Q_CLUSTER["redis"] = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
# The outbox at test speed: a lease that runs out in seconds (more than twice EMAIL_TIMEOUT).
OUTBOX_LEASE_SECONDS = 7
OUTBOX_GRACE_SECONDS = 1
if os.environ.get("JOB_EMAIL") == "pause":
    EMAIL_BACKEND = "tests.mail_backends.PausingBackend"
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "/tmp/primi-test-mail")
    EMAIL_TIMEOUT = 3
elif os.environ.get("JOB_EMAIL") == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_USE_TLS = False
    EMAIL_TIMEOUT = 3
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "/tmp/primi-test-mail")
