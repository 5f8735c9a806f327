"""The private feed's source of confirmed registrations: the events and missions a
person holds a seat for (see events/feed_sources.py).
"""

from datetime import datetime

from django.db.models import Count, DateTimeField, Expression, IntegerField, Max, Subquery
from django.db.models.functions import Coalesce

from bookings.models import Registration, RegistrationState
from events.ical import CalendarItem, event_item, mission_item
from events.models import Event
from events.queries import shown_in_feeds
from missions.models import Mission, Person


class ConfirmedRegistrationSource:
    name = "registrations"

    def fingerprint(self, person: Person) -> dict[str, Expression]:
        mine = (
            Registration.objects.filter(person=person, state=RegistrationState.CONFIRMED)
            .order_by()
            .values("person")
        )
        return {
            "registrations": Subquery(
                mine.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
            ),
            "registrations_changed": Subquery(
                Registration.objects.filter(person=person)
                .order_by()
                .values("person")
                .annotate(latest=Max("updated_at"))
                .values("latest"),
                output_field=DateTimeField(),
            ),
        }

    def items(self, person: Person, language: str, cutoff: datetime) -> list[CalendarItem]:
        confirmed = Registration.objects.filter(person=person, state=RegistrationState.CONFIRMED)
        missions = (
            Mission.objects.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at"))
            .filter(shown_in_feeds(cutoff), pk__in=confirmed.values("mission_id"))
            .order_by("start_date", "pk")
        )
        events = (
            Event.objects.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at"))
            .filter(shown_in_feeds(cutoff), pk__in=confirmed.values("event_id"))
            .select_related("mission")
            .order_by("starts_at", "pk")
        )
        return [mission_item(mission, language) for mission in missions] + [
            event_item(event, language) for event in events
        ]
