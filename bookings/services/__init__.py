"""State changes of the bookings app: one function per change, each validating,
writing, logging and enqueuing its side effects on commit."""
