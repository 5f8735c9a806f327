"""Joining a session, profiles, their review and availability."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.b2b import logos
from bookings.b2b.services.common import ensure_registered, log
from bookings.b2b.services.locks import lock_participants
from bookings.exceptions import Conflict, Invalid, NotAllowed
from bookings.models import B2BParticipant, B2BSession, MeetingSeat, Slot, Unavailability
from missions.models import Person
from primi_site.formatting import format_clock

PROFILE_FIELDS = (
    "organisation_name",
    "country",
    "department",
    "offer_fr",
    "offer_en",
    "need_fr",
    "need_en",
    "languages",
    "mode",
    "logo",
)


def join_session(
    person: Person, session: B2BSession, *, actor: Person | None = None
) -> B2BParticipant:
    """Add a person registered for the event, with a profile started from their account."""
    ensure_registered(person, session.event)
    if session.status == B2BSession.Status.CLOSED:
        raise NotAllowed(_("This B2B session is closed."), code="session_closed")
    organisation = person.organisation
    side = (
        B2BParticipant.Side.DELEGATE
        if person.role == Person.Role.DELEGATE
        else B2BParticipant.Side.MEMBER
    )
    withdrawn = B2BParticipant.objects.filter(
        session=session, person=person, status=B2BParticipant.Status.WITHDRAWN
    ).first()
    if withdrawn is not None:
        return _rejoin(withdrawn, actor or person)
    try:
        with transaction.atomic():
            participant = B2BParticipant.objects.create(
                session=session,
                person=person,
                side=side,
                organisation_name=organisation.name if organisation else str(person),
                country=organisation.country if organisation else "",
                department=organisation.department if organisation else "",
                languages=list(person.languages_spoken or [person.language]),
            )
            if organisation:
                participant.sectors.set(organisation.sectors.all())
            log(session, actor or person, "participant-joined", participant=participant.pk)
    except IntegrityError as exc:
        raise Conflict(_("You already take part in this session."), code="already_joined") from exc
    return participant


def _rejoin(participant: B2BParticipant, actor: Person) -> B2BParticipant:
    """Back after a cancelled registration: the profile is kept and goes back to review."""
    filled = any(
        (participant.offer_fr, participant.offer_en, participant.need_fr, participant.need_en)
    )
    participant.status = B2BParticipant.Status.SUBMITTED if filled else B2BParticipant.Status.DRAFT
    with transaction.atomic():
        participant.save(update_fields=["status", "updated_at"])
        log(participant.session, actor, "participant-rejoined", participant=participant.pk)
    return participant


def update_profile(
    participant: B2BParticipant,
    actor: Person,
    *,
    sectors=None,
    submit: bool = False,
    directory_consent: bool | None = None,
    **fields,
) -> B2BParticipant:
    """Change the profile; `submit` sends it to the staff for review.

    `directory_consent` records (True, with the time) or withdraws (False) the
    participant's agreement to appear in the directory; None leaves it as it is. A
    profile is only sent for review with that agreement: the directory lists only
    the approved profiles that gave it.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid(
            _("Unknown profile fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    old_logo = _stored_logo(participant) if "logo" in fields else ""
    for name, value in fields.items():
        setattr(participant, name, value)
    consent_changed = False
    if directory_consent is True and participant.directory_consent_at is None:
        participant.directory_consent_at = timezone.now()
        consent_changed = True
    elif directory_consent is False and participant.directory_consent_at is not None:
        participant.directory_consent_at = None
        consent_changed = True
    if submit and participant.status in (
        B2BParticipant.Status.DRAFT,
        B2BParticipant.Status.REJECTED,
    ):
        participant.status = B2BParticipant.Status.SUBMITTED
    try:
        participant.full_clean(exclude=["session", "person"])
    except ValidationError as exc:
        concerned = list(getattr(exc, "error_dict", {}))  # the first field concerned, named
        raise Invalid(
            " ".join(exc.messages),
            code="invalid_profile",
            field=concerned[0] if concerned else None,
        ) from exc
    if submit and not (
        participant.offer_fr or participant.offer_en or participant.need_fr or participant.need_en
    ):
        raise Invalid(
            _("Say what you offer or what you look for, in at least one language, before sending."),
            code="profile_empty",
        )
    if submit and participant.directory_consent_at is None:
        raise NotAllowed(
            _("Agree to appear in the directory before sending your profile for review."),
            code="consent_required",
        )
    try:
        with transaction.atomic():
            participant.save()  # stores a new logo's file first
            if sectors is not None:
                participant.sectors.set(sectors)
            log(
                participant.session,
                actor,
                "profile-updated",
                participant=participant.pk,
                submit=submit,
            )
            if consent_changed:
                log(
                    participant.session,
                    actor,
                    "directory-consent",
                    participant=participant.pk,
                    given=participant.directory_consent_at is not None,
                )
    except Exception:
        new = participant.logo.name
        if "logo" in fields and new and new != old_logo:  # stored for nothing: remove it
            participant.logo.storage.delete(new)
        raise
    if "logo" in fields and old_logo and old_logo != participant.logo.name:
        # Replaced or cleared: the earlier file goes once the change is committed.
        logos.delete_on_commit(participant.logo.storage, [old_logo])
    return participant


def _stored_logo(participant: B2BParticipant) -> str:
    """The logo file the database holds for `participant` (a form may have changed the
    instance already)."""
    if participant.pk is None:
        return ""
    stored = B2BParticipant.objects.filter(pk=participant.pk).values_list("logo", flat=True)
    return stored.first() or ""


def review_profile(
    participant: B2BParticipant, staff: Person, *, approve: bool, note: str = ""
) -> B2BParticipant:
    participant.status = (
        B2BParticipant.Status.APPROVED if approve else B2BParticipant.Status.REJECTED
    )
    participant.review_note = note[:300]
    with transaction.atomic():
        participant.save(update_fields=["status", "review_note", "updated_at"])
        log(
            participant.session,
            staff,
            "profile-reviewed",
            participant=participant.pk,
            approved=approve,
        )
    return participant


def set_unavailable(
    participant: B2BParticipant, slot_indexes: set[int], actor: Person
) -> list[int]:
    """Replace the participant's unavailable slots; a slot with a meeting is refused."""
    session = participant.session
    if session.status == B2BSession.Status.CLOSED:
        raise NotAllowed(_("This B2B session is closed."), code="session_closed")
    slots = {s.index: s for s in Slot.objects.filter(session=session, index__in=slot_indexes)}
    missing = sorted(set(slot_indexes) - set(slots))
    if missing:
        raise Invalid(
            _("These slots are not in the session: %(slots)s.")
            % {"slots": ", ".join(str(i) for i in missing)},
            code="slot_outside_session",
        )
    with transaction.atomic():
        lock_participants(participant.pk)
        busy = list(
            MeetingSeat.objects.filter(
                participant=participant, active=True, slot__in=slots.values()
            ).select_related("slot")
        )
        if busy:
            zone_name = session.event.time_zone
            raise Conflict(
                _(
                    "You have a meeting at %(times)s: cancel it before marking "
                    "that slot unavailable."
                )
                % {"times": ", ".join(format_clock(s.slot.starts_at, zone_name) for s in busy)},
                code="slot_has_meeting",
            )
        Unavailability.objects.filter(participant=participant).exclude(
            slot__in=slots.values()
        ).delete()
        existing = set(
            Unavailability.objects.filter(participant=participant).values_list("slot_id", flat=True)
        )
        Unavailability.objects.bulk_create(
            Unavailability(participant=participant, slot=slot)
            for slot in slots.values()
            if slot.pk not in existing
        )
        log(
            session,
            actor,
            "availability-updated",
            participant=participant.pk,
            unavailable=sorted(slots),
        )
    return sorted(slots)
