"""Reminders shortly before a B2B meeting (`B2B_REMINDER_MINUTES`, an hour by default).

A periodic job owes one reminder per side of each booked meeting about to start: a
`B2BNotification` whose key (meeting, recipient, the meeting's SEQUENCE) is unique among
reminders, so two schedulers owe one. A meeting moved owes a new one for its new time;
one moved or cancelled after its reminder was owed is not reminded (see `notify.deliver`).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from bookings.models import B2BNotification, Meeting

Kind = B2BNotification.Kind


def owe_meeting_reminders(*, now: datetime | None = None) -> list[int]:
    """Owe the reminders of the meetings starting within the lead time; the ids unsent."""
    now = now or timezone.now()
    soon = now + timedelta(minutes=settings.B2B_REMINDER_MINUTES)
    meetings = list(
        Meeting.objects.filter(
            state=Meeting.State.BOOKED, slot__starts_at__gt=now, slot__starts_at__lte=soon
        ).values_list("pk", "sequence", "participant_a__person_id", "participant_b__person_id")
    )
    B2BNotification.objects.bulk_create(
        [
            B2BNotification(
                kind=Kind.MEETING_REMINDER, recipient_id=person, meeting_id=pk, sequence=sequence
            )
            for pk, sequence, *people in meetings
            for person in people
        ],
        ignore_conflicts=True,
    )
    return list(
        B2BNotification.objects.filter(
            kind=Kind.MEETING_REMINDER,
            sent_at__isnull=True,
            meeting_id__in=[pk for pk, *_rest in meetings],
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
