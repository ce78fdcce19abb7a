"""The queue as a file (issue 20, item 9): the dossiers the queue's filters select — the late list of
an office head or the director, typically — with the office, the working days late and who holds each,
as CSV or XLSX with Vietnamese headings and real dates (the writers of :mod:`hoso.reports.exports`)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hoso.desk.common import officer_required
from hoso.desk.queues import mark_due, queue_query
from hoso.reports import exports

#: At most this many rows in one file (the newest filters narrow it: an office, a state, late ones).
EXPORT_LIMIT = 50_000
COLUMNS = [
    "number", "office", "office_name", "received_on", "procedure", "procedure_name", "submitter",
    "submitter_name", "channel", "state", "due_date", "days_late", "assignee",
]  # fmt: skip


@officer_required()
@require_GET
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    _given, base, condition = queue_query(request, today)
    dossiers = list(
        base.filter(condition)
        .select_related("office", "procedure", "unit", "commune", "assignee")
        .order_by("due_date", "pk")[:EXPORT_LIMIT]
    )
    mark_due(dossiers, today)
    items = [_row(d) for d in dossiers]
    stem = f"ho-so-{today:%d-%m-%Y}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx({"queue": (COLUMNS, items)}),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:  # a byte-order mark, so that Excel reads the Vietnamese as UTF-8
        response = HttpResponse(
            "\ufeff" + exports.to_csv(COLUMNS, items), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _row(dossier) -> dict:
    if dossier.unit_id:
        code, name = dossier.unit_id, dossier.unit.name
    else:
        code, name = dossier.commune_id or "", f"UBND {dossier.commune.name}" if dossier.commune else ""
    return {
        "number": dossier.number,
        "office": dossier.office_id,
        "office_name": dossier.office.name,
        "received_on": timezone.localtime(dossier.received_at).date(),
        "procedure": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "submitter": code,
        "submitter_name": name,
        "channel": str(dossier.get_channel_display()),
        "state": str(dossier.get_status_display()),
        "due_date": dossier.due_date,
        "days_late": dossier.days_late if dossier.due == "late" else "",
        "assignee": (dossier.assignee.get_full_name() or dossier.assignee.get_username())
        if dossier.assignee
        else "",
    }
