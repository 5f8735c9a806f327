"""Registrations and B2B meetings: one module per area, re-exported here."""

from bookings.models.b2b import (
    B2BBlock,
    B2BLogEntry,
    B2BNotification,
    B2BParticipant,
    B2BSession,
    Meeting,
    MeetingReport,
    MeetingRequest,
    MeetingSeat,
    Slot,
    Table,
    Unavailability,
)
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
from bookings.models.scheduling import ScheduleRun

__all__ = [
    "ACTIVE_STATES",
    "SEAT_STATES",
    "B2BBlock",
    "B2BLogEntry",
    "B2BNotification",
    "B2BParticipant",
    "B2BSession",
    "EmailOutbox",
    "EventReminder",
    "Invitation",
    "Meeting",
    "MeetingReport",
    "MeetingRequest",
    "MeetingSeat",
    "MissionQuota",
    "Registration",
    "RegistrationLog",
    "RegistrationState",
    "ScheduleRun",
    "Slot",
    "Table",
    "Unavailability",
]
