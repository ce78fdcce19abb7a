"""Mẫu 05 and Mẫu 06 of Circular 01/2018/TT-VPCP, printable (issue 23, item 2): the processing control
sheet of one dossier (each step of its history, whether it came before, on or after the due date in
force then) and the office's tracking log of dossiers received in a period."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hoso.dates import DateInputError, parse_day
from hoso.desk.common import message_of, officer_required, visible_dossier_or_404
from hoso.workflow.access import DESK, HEAD, visible_dossiers
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.states import Status

BASIS = "Thông tư 01/2018/TT-VPCP"
#: The state a dossier's result is given in; the log's "result" date is the first event entering it.
RESULT_STATES = (Status.RESULT_READY, Status.HANDED_OVER, Status.REFUSED)
LOG_MAX_ROWS = 2000


def _timeliness(day, due) -> str:
    if day < due:
        return "Trước hạn"
    return "Đúng hạn" if day == due else "Quá hạn"


@officer_required()
@require_GET
def control_sheet(request, pk: int):
    """Mẫu 05: the dossier's steps in order, with the due date as it stood at each step."""
    dossier = visible_dossier_or_404(request.actor, pk)
    steps, due = [], None
    for event in dossier.events.order_by("sequence"):
        due = (event.data or {}).get("due_date", due)
        day = timezone.localtime(event.at).date()
        due_day = dossier.due_date if due is None else type(dossier.due_date).fromisoformat(due)
        steps.append(
            {
                "event": event,
                "due": due_day,
                "timeliness": _timeliness(day, due_day),
            }
        )
    return render(request, "desk/control_sheet.html", {"d": dossier, "steps": steps, "basis": BASIS})


@officer_required(DESK, HEAD)
@require_GET
def tracking_log(request):
    """Mẫu 06: the dossiers of the office received from ``tu`` to ``den`` (dd/mm/yyyy; this month)."""
    today = timezone.localdate()
    try:
        start = (
            parse_day(request.GET["tu"], label="Từ ngày", label_en="From")
            if request.GET.get("tu")
            else today.replace(day=1)
        )
        end = (
            parse_day(request.GET["den"], label="Đến ngày", label_en="To")
            if request.GET.get("den")
            else today
        )
    except DateInputError as error:
        messages.error(request, message_of(error))
        start, end = today.replace(day=1), today
    dossiers = list(
        visible_dossiers(request.actor, Dossier.objects.filter(office_id=request.actor.office_id))
        .filter(received_at__date__gte=start, received_at__date__lt=end + timedelta(days=1))
        .select_related("procedure", "unit", "commune", "office")
        .order_by("received_at", "pk")[:LOG_MAX_ROWS]
    )
    results = {}
    for event in DossierEvent.objects.filter(
        dossier__in=dossiers, to_status__in=list(RESULT_STATES)
    ).order_by("sequence"):
        results.setdefault(event.dossier_id, event.at)
    rows = [{"d": d, "result_at": results.get(d.pk)} for d in dossiers]
    context = {
        "rows": rows,
        "start": start,
        "end": end,
        "basis": BASIS,
        "capped": len(dossiers) == LOG_MAX_ROWS,
    }
    return render(request, "desk/tracking_log.html", context)
