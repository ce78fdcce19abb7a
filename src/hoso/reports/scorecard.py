"""The scorecard of Decision 766/QĐ-TTg (2022): five indicator groups — transparency; progress and results
on time; digitisation; online provision; satisfaction — each 18–22 of 100 points, 90 and more excellent,
computed per office and month from what the dossiers' events recorded.

The decision names the groups and their weights; how each indicator is measured is not known here, so
the formula is data: ``scorecard.json`` beside this module lists each group and its indicators with the
name of the source query that counts it (:data:`QUERIES`), its points and its thresholds, and the
grades. An indicator's rate (what was counted over what could have been) earns its points in proportion
between ``floor`` (none) and ``target`` (all). An indicator without data in the month (no dossier, no
rating) is left out and the total scaled to 100 over the points that had data; a month without any data
has no total. docs/reports.md says which of this is assumed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import get_language

from hoso.reference.models import Office
from hoso.reports.models import Rating, SubmitterNotice
from hoso.workflow.models import Dossier, Result

Counts = dict[tuple[str, str], tuple[int, int]]  # (office, "yyyy-mm") → (counted, out of)
GROUPS = ("transparency", "progress", "digitisation", "online", "satisfaction")  # the decision's five


# --- The definition (data) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    key: str
    name_vi: str
    name_en: str
    query: str
    points: float
    floor: float
    target: float

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    def earned(self, rate: float) -> float:
        share = (rate - self.floor) / (self.target - self.floor)
        return round(self.points * min(max(share, 0.0), 1.0), 2)


@dataclass(frozen=True)
class Group:
    key: str
    name_vi: str
    name_en: str
    points: float
    indicators: tuple[Indicator, ...]

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


@dataclass(frozen=True)
class Definition:
    title: str
    basis: str
    groups: tuple[Group, ...]
    grades: tuple[tuple[float, str, str], ...]  # (from, Vietnamese, English), highest first

    def grade(self, total: float | None) -> str:
        if total is None:
            return ""
        english = (get_language() or "vi").startswith("en")
        for lowest, vi, en in self.grades:
            if total >= lowest:
                return en if english else vi
        return ""


class DefinitionError(ValueError):
    pass


def parse_definition(data: dict) -> Definition:
    """Check and build a definition: 5 groups of 18–22 points summing to 100, each group's indicators
    summing to its points, known queries, 0 ≤ floor < target ≤ 1, grades from 0 up."""
    groups = []
    for g in data["groups"]:
        indicators = tuple(
            Indicator(
                i["key"],
                i["name_vi"],
                i["name_en"],
                i["query"],
                float(i["points"]),
                float(i.get("floor", 0.0)),
                float(i.get("target", 1.0)),
            )  # fmt: skip
            for i in g["indicators"]
        )
        group = Group(g["key"], g["name_vi"], g["name_en"], float(g["points"]), indicators)
        if not 18 <= group.points <= 22:
            raise DefinitionError(f"group {group.key}: {group.points} points, not 18–22")
        if abs(sum(i.points for i in indicators) - group.points) > 1e-9:
            raise DefinitionError(f"group {group.key}: its indicators' points do not sum to {group.points}")
        for i in indicators:
            if i.query not in QUERIES:
                raise DefinitionError(f"indicator {i.key}: no source query {i.query!r}")
            if not 0.0 <= i.floor < i.target <= 1.0:
                raise DefinitionError(f"indicator {i.key}: need 0 ≤ floor < target ≤ 1")
        groups.append(group)
    if {g.key for g in groups} != set(GROUPS) or abs(sum(g.points for g in groups) - 100) > 1e-9:
        raise DefinitionError(f"the five groups {', '.join(GROUPS)}, of 100 points in all")
    grades = tuple(
        sorted(((float(x["from"]), x["name_vi"], x["name_en"]) for x in data["grades"]), reverse=True)
    )
    if not grades or grades[-1][0] != 0:
        raise DefinitionError("the lowest grade must start at 0")
    return Definition(data["title"], data["basis"], tuple(groups), grades)


@cache
def definition() -> Definition:
    """The definition shipped with hoso (``scorecard.json``), read once."""
    text = resources.files("hoso.reports").joinpath("scorecard.json").read_text(encoding="utf-8")
    return parse_definition(json.loads(text))


# --- The source queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Whole months from ``first`` to ``last`` (first days), for one office (and its sub-offices) or all."""

    first: date
    last: date
    office: str | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        following = date(self.last.year + self.last.month // 12, self.last.month % 12 + 1, 1)
        zone = timezone.get_current_timezone()
        return (datetime.combine(self.first, datetime.min.time(), zone),
                datetime.combine(following, datetime.min.time(), zone))  # fmt: skip

    def limit(self, rows, office_field: str):
        return rows.filter(**{f"{office_field}__startswith": self.office}) if self.office else rows


def _month(value) -> str:
    return f"{value:%Y-%m}"


# Shares of the dossiers received in the month, counted in one pass over them (one query for all four).
RECEIVED_SHARES: dict[str, Q] = {
    "receipt_notified": Q(notified=True),
    "national_code": ~Q(national_code=""),
    "received_digitised": Q(channel__in=["electronic", "barcode"]),
    "received_online": Q(channel="electronic"),
}


def received_shares(span: Span) -> dict[str, Counts]:
    """Of the dossiers received in each month, how many meet each condition of :data:`RECEIVED_SHARES`."""
    start, end = span.bounds()
    rows = span.limit(Dossier.objects.filter(received_at__gte=start, received_at__lt=end), "office__code")
    notified = Exists(
        SubmitterNotice.objects.filter(dossier=OuterRef("pk"), kind=SubmitterNotice.Kind.RECEIPT)
    )
    rows = (
        rows.annotate(notified=notified, month=TruncMonth("received_at"))
        .values("office_id", "month")
        .annotate(
            n=Count("pk"),
            **{name: Count("pk", filter=condition) for name, condition in RECEIVED_SHARES.items()},
        )
        .order_by()
    )
    out: dict[str, Counts] = {name: {} for name in RECEIVED_SHARES}
    for r in rows:
        key = (r["office_id"], _month(r["month"]))
        for name in RECEIVED_SHARES:
            out[name][key] = (r[name], r["n"])
    return out


def results(span: Span) -> dict[str, Counts]:
    """Of the dossiers finished in each month — a result recorded, or refused during processing — how many
    by their due date (as it stands: pushed back by the days a supplement was awaited):
    ``finished_on_time``; of the results recorded, how many were signed and kept electronically:
    ``results_digital``."""
    start, end = span.bounds()
    on_time: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    digital: Counts = {}
    recorded = span.limit(
        Result.objects.filter(recorded_at__gte=start, recorded_at__lt=end), "dossier__office__code"
    )
    for r in (
        recorded.annotate(month=TruncMonth("recorded_at"), day=TruncDate("recorded_at"))
        .values("dossier__office_id", "month")
        .annotate(
            n=Count("pk"),
            k=Count("pk", filter=Q(day__lte=F("dossier__due_date"))),
            signed=Count("pk", filter=~Q(signed_sha256="")),
        )
        .order_by()
    ):
        key = (r["dossier__office_id"], _month(r["month"]))
        on_time[key] = [r["k"], r["n"]]
        digital[key] = (r["signed"], r["n"])
    refused = Dossier.objects.filter(
        status="refused", status_changed_at__gte=start, status_changed_at__lt=end
    )
    for r in (
        span.limit(refused, "office__code")
        .annotate(month=TruncMonth("status_changed_at"), day=TruncDate("status_changed_at"))
        .values("office_id", "month")
        .annotate(n=Count("pk"), k=Count("pk", filter=Q(day__lte=F("due_date"))))
        .order_by()
    ):
        item = on_time[(r["office_id"], _month(r["month"]))]
        item[0], item[1] = item[0] + r["k"], item[1] + r["n"]
    return {"finished_on_time": {key: (k, n) for key, (k, n) in on_time.items()}, "results_digital": digital}


def ratings(span: Span) -> dict[str, Counts]:
    """The ratings left in each month: ``rating``, the mean of (score − 1) over 4, as counted over out of."""
    start, end = span.bounds()
    rows = span.limit(Rating.objects.filter(at__gte=start, at__lt=end), "office_id")
    counts = {
        (r["office_id"], _month(r["month"])): (r["s"] - r["n"], 4 * r["n"])
        for r in rows.annotate(month=TruncMonth("at"))
        .values("office_id", "month")
        .annotate(n=Count("pk"), s=Sum("score"))
        .order_by()
    }
    return {"rating": counts}


# Each pass over the data counts the source queries it names; a definition names the queries it uses.
PASSES: dict[Callable[[Span], dict[str, Counts]], frozenset[str]] = {
    received_shares: frozenset(RECEIVED_SHARES),
    results: frozenset({"finished_on_time", "results_digital"}),
    ratings: frozenset({"rating"}),
}
QUERIES = frozenset().union(*PASSES.values())  # the names a definition may use


def counts_of(span: Span, names: set[str]) -> dict[str, Counts]:
    """The counts of the source queries ``names`` over ``span``, each pass that counts one of them run once."""
    counts: dict[str, Counts] = {}
    for count, provides in PASSES.items():
        if names & provides:
            counts |= count(span)
    return counts


# --- Scores ----------------------------------------------------------------------------------------------


@dataclass
class IndicatorScore:
    group: Group
    indicator: Indicator
    counted: int
    out_of: int

    @property
    def rate(self) -> float | None:
        return self.counted / self.out_of if self.out_of else None

    @property
    def points(self) -> float | None:
        return None if self.rate is None else self.indicator.earned(self.rate)


@dataclass
class Score:
    """One office's (or all offices', ``office`` "") scorecard for one month."""

    office: str
    office_name: str
    month: str  # yyyy-mm
    indicators: list[IndicatorScore] = field(default_factory=list)

    def group_points(self, group: Group) -> float | None:
        earned = [s.points for s in self.indicators if s.group.key == group.key and s.points is not None]
        return round(sum(earned), 2) if earned else None

    @property
    def possible(self) -> float:
        return sum(s.indicator.points for s in self.indicators if s.points is not None)

    @property
    def total(self) -> float | None:
        if not self.possible:
            return None
        return round(100 * sum(s.points for s in self.indicators if s.points is not None) / self.possible, 1)

    @property
    def grade(self) -> str:
        return definition().grade(self.total)


def compute(span: Span, *, spec: Definition | None = None) -> list[Score]:
    """The scorecard of each office with data in each month of ``span``, and of all of them together (office
    "") when the span is not limited to one office; by month, then office."""
    spec = spec or definition()
    counts = counts_of(span, {i.query for g in spec.groups for i in g.indicators})
    keys = sorted({key for per_query in counts.values() for key in per_query}, key=lambda k: (k[1], k[0]))
    names = dict(Office.objects.values_list("code", "name_vi"))
    months = sorted({month for _office, month in keys})
    scores = []
    for month in months:
        offices = [office for office, m in keys if m == month]
        if span.office is None:
            offices.append("")
        for office in offices:
            score = Score(office, names.get(office, "") if office else "", month)
            for group in spec.groups:
                for indicator in group.indicators:
                    per = counts[indicator.query]
                    if office:
                        counted, out_of = per.get((office, month), (0, 0))
                    else:
                        pairs = [v for (o, m), v in per.items() if m == month]
                        counted, out_of = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
                    score.indicators.append(IndicatorScore(group, indicator, counted, out_of))
            scores.append(score)
    return scores


# --- Tables (the page and its CSV / XLSX) ---------------------------------------------------------------


@dataclass
class ScoreRow:
    office: str
    office_name: str
    month: str
    transparency: float | None
    progress: float | None
    digitisation: float | None
    online: float | None
    satisfaction: float | None
    total: float | None
    grade: str


@dataclass
class IndicatorRow:
    office: str
    month: str
    group: str
    indicator: str
    counted: int
    out_of: int
    rate: float | None
    points: float | None
    max_points: float


@dataclass
class ScorecardReport:
    TABLES = ("scorecard", "indicators")
    scorecard: list[ScoreRow]
    indicators: list[IndicatorRow]

    def as_dict(self) -> dict:
        return asdict(self)


def report(scores: list[Score], *, spec: Definition | None = None) -> ScorecardReport:
    spec = spec or definition()
    rows, details = [], []
    for s in scores:
        points = {g.key: s.group_points(g) for g in spec.groups}
        rows.append(ScoreRow(s.office, s.office_name, s.month, points.get("transparency"), points.get("progress"),
                             points.get("digitisation"), points.get("online"), points.get("satisfaction"),
                             s.total, s.grade))  # fmt: skip
        details.extend(
            IndicatorRow(
                s.office,
                s.month,
                i.group.name,
                i.indicator.name,
                i.counted,
                i.out_of,
                None if i.rate is None else round(i.rate, 4),
                i.points,
                i.indicator.points,
            )  # fmt: skip
            for i in s.indicators
        )
    return ScorecardReport(rows, details)
