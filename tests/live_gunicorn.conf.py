"""gunicorn settings of the live test server: quiet, short timeouts, no request recycling."""

accesslog = None
errorlog = "-"
loglevel = "warning"
timeout = 60
graceful_timeout = 5
