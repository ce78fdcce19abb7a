"""The functions the periodic jobs run (see :mod:`hoso.jobs.registry`). Each logs what it did."""

from __future__ import annotations

import logging
import os
import socket

from django.utils import timezone

log = logging.getLogger(__name__)


def heartbeat() -> str:
    from hoso.jobs.models import Heartbeat

    Heartbeat.objects.update_or_create(
        name="worker", defaults={"beat_at": timezone.now(), "host": socket.gethostname(), "pid": os.getpid()}
    )
    return "ok"


def refresh_reports() -> str:
    from hoso.reports.rollups import ensure_fresh

    state = ensure_fresh()
    return f"roll-ups as of {state.refreshed_at.isoformat()}"


def send_outbox() -> str:
    from hoso.reports.outbox import send_due

    return str(send_due())


def retention() -> str:
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
    """Fetch the CAs' CRLs and the OCSP answers that are due (hoso.intake.revocation). A failed fetch fails the run, so that
    `hoso jobs` and the admin show it; the CRLs fetched in the same run are kept."""
    from hoso.intake.revocation import refresh

    report = refresh()
    log.info("revocation: %s", report)
    if report.any_failed:
        raise RuntimeError(f"revocation: {report}")
    return str(report)


def backup() -> str:
    """A dated backup into ``HOSO_BACKUP_DIR``, pruned; nothing (and says so) when it is unset. A failure
    raises, so the run shows as failed in `hoso jobs` and the admin."""
    from django.conf import settings

    from hoso.operations.backup import backup as make_backup

    if not settings.HOSO_BACKUP_DIR:
        return "skipped: no backup destination (HOSO_BACKUP_DIR unset) / chưa đặt thư mục sao lưu"
    result = make_backup(settings.HOSO_BACKUP_DIR)
    log.info("backup: %s", result.summary_en())
    return result.summary_en()
