"""The sources of a person's private calendar feed: registrations and B2B meetings.

What a person's calendar holds is what they are confirmed for:

- each event they hold a confirmed registration for;
- each mission they hold a confirmed application for, with its programme (the
  mission's published events, and those cancelled lately);
- for `RETENTION` (30 days) after it, what they were confirmed for and cancelled:
  the same UIDs, `STATUS:CANCELLED` and a higher SEQUENCE
  (`bookings.registrations.queries.personal_sequence`), so that subscribed calendars remove it.

The UIDs are those of the invitations (`event-12@…`, `mission-3@…`): accepting an
invitation and subscribing to the feed show one entry.
"""

from dataclasses import replace
from datetime import datetime

from django.db.models import Expression, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from bookings.b2b.ical import meeting_item
from bookings.models import B2BParticipant, Meeting, Registration
from bookings.registrations import queries
from events.feed_sources import count_of, latest, latest_of, total_of
from events.ical import CalendarItem, event_item, mission_item
from events.models import Event
from events.queries import shown_in_feeds
from missions.models import Mission, Person


def _shown(target, cutoff: datetime) -> bool:
    """The Python twin of `events.queries.shown_in_feeds` for one event or mission; a
    mission closed to applications still happens."""
    if target.status in ("published", "closed"):
        return True
    if target.status != "cancelled":
        return False
    return (target.cancelled_at or target.updated_at) >= cutoff


def _personal(item: CalendarItem, registration: Registration, sequence: int, ended: bool):
    return replace(
        item,
        sequence=sequence,
        cancelled=item.cancelled or ended,
        last_modified=max(item.last_modified, registration.updated_at),
    )


class RegistrationSource:
    """Confirmed registrations and applications, and the programmes of those missions."""

    name = "registrations"

    def fingerprint(self, person: Person) -> dict[str, Expression]:
        from events.feeds import RETENTION

        mine = Registration.objects.filter(person=person)
        cutoff = timezone.now() - RETENTION
        events = Event.objects.filter(registrations__person=person)
        missions = Mission.objects.filter(registrations__person=person)
        programme = Event.objects.annotate(
            feed_cancelled_at=Coalesce("cancelled_at", "updated_at")
        ).filter(shown_in_feeds(cutoff), mission__registrations__person=person)
        return {
            "count": count_of(mine),
            "latest": latest(mine, "updated_at"),
            # a cancellation leaving the feed after 30 days changes the ETag too
            "expired": count_of(mine.filter(state__in=queries.ENDED_STATES, updated_at__lt=cutoff)),
            # what the items show of their events and missions (titles, times, places…),
            # the missions named in the events' descriptions, and the programmes
            "events": latest(events, "updated_at"),
            "events_missions": latest_of(events, F("mission__updated_at")),
            "missions": latest(missions, "updated_at"),
            "programme_count": count_of(programme),
            "programme_keys": total_of(programme),
            "programme": latest(programme, "updated_at"),
        }

    def items(self, person: Person, language: str, cutoff: datetime) -> list[CalendarItem]:
        registrations = [
            registration
            for registration in queries.calendar_registrations(person, cutoff)
            if _shown(registration.target, cutoff)
        ]
        programmes: dict[int, list[Event]] = {}
        mission_ids = [r.mission_id for r in registrations if r.mission_id]
        if mission_ids:
            events = (
                Event.objects.annotate(feed_cancelled_at=Coalesce("cancelled_at", "updated_at"))
                .filter(shown_in_feeds(cutoff), mission__in=mission_ids)
                .select_related("mission")
                .order_by("starts_at", "pk")
            )
            for event in events:
                programmes.setdefault(event.mission_id, []).append(event)
        # Most precise first: a confirmed registration for an event outranks the same
        # event in a mission's programme, and anything confirmed outranks a cancellation
        # (`build_calendar` keeps the first item of each UID).
        groups: dict[tuple[bool, bool], list[CalendarItem]] = {}
        for registration in registrations:
            ended = registration.state in queries.ENDED_STATES
            offset = registration.earlier_ended
            if registration.event_id:
                event = registration.event
                sequence = queries.personal_sequence(event.sequence, offset, ended=ended)
                item = _personal(event_item(event, language), registration, sequence, ended)
                groups.setdefault((ended, False), []).append(item)
                continue
            mission = registration.mission
            found = groups.setdefault((ended, True), [])
            sequence = queries.personal_sequence(mission.sequence, offset, ended=ended)
            found.append(_personal(mission_item(mission, language), registration, sequence, ended))
            for event in programmes.get(mission.pk, ()):
                sequence = queries.personal_sequence(event.sequence, offset, ended=ended)
                found.append(_personal(event_item(event, language), registration, sequence, ended))
        order = [(False, False), (False, True), (True, False), (True, True)]
        return [item for key in order for item in groups.get(key, [])]


def _meetings_of(person: Person):
    return Meeting.objects.filter(Q(participant_a__person=person) | Q(participant_b__person=person))


class MeetingSource:
    """The person's B2B meetings: booked ones, and for 30 days the cancelled ones.

    Each is the entry of the meeting's emails (`bookings.b2b.ical.meeting_item`): same
    UID, same SEQUENCE (it rises with each move, change of table and cancellation), the
    table or video link, the other side's organisation. Meetings of an event that is
    neither published nor cancelled (a draft again) leave the feed.
    """

    name = "meetings"

    def fingerprint(self, person: Person) -> dict[str, Expression]:
        from events.feeds import RETENTION

        mine = _meetings_of(person)
        cutoff = timezone.now() - RETENTION
        sides = B2BParticipant.objects.filter(session__participants__person=person)
        return {
            "count": count_of(mine),
            "latest": latest(mine, "updated_at"),
            # a cancellation leaving the feed after 30 days changes the ETag too
            "expired": count_of(mine.filter(state=Meeting.State.CANCELLED, updated_at__lt=cutoff)),
            # the other side's organisation is in the summary
            "profiles": latest(sides, "updated_at"),
            # the event's title, venue and status are in the entry
            "events": latest(Event.objects.filter(b2b_session__meetings__in=mine), "updated_at"),
        }

    def items(self, person: Person, language: str, cutoff: datetime) -> list[CalendarItem]:
        meetings = (
            _meetings_of(person)
            .filter(
                Q(state=Meeting.State.BOOKED)
                | Q(state=Meeting.State.CANCELLED, updated_at__gte=cutoff)
            )
            .filter(session__event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
            .select_related("slot", "table", "session__event", "participant_a", "participant_b")
            .order_by("slot__starts_at", "pk")
        )
        items = []
        with translation.override(language):
            for meeting in meetings:
                mine = (
                    meeting.participant_a
                    if meeting.participant_a.person_id == person.pk
                    else meeting.participant_b
                )
                items.append(meeting_item(meeting, mine, language))
        return items
