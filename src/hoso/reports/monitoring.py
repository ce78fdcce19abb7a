"""I-VAN monitoring: per I-VAN the submissions it forwarded, the refusal rate by reason, and the delay
between the signing time the unit's software claims and our reception. Decree 166/2016/NĐ-CP has the
I-VAN forward a dossier to the social-insurance office within 2 hours of receiving it from the unit;
the claimed signing time is the nearest we know of that moment, so the dossiers received more than 2
hours after it are listed as late (a claimed time is the unit's word, not evidence)."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

from django.db import connection
from django.utils import timezone

from hoso.reference.models import IvanProvider
from hoso.reports.dashboard import Period
from hoso.reports.reasons import label, reason_labels
from hoso.reports.sql import end_of, office_like, rows, start_of

FORWARDING_LIMIT_SECONDS = 2 * 3600
LATE_LIST_LIMIT = 500


@dataclass
class IvanRow:
    ivan: str
    name: str
    submissions: int = 0
    accepted: int = 0
    refused: int = 0
    refusal_rate: float = 0.0
    with_signing_time: int = 0
    late: int = 0
    late_rate: float = 0.0
    median_delay_minutes: float | None = None
    max_delay_minutes: float | None = None


@dataclass
class RefusalRow:
    ivan: str
    code: str
    count: int
    rate: float  # of the I-VAN's submissions
    reason: str = ""  # the reason in words (hoso.reports.reasons), what people read


@dataclass
class LateRow:
    ivan: str
    submission: str
    submitter: str
    office: str
    claimed_signing_time: str  # ISO
    received_at: str  # ISO
    delay_minutes: float
    outcome: str


@dataclass
class IvanReport:
    first: date
    last: date
    office: str | None
    ivans: list[IvanRow] = field(default_factory=list)
    refusals: list[RefusalRow] = field(default_factory=list)
    late: list[LateRow] = field(default_factory=list)
    TABLES = ("ivans", "refusals", "late")

    def as_dict(self) -> dict:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "office": self.office,
            "forwarding_limit_minutes": FORWARDING_LIMIT_SECONDS // 60,
            "ivans": [asdict(r) for r in self.ivans],
            "refusals": [asdict(r) for r in self.refusals],
            "late": [asdict(r) for r in self.late],
        }


def ivan_report(first: date, last: date, *, office: str | None = None) -> IvanReport:
    """From the roll-up of the I-VANs' submissions (:mod:`hoso.reports.rollups`)."""
    report = IvanReport(first, last, office)
    params = (start_of(first), end_of(last), office_like(office))
    where = "received_at >= %s AND received_at < %s AND office_id LIKE %s"
    names = dict(IvanProvider.objects.values_list("code", "name"))
    counts = rows(
        f"""
        SELECT ivan_id, COUNT(*) AS n,
               SUM(CASE WHEN accepted THEN 1 ELSE 0 END) AS accepted,
               COUNT(delay_seconds) AS timed,
               SUM(CASE WHEN delay_seconds > {FORWARDING_LIMIT_SECONDS} THEN 1 ELSE 0 END) AS late,
               MAX(delay_seconds) AS max_delay
        FROM reports_ivansubmission WHERE {where}
        GROUP BY ivan_id
        """,  # noqa: S608 — fixed SQL fragments only
        params,
    )
    medians = _median_delays(where, params)
    for r in counts:
        n, accepted, late, timed = (
            int(r["n"]),
            int(r["accepted"] or 0),
            int(r["late"] or 0),
            int(r["timed"] or 0),
        )
        report.ivans.append(
            IvanRow(
                r["ivan_id"],
                names.get(r["ivan_id"], ""),
                n,
                accepted,
                n - accepted,
                round((n - accepted) / n, 4) if n else 0.0,
                timed,
                late,
                round(late / timed, 4) if timed else 0.0,
                medians.get(r["ivan_id"]),
                round(float(r["max_delay"]) / 60, 1) if r["max_delay"] is not None else None,
            )  # fmt: skip
        )
    report.ivans.sort(key=lambda r: r.ivan)
    totals = {r.ivan: r.submissions for r in report.ivans}
    for r in rows(
        f"""
        SELECT ivan_id, reason, COUNT(*) AS n FROM reports_ivansubmission
        WHERE NOT accepted AND {where}
        GROUP BY ivan_id, reason
        """,  # noqa: S608 — fixed SQL fragments only
        params,
    ):
        count = int(r["n"])
        report.refusals.append(
            RefusalRow(
                r["ivan_id"], r["reason"] or "?", count, round(count / totals.get(r["ivan_id"], count), 4)
            )
        )
    report.refusals.sort(key=lambda r: (r.ivan, -r.count, r.code))
    if report.refusals:
        labels = reason_labels(Period(first, last, office))
        for refusal in report.refusals:
            refusal.reason = label(labels, refusal.code)
    report.late = late_submissions(params)
    return report


def _median_delays(where: str, params) -> dict[str, float]:
    """The median delay of each I-VAN, in minutes (PostgreSQL computes it; SQLite sorts in Python)."""
    if connection.vendor == "postgresql":
        found = rows(
            f"""
            SELECT ivan_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY delay_seconds) AS median
            FROM reports_ivansubmission WHERE {where} AND delay_seconds IS NOT NULL
            GROUP BY ivan_id
            """,  # noqa: S608 — fixed SQL fragments only
            params,
        )
        return {r["ivan_id"]: round(float(r["median"]) / 60, 1) for r in found if r["median"] is not None}
    delays: dict[str, list[float]] = {}
    for r in rows(
        f"SELECT ivan_id, delay_seconds AS d FROM reports_ivansubmission WHERE {where} AND delay_seconds IS NOT NULL",  # noqa: S608
        params,
    ):
        delays.setdefault(r["ivan_id"], []).append(float(r["d"]))
    out = {}
    for ivan, values in delays.items():
        values.sort()
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
        out[ivan] = round(median / 60, 1)
    return out


def late_submissions(params) -> list[LateRow]:
    found = rows(
        f"""
        SELECT s.public_id, r.ivan_id, s.unit_id, s.commune_id, r.office_id, r.received_at, s.outcome,
               s.signature, r.delay_seconds AS delay
        FROM reports_ivansubmission r JOIN intake_submission s ON s.id = r.submission_id
        WHERE r.delay_seconds > {FORWARDING_LIMIT_SECONDS}
          AND r.received_at >= %s AND r.received_at < %s AND r.office_id LIKE %s
        ORDER BY r.delay_seconds DESC
        LIMIT {LATE_LIST_LIMIT}
        """,  # noqa: S608 — fixed SQL fragments only
        params,
    )
    out = []
    for r in found:
        received = r["received_at"]
        if isinstance(received, str):
            received = datetime.fromisoformat(received)
        if timezone.is_naive(received):
            received = received.replace(tzinfo=UTC)  # SQLite stores UTC
        signature = json.loads(r["signature"]) if isinstance(r["signature"], str) else r["signature"]
        out.append(
            LateRow(
                r["ivan_id"],
                str(uuid.UUID(str(r["public_id"]))),
                r["unit_id"] or r["commune_id"] or "",
                r["office_id"] or "",
                _local_iso(signature.get("claimed_signing_time", "")),
                timezone.localtime(received).isoformat(timespec="seconds"),
                round(float(r["delay"]) / 60, 1),
                r["outcome"],
            )  # fmt: skip
        )
    return out


def _local_iso(text: str) -> str:
    """A claimed ISO time in Hanoi time (as given when it cannot be read)."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text or ""
    if timezone.is_naive(moment):
        return moment.isoformat(timespec="seconds")
    return timezone.localtime(moment).isoformat(timespec="seconds")
