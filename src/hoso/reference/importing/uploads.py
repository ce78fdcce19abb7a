"""Uploaded import files: kept for IT's confirmation after the dry run, and recorded once imported."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from hoso.reference.importing.engine import ImportReport, Kind, run_import
from hoso.reference.models import ImportUpload

#: a dry run not confirmed within this time is forgotten (its file deleted)
KEEP_UNCONFIRMED = timedelta(days=1)


def stage(kind: Kind, file_name: str, data: bytes, user=None) -> tuple[ImportUpload, ImportReport]:
    """The dry run of an uploaded file, and the file kept for the confirmation."""
    ImportUpload.objects.filter(
        applied_at__isnull=True, uploaded_at__lt=timezone.now() - KEEP_UNCONFIRMED
    ).delete()
    report = run_import(kind, data, file_name, dry_run=True)
    upload = ImportUpload(
        kind=kind.name,
        file_name=file_name[:255],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    _count(upload, report)
    upload.save()
    return upload, report


def confirm(upload: ImportUpload, kind: Kind) -> ImportReport:
    """The real import of a staged file: checked again (the stored data may have changed since the dry
    run), then written whole or not at all."""
    report = run_import(kind, bytes(upload.content), upload.file_name)
    _count(upload, report)
    if report.written:
        upload.applied_at = timezone.now()
    upload.save()
    return report


def record(kind: Kind, file_name: str, data: bytes, report: ImportReport, user=None) -> ImportUpload:
    """The record of an import made elsewhere (the command line)."""
    upload = ImportUpload(kind=kind.name, file_name=file_name[:255], content=data,
                          sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user,
                          applied_at=timezone.now() if report.written else None)  # fmt: skip
    _count(upload, report)
    upload.save()
    return upload


def _count(upload: ImportUpload, report: ImportReport) -> None:
    upload.rows = report.rows
    upload.problems = len(report.problems)
    upload.created, upload.updated, upload.unchanged = report.created, report.updated, report.unchanged
