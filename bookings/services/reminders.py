"""Reminders the day before an event, to its confirmed registrants, in their language.

A periodic job owes them (one `EventReminder` row per registration: the row is the
idempotency key, so two schedulers owe one reminder), then sends each like the
outbox does: claim the row with an UPDATE only one run wins, send, mark it sent; a
failure releases the claim and raises, so django-q2 runs the job again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from bookings.models import EventReminder, Registration, RegistrationState
from events.models import Event
from primi_site.formatting import describe_moment

CLAIM_TIMEOUT = timedelta(minutes=10)


def owe_reminders(*, now: datetime | None = None) -> list[int]:
    """Create the reminders due now (events starting within the lead time); their ids."""
    now = now or timezone.now()
    lead = timedelta(hours=settings.EVENT_REMINDER_HOURS)
    due = Registration.objects.filter(
        state=RegistrationState.CONFIRMED,
        event__status=Event.Status.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + lead,
        person__anonymised_at__isnull=True,
        reminder__isnull=True,
    ).values_list("pk", flat=True)
    EventReminder.objects.bulk_create(
        [EventReminder(registration_id=pk) for pk in due], ignore_conflicts=True
    )
    return unsent(now=now)


def unsent(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        EventReminder.objects.filter(sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .filter(registration__event__starts_at__gt=now)
        .values_list("pk", flat=True)[:500]
    )


def build_message(reminder: EventReminder) -> EmailMessage:
    registration = reminder.registration
    person = registration.person
    event = registration.event
    with translation.override(person.language):
        title = event.tr("title", person.language).text
        local, mine = describe_moment(
            event.starts_at, event.time_zone, person.time_zone, person.language
        )
        context = {
            "person": person,
            "title": title,
            "when": f"{local} ({mine})" if mine else local,
            "url": f"{settings.SITE_URL}{event.get_absolute_url()}",
        }
        subject = gettext("Tomorrow: %(title)s") % {"title": title}
        body = render_to_string("bookings/emails/reminder.txt", context)
    return EmailMessage(subject, body, to=[person.user.email])


def send_reminder(reminder_id: int, *, now: datetime | None = None) -> bool:
    """Send one reminder; True when this run sent it, False when done or taken."""
    now = now or timezone.now()
    claimed = (
        EventReminder.objects.filter(pk=reminder_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    reminder = EventReminder.objects.select_related(
        "registration__person__user", "registration__event"
    ).get(pk=reminder_id)
    registration = reminder.registration
    if (
        registration.state != RegistrationState.CONFIRMED
        or registration.event.status != Event.Status.PUBLISHED
    ):
        # Cancelled since it was owed (the person, or the whole event): nothing to remind.
        EventReminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now())
        return False
    try:
        build_message(reminder).send()
    except Exception as exc:
        EventReminder.objects.filter(pk=reminder_id).update(
            claimed_at=None, attempts=reminder.attempts + 1, last_error=repr(exc)[:2000]
        )
        raise
    EventReminder.objects.filter(pk=reminder_id).update(
        sent_at=timezone.now(), attempts=reminder.attempts + 1, last_error=""
    )
    return True
