"""Retention of the evidence received: kept for ``HOSO_RETENTION_YEARS`` (default 10, Decree
166/2016 asks for at least 10), then purged — only for submissions whose dossier is in a final state
(or that were refused), and for desk scans whose submissions are all such. The records, receipts and
the audit chain stay: what goes is the raw bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hoso.intake.blobstore import blob_store
from hoso.intake.models import DeskReading, Submission
from hoso.workflow.states import FINAL_STATES


@dataclass
class RetentionReport:
    cutoff: datetime
    purged: int
    kept_open: int
    blobs_deleted: int
    readings_purged: int = 0


def retention_cutoff(now: datetime | None = None, years: int | None = None) -> datetime:
    now = now or timezone.now()
    years = settings.HOSO_RETENTION_YEARS if years is None else years
    if years < 10:
        raise ValueError("the law keeps e-transaction logs for at least 10 years")
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


_FINAL = Q(dossier__isnull=True) | Q(dossier__status__in=list(FINAL_STATES))


def purge(*, now: datetime | None = None, years: int | None = None, dry_run: bool = False) -> RetentionReport:
    """Purge the raw bytes of old submissions in a final state, and of old desk readings (scans) whose
    submissions are all purgeable; a blob still referenced by anything kept stays."""
    cutoff = retention_cutoff(now, years)
    old = Submission.objects.filter(received_at__lt=cutoff, purged_at__isnull=True)
    candidates = list(old.filter(_FINAL).values_list("pk", "sha256"))
    kept_open = old.exclude(_FINAL).count()
    readings = _purgeable_readings(cutoff)
    deleted = 0
    if not dry_run and (candidates or readings):
        moment = timezone.now()
        Submission.objects.filter(pk__in=[pk for pk, _ in candidates]).update(purged_at=moment)
        DeskReading.objects.filter(pk__in=[pk for pk, _ in readings]).update(purged_at=moment)
        shas = {sha for _, sha in candidates} | {e["sha256"] for _, evidence in readings for e in evidence}
        store = blob_store()
        for sha in shas - _still_needed(shas):
            if store.exists(sha):
                store.delete(sha)
                deleted += 1
    return RetentionReport(cutoff, len(candidates), kept_open, deleted, len(readings))


def _purgeable_readings(cutoff: datetime) -> list[tuple[int, list]]:
    """Old desk readings none of whose submissions is still open."""
    old = DeskReading.objects.filter(received_at__lt=cutoff, purged_at__isnull=True)
    open_ = Submission.objects.filter(desk_readings__in=old).exclude(_FINAL).values("desk_readings")
    return list(old.exclude(pk__in=open_).values_list("pk", "evidence"))


def _still_needed(shas: set[str]) -> set[str]:
    """Which of these blobs a record that is kept (not purged) still refers to."""
    needed = set(
        Submission.objects.filter(purged_at__isnull=True, sha256__in=shas).values_list("sha256", flat=True)
    )
    for evidence in (
        DeskReading.objects.filter(purged_at__isnull=True).values_list("evidence", flat=True).iterator()
    ):
        needed.update(e["sha256"] for e in evidence if e["sha256"] in shas)
    return needed
