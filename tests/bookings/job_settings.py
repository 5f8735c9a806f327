"""Settings of the real `qcluster` processes started by tests/bookings/test_job_faults.py.

The test settings, with a real queue (not synchronous) on the ORM broker, short timeouts so
that a killed or failed job comes back within seconds, and email sent either to a local
SMTP server (JOB_EMAIL=smtp, port EMAIL_PORT) or written to files (EMAIL_FILE_PATH).
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
if os.environ.get("JOB_EMAIL") == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_USE_TLS = False
    EMAIL_TIMEOUT = 3
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", "/tmp/primi-test-mail")
