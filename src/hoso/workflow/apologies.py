"""Mẫu 04 — the apology and new appointment (Circular 01/2018/TT-VPCP) for a dossier that will be late.

A running dossier of the office with at most one working day left before its due date (or already
past it) gets a draft, once per due date, proposing a new appointment one more period of the
procedure's time limit after its due date (or today, when later). The office head approves it with
the date and the reason they choose: the due date moves, and the audit chain records the old and the
new date, the reason and who approved it.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from hoso.errors import CodedError
from hoso.reference.calendar import working_calendar
from hoso.workflow.audit import append_event
from hoso.workflow.deadlines import RUNNING_STATES, due_soon_limit
from hoso.workflow.models import Apology, Dossier, DossierEvent


class ApologyError(CodedError):
    pass


def at_risk(office_id: str, today: date):
    """The office's running dossiers with at most one working day left (or late)."""
    return Dossier.objects.filter(
        office_id=office_id, status__in=list(RUNNING_STATES), due_date__lte=due_soon_limit(today)
    )


def proposed_date(dossier: Dossier, today: date) -> date:
    start = max(dossier.due_date, today)
    return working_calendar().add_working_days(start, max(dossier.procedure.time_limit_days, 1))


def draft_apologies(office_id: str, today: date) -> int:
    """Draft an apology for every dossier at risk that has none for its present due date; how many."""
    drafted = 0
    now = timezone.now()
    done = Apology.objects.filter(dossier__office_id=office_id).values_list("dossier_id", "old_due_date")
    have = set(done)
    for dossier in at_risk(office_id, today).select_related("procedure"):
        if (dossier.pk, dossier.due_date) in have:
            continue
        try:
            with transaction.atomic():
                Apology.objects.create(
                    dossier=dossier,
                    drafted_at=now,
                    old_due_date=dossier.due_date,
                    proposed_due_date=proposed_date(dossier, today),
                )
        except IntegrityError:  # drafted by another request at the same moment
            continue
        drafted += 1
    return drafted


def approve(apology: Apology, *, new_due_date: date, reason: str, user, actor_label: str) -> Apology:
    """Approve a draft: the due date moves to ``new_due_date`` with ``reason`` in the audit chain."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    if not reason:
        raise ApologyError(
            "WORKFLOW_APOLOGY_REASON_MISSING",
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả phải nêu lý do chậm trả kết quả.",
            "The apology and new appointment must give the reason for the delay.",
        )
    if new_due_date <= apology.old_due_date or new_due_date < today:
        raise ApologyError(
            "WORKFLOW_APOLOGY_DATE_NOT_LATER",
            f"Ngày hẹn mới phải sau ngày hẹn cũ {apology.old_due_date:%d/%m/%Y} và không trước hôm nay.",
            f"The new appointment must be after the old one ({apology.old_due_date.isoformat()}) and not "
            "before today.",
        )
    if not working_calendar().is_working_day(new_due_date):
        raise ApologyError(
            "WORKFLOW_APOLOGY_DATE_NOT_WORKING_DAY",
            f"Ngày hẹn mới {new_due_date:%d/%m/%Y} không phải ngày làm việc.",
            f"The new appointment {new_due_date.isoformat()} is not a working day.",
        )
    with transaction.atomic():
        locked = Apology.objects.select_for_update().get(pk=apology.pk)
        dossier = Dossier.objects.select_for_update().get(pk=locked.dossier_id)
        if locked.status != Apology.Status.DRAFT or dossier.due_date != locked.old_due_date:
            raise ApologyError(
                "WORKFLOW_APOLOGY_STALE",
                "Phiếu này đã được duyệt, hoặc ngày hẹn của hồ sơ đã thay đổi.",
                "This apology was already approved, or the dossier's due date has changed.",
            )
        now = timezone.now()
        dossier.due_date = new_due_date
        dossier.save(update_fields=["due_date"])
        locked.status, locked.new_due_date, locked.reason = Apology.Status.APPROVED, new_due_date, reason
        locked.approved_by, locked.approved_at = user, now
        locked.save(update_fields=["status", "new_due_date", "reason", "approved_by", "approved_at"])
        append_event(
            dossier,
            DossierEvent.Kind.NOTE,
            at=now,
            actor=user,
            actor_label=actor_label,
            note=f"Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): {reason}",
            data={
                "apology": locked.pk,
                "old_due_date": locked.old_due_date.isoformat(),
                "due_date": new_due_date.isoformat(),
                "reason": reason,
            },
        )
    return locked
