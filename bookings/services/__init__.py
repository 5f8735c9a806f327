"""State changes of registrations: each validates, locks, recounts, writes, logs and
enqueues its side effects on commit. Views, the admin, the API and tasks call these."""
