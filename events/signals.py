"""Signals of the events app, for the apps that build on it (registrations, meetings)."""

from django.dispatch import Signal

# Sent by `events.services.save_event`, inside its transaction, when an event's title,
# description, time, place or status changed (its SEQUENCE rose), or it joined or left
# a mission's programme. Arguments: `event`, `changed` (names), `left_mission` (the id
# of the mission whose programme it left, or None).
event_revised = Signal()
