"""What happens to a dossier: it is opened (numbered, dated, first event) and moves between states."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from hoso.errors import CodedError
from hoso.workflow.audit import append_event
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.numbering import dossier_number, due_date, next_sequence
from hoso.workflow.states import Status, allowed


class TransitionError(CodedError):
    pass


def open_dossier(
    *,
    office,
    procedure,
    channel: str,
    received_at: datetime,
    actor_label: str,
    unit=None,
    commune=None,
    ivan=None,
    period: str = "",
    actor=None,
    data: dict | None = None,
) -> Dossier:
    """Number a new dossier, give it its due date and its first event. Must run inside the caller's
    transaction, which also stores the submission and the receipt."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("open_dossier must run inside transaction.atomic()")
    year = timezone.localtime(received_at).year
    sequence = next_sequence(office.pk, year)
    dossier = Dossier.objects.create(
        number=dossier_number(office.pk, year, sequence),
        office=office,
        year=year,
        sequence=sequence,
        channel=channel,
        procedure=procedure,
        department=procedure.department,
        unit=unit,
        commune=commune,
        ivan=ivan,
        period=period,
        received_at=received_at,
        due_date=due_date(received_at, procedure.time_limit_days),
        status=Status.RECEIVED,
        status_changed_at=received_at,
    )
    append_event(
        dossier,
        DossierEvent.Kind.RECEIVED,
        at=received_at,
        actor=actor,
        actor_label=actor_label,
        to_status=Status.RECEIVED,
        data={"channel": channel, "due_date": dossier.due_date.isoformat(), **(data or {})},
    )
    return dossier


@transaction.atomic
def transition(
    dossier: Dossier, target: str, *, actor=None, actor_label: str, note: str = "", data=None
) -> Dossier:
    """Move a dossier to ``target`` when the table of transitions allows it; refuse otherwise."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not allowed(locked.status, target):
        raise TransitionError(
            "WORKFLOW_TRANSITION_NOT_ALLOWED",
            f"Không thể chuyển hồ sơ {locked.number} từ trạng thái “{Status(locked.status).label}” "
            f"sang “{Status(target).label}”.",
            f"Dossier {locked.number} cannot go from {locked.status} to {target}.",
        )
    now = timezone.now()
    previous = locked.status
    locked.status, locked.status_changed_at = target, now
    locked.save(update_fields=["status", "status_changed_at"])
    append_event(
        locked,
        DossierEvent.Kind.STATUS,
        at=now,
        actor=actor,
        actor_label=actor_label,
        from_status=previous,
        to_status=target,
        note=note,
        data=data,
    )
    return locked
