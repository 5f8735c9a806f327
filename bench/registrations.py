#!/usr/bin/env python3
"""Benchmark: N people register for one event at once, through gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/primi_bench \\
        .venv/bin/python bench/registrations.py --clients 600 --seats 300

Migrates the database, creates one event and N people with signed-in sessions,
starts `gunicorn primi_site.wsgi` (gthread workers, production-like settings:
DEBUG off, jobs to the ORM queue or to Redis with --redis), fires the registrations
with bounded concurrency, and prints registrations per minute on the one event,
the p50/p95 latency and the invariants checked (no overbooking, no duplicate,
waitlist positions 1..n, every answer a redirect with a message, no 5xx).

Side by side in the same run, the same number of people register for as many
different events (one each): no two requests wait for the same lock, so the ratio
of the two rates is what serialising one event costs on this machine.
"""

import argparse
import os
import queue
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=600, help="people registering")
    parser.add_argument("--seats", type=int, default=None, help="capacity (default: half)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", ""),
        help="job broker as in production (e.g. redis://127.0.0.1:6379/14); default: the ORM",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/primi_bench"),
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the spread-out run")
    return parser.parse_args()


def prepare_environment(database: str, redis: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "primi_site.settings",
        "DATABASE_URL": database,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "Q_SYNC": "false",
        "REDIS_URL": redis,
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return env


def ensure_database(database: str) -> None:
    import psycopg

    name = database.rsplit("/", 1)[1]
    admin = database.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if not connection.execute(query, [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        check=True,
    )


def make_event(slug: str, capacity: int):
    from django.utils import timezone

    from events.models import Event

    start = timezone.now().replace(microsecond=0) + timedelta(days=30)
    return Event.objects.create(
        slug=slug,
        kind=Event.Kind.CONFERENCE,
        status=Event.Status.PUBLISHED,
        title_fr="Banc d’essai",
        title_en="Benchmark event",
        time_zone="Europe/Paris",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        city="Marseille",
        country="FR",
        capacity=capacity,
    )


def make_clients(prefix: str, count: int):
    from django.contrib.auth import get_user_model

    from missions.models import Organisation, Person
    from tests.live import sessions_for

    organisation, _ = Organisation.objects.get_or_create(
        slug="bench-demo-studio",
        defaults={"name": "Demo studio (benchmark)", "kind": "member", "country": "FR",
                  "department": "13", "city": "Marseille"},
    )  # fmt: skip
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"{prefix}-{n}", email=f"{prefix}-{n}@example.org", password="!")
            for n in range(count)
        ]
    )
    Person.objects.bulk_create(
        [Person(user=user, organisation=organisation, language="en") for user in users]
    )
    return sessions_for(users)


def fire(server, jobs: list[tuple], concurrency: int) -> tuple[float, list]:
    """POST every (client, path) with `concurrency` requests in flight; wall time, responses."""
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    responses = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                client, path = work.get_nowait()
            except queue.Empty:
                return
            response = client.post(server, path)
            with lock:
                responses.append(response)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, responses


def cpu_seconds(server_pid: int, database: str) -> float:
    """CPU time used so far by the gunicorn workers and by PostgreSQL's backends on `database`
    (read from /proc; other people's work on this shared machine is left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parent = int(fields[1])
        ours = int(entry.name) == server_pid or parent == server_pid
        ours = ours or (command.startswith("postgres:") and f" {database} " in command)
        if ours:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def told(responses) -> dict[str, int]:
    """What the people were told, read after the clock stopped."""
    counts = {"confirmed": 0, "waitlisted": 0, "other": 0}
    for response in responses:
        said = " ".join(response.messages())
        if "You are registered" in said:
            counts["confirmed"] += 1
        elif "on the waitlist" in said:
            counts["waitlisted"] += 1
        else:
            counts["other"] += 1
    return counts


def main() -> None:
    options = parse()
    seats = options.seats if options.seats is not None else options.clients // 2
    env = prepare_environment(options.database, options.redis)
    ensure_database(options.database)

    import django

    django.setup()
    from django.db import connections

    from bookings.registrations import queries
    from tests.live import percentile, start_gunicorn

    stamp = time.strftime("%Y%m%d%H%M%S")
    event = make_event(f"bench-{stamp}", seats)
    clients = make_clients(f"bench-{stamp}", options.clients)
    spread_jobs = []
    if not options.no_baseline:
        others = make_clients(f"bench-{stamp}-spread", options.clients)
        events = [make_event(f"bench-{stamp}-{n}", 1) for n in range(options.clients)]
        spread_jobs = [
            (client, f"/en/events/{other.slug}/register/")
            for client, other in zip(others, events, strict=True)
        ]
    connections.close_all()

    server = start_gunicorn(
        options.database,
        workers=options.workers,
        threads=options.threads,
        settings_module="primi_site.settings",
        env=env,
    )
    try:
        path = f"/en/events/{event.slug}/register/"
        fire(server, [(clients[0], "/healthz")] * options.concurrency, options.concurrency)  # warm
        database_name = options.database.rsplit("/", 1)[1]
        cpu_before = cpu_seconds(server.process.pid, database_name)
        wall, responses = fire(server, [(c, path) for c in clients], options.concurrency)
        cpu = cpu_seconds(server.process.pid, database_name) - cpu_before
        spread_wall = fire(server, spread_jobs, options.concurrency)[0] if spread_jobs else None
    finally:
        server.stop()
        if options.redis:
            import redis

            redis.Redis.from_url(options.redis).delete("django_q:primi:q")

    latencies = [response.elapsed for response in responses]
    statuses: dict[int, int] = {}
    for response in responses:
        statuses[response.status] = statuses.get(response.status, 0) + 1
    answers = told(responses)
    event.refresh_from_db()
    counts = queries.counts_by_state(event)
    problems = queries.invariant_violations(event, settled=True)
    if counts.get("confirmed", 0) != min(seats, options.clients):
        problems.append(f"confirmed {counts.get('confirmed', 0)}, expected {seats}")
    if statuses.get(302, 0) != options.clients:
        problems.append(f"answers: {statuses}")
    if answers["other"]:
        problems.append(f"{answers['other']} answers without a registration message")
    if answers["confirmed"] != counts.get("confirmed", 0):
        problems.append("the answers and the rows disagree")

    per_minute = options.clients / wall * 60
    broker = "Redis" if options.redis else "the ORM"
    print(f"event {event.slug}: capacity {seats}, {options.clients} clients")
    print(f"server                    gunicorn {options.workers} workers × {options.threads} "
          f"threads, PostgreSQL, jobs to {broker}")  # fmt: skip
    print(f"clients                   {options.concurrency} requests in flight")
    print(f"machine                   {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the end (shared)")  # fmt: skip
    print(f"wall time                 {wall:8.2f} s")
    print(f"registrations per minute  {per_minute:8.0f}   (one event, one lock)")
    if spread_wall:
        spread = options.clients / spread_wall * 60
        print(f"                          {spread:8.0f}   ({options.clients} events, one "
              f"registration each: no lock waits; ratio {per_minute / spread:.2f})")  # fmt: skip
    per_request = cpu / options.clients
    print(f"CPU per registration      {per_request * 1000:8.1f} ms (gunicorn + PostgreSQL): "
          f"{2 * 60 / per_request:.0f}/min would fit on 2 cores of its own")  # fmt: skip
    print(f"latency p50               {percentile(latencies, 0.50) * 1000:8.1f} ms")
    print(f"latency p95               {percentile(latencies, 0.95) * 1000:8.1f} ms")
    print(f"answers                   {dict(sorted(statuses.items()))}; told "
          f"{answers['confirmed']} confirmed, {answers['waitlisted']} waitlisted")  # fmt: skip
    print(f"rows                      {counts}")
    verdict = (
        "all hold: no overbooking, no duplicate, waitlist positions 1..n, "
        "every answer a redirect with a message, no 5xx"
        if not problems
        else "VIOLATED: " + "; ".join(problems)
    )
    print(f"invariants                {verdict}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
