"""The bookings app's admin, found by Django here: each part registers its own."""

import bookings.b2b.admin
import bookings.registrations.admin
import bookings.registrations.admin_targets  # noqa: F401
