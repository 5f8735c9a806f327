"""Create or update the site's periodic jobs by name; run it as often as you like."""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

SCHEDULES = (
    # name, function, minutes between runs
    ("bookings: expire offers", "bookings.tasks.expire_offers", 5),
    ("outbox: sweep", "primi_site.tasks.sweep_outbox", 1),
    ("bookings: event reminders", "bookings.tasks.send_event_reminders", 15),
    ("bookings: B2B meeting reminders", "bookings.tasks.send_meeting_reminders", 5),
    ("bookings: clean up", "bookings.tasks.clean_up", 24 * 60),
    ("personal data: retention", "primi_site.tasks.anonymise_expired_personal_data", 24 * 60),
)


# Replaced by the outbox's sweep; removed where an older set-up created it.
RETIRED = ("bookings: send pending emails",)


class Command(BaseCommand):
    help = "Create the django-q2 schedules of the site, by name (idempotent)."

    def handle(self, *args, **options) -> None:
        Schedule.objects.filter(name__in=RETIRED).delete()
        for name, func, minutes in SCHEDULES:
            _, created = Schedule.objects.update_or_create(
                name=name,
                defaults={
                    "func": func,
                    "schedule_type": Schedule.MINUTES,
                    "minutes": minutes,
                    "repeats": -1,
                },
            )
            verb = "created" if created else "up to date"
            self.stdout.write(f"{name}: every {minutes} min ({verb})")
