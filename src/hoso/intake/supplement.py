"""An electronic supplement (the papers that answer a supplement request), received from an I-VAN.

The file goes through the front half every signed document goes through (hoso.intake.front): kept,
parsed, verified on that tree, and every signer bound to the dossier's submitter — the file's signer by
its tax code and a certificate the submitter registered, each form it carries by the same rules as a
dossier's forms. An envelope must be the dossier's: the same unit, procedure and period (a supplement
answers that dossier's request; another declaration is a dossier of its own). Only then is it recorded on
the dossier (hoso.workflow.services.receive_supplement), with a signed receipt
(:class:`~hoso.intake.models.SupplementReceipt`) made in the same transaction and answered again, byte
for byte, to a repeat.

When a signer's revocation status is the only problem, the supplement is held as a dossier is
(hoso.intake.pending): a :class:`~hoso.intake.models.HeldSupplement` with its reception time and a signed
pending acknowledgement; judged again later, it is recorded on the dossier *at that reception time* (the
deadline clock restarts from it) or refused, the refusal reaching the I-VAN's feed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from hoso.intake import front
from hoso.intake.models import HeldSupplement, SupplementReceipt
from hoso.workflow import services
from hoso.workflow.models import DossierEvent

logger = logging.getLogger(__name__)
SUPPLEMENT = front.Document("hồ sơ bổ sung", "supplement")


@dataclass
class SupplementReception:
    # "received" | "repeat" (these bytes were already received as a supplement of the dossier) |
    # "pending" (held: ``held`` says until when, its acknowledgement is the answer)
    outcome: str
    dossier: object
    sha256: str
    held: HeldSupplement | None = None
    receipt: SupplementReceipt | None = None  # "received" and "repeat": the signed receipt


def receive_supplement(
    dossier,
    raw: bytes,
    *,
    ivan,
    content_type: str = "application/xml",
    received_at: datetime | None = None,
) -> SupplementReception:
    """Receive ``raw`` as a supplement of ``dossier`` carried by ``ivan``.

    Raises :class:`front.IntakeError` (not a document), :class:`front.Refusal` (signature or binding:
    the dossier is unchanged, the bytes are kept as evidence) or
    :class:`hoso.workflow.services.TransitionError` (no supplement awaited)."""
    received_at = received_at or timezone.now()
    sha256 = front.keep(raw)
    held = HeldSupplement.objects.filter(
        dossier=dossier, sha256=sha256, outcome=HeldSupplement.Outcome.PENDING
    ).first()
    if held is not None:  # sent again while held: the same acknowledgement
        return SupplementReception("pending", dossier, sha256, held)
    try:
        front.require_xml(raw)
        report, unknown = _judge(dossier, raw, at=received_at)
    except (front.IntakeError, front.Refusal) as error:
        code = error.code if isinstance(error, front.IntakeError) else error.reasons[0].code
        logger.warning(
            "I-VAN %s: supplement to dossier %s refused (%s), %d bytes kept as sha256 %s",
            ivan.code,
            dossier.number,
            code,
            len(raw),
            sha256,
        )
        raise
    if services.supplement_already_received(dossier, sha256):
        # An I-VAN sending again what got no answer (a cut connection): the first reception stands.
        return _repeat(dossier, sha256, ivan)
    if unknown:
        services.require_supplement_requested(dossier)
        return SupplementReception(
            "pending", dossier, sha256, _hold(dossier, raw, sha256, ivan, content_type, received_at, unknown)
        )
    try:
        receipt = _record(dossier, raw, sha256, ivan, content_type, at=received_at, report=report)
    except services.TransitionError:
        if services.supplement_already_received(dossier, sha256):  # a concurrent twin was recorded first
            return _repeat(dossier, sha256, ivan)
        raise
    return SupplementReception("received", dossier, sha256, receipt=receipt)


def _repeat(dossier, sha256: str, ivan) -> SupplementReception:
    return SupplementReception("repeat", dossier, sha256, receipt=ensure_receipt(dossier, sha256, ivan))


def _judge(dossier, raw: bytes, *, at: datetime, retroactive: bool = False):
    """The front half on ``raw`` at ``at``: raises :class:`front.Refusal`; returns the verification report
    and the reasons to hold the supplement for (a signer's revocation status unknown and nothing else
    wrong), none when it passes."""
    try:
        report, unknown = front.verify(front.parse(raw), at=at, retroactive=retroactive), []
    except front.Refusal as refusal:
        if not refusal.pending:
            raise
        report, unknown = refusal.report, refusal.reasons
    if report.envelope is not None:
        match_dossier(dossier, report.envelope)
    front.bind(
        report,
        at=at,
        unit=dossier.unit if dossier.unit_id else None,
        commune=dossier.commune if dossier.commune_id else None,
        document=SUPPLEMENT,
    )
    return report, unknown


def match_dossier(dossier, envelope) -> None:
    """Raise :class:`front.Refusal` unless the supplement's envelope (its signed content) declares the
    dossier's unit, procedure and period: a supplement completes that dossier, it is no new declaration."""
    problems = []
    named = (envelope.unit.ma_so_bhxh or "").strip().upper()
    own = (dossier.unit_id or dossier.commune_id or "").upper()
    if named and named != own:
        problems.append(
            _mismatch(
                "INTAKE_SUPPLEMENT_UNIT_MISMATCH",
                f"Hồ sơ bổ sung ghi đơn vị {named}, không phải đơn vị của hồ sơ {dossier.number} ({own}).",
                f"The supplement names unit {named}, not the unit of dossier {dossier.number} ({own}).",
            )
        )
    procedure = (envelope.info.ma_thu_tuc or "").strip()
    if procedure != dossier.procedure.code:
        problems.append(
            _mismatch(
                "INTAKE_SUPPLEMENT_PROCEDURE_MISMATCH",
                f"Hồ sơ bổ sung ghi thủ tục {procedure or '(trống)'}, không phải thủ tục "
                f"{dossier.procedure.code} của hồ sơ {dossier.number}.",
                f"The supplement names procedure {procedure or '(empty)'}, not procedure "
                f"{dossier.procedure.code} of dossier {dossier.number}.",
            )
        )
    period = (envelope.info.ky_ke_khai or "").strip()[:7]
    if dossier.period and period != dossier.period:
        problems.append(
            _mismatch(
                "INTAKE_SUPPLEMENT_PERIOD_MISMATCH",
                f"Hồ sơ bổ sung ghi kỳ kê khai {period or '(trống)'}, không phải kỳ {dossier.period} "
                f"của hồ sơ {dossier.number}.",
                f"The supplement names period {period or '(empty)'}, not period {dossier.period} of "
                f"dossier {dossier.number}.",
            )
        )
    if problems:
        raise front.Refusal(*problems)


def _mismatch(code: str, vi: str, en: str) -> front.Reason:
    return front.reason(code, vi, en)  # legal basis and next step: the code's (hoso.intake.codebook)


def _record(
    dossier,
    raw: bytes,
    sha256: str,
    ivan,
    content_type: str,
    *,
    at: datetime,
    report=None,
    public_id=None,
) -> SupplementReceipt:
    """Record the supplement on its dossier at ``at`` and sign its receipt, in one transaction."""
    with transaction.atomic():
        services.receive_supplement(
            dossier,
            raw=raw,
            sha256=sha256,
            actor_label=f"I-VAN {ivan.code} {ivan.name}",
            content_type=content_type,
            at=at,
        )
        return _issue_receipt(dossier, sha256, ivan, at, report=report, public_id=public_id)


def _issue_receipt(
    dossier, sha256: str, ivan, at: datetime, *, report=None, public_id=None
) -> SupplementReceipt:
    from hoso.intake.receipts import build_receipt, receipt_content

    dossier.refresh_from_db(fields=["due_date", "status"])
    receipt = SupplementReceipt(dossier=dossier, ivan=ivan, received_at=at, sha256=sha256)
    if public_id is not None:
        receipt.public_id = public_id
    content = dataclasses.replace(
        receipt_content(dossier.submission),
        submission_id=str(receipt.public_id),
        received_at=at,
        outcome="accepted",
        sha256=sha256,
        due_date=dossier.due_date,
        reasons=[],
        policy={},
        signature=report.as_dict() if report is not None else {},
    )
    receipt.receipt_xml = build_receipt(content)
    receipt.receipt_sha256 = hashlib.sha256(receipt.receipt_xml).hexdigest()
    receipt.save(force_insert=True)
    return receipt


def ensure_receipt(dossier, sha256: str, ivan) -> SupplementReceipt:
    """The signed receipt of a supplement already recorded on ``dossier``: the stored one, or — for one
    recorded before supplements had receipts — made now from its reception event, once."""
    stored = SupplementReceipt.objects.filter(dossier=dossier, sha256=sha256).first()
    if stored is not None:
        return stored
    event = (
        dossier.events.filter(kind=DossierEvent.Kind.SUPPLEMENT_RECEIVED, data__sha256=sha256)
        .order_by("sequence")
        .first()
    )
    try:
        with transaction.atomic():
            return _issue_receipt(dossier, sha256, ivan, event.at if event else timezone.now())
    except IntegrityError:  # another request made it first: that one is the receipt
        return SupplementReceipt.objects.get(dossier=dossier, sha256=sha256)


def _hold(dossier, raw, sha256, ivan, content_type, received_at, reasons) -> HeldSupplement:
    from hoso.intake import pending

    held = HeldSupplement(
        dossier=dossier,
        ivan=ivan,
        received_at=received_at,
        sha256=sha256,
        size=len(raw),
        content_type=content_type[:100],
        outcome=HeldSupplement.Outcome.PENDING,
        reasons=pending.held_reasons(reasons),
        next_check_at=pending.next_check(received_at, timezone.now()) or timezone.now(),
    )
    held.acknowledgement_xml = acknowledgement(held)
    held.save(force_insert=True)
    logger.info("I-VAN %s: supplement %s to dossier %s held", ivan.code, held.public_id, dossier.number)
    return held


def acknowledgement(held: HeldSupplement) -> bytes:
    """The signed pending acknowledgement of a held supplement: the dossier's receipt content (its number,
    procedure, submitter, office) with this supplement's id, reception time, bytes and reason."""
    from hoso.intake.receipts import Reason, build_receipt, receipt_content

    content = dataclasses.replace(
        receipt_content(held.dossier.submission),
        submission_id=str(held.public_id),
        received_at=held.received_at,
        outcome="pending",
        sha256=held.sha256,
        due_date=None,
        reasons=[Reason(**r) for r in held.reasons],
        policy={},
        signature={},
    )
    return build_receipt(content)


def recheck_held(held: HeldSupplement, now: datetime) -> str:
    """Judge the held supplement again at its reception time: "received", "refused", "pending" (still
    unknown, before the limit) or "decided" (another worker decided it first)."""
    from hoso.intake import pending
    from hoso.intake.blobstore import blob_store

    raw = blob_store().get(held.sha256)
    dossier = held.dossier
    report = None
    try:
        report, unknown = _judge(dossier, raw, at=held.received_at, retroactive=True)
        reasons = [] if not unknown else None
    except front.Refusal as refusal:
        reasons = refusal.reasons
    if reasons is None:  # still unknown
        reasons = pending.postpone(held, now)
        if not reasons:
            return "pending"
    with transaction.atomic():
        locked = (
            HeldSupplement.objects.select_for_update()
            .filter(pk=held.pk, outcome=HeldSupplement.Outcome.PENDING)
            .first()
        )
        if locked is None:
            return "decided"
        if not reasons:
            try:
                with transaction.atomic():
                    _record(
                        dossier,
                        raw,
                        held.sha256,
                        held.ivan,
                        held.content_type,
                        at=held.received_at,
                        report=report,
                        public_id=held.public_id,
                    )
            except services.TransitionError as error:  # the request was withdrawn meanwhile
                reasons = [front.reason(error.code, error.message_vi, error.message_en)]
        if reasons:
            pending.decision_event(
                dossier.submission,
                kind="supplement_refused",
                at=now,
                data={
                    "supplement": str(held.public_id),
                    "received_at": held.received_at.isoformat(),
                    "reasons": [r.code for r in reasons],
                    "details": [r.as_dict() for r in reasons],
                },
            )
        locked.outcome = HeldSupplement.Outcome.REFUSED if reasons else HeldSupplement.Outcome.RECEIVED
        locked.reasons = [r.as_dict() for r in reasons]
        locked.revocation_checks += 1
        locked.next_check_at, locked.decided_at = None, now
        locked.save()
    logger.info("supplement %s to dossier %s decided: %s", held.public_id, dossier.number, locked.outcome)
    return locked.outcome


def held():
    """The supplements held now, oldest first."""
    return (
        HeldSupplement.objects.filter(outcome=HeldSupplement.Outcome.PENDING)
        .select_related("dossier", "dossier__submission", "ivan")
        .order_by("pk")
    )
