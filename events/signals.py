"""Signals of the events app, for the apps that build on it (registrations, meetings)."""

from django.dispatch import Signal

# Sent by `events.services.save_event`, inside its transaction, when an event's time,
# place or status changed (its SEQUENCE rose). Arguments: `event`, `changed` (names).
event_revised = Signal()
