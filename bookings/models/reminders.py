"""Reminders owed before an event: one row per registration makes sending them once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.models.registrations import Registration
from primi_site.models import Deliverable


class EventReminder(Deliverable):
    """The reminder of one confirmed registration, the day before its event.

    The unique registration is the idempotency key: two schedulers (two clusters)
    that both find the registration create one row, and `claimed_at`/`sent_at`
    let one run send it.
    """

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="reminder",
        verbose_name=_("registration"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("event reminder")
        verbose_name_plural = _("event reminders")

    def __str__(self) -> str:
        return f"reminder → {self.registration_id}"
