"""A person's personal data: download it, erase it, and erase it on its own after a while.

Erasing is anonymisation, not deletion: the account is closed and every field that
identifies the person is emptied, but the person row, its organisation and its
registrations (states, dates, history) stay, so the figures (registrations by
department and country, missions attended) do not change. The same holds for B2B: the
profile's texts and logo go, the meetings and their outcomes stay.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bookings.b2b import logos
from bookings.models import (
    ACTIVE_STATES,
    EmailOutbox,
    EventReminder,
    Invitation,
    Registration,
    RegistrationLog,
)
from events.models import FeedToken
from missions.models import Person
from primi_site.models import ApiToken

logger = logging.getLogger(__name__)


class StillRegistered(Exception):
    """The person holds a registration for something not over yet."""


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(person: Person) -> dict:
    """Everything stored about the person, as JSON-ready data (no token secrets)."""
    user = person.user
    registrations = (
        Registration.objects.filter(person=person)
        .select_related("event", "mission")
        .prefetch_related("log")
        .order_by("created_at", "pk")
    )
    return {
        "profile": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "organisation": person.organisation.name if person.organisation_id else None,
            "role": person.role,
            "job_title": person.job_title,
            "language": person.language,
            "time_zone": person.time_zone,
            "languages_spoken": person.languages_spoken,
        },
        "registrations": [
            {
                "event": registration.event.slug if registration.event_id else None,
                "mission": registration.mission.slug if registration.mission_id else None,
                "state": registration.state,
                "created_at": _when(registration.created_at),
                "company_pitch": registration.company_pitch,
                "trip_goals": registration.trip_goals,
                "target_markets": registration.target_markets,
                "decision_reason": registration.decision_reason,
                "history": [
                    {
                        "at": _when(change.at),
                        "from": change.from_state,
                        "to": change.to_state,
                        "reason": change.reason,
                    }
                    for change in registration.log.all()
                ],
            }
            for registration in registrations
        ],
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "scope": token.scope,
                "created_at": _when(token.created_at),
                "expires_at": _when(token.expires_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "calendar_feed_tokens": [
            {
                "name": token.name,
                "created_at": _when(token.created_at),
                "rotated_at": _when(token.rotated_at),
                "last_used_at": _when(token.last_used_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in FeedToken.objects.filter(person=person).order_by("created_at", "pk")
        ],
        "b2b": [_b2b_export(participant) for participant in _participations(person)],
    }


def _participations(person: Person):
    from bookings.models import B2BParticipant

    return (
        B2BParticipant.objects.filter(person=person)
        .select_related("session__event")
        .prefetch_related("sectors", "unavailabilities__slot")
        .order_by("created_at", "pk")
    )


def _request_export(request, other) -> dict:
    return {
        "with": other.organisation_name,
        "state": request.state,
        "message": request.message,
        "answer": request.answer,
        "sent_at": _when(request.created_at),
        "answered_at": _when(request.answered_at),
    }


def _b2b_export(participant) -> dict:
    """A B2B participation: the profile, the requests, the meetings and what came of them."""
    from bookings.models import Meeting, MeetingReport, MeetingRequest

    requests = MeetingRequest.objects.select_related("sender", "recipient").order_by(
        "created_at", "pk"
    )
    meetings = (
        Meeting.objects.filter(Q(participant_a=participant) | Q(participant_b=participant))
        .select_related("slot", "table", "participant_a", "participant_b")
        .order_by("slot__starts_at", "pk")
    )
    reports = {
        report.meeting_id: report
        for report in MeetingReport.objects.filter(participant=participant)
    }
    return {
        "session": participant.session.event.slug,
        "side": participant.side,
        "status": participant.status,
        "organisation": participant.organisation_name,
        "country": participant.country,
        "department": participant.department,
        "sectors": sorted(sector.slug for sector in participant.sectors.all()),
        "offer_fr": participant.offer_fr,
        "offer_en": participant.offer_en,
        "need_fr": participant.need_fr,
        "need_en": participant.need_en,
        "languages": participant.languages,
        "mode": participant.mode,
        "logo": participant.logo.name or None,
        "review_note": participant.review_note,
        "directory_consent_at": _when(participant.directory_consent_at),
        "joined_at": _when(participant.created_at),
        "unavailable_slots": sorted(u.slot.index for u in participant.unavailabilities.all()),
        "requests_sent": [
            _request_export(r, r.recipient) for r in requests.filter(sender=participant)
        ],
        "requests_received": [
            _request_export(r, r.sender) for r in requests.filter(recipient=participant)
        ],
        "meetings": [
            {
                "with": meeting.other(participant).organisation_name,
                "state": meeting.state,
                "starts_at": _when(meeting.slot.starts_at),
                "ends_at": _when(meeting.slot.ends_at),
                "table": meeting.table.number if meeting.table_id else None,
                "online": meeting.online,
                "video_url": meeting.video_url,
                "cancel_reason": meeting.cancel_reason,
                "my_report": (
                    {
                        "took_place": reports[meeting.pk].took_place,
                        "outcome": reports[meeting.pk].outcome,
                        "note": reports[meeting.pk].note,
                    }
                    if meeting.pk in reports
                    else None
                ),
            }
            for meeting in meetings
        ],
    }


def _anonymise_b2b(person: Person) -> None:
    """Empty the B2B profile, its logo and the texts the person wrote; keep the states,
    the meetings and the outcomes (took place, lead, contract…) that the figures count."""
    from bookings.models import (
        B2BLogEntry,
        B2BNotification,
        B2BParticipant,
        Meeting,
        MeetingReport,
        MeetingRequest,
    )

    for participant in B2BParticipant.objects.filter(person=person):
        # Every file of the participant (the current logo and any earlier version left in
        # their folder) goes once the rows are committed (a rollback keeps both).
        logos.delete_on_commit(
            participant.logo.storage,
            logos.files_of(participant),
            folder=logos.folder_of(participant),
        )
    name = person.organisation.name if person.organisation_id else ""
    B2BParticipant.objects.filter(person=person).update(
        organisation_name=name,
        offer_fr="",
        offer_en="",
        need_fr="",
        need_en="",
        languages=[],
        logo="",
        review_note="",
        directory_consent_at=None,
    )
    MeetingRequest.objects.filter(sender__person=person).update(message="")
    MeetingRequest.objects.filter(recipient__person=person).update(answer="")
    Meeting.objects.filter(cancelled_by=person).update(cancel_reason="")
    MeetingReport.objects.filter(participant__person=person).update(note="")
    B2BNotification.objects.filter(recipient=person, sent_at__isnull=True).delete()
    for entry in B2BLogEntry.objects.filter(actor=person, detail__has_key="reason"):
        entry.detail = {**entry.detail, "reason": ""}
        entry.save(update_fields=["detail"])


def _ends_after(moment: datetime) -> Q:
    return Q(event__ends_at__gt=moment) | Q(mission__end_date__gt=moment.date())


def current_registrations(person: Person, now: datetime) -> bool:
    return (
        Registration.objects.filter(person=person, state__in=ACTIVE_STATES)
        .filter(_ends_after(now))
        .exists()
    )


def erase_own(person: Person, *, now: datetime | None = None) -> None:
    """A person's own request: refused while they still hold a current registration."""
    now = now or timezone.now()
    if current_registrations(person, now):
        raise StillRegistered
    anonymise(person, now=now, reason="request")


def anonymise(person: Person, *, now: datetime | None = None, reason: str = "staff") -> None:
    """Empty everything that identifies the person; keep the rows the figures count."""
    from axes.models import AccessAttempt, AccessLog

    now = now or timezone.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
        if person.anonymised_at:
            return
        user = person.user
        old_username = user.get_username()
        user.username = f"anonymised-{user.pk}"
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        person.job_title = ""
        person.languages_spoken = []
        person.anonymised_at = now
        person.save(update_fields=["job_title", "languages_spoken", "anonymised_at"])
        registrations = Registration.objects.filter(person=person)
        registrations.update(company_pitch="", trip_goals="", target_markets="", decision_reason="")
        RegistrationLog.objects.filter(registration__person=person).update(reason="")
        EmailOutbox.objects.filter(registration__person=person, sent_at__isnull=True).delete()
        EventReminder.objects.filter(registration__person=person, sent_at__isnull=True).delete()
        Invitation.objects.filter(registrations__person=person).update(email="")
        ApiToken.objects.filter(user=user).delete()
        FeedToken.objects.filter(person=person).delete()
        AccessAttempt.objects.filter(username=old_username).delete()
        AccessLog.objects.filter(username=old_username).delete()
        _anonymise_b2b(person)
    logger.info("personal data anonymised", extra={"person": person.pk, "reason": reason})


def expired_people(*, now: datetime | None = None):
    """People (not staff) whose every registration ended more than the retention ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    recent = Registration.objects.filter(person=OuterRef("pk")).filter(_ends_after(cutoff))
    return (
        Person.objects.filter(anonymised_at__isnull=True, registrations__isnull=False)
        .exclude(role=Person.Role.STAFF)
        .exclude(user__is_staff=True)
        .exclude(Exists(recent))
        .filter(Q(user__last_login__isnull=True) | Q(user__last_login__lt=cutoff))
        .distinct()
    )


def anonymise_expired(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    people = list(expired_people(now=now))
    for person in people:
        anonymise(person, now=now, reason="retention")
    return len(people)
