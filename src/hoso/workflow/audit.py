"""The audit trail as a hash chain, and its verification (`hoso audit verify`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection

from hoso import fastsql
from hoso.workflow.models import AuditHead, Dossier, DossierEvent

GENESIS = "0" * 64


def event_hash(
    *,
    previous_hash: str,
    sequence: int,
    dossier_number: str,
    kind: str,
    from_status: str,
    to_status: str,
    at: datetime,
    actor_label: str,
    note: str,
    data: dict,
) -> str:
    body = json.dumps(
        [
            previous_hash,
            sequence,
            dossier_number,
            kind,
            from_status,
            to_status,
            at.astimezone(UTC).isoformat(),
            actor_label,
            note,
            data,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append_event(
    dossier: Dossier,
    kind: str,
    *,
    at: datetime,
    actor=None,
    actor_label: str,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
    head: tuple[int, str] | None = None,
) -> None:
    """Add an event at the head of the chain and move the head to it. Call inside the caller's
    transaction: the head row stays locked until it commits, so sequences follow commit order (the I-VAN
    feed relies on it). ``head`` is the head already read and locked by :func:`lock_head` in this
    transaction (read here otherwise). Nothing is read back: inside :func:`hoso.fastsql.pipelined` both
    statements travel with whatever the transaction sends next."""
    last_sequence, last_hash = head if head is not None else lock_head()
    sequence = last_sequence + 1
    payload = data or {}
    digest = event_hash(
        previous_hash=last_hash,
        sequence=sequence,
        dossier_number=dossier.number,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor_label=actor_label,
        note=note,
        data=payload,
    )
    fastsql.insert_without_key(
        DossierEvent(
            sequence=sequence,
            dossier=dossier,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            at=at,
            actor=actor,
            actor_label=actor_label,
            note=note,
            data=payload,
            previous_hash=last_hash,
            hash=digest,
        )
    )
    fastsql.execute(
        f"UPDATE {fastsql.table(AuditHead)} SET last_sequence = %s, last_hash = %s WHERE id = 1",  # noqa: S608
        [sequence, digest],
    )


def lock_head() -> tuple[int, str]:
    """Lock the chain head row until the caller's transaction ends and read it (one round trip; on
    SQLite the write transaction is already exclusive). Every reception passes here, so it is raw SQL."""
    sql = f"SELECT last_sequence, last_hash FROM {fastsql.table(AuditHead)} WHERE id = 1"  # noqa: S608
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    row = fastsql.fetch_one(sql)
    if row is None:  # the very first event of this database
        AuditHead.objects.bulk_create([AuditHead(id=1)], ignore_conflicts=True)
        row = fastsql.fetch_one(sql)
    return int(row[0]), row[1]


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason_vi: str
    reason_en: str


def _events() -> Iterator[DossierEvent]:
    return DossierEvent.objects.select_related("dossier").order_by("sequence").iterator(chunk_size=2000)


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the start; return how many events are sound and the first broken link."""
    previous, expected_sequence, count = GENESIS, 1, 0
    for event in _events():
        if event.sequence != expected_sequence:
            return count, ChainBreak(
                expected_sequence,
                f"Thiếu sự kiện số {expected_sequence} (chuỗi nhảy tới {event.sequence}).",
                f"Event {expected_sequence} is missing (the chain jumps to {event.sequence}).",
            )
        if event.previous_hash != previous:
            return count, ChainBreak(
                event.sequence,
                f"Sự kiện số {event.sequence} không nối với sự kiện trước.",
                f"Event {event.sequence} does not link to the previous one.",
            )
        digest = event_hash(
            previous_hash=event.previous_hash,
            sequence=event.sequence,
            dossier_number=event.dossier.number,
            kind=event.kind,
            from_status=event.from_status,
            to_status=event.to_status,
            at=event.at,
            actor_label=event.actor_label,
            note=event.note,
            data=event.data,
        )
        if digest != event.hash:
            return count, ChainBreak(
                event.sequence,
                f"Nội dung sự kiện số {event.sequence} đã bị thay đổi.",
                f"The content of event {event.sequence} was changed.",
            )
        previous, expected_sequence, count = event.hash, expected_sequence + 1, count + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.last_sequence != count or head.last_hash != previous):
        return count, ChainBreak(
            count + 1,
            f"Các sự kiện sau số {count} đã bị xoá (đầu chuỗi ghi {head.last_sequence}).",
            f"Events after {count} were removed (the chain head records {head.last_sequence}).",
        )
    return count, None
