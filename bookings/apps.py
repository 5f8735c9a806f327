from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = _("Registrations and B2B meetings")

    def ready(self) -> None:
        from bookings import receivers  # noqa: F401
        from bookings.b2b.services import notify
        from bookings.registrations.services import emails, invitations, reminders
        from primi_site import outbox

        for channel in (emails.CHANNEL, reminders.CHANNEL, notify.CHANNEL, invitations.CHANNEL):
            outbox.register(channel)
