"""With REDIS_URL the cache is Redis: throttling counters are shared by every process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from primi_site import api_throttle

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.CACHES['default']))"
)


def cache_settings(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "primi_site.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_cache_is_redis_when_redis_url_is_set_and_local_memory_otherwise():
    assert cache_settings(REDIS_URL="redis://cache.internal:6379/0") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        "KEY_PREFIX": "primi",
    }
    assert cache_settings()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_TEST_URL}: {exc}")
    return client


@pytest.mark.redis
def test_throttle_counters_in_redis_are_seen_by_another_process(settings):
    client = redis_or_skip()
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "primi",
        }
    }
    assert api_throttle.hit("write", "token:7", "2/min") is None
    assert api_throttle.hit("write", "token:7", "2/min") is None
    # Another process (a second gunicorn worker) counts in the same Redis keys.
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, types; django.setup(); from primi_site import api_throttle; "
            # the same clock as this process's (tests/conftest.py): the same window
            f"api_throttle.time = types.SimpleNamespace(time=lambda: {api_throttle.time.time()}); "
            "print(api_throttle.hit('write', 'token:7', '2/min'))",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "primi_site.settings",
            "REDIS_URL": REDIS_TEST_URL,
            "DATABASE_URL": "",
        },
        capture_output=True,
        text=True,
    )
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip().isdigit()  # the third hit, refused with its wait
    assert api_throttle.hit("write", "token:8", "2/min") is None  # another token's bucket
    client.flushdb()
