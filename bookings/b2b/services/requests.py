"""Meeting requests: A asks B, B accepts or declines, either withdraws."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.b2b.services.common import (
    ensure_approved,
    ensure_may_meet,
    ensure_open,
    ensure_still_in,
    log,
    notify,
)
from bookings.b2b.services.locks import lock_participants
from bookings.exceptions import BookingError, Conflict, Invalid, NotAllowed
from bookings.models import B2BNotification, B2BParticipant, B2BSession, Meeting, MeetingRequest
from primi_site import text_limits

MESSAGE_MAX = text_limits.MESSAGE


def live_request_between(a: B2BParticipant, b: B2BParticipant) -> MeetingRequest | None:
    return (
        MeetingRequest.objects.filter(state__in=MeetingRequest.LIVE_STATES)
        .filter(Q(sender=a, recipient=b) | Q(sender=b, recipient=a))
        .first()
    )


def check_may_request(
    session: B2BSession, sender: B2BParticipant, recipient: B2BParticipant
) -> None:
    """Everything sending a request from `sender` to `recipient` needs; raises the refusal."""
    ensure_open(session)
    ensure_may_meet(session, sender, recipient)
    ensure_approved(sender, recipient)
    if live_request_between(sender, recipient):
        raise Conflict(
            _("There is already a request between you and %(name)s.")
            % {"name": recipient.organisation_name},
            code="request_exists",
        )
    limit = session.max_requests_sent
    if limit is not None:
        sent = (
            MeetingRequest.objects.filter(sender=sender)
            .exclude(state=MeetingRequest.State.WITHDRAWN)
            .count()
        )
        if sent >= limit:
            raise NotAllowed(
                ngettext(
                    "You have sent the one request this session allows.",
                    "You have sent the %(count)s requests this session allows.",
                    limit,
                )
                % {"count": limit},
                code="request_limit",
            )


def request_refusal(
    session: B2BSession, sender: B2BParticipant, recipient: B2BParticipant
) -> BookingError | None:
    """Why `sender` cannot ask `recipient` for a meeting now, or None: the pages offer
    "Ask for a meeting" only when this is None (the checks `send_request` refuses with)."""
    try:
        check_may_request(session, sender, recipient)
    except BookingError as refusal:
        return refusal
    return None


def send_request(
    sender: B2BParticipant, recipient: B2BParticipant, message: str = ""
) -> MeetingRequest:
    session = sender.session
    if len(message) > MESSAGE_MAX:
        raise Invalid(
            _("The message is too long (at most %(count)s characters).") % {"count": MESSAGE_MAX},
            code="too_long",
            field="message",
        )
    with transaction.atomic(durable=True):
        lock_participants(sender.pk, recipient.pk)
        check_may_request(session, sender, recipient)
        ensure_still_in(sender, recipient)
        request = MeetingRequest.objects.create(
            session=session, sender=sender, recipient=recipient, message=message
        )
        log(session, sender.person, "request-sent", request=request)
        notify(B2BNotification.Kind.REQUEST_RECEIVED, [recipient.person], request=request)
    return request


def _lock_request(request: MeetingRequest) -> MeetingRequest:
    return MeetingRequest.objects.select_for_update().get(pk=request.pk)


def _refuse_if_not_pending(request: MeetingRequest) -> None:
    if request.state == MeetingRequest.State.WITHDRAWN:
        raise Conflict(_("This request was withdrawn."), code="request_withdrawn")
    if request.state != MeetingRequest.State.PENDING:
        raise Conflict(
            _("This request has already been answered (%(state)s).")
            % {"state": request.get_state_display()},
            code="request_answered",
        )


def answer_request(
    request: MeetingRequest, by: B2BParticipant, *, accept: bool, answer: str = ""
) -> MeetingRequest:
    """The recipient accepts or declines, with an optional message."""
    if by.pk != request.recipient_id:
        raise NotAllowed(_("Only the person asked can answer this request."), code="not_recipient")
    if len(answer) > MESSAGE_MAX:
        raise Invalid(
            _("The message is too long (at most %(count)s characters).") % {"count": MESSAGE_MAX},
            code="too_long",
            field="answer",
        )
    if accept:
        ensure_open(request.session)
    with transaction.atomic(durable=True):
        request = _lock_request(request)
        _refuse_if_not_pending(request)
        request.state = MeetingRequest.State.ACCEPTED if accept else MeetingRequest.State.DECLINED
        request.answer = answer
        request.answered_at = timezone.now()
        request.save(update_fields=["state", "answer", "answered_at"])
        log(
            request.session,
            by.person,
            "request-accepted" if accept else "request-declined",
            request=request,
        )
        kind = (
            B2BNotification.Kind.REQUEST_ACCEPTED
            if accept
            else B2BNotification.Kind.REQUEST_DECLINED
        )
        notify(kind, [request.sender.person], request=request)
    return request


def withdraw_request(request: MeetingRequest, by: B2BParticipant) -> MeetingRequest:
    """Either side withdraws; a meeting booked from it is cancelled too."""
    from bookings.b2b.services.meetings import cancel_locked

    if by.pk not in (request.sender_id, request.recipient_id):
        raise NotAllowed(_("This request is not yours."), code="not_yours")
    with transaction.atomic(durable=True):
        lock_participants(request.sender_id, request.recipient_id)
        request = _lock_request(request)
        if request.state not in MeetingRequest.LIVE_STATES:
            raise Conflict(
                _("This request is no longer live (%(state)s).")
                % {"state": request.get_state_display()},
                code="request_not_live",
            )
        request.state = MeetingRequest.State.WITHDRAWN
        request.answered_at = request.answered_at or timezone.now()
        request.save(update_fields=["state", "answered_at"])
        for meeting in Meeting.objects.filter(request=request, state=Meeting.State.BOOKED):
            cancel_locked(meeting, by.person, reason=_("Request withdrawn"))
        log(request.session, by.person, "request-withdrawn", request=request)
        other = request.recipient if by.pk == request.sender_id else request.sender
        notify(B2BNotification.Kind.REQUEST_WITHDRAWN, [other.person], request=request)
    return request
