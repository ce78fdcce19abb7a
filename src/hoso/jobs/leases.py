"""Claiming due rows of a work table for one sender, and the back-off between attempts: what every
queue the job worker drains shares (the notice outbox, the national portal's ledger).

A work table has ``status``, ``next_attempt_at`` and ``claim`` columns. A sender claims up to ``size``
due rows in a short transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that senders on
several servers take different rows; SQLite's one writer serialises the claims) by moving their next
attempt a lease ahead and writing its own token; it then works outside any transaction and records each
outcome only where its token still stands (a sender that outlived its lease records nothing)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction

MAX_BACKOFF_MINUTES = 60


def backoff(attempts: int, most_minutes: int = MAX_BACKOFF_MINUTES) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most ``most_minutes``."""
    return timedelta(minutes=min(2 ** min(max(attempts - 1, 0), 32), most_minutes))


def claim(due, at: datetime, size: int, lease: timedelta) -> tuple[str, list]:
    """Claim up to ``size`` rows of the queryset ``due`` (rows due at ``at``), oldest first, for a new
    token; returns the token and the rows as they were read."""
    token = secrets.token_hex(16)
    with transaction.atomic():
        claimed = list(due.select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")[:size])
        if claimed:
            due.model.objects.filter(pk__in=[row.pk for row in claimed]).update(
                claim=token, next_attempt_at=at + lease
            )
    return token, claimed


def record(row, token: str, queued_status: str, **fields) -> bool:
    """Write an outcome of ``row`` if this sender's ``token`` still holds it; False when it was claimed
    again in the meantime (its lease ran out)."""
    done = type(row).objects.filter(pk=row.pk, claim=token, status=queued_status).update(claim="", **fields)
    return bool(done)
