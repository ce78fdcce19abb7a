"""Retention of the evidence received: kept for ``HOSO_RETENTION_YEARS`` (default 10, Decree
166/2016 asks for at least 10), then purged — only for submissions whose dossier is in a final state
(or that were refused). The records, receipts and the audit chain stay: what goes is the raw bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hoso.intake.blobstore import blob_store
from hoso.intake.models import Submission
from hoso.workflow.states import FINAL_STATES


@dataclass
class RetentionReport:
    cutoff: datetime
    purged: int
    kept_open: int
    blobs_deleted: int


def retention_cutoff(now: datetime | None = None, years: int | None = None) -> datetime:
    now = now or timezone.now()
    years = settings.HOSO_RETENTION_YEARS if years is None else years
    if years < 10:
        raise ValueError("the law keeps e-transaction logs for at least 10 years")
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def purge(*, now: datetime | None = None, years: int | None = None, dry_run: bool = False) -> RetentionReport:
    cutoff = retention_cutoff(now, years)
    old = Submission.objects.filter(received_at__lt=cutoff, purged_at__isnull=True)
    final = Q(dossier__isnull=True) | Q(dossier__status__in=list(FINAL_STATES))
    candidates = list(old.filter(final).values_list("pk", "sha256"))
    kept_open = old.exclude(final).count()
    deleted = 0
    if not dry_run and candidates:
        purged_ids = [pk for pk, _ in candidates]
        Submission.objects.filter(pk__in=purged_ids).update(purged_at=timezone.now())
        still_needed = set(
            Submission.objects.filter(
                purged_at__isnull=True, sha256__in={sha for _, sha in candidates}
            ).values_list("sha256", flat=True)
        )
        store = blob_store()
        for sha in {sha for _, sha in candidates} - still_needed:
            if store.exists(sha):
                store.delete(sha)
                deleted += 1
    return RetentionReport(cutoff, len(candidates), kept_open, deleted)
