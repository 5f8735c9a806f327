#!/usr/bin/env python3
"""Benchmark of the public calendar feed on 2,000 events; prints its figures.

    .venv/bin/python bench/feeds.py [--events 2000] [--port 8201] [--seconds 5]

It uses its own SQLite file (BENCH_SQLITE_PATH, default /tmp/primi-bench-feeds.sqlite3)
unless DATABASE_URL points at PostgreSQL, fills it with events in five zones, then
measures, side by side in one run:

1. the SQL queries of one feed request (target: constant, at most 5);
2. a cold build (empty feed cache, time-zone rules not memoised) over the time the
   `icalendar` library alone takes to build and serialise the same events, time
   zones included, from plain Python objects already in memory (target <= 1.5);
3. a conditional request answered 304 over a full build (target <= 0.05);
4. under gunicorn with 2 workers, the feed's requests per second over those of
   /healthz (target >= 0.5).
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primi_site.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = os.environ.get(
        "BENCH_SQLITE_PATH", "/tmp/primi-bench-feeds.sqlite3"
    )

import django  # noqa: E402

django.setup()

import icalendar  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events import vtimezone as vtimezone_module  # noqa: E402
from events.models import Event  # noqa: E402
from events.services import touch_feeds  # noqa: E402
from missions.models import Mission  # noqa: E402

ZONES = ["Europe/Paris", "Europe/Brussels", "Europe/London", "America/Toronto", "America/Vancouver"]
KINDS = [kind for kind, _label in Event.Kind.choices]
FEED = "/feeds/events.ics?lang=fr"


def populate(count: int) -> None:
    call_command("migrate", verbosity=0)
    if Event.objects.filter(slug__startswith="bench-").count() == count:
        return
    Event.objects.filter(slug__startswith="bench-").delete()
    Mission.objects.filter(slug__startswith="bench-").delete()
    missions = [
        Mission.objects.create(
            slug=f"bench-mission-{n}",
            direction="outbound",
            status="published",
            title_fr=f"Mission de banc d’essai {n}",
            title_en=f"Benchmark mission {n}",
            destination_city="Toronto",
            destination_country="CA",
            time_zone="America/Toronto",
            start_date=datetime(2027, 1, 1, tzinfo=UTC).date() + timedelta(days=30 * n),
            end_date=datetime(2027, 1, 5, tzinfo=UTC).date() + timedelta(days=30 * n),
        )
        for n in range(10)
    ]
    now = datetime.now(UTC)
    events = []
    for n in range(count):
        zone_name = ZONES[n % len(ZONES)]
        local = datetime(2026, 1, 5, 9, tzinfo=ZoneInfo(zone_name)) + timedelta(
            days=n % 900, hours=n % 8
        )
        start = local.astimezone(UTC)
        cancelled = n % 97 == 0
        events.append(
            Event(
                slug=f"bench-{n}",
                kind=KINDS[n % len(KINDS)],
                status="cancelled" if cancelled else "published",
                cancelled_at=now - timedelta(days=2) if cancelled else None,
                title_fr=f"Rencontre n° {n} : animation, jeu vidéo ; « cinéma » 🎬",
                title_en=f"Meeting #{n}: animation, games; “cinema” 🎬",
                description_fr="Présentation des studios, puis échanges.\nSalle B, niveau 2.",
                description_en="Studio presentations, then discussion.\nRoom B, level 2.",
                mission=missions[n % 10] if n % 3 == 0 else None,
                time_zone=zone_name,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                venue_name="Salle des fêtes",
                venue_address="1 rue de la République",
                city="Marseille",
                country="FR",
                sequence=n % 4,
            )
        )
    Event.objects.bulk_create(events, batch_size=500)
    touch_feeds()


def plain_objects() -> list[dict]:
    """The same events as plain Python objects, read once and kept in memory."""
    rows = []
    for event in Event.objects.filter(slug__startswith="bench-").select_related("mission"):
        zone = ZoneInfo(event.time_zone)
        rows.append(
            {
                "uid": f"event-{event.pk}@international.primi",
                "summary": event.title_fr,
                "description": event.description_fr,
                "location": "Salle des fêtes, 1 rue de la République, Marseille, France",
                "url": f"https://example.org/fr/events/{event.slug}/",
                "start": event.starts_at.astimezone(zone),
                "end": event.ends_at.astimezone(zone),
                "stamp": event.updated_at,
                "created": event.created_at,
                "sequence": event.sequence,
                "status": "CANCELLED" if event.status == "cancelled" else "CONFIRMED",
                "category": event.kind,
            }
        )
    return rows


def icalendar_alone(rows: list[dict]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for row in rows:
        vevent = icalendar.Event()
        vevent.add("uid", row["uid"])
        vevent.add("dtstamp", row["stamp"])
        vevent.add("dtstart", row["start"])
        vevent.add("dtend", row["end"])
        vevent.add("created", row["created"])
        vevent.add("last-modified", row["stamp"])
        vevent.add("sequence", row["sequence"])
        vevent.add("status", row["status"])
        vevent.add("summary", row["summary"])
        vevent.add("description", row["description"])
        vevent.add("location", row["location"])
        vevent.add("url", row["url"])
        vevent.add("categories", [row["category"]])
        organizer = icalendar.vCalAddress("mailto:international@primi.example")
        organizer.params["CN"] = "PRIMI international"
        vevent.add("organizer", organizer)
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def timed(function, repeat: int) -> float:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def load(port: int, path: str, seconds: float, gzipped: bool = True, threads: int = 4) -> float:
    """Requests per second on `path`, with `threads` keep-alive clients that accept gzip
    (as calendar apps do) or not."""
    done = []
    deadline = time.perf_counter() + seconds
    headers = {"Accept-Encoding": "gzip"} if gzipped else {}

    def client() -> None:
        count = 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            count += 1
        connection.close()
        done.append(count)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - started)


def gunicorn_ratio(port: int, seconds: float) -> tuple[float, float, float]:
    env = {**os.environ, "GUNICORN_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "primi_site.wsgi",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer")
        load(port, FEED, 1.0)  # warm both workers' caches
        # Alternate one-second rounds, so that the machine's other load hits all three alike.
        rounds = max(1, round(seconds))
        totals = {"feed": 0.0, "identity": 0.0, "healthz": 0.0}
        for _ in range(rounds):
            totals["healthz"] += load(port, "/healthz", 1.0)
            totals["feed"] += load(port, FEED, 1.0)
            totals["identity"] += load(port, FEED, 1.0, gzipped=False)
        return totals["feed"] / rounds, totals["identity"] / rounds, totals["healthz"] / rounds
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--seconds", type=float, default=6.0, help="per URL, in 1 s rounds")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    populate(options.events)
    client = Client(HTTP_HOST="localhost")
    cache = caches["feeds"]

    cache.clear()
    client.get(FEED)  # the version row exists from here on
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(FEED)
    body = response.content
    events = body.count(b"BEGIN:VEVENT")
    print(f"events in the feed: {events} ({len(body) / 1e6:.2f} MB)")
    print(f"SQL queries per feed request: {len(captured)} (target: constant, <= 5)")

    def cold() -> None:
        cache.clear()
        vtimezone_module.vtimezone.cache_clear()
        assert client.get(FEED).status_code == 200

    rows = plain_objects()
    builds, alones = [], []
    for _ in range(options.repeat):  # alternated, so that other load hits both alike
        builds.append(timed(cold, 1))
        alones.append(timed(lambda: icalendar_alone(rows), 1))
    build, alone = statistics.median(builds), statistics.median(alones)
    print(f"cold build of the feed: {build * 1000:.0f} ms")
    print(f"icalendar alone, same events, from memory: {alone * 1000:.0f} ms")
    print(f"cold build / icalendar alone: {build / alone:.2f} (target <= 1.5)")

    etag = client.get(FEED)["ETag"]

    def conditional() -> None:
        assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304

    not_modified = timed(conditional, options.repeat * 20)
    print(f"304 answer: {not_modified * 1000:.2f} ms")
    print(f"304 / full build: {not_modified / build:.4f} (target <= 0.05)")

    feed_rps, identity_rps, healthz_rps = gunicorn_ratio(options.port, options.seconds)
    print(
        f"gunicorn, 2 workers: feed {feed_rps:.1f} req/s with gzip, "
        f"{identity_rps:.1f} req/s without; /healthz {healthz_rps:.1f} req/s"
    )
    print(f"feed req/s / healthz req/s: {feed_rps / healthz_rps:.2f} (target >= 0.5)")
    print(f"the same without gzip: {identity_rps / healthz_rps:.2f}")


if __name__ == "__main__":
    main()
