"""Signals of the missions app, for the apps that build on it (registrations)."""

from django.dispatch import Signal

# Sent by `missions.services.save_mission`, inside its transaction, when a mission's
# title, summary, description, dates, destination or status changed (its SEQUENCE
# rose). Arguments: `mission`, `changed` (names).
mission_revised = Signal()
