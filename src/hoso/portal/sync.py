"""The sync with the national portal, run by the job worker (``hoso:portal``, every minute).

**Queued from the audit chain.** Every reception and change of state is an event of the audit chain,
written in the transaction that makes the change; events are numbered in commit order under the chain
head's lock (hoso.workflow.audit). So the chain itself is the outbox: :func:`collect` reads the events
after :class:`~hoso.portal.models.SyncCursor` and, in one transaction with moving the cursor, writes the
ledger's rows (:class:`~hoso.portal.models.Delivery`). A rolled-back change has no event, so nothing is
sent for it; a committed one always has, so nothing is lost — and a reception costs no statement more.

**Off by default.** Without ``HOSO_PORTAL_URL`` the job does nothing and queues nothing. The first run
with it set starts at the chain's head (earlier dossiers are not sent; one of them is sent whole at its
next change); switched off later, the cursor waits and the events of the pause are sent when it is set
again.

**Sent with retries.** :func:`send_due` claims due rows (hoso.jobs.leases, as the notice outbox does),
logs in once per run and posts each record outside any transaction. A portal that cannot be reached,
does not answer within ``HOSO_PORTAL_TIMEOUT`` or refuses the log-in is the gateway's problem: the row
waits with back-off (1, 2, 4 … minutes, at most an hour) and is never given up. A record the portal
refuses (``error_code`` ≠ 0) is tried again with back-off up to :data:`MAX_ATTEMPTS` times, then left
*not sent*; a dossier not nameable yet (no national code) is left not sent at once. IT resends from the
ledger page (:func:`resend`) after mending the cause.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hoso.jobs import leases
from hoso.portal.client import PortalClient, PortalError, PortalSettings
from hoso.portal.mapping import mapping
from hoso.portal.models import Delivery, SyncCursor
from hoso.portal.records import Incomplete, dossier_record, progress_record
from hoso.workflow.models import AuditHead, Dossier, DossierEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # refusals: 1+2+4+8+16+32+60 minutes ≈ 2 hours, then not sent (IT resends)
BATCH = 20
COLLECT_BATCH = 1000
LEASE = timedelta(minutes=15)  # longer than a batch can take at the time-out: only a dead sender outlives it
RUN_SECONDS = 45

Service = Delivery.Service
Status = Delivery.Status
Kind = Delivery.ErrorKind
SERVER_SIDE = {Kind.CONNECTION, Kind.TIMEOUT, Kind.AUTH, Kind.ANSWER}  # never a reason to give a row up


def configured() -> bool:
    return bool(getattr(settings, "HOSO_PORTAL_URL", None))


def portal_settings() -> PortalSettings:
    return PortalSettings(
        url=settings.HOSO_PORTAL_URL,
        login_url=settings.HOSO_PORTAL_LOGIN_URL or settings.HOSO_PORTAL_URL,
        username=settings.HOSO_PORTAL_USERNAME or "",
        password=settings.HOSO_PORTAL_PASSWORD or "",
        timeout=settings.HOSO_PORTAL_TIMEOUT,
    )


# --- Queue: events after the cursor → ledger rows ---------------------------------------------------


def collect(*, now: datetime | None = None, batch: int = COLLECT_BATCH) -> tuple[int, int]:
    """Turn up to ``batch`` events after the cursor into ledger rows and move the cursor, in one
    transaction; returns the events read and the rows written. The first call starts the cursor at the
    chain's head."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor = SyncCursor.objects.select_for_update().filter(pk=1).first()
        if cursor is None:
            head = AuditHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first() or 0
            SyncCursor.objects.create(pk=1, last_sequence=head, started_at=now, moved_at=now)
            log.info("portal: sync starts after event %s", head)
            return 0, 0
        events = list(
            DossierEvent.objects.filter(sequence__gt=cursor.last_sequence)
            .order_by("sequence")
            .only("id", "sequence", "dossier_id", "kind", "to_status")[:batch]
        )
        if not events:
            return 0, 0
        rows = deliveries_for(events, now)
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        SyncCursor.objects.filter(pk=1).update(last_sequence=events[-1].sequence, moved_at=now)
    return len(events), len(rows)


def deliveries_for(events: list[DossierEvent], now: datetime) -> list[Delivery]:
    """The calls owed for ``events``: a reception is the dossier record; a change of state its progress,
    and the dossier record again where the mapping says the portal's dossier changes. A dossier the
    portal has not had yet (received before the sync started) is sent whole first."""
    statuses = mapping().statuses
    dossiers = {e.dossier_id for e in events}
    known = set(
        Delivery.objects.filter(dossier_id__in=dossiers, service=Service.DOSSIER).values_list(
            "dossier_id", flat=True
        )
    )
    rows: list[Delivery] = []

    def owe(event, service, updating):
        rows.append(Delivery(event=event, dossier_id=event.dossier_id, service=service, updating=updating,
                             created_at=now, next_attempt_at=now))  # fmt: skip

    for event in events:
        if event.kind == DossierEvent.Kind.RECEIVED:
            owe(event, Service.DOSSIER, False)
            known.add(event.dossier_id)
            continue
        if not event.to_status:
            continue  # an assignment, a note: not a change of state
        if event.dossier_id not in known:
            owe(event, Service.DOSSIER, False)
            known.add(event.dossier_id)
        elif statuses[event.to_status].update_dossier:
            owe(event, Service.DOSSIER, True)
        owe(event, Service.PROGRESS, False)
    return rows


# --- Send -----------------------------------------------------------------------------------------------


@dataclass
class SyncRun:
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: str = ""

    def __str__(self) -> str:
        text = f"queued {self.queued}, sent {self.sent}, to retry {self.retrying}, not sent {self.failed}"
        return text + (f"; portal unreachable: {self.unreachable}" if self.unreachable else "")


def run(*, now: datetime | None = None) -> str:
    """The job: collect, then send what is due. Nothing when the portal is not configured."""
    if not configured():
        return "national portal sync off (HOSO_PORTAL_URL unset)"
    result = SyncRun()
    while True:
        read, written = collect(now=now)
        result.queued += written
        if read < COLLECT_BATCH:
            break
    send_due(now=now, result=result)
    if result.queued or result.sent or result.retrying or result.failed:
        log.info("portal: %s", result)
    return str(result)


def send_due(*, now: datetime | None = None, batch: int = BATCH, result: SyncRun | None = None) -> SyncRun:
    """Send the due rows, batch by batch, until none is due, the portal is down, or RUN_SECONDS passed."""
    result = result or SyncRun()
    client = PortalClient(portal_settings())
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        at = now or timezone.now()
        due = Delivery.objects.filter(status=Status.QUEUED, next_attempt_at__lte=at)
        token, claimed = leases.claim(due, at, batch, LEASE)
        if not claimed:
            break
        for index, delivery in enumerate(claimed):
            try:
                _send_one(client, delivery)
            except Incomplete as exc:
                _failed(delivery, token, at, Kind.INCOMPLETE, str(exc), "", result)
            except PortalError as exc:
                _failed(delivery, token, at, exc.kind, str(exc), exc.code, result)
                if exc.kind in SERVER_SIDE:  # the rest of the batch waits with it
                    for rest in claimed[index + 1 :]:
                        _failed(rest, token, at, exc.kind, str(exc), exc.code, result)
                    result.unreachable = str(exc)
                    return result
            else:
                _sent(delivery, token, at, result)
    return result


def _send_one(client: PortalClient, delivery: Delivery) -> None:
    event = DossierEvent.objects.select_related("actor").get(pk=delivery.event_id)
    dossier = Dossier.objects.select_related("office", "procedure", "department", "unit", "commune").get(
        pk=delivery.dossier_id
    )
    if delivery.service == Service.DOSSIER:
        record = dossier_record(dossier, event)
        updating = delivery.updating
    else:
        record = progress_record(dossier, event)
        updating = None
    Delivery.objects.filter(pk=delivery.pk).update(payload=record)
    client.send(delivery.service, dossier.office.agency_code, record, updating=updating)


def _sent(delivery: Delivery, token: str, at: datetime, result: SyncRun) -> None:
    leases.record(delivery, token, Status.QUEUED, status=Status.SENT, sent_at=at, attempts=delivery.attempts + 1,
                  last_attempt_at=at, error_kind="", portal_code="", last_error="")  # fmt: skip
    result.sent += 1


def _failed(
    delivery: Delivery, token: str, at: datetime, kind: str, error: str, code: str, result: SyncRun
) -> None:
    attempts = delivery.attempts + 1
    give_up = kind == Kind.INCOMPLETE or (kind not in SERVER_SIDE and attempts >= MAX_ATTEMPTS)
    leases.record(
        delivery,
        token,
        Status.QUEUED,
        status=Status.FAILED if give_up else Status.QUEUED,
        attempts=attempts,
        last_attempt_at=at,
        last_error=error[:2000],
        error_kind=kind,
        portal_code=code[:20],
        next_attempt_at=at + leases.backoff(attempts),
    )
    log.warning(
        "portal: delivery %s (%s), attempt %d: %s %s", delivery.pk, delivery.service, attempts, kind, error
    )
    if give_up:
        result.failed += 1
    else:
        result.retrying += 1


# --- What IT does and reads -----------------------------------------------------------------------------


def resend(deliveries, *, by: str, now: datetime | None = None) -> int:
    """Queue ``deliveries`` again (sent ones too: the portal lost them), due now, attempts from zero."""
    now = now or timezone.now()
    return deliveries.update(status=Status.QUEUED, attempts=0, next_attempt_at=now, claim="", resent_at=now,
                             resent_by=by[:150])  # fmt: skip
