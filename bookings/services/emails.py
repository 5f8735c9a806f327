"""The emails of registrations, each in its recipient's language, each sent once.

A state change writes an `EmailOutbox` row in its own transaction; the job sends
it. Sending claims the row first (an UPDATE that only one run can win), so a job
run twice sends one email, and no database lock is held while the mail server
answers. A failure releases the claim, notes the error and raises, so django-q2
runs the job again; the registration is never touched.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from bookings.models import EmailOutbox
from bookings.queries import position_of
from events.ical import event_calendar, filename_for, mission_calendar
from primi_site.formatting import describe_moment

Kind = EmailOutbox.Kind
CLAIM_TIMEOUT = timedelta(minutes=10)

SUBJECTS = {
    Kind.RECEIVED: _("Application received: %(title)s"),
    Kind.CONFIRMED: _("Registration confirmed: %(title)s"),
    Kind.WAITLISTED: _("On the waitlist (position %(position)s): %(title)s"),
    Kind.OFFERED: _("A seat is offered to you: %(title)s"),
    Kind.PROMOTED: _("A seat freed up, you are confirmed: %(title)s"),
    Kind.REJECTED: _("Your application: %(title)s"),
    Kind.CANCELLED: _("Registration cancelled: %(title)s"),
}
WITH_CALENDAR = (Kind.CONFIRMED, Kind.PROMOTED)


def build_message(outbox: EmailOutbox) -> EmailMessage:
    registration = outbox.registration
    person = registration.person
    target = registration.target
    language = person.language
    with translation.override(language):
        position = position_of(registration) if outbox.kind == Kind.WAITLISTED else None
        title = target.tr("title", language).text
        context = {
            "kind": outbox.kind,
            "registration": registration,
            "person": person,
            "target": target,
            "title": title,
            "is_event": registration.event_id is not None,
            "position": position,
            "offer_until": _offer_until(registration, person),
            "reason": outbox.change.reason,
            "url": f"{settings.SITE_URL}{target.get_absolute_url()}",
            "my_url": f"{settings.SITE_URL}{_my_registrations_path()}",
        }
        subject = str(SUBJECTS[outbox.kind]) % {"title": title, "position": position or "—"}
        body = render_to_string("bookings/emails/registration.txt", context)
    message = EmailMessage(subject, body, to=[person.user.email])
    if outbox.kind in WITH_CALENDAR:
        content = (
            event_calendar(target, language)
            if registration.event_id
            else mission_calendar(target, language)
        )
        message.attach(filename_for(target), content, "text/calendar; charset=utf-8")
    return message


def _offer_until(registration, person) -> str:
    if registration.offer_expires_at is None:
        return ""
    local, mine = describe_moment(
        registration.offer_expires_at,
        registration.target.time_zone,
        person.time_zone,
        person.language,
    )
    return f"{local} ({mine})" if mine else local


def _my_registrations_path() -> str:
    from django.urls import reverse

    return reverse("my_registrations")


def claim(outbox_id: int, now: datetime) -> bool:
    """Take the row for this run; False when it is sent or another run holds it."""
    return bool(
        EmailOutbox.objects.filter(pk=outbox_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )


def send_outbox(outbox_id: int, *, now: datetime | None = None) -> bool:
    """Send one owed email; True when this run sent it."""
    now = now or timezone.now()
    if not claim(outbox_id, now):
        return False
    outbox = EmailOutbox.objects.select_related(
        "registration__person__user",
        "registration__event",
        "registration__mission",
        "change",
    ).get(pk=outbox_id)
    try:
        build_message(outbox).send()
    except Exception as exc:
        EmailOutbox.objects.filter(pk=outbox_id).update(
            claimed_at=None, attempts=outbox.attempts + 1, last_error=repr(exc)[:2000]
        )
        raise
    EmailOutbox.objects.filter(pk=outbox_id).update(
        sent_at=timezone.now(), attempts=outbox.attempts + 1, last_error=""
    )
    return True


def unsent(older_than: timedelta, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        EmailOutbox.objects.filter(sent_at__isnull=True, created_at__lt=now - older_than)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
