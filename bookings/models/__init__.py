"""Registrations and B2B meetings: one module per area, re-exported here."""

from bookings.models.registrations import (
    ACTIVE_STATES,
    SEAT_STATES,
    EmailOutbox,
    Invitation,
    MissionQuota,
    Registration,
    RegistrationLog,
    RegistrationState,
)
from bookings.models.reminders import EventReminder

__all__ = [
    "ACTIVE_STATES",
    "SEAT_STATES",
    "EmailOutbox",
    "EventReminder",
    "Invitation",
    "MissionQuota",
    "Registration",
    "RegistrationLog",
    "RegistrationState",
]
