"""WSGI entry of the concurrency tests' live server (see live_settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.primi_site.live_settings")
application = get_wsgi_application()
