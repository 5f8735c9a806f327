"""Settings are read from the environment; production refuses unsafe values."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'options': {k: str(v) for k, v in db.get('OPTIONS', {}).items()}, "
    "'q': {k: v for k, v in settings.Q_CLUSTER.items() if k in ('orm', 'redis')}, "
    "'use_tz': settings.USE_TZ, 'tz': settings.TIME_ZONE, 'debug': settings.DEBUG}))"
)
STRONG = "x7Gq-2mZr9Lp_V4cT8nB1yK6sW3dF0hJ5aQeRuIoPlMkNjHbGvC2x"


def settings_with(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update({"DJANGO_SETTINGS_MODULE": "primi_site.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_default_is_sqlite_in_wal_with_immediate_transactions_and_the_orm_broker(tmp_path):
    result = settings_with(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in values["options"]["init_command"]
    assert int(values["options"]["timeout"]) >= 5
    assert values["q"] == {"orm": "default"}
    assert (values["use_tz"], values["tz"]) == (True, "UTC")


def test_database_url_switches_to_postgresql_and_redis_url_to_the_redis_broker():
    result = settings_with(
        DATABASE_URL="postgres://primi@db.internal:5432/primi",
        REDIS_URL="redis://cache.internal:6379/0",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "primi"
    assert values["q"] == {"redis": "redis://cache.internal:6379/0"}


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = settings_with(PRIMI_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "PRIMI_ENV=production refuses to start" in result.stderr
    assert "set SECRET_KEY" in result.stderr
    assert "set ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_weak_secret_and_debug_on():
    result = settings_with(
        PRIMI_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="primi.example", DEBUG="true"
    )
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr and "set DEBUG=false" in result.stderr


def test_production_starts_with_real_values():
    result = settings_with(PRIMI_ENV="production", SECRET_KEY=STRONG, ALLOWED_HOSTS="primi.example")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_unknown_environment_name_is_refused():
    result = settings_with(PRIMI_ENV="staging")
    assert result.returncode != 0
    assert "PRIMI_ENV must be 'development' or 'production'" in result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    import re

    read = set(
        re.findall(
            r'env(?:_bool|_int|_list)?\("([A-Z_]+)"', (ROOT / "primi_site/settings.py").read_text()
        )
    )
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - listed == set()
