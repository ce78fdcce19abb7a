"""What officers do to dossiers, each checked against their role and office (`access`) and against the
state table (`states`, enforced again by `services.transition`). The web pages call only these.

Routing: at reception a dossier goes to the office that manages its submitter (a commune's list to its
district office) and to the department its procedure names (`services.number_dossier`). Here a department
officer takes a dossier from their department's queue; the office head reassigns it.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction

from hoso.workflow import services, supplements
from hoso.workflow.access import DEPARTMENT, HEAD, AccessDenied, Actor, require
from hoso.workflow.audit import append_event
from hoso.workflow.models import Dossier, DossierEvent, Result
from hoso.workflow.results import Document, record_result
from hoso.workflow.services import TransitionError
from hoso.workflow.states import Status

logger = logging.getLogger(__name__)


def _fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related("procedure", "office", "department").get(pk=dossier.pk)


@transaction.atomic
def take(dossier: Dossier, actor: Actor) -> Dossier:
    """A department officer takes a received dossier: it is assigned to them and goes in process."""
    dossier = _fresh(dossier)
    require(actor, "take", dossier)
    Dossier.objects.filter(pk=dossier.pk).update(assignee=actor.user)
    return services.transition(
        dossier,
        Status.IN_PROCESS,
        actor=actor.user,
        actor_label=actor.label,
        note="Nhận xử lý hồ sơ",
        data={"assignee": actor.user.get_username()},
    )


def resume(dossier: Dossier, actor: Actor) -> Dossier:
    dossier = _fresh(dossier)
    require(actor, "resume", dossier)
    return services.transition(
        dossier, Status.IN_PROCESS, actor=actor.user, actor_label=actor.label, note="Tiếp tục xử lý"
    )


def request_supplement(dossier: Dossier, actor: Actor, note: str) -> Dossier:
    dossier = _fresh(dossier)
    require(actor, "request_supplement", dossier)
    return services.request_supplement(dossier, actor=actor.user, actor_label=actor.label, note=note)


def receive_supplement(
    dossier: Dossier, actor: Actor, *, raw: bytes, content_type: str = "", note: str = ""
) -> Dossier:
    """The desk (or the department) receives the papers that answer a supplement request: only in a
    channel the dossier may still use (``supplements.check_at_desk``: never for an electronic dossier,
    whose supplement comes signed through the I-VAN; the channel policy for the others)."""
    dossier = _fresh(dossier)
    require(actor, "receive_supplement", dossier)
    try:
        supplements.check_at_desk(dossier)
    except supplements.SupplementChannelError as refusal:
        logger.info("Supplement to dossier %s refused at the desk (%s)", dossier.number, refusal.code)
        raise
    return services.receive_supplement(
        dossier, raw=raw, actor=actor.user, actor_label=actor.label, note=note, content_type=content_type
    )


def refuse(dossier: Dossier, actor: Actor, reason: str) -> Dossier:
    dossier = _fresh(dossier)
    require(actor, "refuse", dossier)
    if not reason.strip():
        raise TransitionError(
            "WORKFLOW_REFUSAL_REASON",
            "Từ chối giải quyết phải ghi rõ lý do.",
            "A refusal must give its reason.",
        )
    return services.transition(
        dossier, Status.REFUSED, actor=actor.user, actor_label=actor.label, note=reason.strip()
    )


def record(
    dossier: Dossier,
    actor: Actor,
    *,
    documents: list[Document],
    note: str = "",
    card_numbers: dict[int, str] | None = None,
) -> Result:
    dossier = _fresh(dossier)
    require(actor, "record_result", dossier)
    return record_result(
        dossier,
        documents=documents,
        actor=actor.user,
        actor_label=actor.label,
        note=note,
        card_numbers=card_numbers,
    )


@transaction.atomic
def hand_over(dossier: Dossier, actor: Actor, *, receiver: str) -> Dossier:
    """The desk hands the result to the submitter (or their representative, named)."""
    dossier = _fresh(dossier)
    require(actor, "hand_over", dossier)
    receiver = receiver.strip()
    if not receiver:
        raise TransitionError(
            "WORKFLOW_RECEIVER_REQUIRED",
            "Ghi họ tên người nhận kết quả.",
            "Give the name of the person receiving the result.",
        )
    moved = services.transition(
        dossier,
        Status.HANDED_OVER,
        actor=actor.user,
        actor_label=actor.label,
        note=f"Trả kết quả cho {receiver}",
        data={"receiver": receiver[:200]},
    )
    Result.objects.filter(dossier=dossier).update(
        handed_over_at=moved.status_changed_at, handed_over_to=receiver[:200]
    )
    return moved


def assignable_officers(dossier: Dossier):
    """The department officers of the dossier's office and department."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            officer__office_id=dossier.office_id,
            officer__department_id=dossier.department_id,
            groups__name=DEPARTMENT,
        )
        .order_by("username")
        .distinct()
    )


@transaction.atomic
def reassign(dossier: Dossier, actor: Actor, to_user) -> Dossier:
    """The office head gives the dossier to another officer of its department."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    require(actor, "reassign", dossier)
    if not assignable_officers(dossier).filter(pk=to_user.pk).exists():
        raise AccessDenied(
            "WORKFLOW_ASSIGNEE_OUTSIDE",
            f"{to_user.get_username()} không phải cán bộ phòng {dossier.department_id} của cơ quan "
            f"{dossier.office_id}.",
            f"{to_user.get_username()} is not an officer of department {dossier.department_id} of office "
            f"{dossier.office_id}.",
        )
    previous = dossier.assignee.get_username() if dossier.assignee_id else ""
    dossier.assignee = to_user
    dossier.save(update_fields=["assignee"])
    append_event(
        dossier,
        DossierEvent.Kind.ASSIGNED,
        at=services.timezone.now(),
        actor=actor.user,
        actor_label=actor.label,
        note=f"Giao hồ sơ cho {to_user.get_username()}",
        data={"from": previous, "to": to_user.get_username(), "by_role": HEAD},
    )
    return dossier
