"""What happens to a dossier: it is opened (numbered, dated, first event) and moves between states."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from hoso import fastsql
from hoso.errors import CodedError
from hoso.reference.calendar import working_calendar
from hoso.workflow.audit import append_event, lock_head
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.numbering import dossier_number, due_date, national_code, next_sequence
from hoso.workflow.states import CLOCK_STOPPED_STATES, Status, allowed


class TransitionError(CodedError):
    pass


def number_dossier(
    *,
    office,
    procedure,
    channel: str,
    received_at: datetime,
    unit=None,
    commune=None,
    ivan=None,
    period: str = "",
) -> Dossier:
    """A new dossier with its number and due date, not yet written: the first half of opening one. Must
    run inside the caller's transaction, which writes it with :func:`store_dossier` and also stores the
    submission and its receipt: the office's counter stays locked from here to the commit (numbers stay
    gapless), so what can be done before is done before."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_dossier must run inside transaction.atomic()")
    year = timezone.localtime(received_at).year
    dossier = Dossier(
        office=office,
        year=year,
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
    dossier.sequence = next_sequence(office.pk, year)
    dossier.number = dossier_number(office.pk, year, dossier.sequence)
    dossier.national_code = national_code(office, received_at, dossier.sequence)
    return dossier


def store_dossier(dossier: Dossier, *, actor_label: str, actor=None, data: dict | None = None) -> Dossier:
    """Write a dossier numbered by :func:`number_dossier` and its first event, in the same transaction.
    The audit-chain head, which every office shares, is locked from here to the commit. Inside
    :func:`hoso.fastsql.pipelined` the dossier row and the head's read are one round trip, and the event
    and the new head travel with whatever the transaction sends next."""
    stored = fastsql.send_insert(dossier)
    head = lock_head()
    stored.result()
    append_event(
        dossier,
        DossierEvent.Kind.RECEIVED,
        head=head,
        at=dossier.received_at,
        actor=actor,
        actor_label=actor_label,
        to_status=Status.RECEIVED,
        data={"channel": dossier.channel, "due_date": dossier.due_date.isoformat(), **(data or {})},
    )
    return dossier


@transaction.atomic
def transition(
    dossier: Dossier,
    target: str,
    *,
    actor=None,
    actor_label: str,
    note: str = "",
    data=None,
    kind: str = DossierEvent.Kind.STATUS,
    at: datetime | None = None,
) -> Dossier:
    """Move a dossier to ``target`` when the table of transitions allows it; refuse otherwise.

    Entering a state where the deadline clock stops records when; leaving it pushes the due date back
    by the working days the clock stood still. ``at``: when it happened, if before now (a supplement held
    while a signer's revocation status was unknown counts from its reception, hoso.intake.pending)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not allowed(locked.status, target):
        raise TransitionError(
            "WORKFLOW_TRANSITION_NOT_ALLOWED",
            f"Không thể chuyển hồ sơ {locked.number} từ trạng thái “{Status(locked.status).label}” "
            f"sang “{Status(target).label}”.",
            f"Dossier {locked.number} cannot go from {locked.status} to {target}.",
        )
    now = at or timezone.now()
    previous = locked.status
    locked.status, locked.status_changed_at = target, now
    if target in CLOCK_STOPPED_STATES and locked.clock_stopped_at is None:
        locked.clock_stopped_at = now
    elif target not in CLOCK_STOPPED_STATES and locked.clock_stopped_at is not None:
        calendar = working_calendar()
        stopped = calendar.count_working_days(
            timezone.localtime(locked.clock_stopped_at).date(), timezone.localtime(now).date()
        )
        locked.due_date = (
            calendar.add_working_days(locked.due_date, stopped) if stopped > 0 else locked.due_date
        )
        data = {
            **(data or {}),
            "clock_stopped_working_days": stopped,
            "due_date": locked.due_date.isoformat(),
        }
        locked.clock_stopped_at = None
    locked.save(update_fields=["status", "status_changed_at", "clock_stopped_at", "due_date"])
    append_event(
        locked,
        kind,
        at=now,
        actor=actor,
        actor_label=actor_label,
        from_status=previous,
        to_status=target,
        note=note,
        data=data,
    )
    return locked


def request_supplement(dossier: Dossier, *, actor=None, actor_label: str, note: str) -> Dossier:
    """Ask the submitter for more papers; the deadline clock stops until they arrive."""
    if not note.strip():
        raise TransitionError(
            "WORKFLOW_SUPPLEMENT_REASON",
            "Yêu cầu bổ sung phải ghi rõ giấy tờ cần bổ sung.",
            "A supplement request must say what is missing.",
        )
    return transition(
        dossier,
        Status.SUPPLEMENT_REQUESTED,
        actor=actor,
        actor_label=actor_label,
        note=note,
        kind=DossierEvent.Kind.SUPPLEMENT_REQUESTED,
    )


def supplement_already_received(dossier: Dossier, sha256: str) -> bool:
    """Whether these bytes (by SHA-256) were already received as a supplement of ``dossier``: a sender
    sending again what got no answer is answered with the dossier as it is, never recorded twice."""
    received = dossier.events.filter(kind=DossierEvent.Kind.SUPPLEMENT_RECEIVED).values_list(
        "data", flat=True
    )
    return any((data or {}).get("sha256") == sha256 for data in received)


def require_supplement_requested(dossier: Dossier) -> None:
    """Raise :class:`TransitionError` unless ``dossier`` (read again) awaits a supplement."""
    dossier.refresh_from_db(fields=["status"])
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        raise TransitionError(
            "WORKFLOW_NO_SUPPLEMENT_REQUESTED",
            f"Hồ sơ {dossier.number} không có yêu cầu bổ sung đang chờ.",
            f"Dossier {dossier.number} has no pending supplement request.",
        )


def receive_supplement(
    dossier: Dossier,
    *,
    raw: bytes,
    actor=None,
    actor_label: str,
    note: str = "",
    content_type: str = "",
    sha256: str | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Record the papers that answer a supplement request (kept as evidence first, unless ``sha256``
    says they already are: an electronic supplement is kept by the front half), restart the clock."""
    from hoso.intake.blobstore import blob_store

    require_supplement_requested(dossier)
    sha256 = sha256 or blob_store().put(raw)
    return transition(
        dossier,
        Status.SUPPLEMENT_RECEIVED,
        actor=actor,
        actor_label=actor_label,
        note=note,
        data={"sha256": sha256, "size": len(raw), "content_type": content_type[:100]},
        kind=DossierEvent.Kind.SUPPLEMENT_RECEIVED,
        at=at,
    )
