"""`python manage.py seed_demo [--today YYYY-MM-DD]`: load the demo data (idempotent).

It lives in bookings because the demo has every layer: the missions' organisations,
people, missions and events (`missions.demo`), then the B2B sessions on top of them
(`bookings.b2b.demo`)."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bookings.b2b.demo import seed_b2b_demo
from missions.demo import demo_credentials, seed_demo
from primi_site.timezones import zone


def paris():
    return zone(settings.VISITOR_TIME_ZONE)


def parse_day(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today expects a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Load the demo organisations, accounts, missions and events, dated from today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="The day the demo is dated from (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args, today=None, **options):
        # "Today" is the cluster's day (Paris), not UTC's, which lags it after midnight.
        day = parse_day(today) if today else timezone.localdate(timezone=paris())
        summary = seed_demo(day)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data dated from {summary.today.isoformat()}: "
                f"{summary.created} rows created, {summary.updated} updated."
            )
        )
        b2b = seed_b2b_demo()
        for label, count in [
            ("Member organisations", summary.member_organisations),
            ("Partner organisations", summary.partner_organisations),
            ("Missions", summary.missions),
            ("Events", summary.events),
            ("Event time zones", summary.event_time_zones),
            ("Accounts", summary.accounts),
            ("B2B participants", b2b.participants if b2b else 0),
            ("B2B meetings", b2b.meetings if b2b else 0),
        ]:
            self.stdout.write(f"  {label:<22} {count}")
        self.stdout.write("\nDemo accounts (one password for all):")
        rows = [("Username", "Role", "Language", "Time zone", "Password")]
        rows += [
            (c.username, c.role, c.language, c.time_zone, c.password) for c in demo_credentials()
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
            )
