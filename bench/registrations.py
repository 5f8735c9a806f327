#!/usr/bin/env python3
"""Benchmark: N people register for one event at once, through gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reg_bench \\
        .venv/bin/python bench/registrations.py --clients 600 --seats 300

Migrates the database, creates one event and N people with sessions, starts
`gunicorn primi_site.wsgi` (gthread workers, production-like settings: DEBUG off,
jobs to the ORM queue), fires the registrations with bounded concurrency, and
prints registrations per minute on the one event, the p50/p95 latency and the
invariants checked (no overbooking, no duplicate, waitlist positions 1..n, every
answer a redirect with a message, no 5xx).
"""

import argparse
import os
import queue
import subprocess
import sys
import threading
import time
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
        "--database",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reg_bench"),
    )
    return parser.parse_args()


def prepare_environment(database: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "primi_site.settings",
        "DATABASE_URL": database,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "Q_SYNC": "false",
        "REDIS_URL": "",
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
        exists = connection.execute(query, [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        check=True,
    )


def main() -> None:
    options = parse()
    seats = options.seats if options.seats is not None else options.clients // 2
    env = prepare_environment(options.database)
    ensure_database(options.database)

    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from bookings import queries
    from events.models import Event
    from missions.models import Organisation, Person
    from tests.live import percentile, sessions_for, start_gunicorn

    stamp = time.strftime("%Y%m%d%H%M%S")
    start = timezone.now().replace(microsecond=0) + timedelta(days=30)
    event = Event.objects.create(
        slug=f"bench-{stamp}",
        kind=Event.Kind.CONFERENCE,
        status=Event.Status.PUBLISHED,
        title_fr="Banc d’essai",
        title_en="Benchmark event",
        time_zone="Europe/Paris",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        city="Marseille",
        country="FR",
        capacity=seats,
    )
    organisation, _ = Organisation.objects.get_or_create(
        slug="bench-demo-studio",
        defaults={"name": "Demo studio (benchmark)", "kind": "member", "country": "FR",
                  "department": "13", "city": "Marseille"},
    )  # fmt: skip
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"bench-{stamp}-{n}", email=f"bench-{stamp}-{n}@example.org",
                       password="!")
            for n in range(options.clients)
        ]
    )  # fmt: skip
    Person.objects.bulk_create(
        [Person(user=user, organisation=organisation, language="en") for user in users]
    )
    clients = sessions_for(users)
    connections.close_all()

    server = start_gunicorn(
        options.database,
        workers=options.workers,
        threads=options.threads,
        settings_module="primi_site.settings",
        env=env,
    )
    path = f"/en/events/{event.slug}/register/"
    responses = []
    lock = threading.Lock()
    work: queue.Queue = queue.Queue()
    for client in clients:
        work.put(client)

    def worker() -> None:
        while True:
            try:
                client = work.get_nowait()
            except queue.Empty:
                return
            response = client.post(server, path)
            with lock:
                responses.append(response)

    try:
        threads = [threading.Thread(target=worker) for _ in range(options.concurrency)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    finally:
        server.stop()

    # Read the answers after the clock stops, so that the clients spend no CPU meanwhile.
    latencies = [response.elapsed for response in responses]
    statuses: dict[int, int] = {}
    told = {"confirmed": 0, "waitlisted": 0, "other": 0}
    for response in responses:
        statuses[response.status] = statuses.get(response.status, 0) + 1
        said = " ".join(response.messages())
        if "You are registered" in said:
            told["confirmed"] += 1
        elif "on the waitlist" in said:
            told["waitlisted"] += 1
        else:
            told["other"] += 1
    event.refresh_from_db()
    counts = queries.counts_by_state(event)
    problems = queries.invariant_violations(event, settled=True)
    if counts.get("confirmed", 0) != min(seats, options.clients):
        problems.append(f"confirmed {counts.get('confirmed', 0)}, expected {seats}")
    if statuses.get(302, 0) != options.clients:
        problems.append(f"answers: {statuses}")
    if told["other"]:
        problems.append(f"{told['other']} answers without a registration message")

    per_minute = options.clients / wall * 60
    load = os.getloadavg()[0]
    print(
        f"event {event.slug}: capacity {seats}, {options.clients} clients, "
        f"{options.concurrency} in flight, gunicorn {options.workers}×{options.threads} threads"
    )
    print(f"machine                   {os.cpu_count()} cores, load average {load:.1f} at the end")
    print(f"wall time                 {wall:8.2f} s")
    print(f"registrations per minute  {per_minute:8.0f}")
    print(f"latency p50               {percentile(latencies, 0.50) * 1000:8.1f} ms")
    print(f"latency p95               {percentile(latencies, 0.95) * 1000:8.1f} ms")
    print(
        f"answers                   {dict(sorted(statuses.items()))} "
        f"(told: {told['confirmed']} confirmed, {told['waitlisted']} waitlisted)"
    )
    print(f"rows                      {counts}")
    print("invariants                " + ("all hold: no overbooking, no duplicate, "
          "waitlist positions 1..n, every answer a redirect with a message, no 5xx"
          if not problems else "VIOLATED: " + "; ".join(problems)))  # fmt: skip
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
