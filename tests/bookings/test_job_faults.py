"""Background jobs under faults, with real `qcluster` processes on the ORM broker.

They run on SQLite (a database file of their own) and on PostgreSQL (the test
database), in both passes of `dev.py test`:

- an SMTP outage loses and rolls back nothing, and the email goes out once when the
  local SMTP server comes back (django-q2 hands the failed job out again): a
  registration's confirmation, and the invitations of a B2B meeting;
- a cluster killed (SIGKILL) while a job sleeps: another cluster runs the job again and
  its effect (one email) happens once;
- a scheduled reminder run by two clusters at once is sent once per person, the day before
  an event and before a B2B meeting.
"""

import email
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.live import ROOT, database_url, free_port
from tests.primi_site.test_api_redis import redis_or_skip

pytestmark = [pytest.mark.jobs, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]
PYTHON = sys.executable


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied by each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("jobs") / "template.sqlite3"
    env = {**base_env(), "SQLITE_PATH": str(path)}
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return path


def base_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env["DJANGO_SETTINGS_MODULE"] = "tests.bookings.job_settings"
    return env


class Jobs:
    """The jobs' database and the clusters started on it."""

    def __init__(self, env: dict, tmp_path: Path) -> None:
        self.env = env
        self.tmp_path = tmp_path
        self.clusters: list[subprocess.Popen] = []
        self.logs: list = []

    def run(self, *command: str) -> dict:
        done = subprocess.run(
            [PYTHON, "-m", "tests.bookings.job_harness", *command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start_cluster(self) -> subprocess.Popen:
        log = open(self.tmp_path / f"cluster-{len(self.clusters)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [PYTHON, "manage.py", "qcluster"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: workers are killed with it
        )
        self.clusters.append(process)
        self.logs.append(log)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.clusters:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.kill(process)
        for log in self.logs:
            log.close()

    def mails(self) -> list[str]:
        folder = Path(self.env["EMAIL_FILE_PATH"])
        return [p.read_text() for p in sorted(folder.glob("*.log"))] if folder.exists() else []


@pytest.fixture
def jobs(request, tmp_path) -> Jobs:
    env = base_env()
    env["EMAIL_FILE_PATH"] = str(tmp_path / "mail")
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = database_url(connection.settings_dict)
    else:
        path = tmp_path / "jobs.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        env["SQLITE_PATH"] = str(path)
    harness = Jobs(env, tmp_path)
    yield harness
    harness.stop_all()


def wait_for(check, timeout: float, what: str):
    # The caller's timeout is a quiet machine's; a loaded one gets four times more (this
    # only bounds a hung run: the check ends the wait as soon as it holds).
    deadline = time.monotonic() + 4 * timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def test_an_smtp_outage_loses_nothing_and_the_email_goes_out_once_when_it_is_back(jobs):
    port = free_port()
    jobs.env.update(JOB_EMAIL="smtp", EMAIL_PORT=str(port))
    registered = jobs.run("register_one")  # its email is enqueued on commit
    jobs.start_cluster()

    failed = wait_for(
        lambda: (state := jobs.run("outbox_state"))["emails"][0]["attempts"] >= 1 and state,
        30,
        "a failed attempt while the mail server is down",
    )
    assert failed["registrations"] == ["confirmed"]  # nothing rolled back
    assert failed["emails"][0]["sent_at"] is None  # nothing lost: still owed

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        wait_for(lambda: inbox.messages, 30, "the email once the server is back")
        time.sleep(6)  # past another retry period: a second copy would have come by now
    finally:
        server.stop()

    assert [rcpt for _sender, rcpt in inbox.messages] == [[registered["email"]]]
    state = jobs.run("outbox_state")
    assert state["emails"][0]["sent_at"] is not None
    assert state["registrations"] == ["confirmed"]


def test_b2b_invitations_failing_in_an_outage_are_retried_and_sent_once(jobs):
    port = free_port()
    jobs.env.update(JOB_EMAIL="smtp", EMAIL_PORT=str(port))
    booked = jobs.run("book_one_meeting")  # both sides' invitations enqueued on commit
    jobs.start_cluster()

    failed = wait_for(
        lambda: (
            (state := jobs.run("notifications_state"))
            and all(n["attempts"] >= 1 for n in state["notifications"])
            and state
        ),
        30,
        "a failed attempt for each invitation while the mail server is down",
    )
    assert failed["meetings"] == ["booked"]  # nothing rolled back
    assert [n["sent_at"] for n in failed["notifications"]] == [None, None]  # still owed

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        wait_for(lambda: len(inbox.messages) >= 2, 30, "both invitations once the server is back")
        time.sleep(6)  # past another retry period: a second copy would have come by now
    finally:
        server.stop()

    assert sorted(rcpt[0] for _sender, rcpt in inbox.messages) == booked["emails"]
    state = jobs.run("notifications_state")
    assert all(n["sent_at"] is not None for n in state["notifications"])


def test_a_cluster_killed_mid_job_leaves_it_to_another_which_sends_once(jobs):
    marker = jobs.tmp_path / "started"
    jobs.run("enqueue_slow_reminder", "3", str(marker))
    first = jobs.start_cluster()
    wait_for(marker.exists, 30, "the job to start")
    jobs.kill(first)
    assert jobs.mails() == []

    jobs.start_cluster()
    wait_for(lambda: jobs.run("reminders_state")["sent"] == 1, 40, "the job run again")
    time.sleep(2)

    assert len(marker.read_text().split()) == 2  # it ran twice…
    mails = jobs.mails()
    assert len(mails) == 1  # …and its effect happened once
    assert "Subject: " in mails[0]


def test_a_scheduled_reminder_is_sent_once_with_two_clusters_running(jobs):
    people = jobs.run("schedule_reminders_twice")["people"]
    jobs.start_cluster()
    jobs.start_cluster()

    wait_for(lambda: jobs.run("reminders_state")["sent"] == 3, 40, "the reminders")
    time.sleep(2)

    mails = jobs.mails()
    recipients = sorted(
        line.removeprefix("To: ")
        for text in mails
        for line in text.splitlines()
        if line.startswith("To: ")
    )
    assert recipients == sorted(people)


def test_a_b2b_meeting_reminder_is_sent_once_with_two_clusters_running(jobs):
    people = jobs.run("schedule_meeting_reminders_twice")["people"]
    jobs.start_cluster()
    jobs.start_cluster()

    wait_for(lambda: jobs.run("meeting_reminders_state")["sent"] == 2, 40, "the reminders")
    time.sleep(2)

    assert jobs.run("meeting_reminders_state") == {"owed": 2, "sent": 2}
    reminded = []
    for text in jobs.mails():  # one file per connection, messages apart by a line of dashes
        for message in text.split("-" * 79):
            headers = email.message_from_string(message.strip())
            subject = str(make_header(decode_header(headers["Subject"] or "")))
            if subject.startswith(("Rappel", "Reminder")):
                reminded.append(headers["To"])
    assert sorted(reminded) == sorted(people)


def message_ids(mails: list[str]) -> list[str]:
    return [email.message_from_string(text)["Message-ID"] for text in mails]


@pytest.mark.redis
@pytest.mark.parametrize("killed", ["before", "after"])
def test_a_worker_killed_around_the_send_loses_no_email_on_redis(jobs, killed):
    """The worker is killed while its email is being sent: before the mail server took it,
    or after (before `sent_at` was committed). The Redis broker has already dropped the
    task; the outbox's sweep hands the email to another cluster once the lease is over. It
    goes out: once when killed before; twice with one Message-ID when killed after, the one
    case the outbox cannot tell apart (the duplicate is recognisable). (On the ORM broker,
    django-q2 hands the job out again itself: see the test of a cluster killed mid-job.)"""
    redis_or_skip()
    jobs.env["JOB_BROKER"] = "redis"
    jobs.run("flush_redis")
    marker = jobs.tmp_path / "pausing"
    jobs.env.update(JOB_EMAIL="pause", MAIL_PAUSE=killed, MAIL_PAUSE_MARKER=str(marker))
    registered = jobs.run("register_one")  # its email is enqueued on commit
    first = jobs.start_cluster()
    wait_for(marker.exists, 30, "the email being sent")
    jobs.kill(first)
    assert len(jobs.mails()) == (1 if killed == "after" else 0)
    assert jobs.run("outbox_state")["emails"][0]["sent_at"] is None

    jobs.start_cluster()
    # The scheduler's sweep, every minute in production: here as often as the test likes.
    wait_for(
        lambda: jobs.run("sweep")["emails"][0]["sent_at"],
        60,
        "the email handed to the second cluster after the lease",
    )
    mails = jobs.mails()
    assert len(mails) == (2 if killed == "after" else 1)
    assert all(f"To: {registered['email']}" in text for text in mails)
    assert len(set(message_ids(mails))) == 1
    assert jobs.run("sweep")["handed"] == 0
