"""The roll-ups the reports read: what each unit filed per month, dossiers per day, the I-VANs'
submissions with their delays. Rebuilt from the submissions and dossiers in one transaction by
:func:`refresh`, which the job ``hoso:report-rollups`` runs on the job worker (every 5 minutes, through
:func:`ensure_fresh`: only when something was received or moved since, at most every
``HOSO_REPORTS_REFRESH_SECONDS``) — never inside a page request, which reads :func:`current_state` (the
roll-ups as last built, and when). At 1,000,000 dossiers a report then answers in
well under a second, where grouping the source tables takes several (``bench/reports.py``)."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from hoso.reports.models import RollupState
from hoso.reports.sql import day_date, local_day, month_date, seconds_between

FINISHED = ("result_ready", "handed_over", "refused")
REFRESH_LOCK = 26712015  # the advisory lock of the refresh (PostgreSQL)


def _claimed() -> str:
    if connection.vendor == "postgresql":
        return (
            "(CASE WHEN (signature ->> 'claimed_signing_time') ~ "
            "'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}' "
            "THEN (signature ->> 'claimed_signing_time')::timestamptz END)"
        )
    claimed = "json_extract(signature, '$.claimed_signing_time')"
    return f"(CASE WHEN julianday({claimed}) IS NOT NULL THEN {claimed} END)"


def _first_reason() -> str:
    if connection.vendor == "postgresql":
        return "(reasons -> 0 ->> 'code')"
    return "json_extract(reasons, '$[0].code')"


def statements() -> list[str]:
    month = month_date("received_at")
    finished = ", ".join(f"'{s}'" for s in FINISHED)
    return [
        "DELETE FROM reports_unitmonth",
        f"""
        INSERT INTO reports_unitmonth (office_id, submitter, is_commune, month, barcode_accepted, barcode_refused,
                                       electronic_accepted, electronic_refused, first_electronic_at, last_barcode_at)
        SELECT office_id, COALESCE(unit_id, commune_id), unit_id IS NULL, {month},
               SUM(CASE WHEN channel = 'barcode' AND outcome = 'accepted' THEN 1 ELSE 0 END),
               SUM(CASE WHEN channel = 'barcode' AND outcome <> 'accepted' THEN 1 ELSE 0 END),
               SUM(CASE WHEN channel = 'electronic' AND outcome = 'accepted' THEN 1 ELSE 0 END),
               SUM(CASE WHEN channel = 'electronic' AND outcome <> 'accepted' THEN 1 ELSE 0 END),
               MIN(CASE WHEN channel = 'electronic' AND outcome = 'accepted' THEN received_at END),
               MAX(CASE WHEN channel = 'barcode' THEN received_at END)
        FROM intake_submission
        WHERE office_id IS NOT NULL AND (unit_id IS NOT NULL OR commune_id IS NOT NULL)
        GROUP BY office_id, COALESCE(unit_id, commune_id), unit_id IS NULL, {month}
        """,  # noqa: S608 — fixed SQL fragments only
        "DELETE FROM reports_dossierday",
        f"""
        INSERT INTO reports_dossierday (office_id, day, channel, procedure_code, received, finished, on_time)
        SELECT d.office_id, {day_date("d.received_at")}, d.channel, p.code, COUNT(*),
               SUM(CASE WHEN d.status IN ({finished}) THEN 1 ELSE 0 END),
               SUM(CASE WHEN d.status IN ({finished})
                         AND {day_date("COALESCE(r.recorded_at, d.status_changed_at)")} <= d.due_date THEN 1 ELSE 0 END)
        FROM workflow_dossier d JOIN reference_procedure p ON p.id = d.procedure_id
        LEFT JOIN workflow_result r ON r.dossier_id = d.id
        GROUP BY d.office_id, {day_date("d.received_at")}, d.channel, p.code
        """,  # noqa: S608 — fixed SQL fragments only
        "DELETE FROM reports_unitswitch",
        f"""
        INSERT INTO reports_unitswitch (submitter, office_id, first_electronic_at, first_electronic_day,
                                        last_barcode_day, registration)
        SELECT f.submitter, f.office_id, f.first_at, COALESCE({local_day("f.first_at")}, ''),
               COALESCE({local_day("f.last_b")}, ''),
               COALESCE((SELECT {local_day("r.registered_from")} || ' ' || COALESCE(r.ivan_id, '')
                         FROM reference_certificateregistration r
                         WHERE r.unit_id = f.submitter AND r.registered_from <= f.first_at
                         ORDER BY r.registered_from DESC LIMIT 1), '')
        FROM (
            SELECT submitter, MIN(office_id) AS office_id, MIN(first_electronic_at) AS first_at,
                   MAX(last_barcode_at) AS last_b
            FROM reports_unitmonth WHERE NOT is_commune
            GROUP BY submitter
        ) f
        """,  # noqa: S608 — fixed SQL fragments only
        "DELETE FROM reports_ivansubmission",
        f"""
        INSERT INTO reports_ivansubmission (submission_id, ivan_id, office_id, received_at, delay_seconds, accepted, reason)
        SELECT id, ivan_id, COALESCE(office_id, ''), received_at, {seconds_between("received_at", _claimed())},
               outcome = 'accepted', COALESCE(SUBSTR({_first_reason()}, 1, 80), '')
        FROM intake_submission WHERE ivan_id IS NOT NULL
        """,  # noqa: S608 — fixed SQL fragments only
    ]


def _marks() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT MAX(id) FROM intake_submission), (SELECT MAX(sequence) FROM workflow_dossierevent)"
        )
        submission, event = cursor.fetchone()
    return int(submission or 0), int(event or 0)


@transaction.atomic
def refresh() -> RollupState:
    """Rebuild every roll-up from its sources (one transaction: readers see the old or the new)."""
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One refresh at a time (SQLite's single writer serialises them already).
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (REFRESH_LOCK,))
    marks = _marks()
    with connection.cursor() as cursor:
        for sql in statements():
            cursor.execute(sql, ())
    state, _ = RollupState.objects.update_or_create(
        pk=1,
        defaults={
            "refreshed_at": timezone.now(),
            "last_submission_id": marks[0],
            "last_event_sequence": marks[1],
            "seconds": time.monotonic() - started,
        },
    )
    return state


def ensure_fresh() -> RollupState:
    """Refresh when something changed since the last refresh and it is older than the minimum interval."""
    state = RollupState.objects.filter(pk=1).first()
    if state is not None:
        if (state.last_submission_id, state.last_event_sequence) == _marks():
            return state
        interval = float(getattr(settings, "HOSO_REPORTS_REFRESH_SECONDS", 60))
        if (timezone.now() - state.refreshed_at).total_seconds() < interval:
            return state
    return refresh()


def current_state() -> RollupState:
    """The roll-ups as the job last built them; built here only when they never were (a new database
    before the job worker's first run), so that a page never shows an empty report for that."""
    return RollupState.objects.filter(pk=1).first() or refresh()
