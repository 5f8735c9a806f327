"""What registrations do when other apps' objects change."""

from django.dispatch import receiver

from bookings.registrations.services import emails
from bookings.registrations.services.common import enqueue
from events.signals import event_revised
from missions.signals import mission_revised


@receiver(event_revised, dispatch_uid="bookings.event_revised")
def send_updated_invitations(sender, event, changed, left_mission=None, **kwargs) -> None:
    """The confirmed registrants, and the confirmed applicants of the event's mission,
    are owed the updated invitation in the change's own transaction (so the sweep of
    unsent emails finds them even if the job is lost), and sent it after the commit."""
    emails.owe_event_updates(event.pk, left_mission=left_mission)
    enqueue("bookings.tasks.send_event_updates", event.pk)


@receiver(mission_revised, dispatch_uid="bookings.mission_revised")
def send_updated_mission_invitations(sender, mission, changed, **kwargs) -> None:
    """The mission's confirmed applicants, likewise."""
    emails.owe_mission_updates(mission.pk)
    enqueue("bookings.tasks.send_mission_updates", mission.pk)
