"""What registrations do when other apps' objects change."""

from django.dispatch import receiver

from bookings.services.common import enqueue
from events.signals import event_revised


@receiver(event_revised, dispatch_uid="bookings.event_revised")
def send_updated_invitations(sender, event, changed, **kwargs) -> None:
    """The confirmed registrants get the updated invitation, after the commit."""
    enqueue("bookings.tasks.send_event_updates", event.pk)
