"""Where the items of a person's private feed come from: pluggable sources.

A source is a class named in `settings.CALENDAR_FEED_SOURCES` with two methods:

- `fingerprint(person) -> dict[str, Expression]`: scalar subqueries (counts, key
  sums, latest `updated_at`…) whose values change whenever the source's items for this
  person change, including what they show of other rows (an event's title, a
  mission's name in a description). They are evaluated together, in the one query
  that answers a conditional request, and are the feed's ETag: nothing else is (an
  edit elsewhere must not make every subscriber download again); a `DateTimeField`
  value also moves Last-Modified forward.
- `items(person, language, cutoff) -> list[CalendarItem]`: the items, in a constant
  number of queries whatever their count. Items whose cancellation is older than
  `cutoff` are left out.

Items of several sources with the same UID are shown once: the first source listed
wins, so list the most precise sources (a confirmed registration, a meeting) before
the broadest (a mission's programme).

The sources plugged in: `bookings.feed_sources.RegistrationSource` (confirmed
registrations and applications, and the programmes of those missions) and
`bookings.feed_sources.MeetingSource` (B2B meetings). To plug another in: write the
class in its app, and add its dotted path to the setting. Its fingerprint must see
every change by itself, deletions included (a count drops): `touch_feeds()` does not
reach the private feed's ETag.
"""

from functools import lru_cache

from django.conf import settings
from django.db.models import DateTimeField, F, IntegerField, Subquery
from django.utils.module_loading import import_string


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


def latest_of(queryset, expression) -> SubqueryAggregate:
    """The latest value of `expression` (a related row's `updated_at`…) over `queryset`."""
    return SubqueryAggregate(
        queryset.order_by().values(feed_value=expression),
        "MAX(feed_value)",
        output_field=DateTimeField(),
    )


def total_of(queryset) -> SubqueryAggregate:
    """The sum of the primary keys: with the count, it tells apart two sets of rows of
    the same size (one row left, another joined)."""
    return SubqueryAggregate(
        queryset.order_by().values(feed_value=F("pk")),
        "SUM(feed_value)",
        output_field=IntegerField(),
    )


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(path)() for path in paths)


def private_sources() -> tuple:
    return _load(tuple(settings.CALENDAR_FEED_SOURCES))
