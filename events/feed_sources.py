"""Where the items of a person's private feed come from: pluggable sources.

A source is a class named in `settings.CALENDAR_FEED_SOURCES` with two methods:

- `fingerprint(person) -> dict[str, Expression]`: scalar subqueries (counts,
  latest `updated_at`…) whose values change whenever the source's items for this
  person change. They are evaluated together, in the one query that answers a
  conditional request, and folded into the feed's ETag; a `DateTimeField` value
  also moves Last-Modified forward.
- `items(person, language, cutoff) -> list[CalendarItem]`: the items, in a constant
  number of queries whatever their count. Items whose cancellation is older than
  `cutoff` are left out.

Items of several sources with the same UID are shown once: the first source listed
wins, so list the most precise sources (a confirmed registration, a meeting) before
the broadest (a mission's programme).

To plug a source in (confirmed registrations, B2B meetings): write the class in its
app (for example `bookings/feed_sources.py`), add its dotted path to the setting,
and call `events.services.touch_feeds()` from the services that change its rows
only if its fingerprint cannot see the change by itself (a deletion).
"""

from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.db.models import DateTimeField, Expression, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.utils.module_loading import import_string

from events.ical import CalendarItem, event_item, mission_item
from events.models import Event
from events.queries import shown_in_feeds
from missions.models import Mission, Person


class SubqueryAggregate(Subquery):
    """`(SELECT COUNT(*) | MAX(col) FROM (subquery))`: one value from a queryset."""

    template = "(SELECT %(function)s FROM (%(subquery)s) AS aggregated)"

    def __init__(self, queryset, function: str = "COUNT(*)", output_field=None):
        super().__init__(queryset, output_field=output_field or IntegerField())
        self.extra["function"] = function


def count_of(queryset) -> SubqueryAggregate:
    return SubqueryAggregate(queryset.order_by().values("pk"), "COUNT(*)")


def latest(queryset, field: str) -> SubqueryAggregate:
    return SubqueryAggregate(
        queryset.order_by().values(field), f"MAX({field})", output_field=DateTimeField()
    )


class MissionProgrammeSource:
    """The missions a person takes part in, and their programmes.

    Today a person takes part in a mission when their organisation is one of its
    partners (a delegation's clusters and companies, a host abroad). Confirmed
    applications join through the registrations source.
    """

    name = "missions"

    def fingerprint(self, person: Person) -> dict[str, Expression]:
        # Events and missions are covered by the calendar version; what is the
        # person's own is which organisation they belong to.
        return {
            "organisation": Subquery(
                Person.objects.filter(pk=person.pk).values("organisation_id"),
                output_field=IntegerField(),
            )
        }

    def missions(self, person: Person, cutoff: datetime):
        if person.organisation_id is None:
            return Mission.objects.none()
        return (
            Mission.objects.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at"))
            .filter(shown_in_feeds(cutoff), partners=person.organisation_id)
            .order_by("start_date", "pk")
        )

    def items(self, person: Person, language: str, cutoff: datetime) -> list[CalendarItem]:
        missions = list(self.missions(person, cutoff))
        if not missions:
            return []
        events = (
            Event.objects.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at"))
            .filter(shown_in_feeds(cutoff), mission__in=missions)
            .select_related("mission")
        )
        return [mission_item(mission, language) for mission in missions] + [
            event_item(event, language) for event in events
        ]


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(path)() for path in paths)


def private_sources() -> tuple:
    return _load(tuple(settings.CALENDAR_FEED_SOURCES))
