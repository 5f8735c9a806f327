#!/usr/bin/env python3
"""Query counts and timings of the B2B pages and API lists as a session grows.

    .venv/bin/python bench/b2b_pages.py [--participants 500] [--repeat 5]

Builds, in a throw-away SQLite database (or DATABASE_URL's database with
--use-database-url, which it fills and leaves), sessions of 2, 3 and N
participants, each with about ten meetings per participant where the grid allows,
then measures each page and endpoint for one participant (or a staff member):
the number of SQL queries (which must not grow with the session) and the median
time over --repeat runs. Prints one table; not run by CI.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(use_database_url: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "primi_site.test_settings")
    if not use_database_url:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(size: int, tag: str):
    """A session with `size` approved participants and up to ten meetings each."""
    from django.contrib.auth import get_user_model

    from bookings.b2b.services import generate_slots
    from bookings.models import (
        B2BBlock,
        B2BParticipant,
        Meeting,
        MeetingRequest,
        MeetingSeat,
        Slot,
        Table,
    )
    from missions.models import Organisation, Person, Sector
    from tests.factories import B2BEventFactory, B2BSessionFactory

    sector, _ = Sector.objects.get_or_create(
        slug="animation", defaults={"name_fr": "Animation", "name_en": "Animation"}
    )
    day = date.today() + timedelta(days=30)  # noqa: DTZ011 - a local day, as staff type it
    midnight = datetime.combine(day, clock(0), tzinfo=ZoneInfo("Europe/Paris"))
    event = B2BEventFactory(  # blocks must lie within the event: its two days
        slug=f"bench-{tag}",
        time_zone="Europe/Paris",
        starts_at=midnight.astimezone(UTC),
        ends_at=(midnight + timedelta(days=2)).astimezone(UTC),
    )
    session = B2BSessionFactory(
        event=event,
        tables=max(2, size // 4),
        direct_booking=True,
        video_base_url="https://meet.example.org/",
    )
    for offset in (0, 1):
        for starts, ends in ((clock(9), clock(12, 30)), (clock(14), clock(17, 30))):
            B2BBlock.objects.create(
                session=session, day=day + timedelta(days=offset), starts=starts, ends=ends
            )
    generate_slots(session)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-{tag}-{i}", email=f"bench-{tag}-{i}@example.org")
        for i in range(size)
    )
    organisation = Organisation.objects.create(
        name=f"Demo bench studio {tag}",
        slug=f"demo-bench-{tag}",
        kind="member",
        country="FR",
        department="13",
    )
    people = Person.objects.bulk_create(Person(user=u, organisation=organisation) for u in users)
    participants = B2BParticipant.objects.bulk_create(
        B2BParticipant(
            session=session,
            person=p,
            side="member" if i % 2 else "delegate",
            status="approved",
            organisation_name=f"Demo participant {i:04d}",
            country="FR" if i % 2 else "CA",
            department="13" if i % 2 else "",
            offer_en="Animation services",
            need_en="Partners",
            languages=["fr", "en"],
            mode="both",
            directory_consent_at=session.created_at,  # listed in the directory
        )
        for i, p in enumerate(people)
    )
    B2BParticipant.sectors.through.objects.bulk_create(
        B2BParticipant.sectors.through(b2bparticipant_id=p.pk, sector_id=sector.pk)
        for p in participants
    )
    slots = list(Slot.objects.filter(session=session).order_by("index"))
    tables = list(Table.objects.filter(session=session).order_by("number"))
    # Round-robin pairings: in slot k, participant i meets i + k + 1 (mod size), one table each.
    meetings, seats, requests = [], [], []
    busy = set()
    for k, slot in enumerate(slots[:10]):
        table_iter = iter(tables)
        for i in range(size):
            j = (i + k + 1) % size
            if i == j or (i, slot.pk) in busy or (j, slot.pk) in busy:
                continue
            table = next(table_iter, None)
            if table is None:
                break
            a, b = sorted((participants[i], participants[j]), key=lambda p: p.pk)
            if any(
                m.participant_a_id == a.pk and m.participant_b_id == b.pk for m in meetings[-size:]
            ):
                continue
            busy.update({(i, slot.pk), (j, slot.pk)})
            meetings.append(
                Meeting(session=session, slot=slot, table=table, participant_a=a, participant_b=b)
            )
    Meeting.objects.bulk_create(meetings)
    for m in meetings:
        seats += [
            MeetingSeat(meeting=m, participant_id=m.participant_a_id, slot=m.slot),
            MeetingSeat(meeting=m, participant_id=m.participant_b_id, slot=m.slot),
        ]
    MeetingSeat.objects.bulk_create(seats)
    for i in range(size):
        j = (i + 17) % size
        if i != j:
            requests.append(
                MeetingRequest(
                    session=session,
                    sender=participants[i],
                    recipient=participants[j],
                    message="Hello",
                )
            )
    MeetingRequest.objects.bulk_create(requests, ignore_conflicts=True)
    return session, participants[0], len(meetings)


def measure(client, url: str, repeat: int) -> tuple[int, float]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log is a bounded deque: a full one would hide the new queries
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return len(captured), statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--use-database-url", action="store_true")
    options = parser.parse_args()
    setup_django(options.use_database_url)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    staff = get_user_model().objects.create_user("bench-staff", is_staff=True)
    sizes = [1, 3, options.participants]
    results = {}
    for size in sizes:
        session, someone, meeting_count = build(max(size, 2) if size > 1 else 2, f"{size}")
        slug = session.event.slug
        member = Client()
        member.force_login(someone.person.user)
        admin = Client()
        admin.force_login(staff)
        pages = {
            "directory page": (member, f"/en/b2b/{slug}/directory/"),
            "agenda page": (member, f"/en/b2b/{slug}/agenda/"),
            "requests page": (member, f"/en/b2b/{slug}/requests/"),
            "staff grid page": (admin, f"/en/b2b/{slug}/staff/grid/"),
            "staff figures page": (admin, f"/en/b2b/{slug}/staff/figures/"),
            "API directory": (member, f"/api/v1/b2b/sessions/{slug}/participants?limit=50"),
            "API my meetings": (member, f"/api/v1/b2b/sessions/{slug}/meetings"),
            "API my requests": (member, f"/api/v1/b2b/sessions/{slug}/requests"),
            "API staff grid": (admin, f"/api/v1/b2b/sessions/{slug}/grid"),
        }
        results[size] = (
            {name: measure(c, url, options.repeat) for name, (c, url) in pages.items()},
            meeting_count,
        )

    largest = sizes[-1]
    print(
        "B2B pages and API: SQL queries per request (must not grow) "
        f"and median time over {options.repeat} runs"
    )
    print(
        f"sessions of 2, 3 and {largest} participants; meetings: "
        + ", ".join(str(results[s][1]) for s in sizes)
    )
    header = (
        f"{'page':<22}"
        + "".join(f"{'q@' + str(s):>8}" for s in sizes)
        + f"{'ms@' + str(largest):>10}{'constant':>10}"
    )
    print(header)
    print("-" * len(header))
    all_constant = True
    for name in results[sizes[0]][0]:
        counts = [results[s][0][name][0] for s in sizes]
        constant = len(set(counts)) == 1
        all_constant &= constant
        print(
            f"{name:<22}"
            + "".join(f"{c:>8}" for c in counts)
            + f"{results[largest][0][name][1]:>10.1f}{'yes' if constant else 'NO':>10}"
        )
    print(f"query counts constant on every page: {'yes' if all_constant else 'NO'}")
    sys.exit(0 if all_constant else 1)


if __name__ == "__main__":
    main()
