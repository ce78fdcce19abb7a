"""Clock breaches for the office head (issue 23, item 2): the dossiers of the office whose legal clocks
(``hoso.workflow.clocks``) ran out — a receipt e-mail that left late or not at all, an online dossier
examined after its working hours or still waiting past them, a dossier open past its due date."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hoso.desk.common import officer_required
from hoso.reference.calendar import working_clock
from hoso.reports.models import SubmitterNotice
from hoso.workdays.hours import WorkingClock
from hoso.workflow.access import HEAD
from hoso.workflow.clocks import (
    DUE_DATE,
    EXAMINING_EVENTS,
    RECEIPT_NOTICE,
    SUPPLEMENT_REQUEST,
    LegalClock,
    clocks_for,
    examined_at,
)
from hoso.workflow.deadlines import RUNNING_STATES
from hoso.workflow.models import Dossier, DossierEvent

#: How far back the page looks by default, and at most (days of reception).
DEFAULT_DAYS, MAX_DAYS = 31, 366


@dataclass(frozen=True, slots=True)
class Breach:
    dossier: Dossier
    clock: LegalClock
    met_at: datetime | None  # None: still not done
    over_minutes: int  # elapsed minutes for the receipt, working minutes for the others

    @property
    def over_text(self) -> str:
        hours, minutes = divmod(self.over_minutes, 60)
        return f"{hours} giờ {minutes:02d} phút" if hours else f"{minutes} phút"

    @property
    def working_time(self) -> bool:
        return self.clock.kind != RECEIPT_NOTICE


def _receipt_sent(dossiers: list[Dossier]) -> dict[int, tuple[bool, datetime | None]]:
    """Per dossier with a receipt e-mail: (queued, when it left the outbox or None)."""
    found: dict[int, tuple[bool, datetime | None]] = {}
    notices = SubmitterNotice.objects.filter(
        dossier__in=dossiers, kind=SubmitterNotice.Kind.RECEIPT, means=SubmitterNotice.Means.EMAIL
    ).select_related("message")
    for notice in notices.order_by("created_at", "pk"):
        sent = notice.message.sent_at if notice.message_id else notice.sent_at
        found.setdefault(notice.dossier_id, (True, sent))
    return found


def _over(clock: LegalClock, until: datetime, working: WorkingClock) -> int:
    if clock.kind == RECEIPT_NOTICE:
        return int((until - clock.due_at).total_seconds() // 60)
    return working.working_minutes_between(clock.due_at, until)


def clock_breaches(office_id: str, now: datetime, since: datetime) -> list[Breach]:
    """Every clock of the office's dossiers received since ``since`` that ran out by ``now``."""
    dossiers = list(
        Dossier.objects.filter(office_id=office_id, received_at__gte=since, received_at__lte=now)
        .select_related("procedure", "unit", "commune")
        .order_by("received_at", "pk")
    )
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.filter(dossier__in=dossiers, kind__in=list(EXAMINING_EVENTS)).order_by(
        "sequence"
    ):
        events[event.dossier_id].append(event)
    receipts = _receipt_sent(dossiers)
    working = working_clock()
    found: list[Breach] = []
    for dossier in dossiers:
        for clock in clocks_for(
            office_id=dossier.office_id,
            channel=dossier.channel,
            received_at=dossier.received_at,
            due_date=dossier.due_date,
            clock=working,
        ):
            if clock.kind == RECEIPT_NOTICE:
                if dossier.pk not in receipts:
                    continue  # no e-mail address: no e-mailed receipt to time
                met = receipts[dossier.pk][1]
            elif clock.kind == SUPPLEMENT_REQUEST:
                met = examined_at(dossier, events[dossier.pk])
            else:
                if dossier.status not in RUNNING_STATES:
                    continue  # done, or its clock stopped while a supplement is awaited
                met = None
            until = met or now
            if until <= clock.due_at:
                continue
            over = _over(clock, until, working)
            if over > 0:
                found.append(Breach(dossier, clock, met, over))
    found.sort(key=lambda b: (b.clock.due_at, b.dossier.pk))
    return found


@officer_required(HEAD)
@require_GET
def breaches(request):
    try:
        days = min(max(int(request.GET.get("ngay", DEFAULT_DAYS)), 1), MAX_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    now = timezone.now()
    rows = clock_breaches(request.actor.office_id or "", now, now - timedelta(days=days))
    counts = {
        kind: sum(1 for b in rows if b.clock.kind == kind)
        for kind in (RECEIPT_NOTICE, SUPPLEMENT_REQUEST, DUE_DATE)
    }
    return render(request, "desk/breaches.html", {"rows": rows, "days": days, "counts": counts, "now": now})
