"""State changes of missions, as calendars see them (see `events.services`)."""

import logging

from django.db import transaction
from django.utils import timezone

from events.models import Event
from events.services import DELETIONS_SCOPE, touch_feeds, track_revision
from missions.models import Mission
from missions.signals import mission_revised

logger = logging.getLogger(__name__)

MISSION_TRACKED = (
    "status",
    "title_fr",
    "title_en",
    "summary_fr",
    "summary_en",
    "description_fr",
    "description_en",
    "time_zone",
    "start_date",
    "end_date",
    "destination_city",
    "destination_country",
)


@transaction.atomic
def save_mission(mission: Mission) -> Mission:
    """Create or update a mission as calendars must see it; a change of its title,
    summary, description, dates, place or status is announced
    (`missions.signals.mission_revised`: the invitations of the confirmed applicants)."""
    previous_status = (
        Mission.objects.filter(pk=mission.pk).values_list("status", flat=True).first()
        if mission.pk
        else None
    )
    changed = track_revision(mission, MISSION_TRACKED)
    mission.save()
    touch_feeds()
    if changed:
        logger.info(
            "mission %s changed (%s), sequence %s", mission.pk, ", ".join(changed), mission.sequence
        )
    # Closing applications (or opening them again) changes nobody's calendar: the
    # mission still happens, so its applicants are not written to about it.
    still_happening = {previous_status, mission.status} <= {
        Mission.Status.PUBLISHED,
        Mission.Status.CLOSED,
    }
    announced = [name for name in changed if not (name == "status" and still_happening)]
    if announced:
        mission_revised.send(sender=Mission, mission=mission, changed=announced)
    return mission


def _unlink_events(missions) -> None:
    """The events of deleted missions lose their "Part of" line: their rows say they
    changed, so the feeds that show them see it (`events.feeds`)."""
    Event.objects.filter(mission__in=missions).update(updated_at=timezone.now())


@transaction.atomic
def delete_mission(mission: Mission) -> None:
    pk = mission.pk
    _unlink_events([pk])
    mission.delete()
    touch_feeds()
    touch_feeds(DELETIONS_SCOPE)  # dates the feeds' Last-Modified
    logger.info("mission %s deleted", pk)


@transaction.atomic
def delete_missions(missions) -> None:
    pks = list(missions.values_list("pk", flat=True))
    _unlink_events(pks)
    Mission.objects.filter(pk__in=pks).delete()
    touch_feeds()
    touch_feeds(DELETIONS_SCOPE)
    logger.info("missions %s deleted", pks)
