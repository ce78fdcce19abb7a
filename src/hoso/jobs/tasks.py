"""The functions the periodic jobs run (see :mod:`hoso.jobs.registry`). Each logs what it did."""

from __future__ import annotations

import logging
import os
import socket

from django.utils import timezone

log = logging.getLogger(__name__)


def heartbeat() -> str:
    # local: a job loads its package when it runs, not when the worker starts
    from hoso.jobs.models import Heartbeat

    Heartbeat.objects.update_or_create(
        name="worker", defaults={"beat_at": timezone.now(), "host": socket.gethostname(), "pid": os.getpid()}
    )
    return "ok"


def refresh_reports() -> str:
    # local: a job loads its package when it runs, not when the worker starts
    from hoso.reports.rollups import ensure_fresh

    state = ensure_fresh()
    return f"roll-ups as of {state.refreshed_at.isoformat()}"


def send_outbox() -> str:
    # local: a job loads its package when it runs, not when the worker starts
    from hoso.reports.outbox import send_due

    return str(send_due())


def retention() -> str:
    # local: a job loads its package when it runs, not when the worker starts
    from hoso.accounts.lockout import prune_failure_log
    from hoso.api.ratelimit import forget_expired_windows
    from hoso.intake.retention import purge

    report = purge()
    windows = forget_expired_windows()
    failures = prune_failure_log()
    said = (
        f"{report}; {windows} ended rate-limit windows forgotten; {failures} year-old failed log-ins pruned"
    )
    log.info("retention: %s", said)
    return said


def revocation() -> str:
    """Fetch the CAs' CRLs and the OCSP answers that are due (hoso.intake.revocation); when new ones were
    stored, judge the held submissions again at once (hoso.intake.pending). A failed fetch fails the run, so
    that `hoso jobs` and the admin show it; the CRLs fetched in the same run are kept and used."""
    # local: a job loads its package when it runs, not when the worker starts
    from hoso.intake.pending import recheck_all
    from hoso.intake.revocation import refresh

    report = refresh()
    said = str(report)
    if report.installed or (report.ocsp is not None and report.ocsp.stored):
        said += f"; held submissions: {recheck_all()}"
    log.info("revocation: %s", said)
    if report.any_failed:
        raise RuntimeError(f"revocation: {said}")
    return said


def pending() -> str:
    """Judge again the held submissions (hoso.intake.pending): all of them when the trust store's revocation
    data changed since this worker last looked (a CRL put in its folder, an answer another server stored),
    else those whose scheduled check has come — the last check refuses what is still unknown."""
    # local: a job loads its package when it runs, not when the worker starts
    from hoso.intake import pending as held

    report = held.recheck_on_schedule()
    log.info("pending: %s", report)
    return str(report)


def backup() -> str:
    """A dated backup into ``HOSO_BACKUP_DIR``, pruned; nothing (and says so) when it is unset. A failure
    raises, so the run shows as failed in `hoso jobs` and the admin."""
    from django.conf import settings

    # local: a job loads its package when it runs, not when the worker starts
    from hoso.operations.backup import backup as make_backup

    if not settings.HOSO_BACKUP_DIR:
        return "skipped: no backup destination (HOSO_BACKUP_DIR unset) / chưa đặt thư mục sao lưu"
    result = make_backup(settings.HOSO_BACKUP_DIR)
    log.info("backup: %s", result.summary_en())
    return result.summary_en()
