"""Time zones: validation of IANA names and strict conversion of local wall-clock times.

Times are stored in UTC; a local time typed by staff is converted here, and refused
when it does not exist (the hour skipped when clocks go forward) or is ambiguous
(the hour repeated when they go back).
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (use an IANA name such as Europe/Paris)."),
            code="unknown_time_zone",
            params={"value": value},
        )


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a known time zone (use an IANA name such as Europe/Paris)."),
            code="unknown_time_zone",
            params={"value": name},
        ) from exc


def local_to_utc(naive: datetime, zone_name: str) -> datetime:
    """Convert a naive wall-clock time in `zone_name` to an aware UTC datetime.

    Raises ValidationError when the wall-clock time does not exist in that zone
    (a daylight-saving gap) or happens twice (a repeated hour).
    """
    tz = zone(zone_name)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    params = {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": zone_name}
    if first.utcoffset() != second.utcoffset():
        # Round-tripping tells a gap (the time never shows on a clock) from a repeat.
        if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            raise ValidationError(
                _(
                    "%(time)s does not exist in %(zone)s: the clocks skip that hour "
                    "when daylight saving time starts."
                ),
                code="nonexistent_time",
                params=params,
            )
        raise ValidationError(
            _(
                "%(time)s happens twice in %(zone)s (the clocks go back that night); "
                "choose a time outside the repeated hour."
            ),
            code="ambiguous_time",
            params=params,
        )
    return first.astimezone(UTC)


def local_midnight(day: date, zone_name: str) -> datetime:
    """The UTC instant at which `day` begins in `zone_name` (first instant, even in a gap)."""
    tz = zone(zone_name)
    start = datetime.combine(day, time.min)
    for minutes in range(0, 24 * 60, 30):
        candidate = start + timedelta(minutes=minutes)
        try:
            return local_to_utc(candidate, zone_name)
        except ValidationError:
            continue
    return start.replace(tzinfo=tz).astimezone(UTC)  # pragma: no cover - no such zone


def transitions(zone_name: str, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in [start, end) at which the zone's UTC offset changes (hour precision)."""
    tz = zone(zone_name)
    found = []
    step = timedelta(hours=1)
    instant = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    previous = instant.astimezone(tz).utcoffset()
    while instant < end:
        instant += step
        offset = instant.astimezone(tz).utcoffset()
        if offset != previous:
            found.append(instant)
            previous = offset
    return found
