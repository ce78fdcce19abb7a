"""Migration analytics: how the units of each office move from barcodes to signatures, month by month.

Counted from submissions (accepted or refused: a refused barcoded dossier still shows a unit on
barcodes). Per office and month: active units, units filing only by barcode, only electronically, or
both; the electronic share of units and of accepted dossiers; units that switched (first accepted
electronic dossier) that month. Per unit: the day it switched. The units still on barcodes in the last
N days (no electronic dossier since their last barcoded one) with their contacts and I-VAN. The volume of
the under-6 exception by commune.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from hoso.reference.models import CertificateRegistration, Commune, Office
from hoso.reports.sql import end_of, first_month, local_day, office_like, rows, start_of


@dataclass
class MonthRow:
    office: str
    office_name: str
    month: str
    active_units: int = 0
    barcode_units: int = 0
    electronic_units: int = 0
    both_units: int = 0
    electronic_share_units: float = 0.0
    switched_units: int = 0
    barcode_dossiers: int = 0
    electronic_dossiers: int = 0
    refused_barcode: int = 0
    electronic_share_dossiers: float = 0.0


@dataclass
class SwitchRow:
    unit: str
    name: str
    office: str
    first_electronic: str  # ISO date
    last_barcode: str
    registered_from: str
    ivan: str


@dataclass
class BarcodeUnitRow:
    unit: str
    name: str
    office: str
    last_barcode: str
    barcode_submissions: int
    refused: int
    email: str
    phone: str
    address: str
    ivan: str  # the I-VAN of its registered certificate, if any
    registered_from: str


@dataclass
class CommuneRow:
    commune: str
    name: str
    office: str
    month: str
    barcode_accepted: int = 0
    barcode_refused: int = 0
    electronic_accepted: int = 0
    electronic_refused: int = 0
    has_certificate: bool = False


@dataclass
class MigrationReport:
    office: str | None
    first: date
    last: date
    last_days: int
    months: list[MonthRow] = field(default_factory=list)
    switches: list[SwitchRow] = field(default_factory=list)
    still_on_barcodes: list[BarcodeUnitRow] = field(default_factory=list)
    under6: list[CommuneRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "office": self.office,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "last_days": self.last_days,
            "months": [asdict(r) for r in self.months],
            "switches": [asdict(r) for r in self.switches],
            "still_on_barcodes": [asdict(r) for r in self.still_on_barcodes],
            "under6": [asdict(r) for r in self.under6],
        }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _months(first: date, last: date) -> tuple[date, date]:
    return first_month(first), first_month(last)


def month_rows(office: str | None, first: date, last: date) -> list[MonthRow]:
    """Per office and month (whole Hanoi months touched by the period), from the units' monthly roll-up."""
    lo, hi = _months(first, last)
    names = dict(Office.objects.values_list("code", "name_vi"))
    found = rows(
        """
        SELECT office_id, month, COUNT(*) AS active,
               SUM(CASE WHEN barcode_accepted + barcode_refused > 0 AND electronic_accepted + electronic_refused = 0 THEN 1 ELSE 0 END) AS barcode_only,
               SUM(CASE WHEN barcode_accepted + barcode_refused = 0 AND electronic_accepted + electronic_refused > 0 THEN 1 ELSE 0 END) AS electronic_only,
               SUM(CASE WHEN barcode_accepted + barcode_refused > 0 AND electronic_accepted + electronic_refused > 0 THEN 1 ELSE 0 END) AS both_channels,
               SUM(barcode_accepted) AS barcode_accepted, SUM(barcode_refused) AS barcode_refused,
               SUM(electronic_accepted) AS electronic_accepted
        FROM reports_unitmonth
        WHERE NOT is_commune AND month >= %s AND month <= %s AND office_id LIKE %s
        GROUP BY office_id, month
        """,
        (lo, hi, office_like(office)),
    )
    switched = rows(
        """
        SELECT office_id, month, COUNT(*) AS n FROM (
            SELECT office_id, submitter, MIN(month) AS month FROM reports_unitmonth
            WHERE NOT is_commune AND first_electronic_at IS NOT NULL AND office_id LIKE %s
            GROUP BY office_id, submitter
        ) firsts
        WHERE month >= %s AND month <= %s
        GROUP BY office_id, month
        """,
        (office_like(office), lo, hi),
    )
    switched_by = {(r["office_id"], _month_text(r["month"])): int(r["n"]) for r in switched}
    out = []
    for r in found:
        month = _month_text(r["month"])
        item = MonthRow(
            r["office_id"], names.get(r["office_id"], ""), month, int(r["active"]), int(r["barcode_only"]),
            int(r["electronic_only"]), int(r["both_channels"]), 0.0, switched_by.get((r["office_id"], month), 0),
            int(r["barcode_accepted"]), int(r["electronic_accepted"]), int(r["barcode_refused"]),
        )  # fmt: skip
        item.electronic_share_units = _share(item.electronic_units + item.both_units, item.active_units)
        item.electronic_share_dossiers = _share(
            item.electronic_dossiers, item.electronic_dossiers + item.barcode_dossiers
        )
        out.append(item)
    return sorted(out, key=lambda r: (r.office, r.month))


def _month_text(value) -> str:
    return str(value)[:7]


def _registration_sql(unit: str, before: str) -> str:
    """SQL for "<Hanoi day> <I-VAN>" of a unit's latest registration begun before a moment (or NULL)."""
    return f"""(SELECT {local_day("r.registered_from")} || ' ' || COALESCE(r.ivan_id, '')
                 FROM reference_certificateregistration r
                 WHERE r.unit_id = {unit} AND r.registered_from < {before}
                 ORDER BY r.registered_from DESC LIMIT 1)"""  # noqa: S608 — fixed SQL fragments only


def _split_registration(text: str | None) -> tuple[str, str]:
    if not text:
        return "", ""
    day, _, ivan = text.partition(" ")
    return day, ivan


def switch_rows(office: str | None, first: date, last: date) -> list[SwitchRow]:
    """The day each unit switched (its first accepted electronic dossier ever) when within the period,
    its last barcoded dossier and its registration then — from the roll-up :class:`UnitSwitch`."""
    found = rows(
        """
        SELECT s.submitter, u.name, s.office_id, s.first_electronic_day, s.last_barcode_day, s.registration
        FROM reports_unitswitch s JOIN reference_unit u ON u.code = s.submitter
        WHERE s.first_electronic_at >= %s AND s.first_electronic_at < %s AND s.office_id LIKE %s
        ORDER BY s.first_electronic_at, s.submitter
        """,
        (start_of(first), end_of(last), office_like(office)),
    )
    out = []
    for r in found:
        registered, ivan = _split_registration(r["registration"])
        out.append(
            SwitchRow(
                r["submitter"],
                r["name"],
                r["office_id"],
                r["first_electronic_day"],
                r["last_barcode_day"],
                registered,
                ivan,
            )  # fmt: skip
        )
    return out


def still_on_barcodes(office: str | None, until: date, days: int) -> list[BarcodeUnitRow]:
    """Units that filed barcoded dossiers in the ``days`` days up to ``until`` and no accepted electronic
    dossier in those days: the units to notify."""
    since, end = start_of(until - timedelta(days=days - 1)), end_of(until)
    found = rows(
        f"""
        SELECT b.unit_id, {local_day("b.last_b")} AS last_b, b.n, b.refused, u.name, u.office_id, u.email,
               u.phone, u.address, {_registration_sql("b.unit_id", "%s")} AS reg
        FROM (
            SELECT s.unit_id, MAX(s.received_at) AS last_b, COUNT(*) AS n,
                   SUM(CASE WHEN s.outcome = 'refused' THEN 1 ELSE 0 END) AS refused
            FROM intake_submission s
            WHERE s.channel = 'barcode' AND s.unit_id IS NOT NULL AND s.office_id LIKE %s
              AND s.received_at >= %s AND s.received_at < %s
              AND NOT EXISTS (
                  SELECT 1 FROM intake_submission e
                  WHERE e.unit_id = s.unit_id AND e.channel = 'electronic' AND e.outcome = 'accepted'
                    AND e.received_at >= %s AND e.received_at < %s
              )
            GROUP BY s.unit_id
        ) b JOIN reference_unit u ON u.code = b.unit_id
        """,  # noqa: S608 — only fixed SQL fragments are interpolated
        (end, office_like(office), since, end, since, end),
    )
    out = []
    for r in found:
        registered, ivan = _split_registration(r["reg"])
        out.append(
            BarcodeUnitRow(
                r["unit_id"],
                r["name"],
                r["office_id"],
                r["last_b"],
                int(r["n"]),
                int(r["refused"] or 0),
                r["email"],
                r["phone"],
                r["address"],
                ivan,
                registered,
            )  # fmt: skip
        )
    return sorted(out, key=lambda r: (r.office, r.last_barcode, r.unit))


def under6_rows(office: str | None, first: date, last: date) -> list[CommuneRow]:
    """The under-6 exception: lists filed by each commune per month, by channel and outcome."""
    lo, hi = _months(first, last)
    found = rows(
        """
        SELECT submitter, month, barcode_accepted, barcode_refused, electronic_accepted, electronic_refused
        FROM reports_unitmonth
        WHERE is_commune AND month >= %s AND month <= %s AND office_id LIKE %s
        """,
        (lo, hi, office_like(office)),
    )
    communes = Commune.objects.in_bulk({r["submitter"] for r in found})
    certified = set(
        CertificateRegistration.objects.filter(
            commune_id__in=list(communes), registered_from__lt=end_of(last)
        ).values_list("commune_id", flat=True)
    )
    out = []
    for r in found:
        commune = communes[r["submitter"]]
        out.append(
            CommuneRow(
                commune.gso_code,
                commune.name_vi,
                commune.office_id,
                _month_text(r["month"]),
                int(r["barcode_accepted"]),
                int(r["barcode_refused"]),
                int(r["electronic_accepted"]),
                int(r["electronic_refused"]),
                commune.pk in certified,
            )  # fmt: skip
        )
    return sorted(out, key=lambda r: (r.office, r.commune, r.month))


def migration_report(office: str | None, first: date, last: date, *, last_days: int = 30) -> MigrationReport:
    report = MigrationReport(office, first, last, last_days)
    report.months = month_rows(office, first, last)
    report.switches = switch_rows(office, first, last)
    report.still_on_barcodes = still_on_barcodes(office, last, last_days)
    report.under6 = under6_rows(office, first, last)
    return report
