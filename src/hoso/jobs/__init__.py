"""Scheduled work, run by a job worker beside the web servers — never inside a web request, never cron.

The runner is django-q2 (docs/architecture.md says why): its schedules live in the database, and each
periodic job is queued once per period however many workers run (the scheduler takes the due schedules
with ``SELECT … FOR UPDATE`` in one transaction, so a second worker waits and then finds them no longer
due); its queue is a table of the same database (SQLite or PostgreSQL, no other server); failed tasks are
kept and shown to IT in the admin. `hoso serve` runs a worker beside the web workers; `hoso worker` runs
one alone. What the jobs are: :mod:`hoso.jobs.registry`.
"""
