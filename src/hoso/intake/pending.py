"""Submissions held while a certificate's revocation status is unknown (issue 19, item 4).

An electronic dossier whose only problem is that the revocation status of a signing certificate cannot be
determined — no current CRL or OCSP answer (``SIG_TRY_LATER``) — while every other check passes is not
refused: it is *held*. Its bytes are kept as for any submission, its reception time is fixed at once, and
the I-VAN is answered 202 with a signed pending acknowledgement (``KetQua/Ma = CHO_KIEM_TRA``, no dossier
number).

It is judged again, at its reception time, counting revocation data published since (a CRL issued later
lists every revocation with its date: a certificate it does not list, or lists as revoked after the
reception, was not revoked then):

- at once when fresh revocation data arrives (the ``hoso:revocation`` job stored a new CRL or OCSP answer,
  or the trust store's revocation data changed otherwise), by :func:`recheck_all`;
- on a bounded schedule, :data:`CHECK_AFTER` after its reception, by the ``hoso:pending`` job
  (:func:`recheck_due`); still unknown at the last check (:data:`LIMIT` after reception), it is refused
  ``INTAKE_REVOCATION_UNRESOLVED``, which the same bytes may be sent again after (hoso.intake.retry).

The decision replaces the acknowledgement as the submission's receipt (kept as evidence beside it): an
acceptance is numbered with the original reception time, so the dossier's due date counts from it, and its
``received`` event reaches the I-VAN's feed; a refusal has no dossier, so a :class:`DecisionEvent` puts
it in the feed. Until then a repeat of the bytes gets the acknowledgement again (202).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hoso.intake import retry
from hoso.intake.front import LEGAL_BASIS_SIGNATURES, reason
from hoso.intake.models import DecisionEvent, Submission
from hoso.intake.receipts import Reason, attach_receipt

log = logging.getLogger(__name__)

#: When a held submission is checked again, counted from its reception (besides at once when fresh
#: revocation data arrives). The last is the limit: still unknown then, it is refused.
CHECK_AFTER: tuple[timedelta, ...] = tuple(
    timedelta(minutes=m) for m in (5, 15, 30, 60, 120, 240, 480, 720, 1440)
)
LIMIT = CHECK_AFTER[-1]
UNRESOLVED = "INTAKE_REVOCATION_UNRESOLVED"

HELD_ADVICE = (
    "Không cần gửi lại. Hồ sơ đã được nhận và giữ thời điểm tiếp nhận này; cổng tiếp nhận tự kiểm tra lại "
    "ngay khi có thông tin thu hồi (CRL/OCSP) mới và chậm nhất sau 24 giờ, rồi gửi thông báo tiếp nhận có số "
    "hồ sơ hoặc thông báo từ chối qua dòng sự kiện. Thời hạn giải quyết tính từ thời điểm tiếp nhận này."
)
HELD_ADVICE_EN = (
    "Do not send it again. The dossier is received and keeps this reception time; the gateway checks it "
    "again as soon as new revocation data (CRL/OCSP) arrives and within 24 hours at the latest, then sends "
    "the numbered receipt or the refusal through the event feed. Time limits count from this reception time."
)


def next_check(received_at: datetime, now: datetime) -> datetime | None:
    """The next scheduled check of a submission received at ``received_at``; None once the limit is past."""
    return next((received_at + after for after in CHECK_AFTER if received_at + after > now), None)


def retry_after_seconds(submission: Submission, now: datetime | None = None) -> int:
    """Seconds until the held submission's next scheduled check (the ``Retry-After`` of a 202)."""
    now = now or timezone.now()
    upcoming = submission.next_check_at or next_check(submission.received_at, now) or now
    return max(1, math.ceil((upcoming - now).total_seconds()))


def held_reasons(reasons) -> list[dict]:
    """The reasons a document is held for (as stored), saying what happens next instead of "send again"."""
    return [
        {**(r if isinstance(r, dict) else r.as_dict()), "advice": HELD_ADVICE, "advice_en": HELD_ADVICE_EN}
        for r in reasons
    ]


def hold(submission: Submission) -> Submission:
    """Store ``submission`` (a new record of outcome pending, whose reasons say why) with its signed pending
    acknowledgement as its receipt, and schedule its first check."""
    submission.reasons = held_reasons(submission.reasons)
    submission.next_check_at = next_check(submission.received_at, timezone.now()) or timezone.now()
    attach_receipt(submission)
    submission.acknowledgement_xml = submission.receipt_xml
    submission.save(force_insert=True)
    log.info(
        "held %s (I-VAN %s): %s", submission.public_id, submission.ivan_id, submission.reasons[0]["code"]
    )
    return submission


# --- judged again --------------------------------------------------------------------------------------


@dataclass
class RecheckReport:
    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    still_pending: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{len(self.accepted)} accepted, {len(self.refused)} refused, "
            f"{len(self.still_pending)} still pending, {len(self.failed)} failed"
        )
        return text + "".join(f"; {sid}: {error}" for sid, error in self.failed)


def recheck_due(now: datetime | None = None) -> RecheckReport:
    """Judge again every held dossier and supplement whose scheduled check has come (``hoso:pending``)."""
    from hoso.intake import supplement

    now = now or timezone.now()
    due = {"next_check_at__lte": now}
    return _recheck(_held().filter(**due), supplement.held().filter(**due), now)


def recheck_all(now: datetime | None = None) -> RecheckReport:
    """Judge again every held dossier and supplement (fresh revocation data arrived)."""
    from hoso.intake import supplement

    return _recheck(_held(), supplement.held(), now or timezone.now())


#: The trust store's revocation data when this process last judged the held documents.
_seen_revocation_state: bytes | None = None


def recheck_on_schedule(now: datetime | None = None) -> RecheckReport:
    """The ``hoso:pending`` job: every held submission when the trust store's revocation data changed since
    this process last judged them, else the ones whose scheduled check has come."""
    global _seen_revocation_state
    from hoso.intake.gateway import trust_store

    state = trust_store().revocation_state
    changed, _seen_revocation_state = state != _seen_revocation_state, state
    return recheck_all(now) if changed else recheck_due(now)


def _held():
    return Submission.objects.filter(outcome=Submission.Outcome.PENDING).select_related("ivan").order_by("pk")


def _recheck(submissions, supplements, now: datetime) -> RecheckReport:
    from hoso.intake.supplement import recheck_held

    report = RecheckReport()
    work = [(s, lambda s=s: recheck(s, now=now)) for s in submissions]
    work += [(h, lambda h=h: recheck_held(h, now)) for h in supplements]
    decided = {"accepted": report.accepted, "received": report.accepted, "refused": report.refused}
    for held, judge in work:
        sid = str(held.public_id)
        try:
            outcome = judge()
        except IntegrityError as error:  # the same content accepted meanwhile: judged at the next check
            report.failed.append((sid, str(error)[:200]))
            log.warning("pending %s: %s", sid, error)
            continue
        decided.get(outcome, report.still_pending).append(sid)
    return report


def recheck(submission: Submission, *, now: datetime | None = None) -> str:
    """Judge the held ``submission`` again at its reception time; "accepted", "refused", "pending" (still
    unknown, before the limit) or "decided" (another worker decided it first)."""
    from hoso.intake import pipeline
    from hoso.intake.blobstore import blob_store

    now = now or timezone.now()
    state = pipeline._State(
        raw=blob_store().get(submission.sha256),
        channel=submission.channel,
        received_at=submission.received_at,
        sha256=submission.sha256,
        ivan=submission.ivan,
        recheck=True,
    )
    try:
        reasons = pipeline.judge(state)
    except pipeline._Repeat as repeat:  # the same declaration, sent in other bytes, was accepted meanwhile
        reasons = [pipeline.already_filed(repeat.submission, same_ivan=True)]
    if not reasons and state.held:
        reasons = postpone(submission, now)
        if not reasons:
            return "pending"
    return _decide(submission.pk, state, reasons, now)


def postpone(held, now: datetime) -> list[Reason]:
    """A held dossier or supplement (``held``) whose revocation status is still unknown at ``now``: its next
    check scheduled (no reasons), or, the limit past, the reason it is refused."""
    upcoming = next_check(held.received_at, now)
    if upcoming is None:
        return [unresolved(held.received_at)]
    type(held).objects.filter(pk=held.pk, outcome="pending").update(
        revocation_checks=F("revocation_checks") + 1, next_check_at=upcoming
    )
    return []


def unresolved(received_at: datetime) -> Reason:
    day = timezone.localtime(received_at)
    hours = int(LIMIT.total_seconds() // 3600)
    return reason(
        UNRESOLVED,
        f"Sau {hours} giờ kể từ khi nhận hồ sơ ({day:%d/%m/%Y %H:%M}), cổng tiếp nhận vẫn không xác định được "
        "tình trạng thu hồi của chứng thư số đã ký (tổ chức chứng thực chưa công bố danh sách thu hồi CRL hoặc "
        "trả lời OCSP hợp lệ), nên không thể tiếp nhận hồ sơ.",
        f"{hours} hours after the dossier was received ({day.isoformat(timespec='minutes')}), the gateway still "
        "cannot determine the revocation status of the signing certificate (the certification authority has "
        "published no valid CRL or OCSP answer), so the dossier cannot be received.",
        basis=LEGAL_BASIS_SIGNATURES,
        advice="Gửi lại đúng tệp này khi tổ chức chứng thực đã công bố thông tin thu hồi; nếu tình trạng kéo dài, "
        "liên hệ tổ chức chứng thực, hoặc ký lại bằng chứng thư số khác đã đăng ký với cơ quan BHXH.",
        advice_en="Send the same file again once the certification authority has published its revocation "
        "data; if this lasts, contact the certification authority, or sign again with another certificate "
        "registered with the office.",
    )


def _decide(pk: int, state, reasons: list[Reason], now: datetime) -> str:
    """Record the decision on the held submission ``pk`` in one transaction: the final receipt replaces the
    acknowledgement; an acceptance opens the dossier at the original reception time (its first event in
    the feed), a refusal writes its decision event after the chain head (locked, so in commit order)."""
    from hoso.intake import pipeline
    from hoso.policies.services import send_decision
    from hoso.workflow.services import number_dossier, store_dossier

    accepted = not reasons
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("ivan")
            .filter(pk=pk, outcome=Submission.Outcome.PENDING)
            .first()
        )
        if submission is None:
            return "decided"
        _take_over(submission, state, reasons, now)
        if state.decision is not None:
            send_decision(state.facts, state.decision, reference=str(submission.public_id)).result()
        if accepted:
            submission.dossier = number_dossier(
                office=state.office,
                procedure=state.procedure,
                channel=state.channel,
                received_at=submission.received_at,
                unit=state.unit,
                commune=state.commune,
                ivan=submission.ivan,
                period=state.hoso.info.ky_ke_khai[:7],
            )
        attach_receipt(submission)
        if accepted:
            store_dossier(
                submission.dossier,
                actor_label=pipeline._actor_label(state),
                data={
                    "submission": str(submission.public_id),
                    "sha256": submission.sha256,
                    "held_until": now.isoformat(),
                },
            )
        else:
            decision_event(
                submission,
                kind="refused",
                at=now,
                data={
                    "submission": str(submission.public_id),
                    "received_at": submission.received_at.isoformat(),
                    "reasons": [r.code for r in reasons],
                },
            )
        submission.save()
    log.info("held %s decided: %s", submission.public_id, submission.outcome)
    return submission.outcome


def decision_event(submission: Submission, *, kind: str, at: datetime, data: dict) -> DecisionEvent:
    """The feed's event of a refusal that has no chain event of its own, placed after the chain head, read
    locked (so in commit order); inside the caller's transaction."""
    from hoso.workflow.audit import lock_head

    last_sequence, _hash = lock_head()
    return DecisionEvent.objects.create(
        submission=submission,
        ivan_id=submission.ivan_id,
        after_sequence=last_sequence,
        kind=kind,
        at=at,
        data=data,
    )


def _take_over(submission: Submission, state, reasons: list[Reason], now: datetime) -> None:
    """What the new judgement found, onto the held record."""
    from hoso.intake import pipeline

    accepted = not reasons
    submission.outcome = Submission.Outcome.ACCEPTED if accepted else Submission.Outcome.REFUSED
    submission.reasons = [r.as_dict() for r in reasons]
    submission.transient = not accepted and retry.may_send_again(r.code for r in reasons)
    if submission.transient:  # the same bytes may be sent again and judged afresh: not a repeat of these
        submission.repeat_key = submission.idempotency_key = None
    submission.content_key = state.content_key if accepted else None
    submission.warnings = state.warnings
    submission.unit, submission.commune = state.unit, state.commune
    submission.office = state.office if state.hoso else submission.office
    submission.procedure = state.procedure
    submission.signature = state.signature
    submission.policy = state.decision.to_dict() if state.decision is not None else {}
    submission.facts = {**state.content, "submitter": list(pipeline._submitter(state))}
    submission.revocation_checks += 1
    submission.next_check_at = None
    submission.decided_at = now
