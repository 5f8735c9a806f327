#!/usr/bin/env python3
"""Benchmark of the API's hottest list against the health check, side by side.

    .venv/bin/python bench/api.py [--port 8150] [--seconds 2] [--rounds 8] [--threads 8]

Starts gunicorn with 2 workers on 127.0.0.1 (PostgreSQL when BENCH_DATABASE_URL or
postgres://postgres@127.0.0.1:5432/api answers, else a SQLite file under var/), seeds
120 published demo events once, then alternates rounds of requests to
`/api/v1/events?limit=50` and to `/healthz` from a bounded pool of Python threads, and
prints the requests per second of each and their ratio (target: at least 0.4).
"""

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
EVENTS = "/api/v1/events?limit=50"
HEALTH = "/healthz"
TARGET = 0.4


def database_url() -> str:
    wanted = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/api")
    try:
        import psycopg

        psycopg.connect(wanted, connect_timeout=3).close()
        return wanted
    except Exception as exc:
        print(f"PostgreSQL unavailable ({str(exc).splitlines()[0]}); using SQLite")
        return ""


def environment(url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "primi_site.settings",
        "PRIMI_ENV": "development",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SQLITE_PATH": str(ROOT / "var" / "bench.sqlite3"),
    }
    env.pop("REDIS_URL", None)
    if url:
        env["DATABASE_URL"] = url
    else:
        env.pop("DATABASE_URL", None)
    return env


SEED = """
from datetime import UTC, datetime, timedelta
from events.models import Event
start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=7)
kinds = [k for k, _ in Event.Kind.choices]
for index in range(120):
    when = start + timedelta(days=index % 90, hours=index % 5)
    Event.objects.update_or_create(
        slug=f"bench-demo-event-{index:03d}",
        defaults=dict(
            kind=kinds[index % len(kinds)],
            status=Event.Status.PUBLISHED,
            title_fr=f"Événement de démonstration {index}",
            title_en=f"Demo event {index}" if index % 3 else "",
            description_fr="Données de démonstration pour le banc d’essai.",
            time_zone="America/Toronto" if index % 2 else "Europe/Paris",
            starts_at=when,
            ends_at=when + timedelta(hours=2),
            city="Toronto" if index % 2 else "Marseille",
            country="CA" if index % 2 else "FR",
        ),
    )
print("seeded", Event.objects.filter(slug__startswith="bench-demo-event-").count(), "events")
"""


def prepare(env: dict[str, str]) -> None:
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "shell", "-c", SEED], cwd=ROOT, env=env, check=True)


def fetch(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before answering")
        try:
            if fetch(port, HEALTH) == 200:
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer within 30 s")


def measure(port: int, path: str, seconds: float, threads: int) -> float:
    """Requests per second over `seconds`, from `threads` threads; every answer must be 200."""
    done = [0] * threads
    failures: list[str] = []
    stop = time.monotonic() + seconds

    def worker(slot: int) -> None:
        while time.monotonic() < stop:
            status = fetch(port, path)
            if status != 200:
                failures.append(f"{path} answered {status}")
                return
            done[slot] += 1

    pool = [threading.Thread(target=worker, args=(slot,)) for slot in range(threads)]
    began = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - began
    if failures:
        sys.exit(failures[0])
    return sum(done) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args()

    url = database_url()
    env = environment(url)
    prepare(env)
    print(
        f"database: {'PostgreSQL' if url else 'SQLite'}; gunicorn, 2 workers, port {options.port}"
    )
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "primi_site.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{options.port}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(options.port, server)
        for _ in range(20):  # warm both workers and their caches
            fetch(options.port, EVENTS)
            fetch(options.port, HEALTH)
        totals = {EVENTS: [], HEALTH: []}
        for round_number in range(1, options.rounds + 1):
            for path in (HEALTH, EVENTS):
                rate = measure(options.port, path, options.seconds, options.threads)
                totals[path].append(rate)
                print(f"round {round_number}: {path:<28} {rate:8.1f} req/s")
        events = sum(totals[EVENTS]) / len(totals[EVENTS])
        health = sum(totals[HEALTH]) / len(totals[HEALTH])
        ratio = events / health
        print(f"events list (page of 50): {events:.1f} req/s")
        print(f"/healthz:                 {health:.1f} req/s")
        verdict = "meets" if ratio >= TARGET else "BELOW"
        print(f"ratio: {ratio:.2f} ({verdict} the target of {TARGET})")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
