"""Fetch-and-authorise functions of the B2B pages and API.

An object that belongs to someone else is a 404 everywhere, never a 403, so ids
reveal nothing.
"""

from django.db.models import Q
from django.http import Http404

from bookings.models import B2BParticipant, B2BSession, Meeting, MeetingRequest, ScheduleRun
from events.models import Event
from missions.people import person_of
from primi_site.permissions import is_staff


def get_session_or_404(slug: str) -> B2BSession:
    session = (
        B2BSession.objects.select_related("event", "event__mission")
        .filter(event__slug=slug)
        .exclude(event__status=Event.Status.DRAFT)
        .first()
    )
    if session is None:
        raise Http404
    return session


def get_session_by_id_or_404(session_id: int) -> B2BSession:
    session = (
        B2BSession.objects.select_related("event", "event__mission")
        .filter(pk=session_id)
        .exclude(event__status=Event.Status.DRAFT)
        .first()
    )
    if session is None:
        raise Http404
    return session


def participant_of(session: B2BSession, user) -> B2BParticipant | None:
    person = person_of(user)
    if person is None:
        return None
    return (
        B2BParticipant.objects.select_related("session__event", "person__user")
        .filter(session=session, person=person)
        .first()
    )


def get_participant_for_user_or_404(session: B2BSession, user) -> B2BParticipant:
    participant = participant_of(session, user)
    if participant is None:
        raise Http404
    return participant


def may_see_directory(session: B2BSession, user, participant: B2BParticipant | None) -> bool:
    """Staff always; participants of the session once the staff opened the directory."""
    if is_staff(user):
        return True
    return participant is not None and session.directory_open


def _listed_for(user) -> Q:
    """Approved profiles; others than the staff see only those agreed to be listed."""
    approved = Q(status=B2BParticipant.Status.APPROVED)
    if is_staff(user):
        return approved
    return approved & Q(directory_consent_at__isnull=False)


def get_listed_participant_or_404(session: B2BSession, user, pk: int) -> B2BParticipant:
    """A profile of the directory (approved, agreed to be listed), as its viewer may see it."""
    viewer = participant_of(session, user)
    if not may_see_directory(session, user, viewer):
        raise Http404
    found = (
        B2BParticipant.objects.select_related("person__user", "session__event")
        .prefetch_related("sectors")
        .filter(session=session, pk=pk)
        .filter(_listed_for(user) | Q(pk=viewer.pk if viewer else None))
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_request_for_user_or_404(user, pk: int) -> tuple[MeetingRequest, B2BParticipant]:
    """A request the user sent or received, and the user's side of it."""
    person = person_of(user)
    if person is None:
        raise Http404
    request = (
        MeetingRequest.objects.select_related(
            "session__event", "sender__person__user", "recipient__person__user"
        )
        .filter(pk=pk)
        .filter(Q(sender__person=person) | Q(recipient__person=person))
        .first()
    )
    if request is None:
        raise Http404
    mine = request.sender if request.sender.person_id == person.pk else request.recipient
    return request, mine


def get_meeting_for_user_or_404(user, pk: int) -> tuple[Meeting, B2BParticipant]:
    """A meeting the user takes part in, and the user's side of it."""
    person = person_of(user)
    if person is None:
        raise Http404
    meeting = (
        Meeting.objects.select_related(
            "session__event",
            "slot",
            "table",
            "participant_a__person__user",
            "participant_b__person__user",
        )
        .filter(pk=pk)
        .filter(Q(participant_a__person=person) | Q(participant_b__person=person))
        .first()
    )
    if meeting is None:
        raise Http404
    mine = (
        meeting.participant_a
        if meeting.participant_a.person_id == person.pk
        else meeting.participant_b
    )
    return meeting, mine


def get_run_or_404(session: B2BSession, pk: int) -> ScheduleRun:
    """A scheduler run of this session (staff reads only: the caller checks the role)."""
    run = (
        ScheduleRun.objects.select_related("session__event").filter(session=session, pk=pk).first()
    )
    if run is None:
        raise Http404
    return run
