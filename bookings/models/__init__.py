"""The models of the bookings app, one module per area, re-exported here."""

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

__all__ = [
    "B2BBlock",
    "B2BLogEntry",
    "B2BNotification",
    "B2BParticipant",
    "B2BSession",
    "Meeting",
    "MeetingReport",
    "MeetingRequest",
    "MeetingSeat",
    "Slot",
    "Table",
    "Unavailability",
]
