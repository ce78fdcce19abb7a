"""``{% submitter_ledger office %}``: the ledger of notices to submitters (e-mails and texts) on the notices
page, beside the outbox, so that IT reads every outgoing message in one place."""

from __future__ import annotations

from django import template
from django.db.models import Count

from hoso.reports import outbox
from hoso.reports.models import SubmitterNotice

register = template.Library()
SHOWN = 200


@register.inclusion_tag("reports/_submitter_ledger.html", takes_context=True)
def submitter_ledger(context, office: str = ""):
    notices = SubmitterNotice.objects.all()
    if office:
        notices = notices.filter(office_id__startswith=office)
    counts = {
        (means, status): n
        for means, status, n in notices.values_list("means", "status").annotate(n=Count("pk")).order_by()
    }
    shown = list(notices.select_related("message", "dossier").order_by("-created_at", "-pk")[:SHOWN])
    rows = []
    for notice in shown:
        if notice.means == SubmitterNotice.Means.EMAIL and notice.message is not None:
            rows.append(
                (notice, notice.message.status, outbox.explain(notice.message), notice.message.attempts)
            )
        else:
            rows.append((notice, notice.status, notice.last_error, notice.attempts))
    texts_failed = counts.get((SubmitterNotice.Means.TEXT, SubmitterNotice.Status.FAILED), 0)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "office": office,
        "rows": rows,
        "more": len(shown) == SHOWN,
        "shown": SHOWN,
        "emails": sum(n for (means, _status), n in counts.items() if means == SubmitterNotice.Means.EMAIL),
        "texts_sent": counts.get((SubmitterNotice.Means.TEXT, SubmitterNotice.Status.SENT), 0),
        "texts_queued": counts.get((SubmitterNotice.Means.TEXT, SubmitterNotice.Status.QUEUED), 0),
        "texts_failed": texts_failed,
    }
