"""From what staff type (local times or days in a zone) to the UTC instants stored."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from primi_site.timezones import local_midnight, local_to_utc


def timed_bounds(start: datetime, end: datetime, zone_name: str) -> tuple[datetime, datetime]:
    """UTC start and end of a timed event given naive local times in `zone_name`."""
    errors = {}
    starts_at = ends_at = None
    try:
        starts_at = local_to_utc(start, zone_name)
    except ValidationError as exc:
        errors["start"] = exc
    try:
        ends_at = local_to_utc(end, zone_name)
    except ValidationError as exc:
        errors["end"] = exc
    if errors:
        raise ValidationError(errors)
    if ends_at <= starts_at:
        raise ValidationError(
            {
                "end": ValidationError(
                    _("The end must come after the start."), code="end_before_start"
                )
            }
        )
    return starts_at, ends_at


def all_day_bounds(first: date, last: date, zone_name: str) -> tuple[datetime, datetime]:
    """UTC instants bounding the local days `first`..`last` (inclusive) in `zone_name`."""
    if last < first:
        raise ValidationError(
            {
                "end_date": ValidationError(
                    _("The last day cannot be before the first day."), code="end_before_start"
                )
            }
        )
    return local_midnight(first, zone_name), local_midnight(last + timedelta(days=1), zone_name)
