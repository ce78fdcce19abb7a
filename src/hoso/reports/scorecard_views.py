"""The scorecard page (/reports/chi-so-phuc-vu/): Decision 766's five groups per office for one month,
each office's indicators, the trend of the last twelve months, and the same as CSV / XLSX / JSON."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hoso.dates import DateInputError, parse_month, show_iso_month, show_month
from hoso.reference.models import Office
from hoso.reports import charts, scorecard
from hoso.reports.access import office_for, scope
from hoso.reports.views import _download
from hoso.workflow.models import Dossier

TREND_MONTHS = 12


def _latest_month() -> date:
    """The month of the latest dossier (the demo history ends in 03/2016), at most this month."""
    latest = Dossier.objects.aggregate(m=Max("received_at"))["m"]
    today = timezone.localdate()
    day = min(today, timezone.localtime(latest).date()) if latest else today
    return day.replace(day=1)


def _month(request) -> date:
    text = request.GET.get("thang", "")
    if text.strip():
        try:
            year, month = parse_month(text, label="Tháng", label_en="Month")
            return date(year, month, 1)
        except DateInputError as error:
            messages.error(request, error.message(get_language() or "vi"))
    return _latest_month()


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - (count - 1)
    return date(index // 12, index % 12 + 1, 1)


@login_required
def scorecard_page(request):
    office = office_for(request.user, request.GET.get("office"))
    month = _month(request)
    spec = scorecard.definition()
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx", "json"):
        scores = scorecard.compute(scorecard.Span(month, month, office), spec=spec)
        stem = f"chi-so-phuc-vu-{month:%Y-%m}{'-' + office if office else ''}"
        return _download(
            scorecard.report(scores, spec=spec), fmt, request.GET.get("table", "scorecard"), stem
        )
    # One pass over the twelve months: the month's table is the last month's scores.
    year = scorecard.compute(scorecard.Span(_months_before(month, TREND_MONTHS), month, office), spec=spec)
    scores = [s for s in year if s.month == f"{month:%Y-%m}"]
    trend = [s for s in year if s.office == (office or "")]
    allowed = scope(request.user)
    context = {
        "office": office or "",
        "offices": Office.objects.all()
        if allowed.office is None
        else Office.objects.filter(code=allowed.office),
        "scope": allowed,
        "month": show_month(month.year, month.month),
        "spec": spec,
        "rows": [(s, [(g, s.group_points(g)) for g in spec.groups]) for s in scores],
        "details": [s for s in scores if s.office == (office or "")],
        "trend": [(show_iso_month(s.month), s.total, s.grade) for s in trend],
        "trend_chart": charts.rate_bars(
            [(show_iso_month(s.month), (s.total or 0) / 100, "") for s in trend],
            title=_("Total score by month"),
        ),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/scorecard.html", context)
