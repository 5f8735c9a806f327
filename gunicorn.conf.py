"""gunicorn settings for production: `gunicorn primi_site.wsgi` reads this file.

Every value can be overridden from the environment (GUNICORN_*), so one file serves
one machine or many.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
# The longest request line gunicorn reads (its maximum): longer ones get gunicorn's own
# 414 page. The application answers addresses over 4096 characters with its own 414
# (JSON under /api/), see primi_site/request_guard.py and docs/api.md.
limit_request_line = 8190
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Capability tokens (private feeds, invitations, password resets) and API tokens are
# written as [redacted] in the access log, whatever the format (primi_site.log_redaction.py).
logger_class = "primi_site.log_redaction.RedactingLogger"
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "agent": "%(a)s"}'
)
