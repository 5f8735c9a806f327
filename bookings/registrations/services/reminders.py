"""Reminders the day before an event, to its confirmed registrants, in their language.

A periodic job owes them (one `EventReminder` row per registration: the row is the
idempotency key, so two schedulers owe one reminder), then the one outbox
(`primi_site.outbox`) sends each; none is sent once its event has started.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.models import EventReminder, Registration, RegistrationState
from events.ical import place_of
from events.models import Event
from primi_site.formatting import describe_moment
from primi_site.outbox import Channel, pending


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
    return list(pending(CHANNEL, now).values_list("pk", flat=True)[:500])


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
            "where": place_of(event, person.language),
            "online_url": event.online_url,
        }
        subject = gettext("Tomorrow: %(title)s") % {"title": title}
        body = render_to_string("bookings/emails/reminder.txt", context)
    return EmailMessage(subject, body, to=[person.user.email])


def build_owed(reminder: EventReminder) -> EmailMessage | None:
    """The reminder, or None when the registration or the whole event was cancelled since."""
    registration = reminder.registration
    if (
        registration.state != RegistrationState.CONFIRMED
        or registration.event.status != Event.Status.PUBLISHED
    ):
        return None
    return build_message(reminder)


CHANNEL = Channel(
    name="event-reminder",
    model=EventReminder,
    build=build_owed,
    related=("registration__person__user", "registration__event"),
    owed=lambda now: Q(registration__event__starts_at__gt=now),
    label=_("Event reminders"),
    recipient="registration__person__user__email",
)
