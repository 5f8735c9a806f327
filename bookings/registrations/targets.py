"""A thing one registers for: an event or a mission, behind one adapter.

Registrations, invitations and quotas hold either an event or a mission (a field of each
name, one of them set). What differs between the two is written here once, as a `Kind`,
instead of `isinstance` checks across the services, queries, emails and pages:

- an event may be for members only, and may turn its waitlist off; a mission is open to
  whoever it accepts, always has a waitlist, and may keep seats per organisation and per
  department (quotas);
- a freed seat goes to the next person waiting while an event is published, and while a
  mission is not cancelled (a closed mission's applicants still move up);
- staff and the pages call the one a registration, the other an application.
"""

from dataclasses import dataclass

from django.db import models

from events.models import Event
from missions.models import Mission

Target = Event | Mission


@dataclass(frozen=True)
class Kind:
    name: str  # the field of a registration, an invitation, a job's argument
    model: type[models.Model]
    members_only_possible: bool
    waitlist_optional: bool
    has_quotas: bool

    def fields(self, target: Target) -> dict:
        """The keyword arguments that point a registration (or an invitation) at it."""
        return {self.name: target}


EVENT = Kind("event", Event, members_only_possible=True, waitlist_optional=True, has_quotas=False)
MISSION = Kind(
    "mission", Mission, members_only_possible=False, waitlist_optional=False, has_quotas=True
)
KINDS = {kind.name: kind for kind in (EVENT, MISSION)}


def kind_of(target: Target) -> Kind:
    return EVENT if isinstance(target, Event) else MISSION


def kind_named(name: str) -> Kind:
    return KINDS[name]


def is_event(target: Target) -> bool:
    return kind_of(target) is EVENT


def model_and_pk(holder) -> tuple[type[models.Model], int]:
    """The model and id of what a registration (or an invitation) is for."""
    return (Event, holder.event_id) if holder.event_id else (Mission, holder.mission_id)


def members_only(target: Target) -> bool:
    return kind_of(target).members_only_possible and target.members_only


def has_waitlist(target: Target) -> bool:
    return not kind_of(target).waitlist_optional or target.waitlist_enabled


def seats_pass_on(target: Target) -> bool:
    """Whether a freed seat goes to the next person waiting now."""
    if is_event(target):
        return target.status == Event.Status.PUBLISHED
    return target.status != Mission.Status.CANCELLED
