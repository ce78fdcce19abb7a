"""Pages under /reports/: the dashboard, migration analytics (with downloads and notices), the notices
sent and their outbox, I-VAN monitoring. Problem reports: :mod:`hoso.reports.problem_views`."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoso.dates import DateInputError, parse_day, show_iso_month
from hoso.intake.blobstore import BlobStoreError
from hoso.intake.models import Submission
from hoso.jobs.status import worker_alive
from hoso.reference.models import Office
from hoso.reports import charts, dashboard, exports, outbox, reasons
from hoso.reports.access import office_for, scope
from hoso.reports.migration import migration_report
from hoso.reports.models import Notice, OutboxMessage, SubmitterNotice
from hoso.reports.monitoring import FORWARDING_LIMIT_SECONDS, ivan_report
from hoso.reports.notices import letter_of, notify_units_on_barcodes
from hoso.reports.outbox import requeue_failed
from hoso.reports.rollups import current_state
from hoso.reports.submitter_notices import requeue_failed_texts

log = logging.getLogger(__name__)


def _day(request, text: str | None, label: str, label_en: str) -> date | None:
    """A day typed as dd/mm/yyyy; a text that is no day is said (in the page's messages) and ignored."""
    if not (text or "").strip():
        return None
    try:
        return parse_day(text, label=label, label_en=label_en)
    except DateInputError as error:
        messages.error(request, error.message(get_language() or "vi"))
        return None


def _period(request, default_days: int = 92) -> tuple[date, date]:
    """The period asked for, or the last three months of data (the demo history ends in 03/2016)."""
    last = _day(request, request.GET.get("to"), "Đến ngày", "To")
    if last is None:
        latest = Submission.objects.aggregate(m=Max("received_at"))["m"]
        today = timezone.localdate()
        last = min(today, timezone.localtime(latest).date()) if latest else today
    first = _day(request, request.GET.get("from"), "Từ ngày", "From") or last - timedelta(
        days=default_days - 1
    )
    if first > last:
        first, last = last, first
    if (last - first).days > 3 * 366:
        first = last - timedelta(days=3 * 366)
    return first, last


def _context(request, first, last, office, **extra) -> dict:
    allowed = scope(request.user)
    offices = Office.objects.all() if allowed.office is None else Office.objects.filter(code=allowed.office)
    return {
        "first": first,
        "last": last,
        "office": office or "",
        "offices": offices,
        "scope": allowed,
        "query": request.GET.urlencode(),
        **extra,
    }


CHANNEL_LABELS = {
    "electronic": "Electronic",
    "barcode": "Barcode",
    "paper": "Paper",
    "late": "Late",
    "due_soon": "Due soon",
    "on_time": "On time",
    "paused": "Clock stopped",
}


def _labels(keys) -> dict[str, str]:
    return {k: _(CHANNEL_LABELS[k]) for k in keys}


@login_required
def home(request):
    office = office_for(request.user, request.GET.get("office"))
    state = current_state()
    first, last = _period(request)
    period = dashboard.Period(first, last, office)
    days = dashboard.per_day_by_channel(period)
    shares = dashboard.share_by_office(period)
    by_office = dashboard.on_time_by_office(period)
    by_procedure = dashboard.on_time_by_procedure(period)
    refusals = dashboard.refusals_by_reason(period)
    labels = reasons.reason_labels(period)
    for row in refusals:
        row["reason"] = reasons.label(labels, row["code"])
    today = timezone.localdate()
    backlog = dashboard.backlog_by_due_state(office, today)
    channel_keys = ["electronic", "barcode", "paper"]
    due_keys = ["late", "due_soon", "on_time", "paused"]
    context = _context(
        request, first, last, office,
        days=days,
        day_totals=dashboard.totals(days, [*channel_keys, "total"]),
        days_chart=charts.stacked_columns(days, channel_keys, title=_("Dossiers per day by channel"), labels=_labels(channel_keys)),
        shares=shares,
        shares_chart=charts.rate_bars([(f"{s['office']} {s['name']}", s["share"], "") for s in shares], title=_("Electronic share by office")),
        on_time_office=by_office,
        on_time_office_chart=charts.rate_bars([(f"{r['office']} {r['name']}", r["rate"], "") for r in by_office], title=_("On-time rate by office")),
        on_time_procedure=by_procedure,
        refusals=refusals,
        backlog=backlog,
        backlog_totals=dashboard.totals(backlog, [*due_keys, "total"]),
        backlog_chart=charts.stacked_bars(backlog, due_keys, title=_("Backlog by due state"), label_key="office", labels=_labels(due_keys)),
        today=today,
        refreshed_at=state.refreshed_at,
    )  # fmt: skip
    return render(request, "reports/dashboard.html", context)


@login_required
def migration(request):
    office = office_for(request.user, request.GET.get("office"))
    current_state()
    first, last = _period(request, default_days=240)
    try:
        last_days = max(1, min(int(request.GET.get("days", 30)), 365))
    except ValueError:
        last_days = 30
    report = migration_report(office, first, last, last_days=last_days)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx", "json"):
        return _download(report, fmt, request.GET.get("table", "months"), f"chuyen-doi-{first}-{last}")
    monthly = _monthly_totals(report.months)
    context = _context(
        request, first, last, office, report=report, last_days=last_days, monthly=monthly,
        monthly_chart=charts.rate_bars([(show_iso_month(m["month"]), m["share"], "") for m in monthly], title=_("Electronic share of units by month")),
    )  # fmt: skip
    return render(request, "reports/migration.html", context)


def _monthly_totals(rows) -> list[dict]:
    table: dict[str, dict] = {}
    for r in rows:
        item = table.setdefault(r.month, {"month": r.month, "active": 0, "electronic": 0, "switched": 0})
        item["active"] += r.active_units
        item["electronic"] += r.electronic_units + r.both_units
        item["switched"] += r.switched_units
    for item in table.values():
        item["share"] = item["electronic"] / item["active"] if item["active"] else 0.0
    return [table[k] for k in sorted(table)]


def _download(report, fmt: str, table: str, stem: str) -> HttpResponse:
    tables = exports.report_tables(report)
    if fmt == "json":
        return HttpResponse(exports.to_json(report.as_dict()), content_type="application/json; charset=utf-8")
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(tables),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    keys, items = tables.get(table) or next(iter(tables.values()))
    response = HttpResponse("\ufeff" + exports.to_csv(keys, items), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{table}.csv"'
    return response


@login_required
@require_POST
def notify(request):
    """Record notices to the units still on barcodes of the office shown (an office head or the
    director) and queue their e-mails: the job worker sends them (nothing here talks to a mail server)."""
    office = office_for(request.user, request.POST.get("office"))
    until = _day(request, request.POST.get("until"), "Đến ngày", "Until") or timezone.localdate()
    try:
        last_days = max(1, min(int(request.POST.get("days", 30)), 365))
    except ValueError:
        last_days = 30
    run = notify_units_on_barcodes(
        office=office,
        until=until,
        last_days=last_days,
        actor=request.user,
        actor_label=request.user.get_username(),
    )
    messages.success(
        request,
        _(
            "Notices recorded for %(sent)d units: %(emails)d e-mails are in the outbox and will be sent by the "
            "job worker; %(skipped)d units were notified recently and were skipped."
        )
        % {"sent": len(run.notified), "emails": run.emails, "skipped": len(run.skipped_recent)},
    )
    target = reverse("reports:notices")
    return redirect(f"{target}?{urlencode({'office': office})}" if office else target)


NOTICES_SHOWN = 300


@login_required
def notices(request):
    """The notices sent and the outbox of their e-mails: waiting, sent, given up, and why."""
    office = office_for(request.user, request.GET.get("office"))
    notices_qs = Notice.objects.select_related("unit")
    messages_qs = _office_messages(office)
    if office:
        notices_qs = notices_qs.filter(office__code__startswith=office)
    state = outbox.state(messages_qs)
    unsent = list(
        messages_qs.exclude(status=OutboxMessage.Status.SENT)
        .select_related("notice")
        .order_by("status", "next_attempt_at", "pk")[:NOTICES_SHOWN]
    )
    shown = list(notices_qs.order_by("-sent_at", "-pk")[:NOTICES_SHOWN])
    latest = {}
    for message in OutboxMessage.objects.filter(notice__in=shown).order_by("pk"):
        latest[message.notice_id] = message  # the newest message of each notice
    rows = [(notice, latest.get(notice.pk)) for notice in shown]
    alive, beat = worker_alive()
    context = {
        "office": office or "",
        "offices": Office.objects.all() if scope(request.user).office is None else Office.objects.none(),
        "scope": scope(request.user),
        "state": state,
        "unsent": [(m, outbox.explain(m)) for m in unsent],
        "rows": [(n, m, outbox.explain(m) if m else "") for n, m in rows],
        "more": notices_qs.count() > NOTICES_SHOWN,
        "shown": NOTICES_SHOWN,
        "worker_alive": alive,
        "worker_beat": beat,
        "server_reason": outbox.reason(state.unreachable_kind) if state.server_down else "",
    }
    return render(request, "reports/notices.html", context)


@login_required
def notice_letter(request, pk: int):
    """The printable letter of one notice (PDF): the one kept, or printed again from the notice."""
    allowed = office_for(request.user, None)  # another office's notice is as unknown as a missing one
    notice = get_object_or_404(Notice, pk=pk, **({"office__code__startswith": allowed} if allowed else {}))
    try:
        data, kept = letter_of(notice)
    except (BlobStoreError, ValueError):
        log.exception("the letter of notice %s cannot be read", notice.pk)
        messages.error(request, _("The letter kept for this notice cannot be read from the evidence store."))
        return redirect("reports:notices")
    suffix = "" if kept else "-ban-in-lai"  # a reprint, not the letter kept
    name = f"thong-bao-{notice.unit_id}-{timezone.localtime(notice.sent_at):%Y%m%d}{suffix}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_POST
def outbox_requeue(request):
    """Queue again the e-mails the outbox gave up and the texts to submitters the sender gave up (after IT
    mended the cause)."""
    office = office_for(request.user, request.POST.get("office"))
    count = requeue_failed(_office_messages(office))
    texts = (
        SubmitterNotice.objects.filter(office_id__startswith=office)
        if office
        else SubmitterNotice.objects.all()
    )
    count_texts = requeue_failed_texts(texts)
    messages.success(request, _("%(count)d e-mails are waiting to be sent again.") % {"count": count})
    if count_texts:
        messages.success(request, _("%(count)d texts are waiting to be sent again.") % {"count": count_texts})
    target = reverse("reports:notices")
    return redirect(f"{target}?{urlencode({'office': office})}" if office else target)


def _office_messages(office: str | None):
    """The outbox's messages of an office: its notices' e-mails and its submitters' (all with no office)."""
    if not office:
        return OutboxMessage.objects.all()
    return OutboxMessage.objects.filter(
        Q(notice__office__code__startswith=office) | Q(submitter_notice__office_id__startswith=office)
    )


@login_required
def ivans(request):
    office = office_for(request.user, request.GET.get("office"))
    current_state()
    first, last = _period(request)
    report = ivan_report(first, last, office=office)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx", "json"):
        return _download(report, fmt, request.GET.get("table", "ivans"), f"ivan-{first}-{last}")
    context = _context(
        request, first, last, office, report=report, limit_minutes=FORWARDING_LIMIT_SECONDS // 60,
        refusal_chart=charts.rate_bars([(f"{r.ivan} {r.name}", r.refusal_rate, "") for r in report.ivans], title=_("Refusal rate by I-VAN")),
        late_chart=charts.rate_bars([(f"{r.ivan} {r.name}", r.late_rate, "") for r in report.ivans], title=_("Share forwarded later than 2 hours")),
    )  # fmt: skip
    return render(request, "reports/ivans.html", context)
