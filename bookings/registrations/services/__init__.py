"""State changes of the bookings app (registrations, and B2B meetings in `b2b/`): each
validates, locks, recounts, writes, logs and enqueues its side effects on commit. Views,
the admin, the API and tasks call these."""
