"""Scheduler runs have a queue of their own, so that mail never waits behind them, and a
time limit within what that queue's timeout allows."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from bookings.b2b.services import schedule
from bookings.models import ScheduleRun
from tests.bookings.b2b.test_schedule import Small
from tests.live import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(db):
    return Small()


def test_a_run_is_enqueued_on_the_solver_queue_and_mail_on_the_default_one(
    small, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "django_q.tasks.async_task", lambda func, *args, **kw: queued.append((func, kw))
    )
    with django_capture_on_commit_callbacks(execute=True):
        schedule.request_schedule(small.session, small.staff, time_limit=30)
    assert queued == [("bookings.tasks.run_schedule", {"cluster": "solver"})]


def cluster_conf(name: str | None) -> dict:
    """What `manage.py qcluster` would run with, for Q_CLUSTER_NAME=name."""
    code = (
        "import django; django.setup()\n"
        "from django_q.conf import Conf; import json\n"
        "print(json.dumps({'queue': Conf.CLUSTER_NAME, 'timeout': Conf.TIMEOUT,"
        " 'retry': Conf.RETRY, 'workers': Conf.WORKERS}))"
    )
    env = {"DJANGO_SETTINGS_MODULE": "primi_site.settings", "PATH": "/usr/bin:/bin"}
    if name:
        env["Q_CLUSTER_NAME"] = name
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_solver_cluster_outlives_the_longest_run_and_the_mail_cluster_does_not_wait():
    solver, mail = cluster_conf("solver"), cluster_conf(None)
    assert solver["queue"] == "solver" and mail["queue"] == "primi"
    assert solver["timeout"] > settings.SOLVER_MAX_SECONDS  # a run is never killed early
    assert solver["retry"] > solver["timeout"]
    assert mail["timeout"] == 120 and solver["workers"] == 1


@pytest.mark.parametrize(
    ("language", "seconds", "message"),
    [
        ("en", "4", "Ensure this value is greater than or equal to 5."),
        ("fr", "4", "Assurez-vous que cette valeur est supérieure ou égale à 5."),
        ("en", "3601", "Ensure this value is less than or equal to 3600."),
        ("fr", "3601", "Assurez-vous que cette valeur est inférieure ou égale à 3600."),
    ],
)
def test_a_time_limit_out_of_bounds_is_refused_on_the_page(
    client, small, language, seconds, message
):
    client.force_login(small.staff_user)
    page = client.post(
        f"/{language}/b2b/{small.session.event.slug}/staff/schedule/", {"time_limit": seconds}
    )
    assert page.status_code == 200
    text = page.content.decode().replace("\u202f", " ").replace("&nbsp;", " ")
    assert message in text and 'name="time_limit"' in text
    assert not ScheduleRun.objects.exists()


def test_the_service_refuses_a_limit_below_the_minimum_in_the_readers_language(small):
    from django.utils import translation

    from bookings.exceptions import Invalid

    for language, message in (
        ("en", "The time limit is between 5 and 3600 seconds."),
        ("fr", "La durée maximale est comprise entre 5 et 3600 secondes."),
    ):
        with translation.override(language), pytest.raises(Invalid) as refused:
            schedule.request_schedule(small.session, small.staff, time_limit=4)
        assert str(refused.value) == message
    assert not ScheduleRun.objects.exists()
