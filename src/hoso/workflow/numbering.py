"""Gapless dossier numbers per office and year, and due dates in working days."""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone

from hoso import fastsql
from hoso.identifiers import format_dossier_number
from hoso.reference.calendar import working_calendar
from hoso.reference.national import national_dossier_code
from hoso.workflow.models import DossierCounter


def next_sequence(office_id: str, year: int) -> int:
    """Take the next number of ``office_id`` in ``year``. Call inside the transaction that stores the
    dossier: the counter row stays locked until that transaction ends, so a rolled-back dossier gives
    its number back and numbers stay gapless and unique under any concurrency (on SQLite the whole
    write transaction is already serialised by BEGIN IMMEDIATE).

    One ``UPDATE … RETURNING`` takes the row lock and the number in a single round trip; the row is
    created (idempotently) only the first time an office numbers in a year."""
    sql = f"UPDATE {fastsql.table(DossierCounter)} SET last_sequence = last_sequence + 1 WHERE office_id = %s AND year = %s RETURNING last_sequence"  # noqa: S608 — no user input in the names
    row = fastsql.fetch_one(sql, [office_id, year])
    if row is None:
        DossierCounter.objects.bulk_create(
            [DossierCounter(office_id=office_id, year=year)], ignore_conflicts=True
        )
        row = fastsql.fetch_one(sql, [office_id, year])
    return int(row[0])


def dossier_number(office_id: str, year: int, sequence: int) -> str:
    return format_dossier_number(sequence, year, office_id)


def national_code(office, received_at: datetime, sequence: int) -> str:
    """The national dossier code beside the local number, from what the reception already holds — the
    office with its agency code, the time, the sequence just taken — and the cached layout: no statement."""
    return national_dossier_code(office, received_at, sequence)


def office_hours_end() -> time:
    return time.fromisoformat(getattr(settings, "HOSO_OFFICE_HOURS_END", "17:00"))


def counting_start(received_at: datetime) -> date:
    """The day from which a time limit counts: the day of reception when it is a working day and the
    dossier came within office hours, otherwise the next working day."""
    local = timezone.localtime(received_at)
    calendar = working_calendar()
    day = local.date()
    if calendar.is_working_day(day) and local.time() < office_hours_end():
        return day
    return calendar.add_working_days(day, 1)


def due_date(received_at: datetime, working_days: int) -> date:
    return working_calendar().add_working_days(counting_start(received_at), working_days)
