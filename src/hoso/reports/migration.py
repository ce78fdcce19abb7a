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
from datetime import UTC, date, datetime, timedelta

from django.db.models import Exists, OuterRef

from hoso.reference.models import CertificateRegistration, Commune, Office, Unit
from hoso.reports.sql import end_of, local_month, office_like, rows, start_of


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


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and len(value) > 10:
        value = _aware(value)  # a UTC timestamp from SQLite: its Hanoi day below
    if isinstance(value, str):
        return value[:10]
    if isinstance(value, datetime):
        value = _aware(value)
        from django.utils import timezone

        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def month_rows(office: str | None, first: date, last: date) -> list[MonthRow]:
    """Per office and month, units by channel and dossiers by channel (two grouped queries)."""
    month = local_month("received_at")
    params = (start_of(first), end_of(last), office_like(office))
    names = dict(Office.objects.values_list("code", "name_vi"))
    units = rows(
        f"""
        SELECT office_id, month, COUNT(*) AS active,
               SUM(CASE WHEN b = 1 AND e = 0 THEN 1 ELSE 0 END) AS barcode_only,
               SUM(CASE WHEN b = 0 AND e = 1 THEN 1 ELSE 0 END) AS electronic_only,
               SUM(CASE WHEN b = 1 AND e = 1 THEN 1 ELSE 0 END) AS both_channels
        FROM (
            SELECT office_id, {month} AS month, unit_id,
                   MAX(CASE WHEN channel = 'barcode' THEN 1 ELSE 0 END) AS b,
                   MAX(CASE WHEN channel = 'electronic' THEN 1 ELSE 0 END) AS e
            FROM intake_submission
            WHERE unit_id IS NOT NULL AND received_at >= %s AND received_at < %s AND office_id LIKE %s
            GROUP BY office_id, {month}, unit_id
        ) per_unit
        GROUP BY office_id, month
        """,  # noqa: S608 — only fixed SQL fragments are interpolated
        params,
    )
    dossiers = rows(
        f"""
        SELECT office_id, {month} AS month, channel, outcome, COUNT(*) AS n
        FROM intake_submission
        WHERE unit_id IS NOT NULL AND received_at >= %s AND received_at < %s AND office_id LIKE %s
        GROUP BY office_id, {month}, channel, outcome
        """,  # noqa: S608 — only fixed SQL fragments are interpolated
        params,
    )
    switched = rows(
        f"""
        SELECT office_id, month, COUNT(*) AS n FROM (
            SELECT office_id, unit_id, {local_month("MIN(received_at)")} AS month
            FROM intake_submission
            WHERE unit_id IS NOT NULL AND channel = 'electronic' AND outcome = 'accepted' AND office_id LIKE %s
            GROUP BY office_id, unit_id
        ) firsts
        GROUP BY office_id, month
        """,  # noqa: S608 — only fixed SQL fragments are interpolated
        (office_like(office),),
    )
    table: dict[tuple[str, str], MonthRow] = {}

    def row(office_id: str, m: str) -> MonthRow:
        key = (office_id, m)
        if key not in table:
            table[key] = MonthRow(office_id, names.get(office_id, ""), m)
        return table[key]

    for r in units:
        item = row(r["office_id"], r["month"])
        item.active_units = int(r["active"])
        item.barcode_units = int(r["barcode_only"])
        item.electronic_units = int(r["electronic_only"])
        item.both_units = int(r["both_channels"])
    for r in dossiers:
        item = row(r["office_id"], r["month"])
        if r["channel"] == "barcode":
            if r["outcome"] == "accepted":
                item.barcode_dossiers += int(r["n"])
            else:
                item.refused_barcode += int(r["n"])
        elif r["channel"] == "electronic" and r["outcome"] == "accepted":
            item.electronic_dossiers += int(r["n"])
    wanted = {f"{first.year:04d}-{first.month:02d}", f"{last.year:04d}-{last.month:02d}"}
    lo, hi = min(wanted), max(wanted)
    for r in switched:
        if lo <= r["month"] <= hi:
            row(r["office_id"], r["month"]).switched_units = int(r["n"])
    for item in table.values():
        item.electronic_share_units = _share(item.electronic_units + item.both_units, item.active_units)
        item.electronic_share_dossiers = _share(
            item.electronic_dossiers, item.electronic_dossiers + item.barcode_dossiers
        )
    return sorted(table.values(), key=lambda r: (r.office, r.month))


def switch_rows(office: str | None, first: date, last: date) -> list[SwitchRow]:
    """The day each unit switched: its first accepted electronic dossier ever, when within the period;
    with its last barcoded dossier before that and its registration (one query)."""
    found = rows(
        """
        SELECT u.code, u.name, u.office_id, f.first_at,
               (SELECT MAX(b.received_at) FROM intake_submission b
                 WHERE b.unit_id = f.unit_id AND b.channel = 'barcode' AND b.received_at < f.first_at) AS last_b,
               (SELECT r.registered_from FROM reference_certificateregistration r
                 WHERE r.unit_id = f.unit_id AND r.registered_from <= f.first_at
                 ORDER BY r.registered_from DESC LIMIT 1) AS registered_from,
               (SELECT r.ivan_id FROM reference_certificateregistration r
                 WHERE r.unit_id = f.unit_id AND r.registered_from <= f.first_at
                 ORDER BY r.registered_from DESC LIMIT 1) AS ivan_id
        FROM (
            SELECT unit_id, MIN(received_at) AS first_at FROM intake_submission
            WHERE unit_id IS NOT NULL AND channel = 'electronic' AND outcome = 'accepted' AND office_id LIKE %s
            GROUP BY unit_id
            HAVING MIN(received_at) >= %s AND MIN(received_at) < %s
        ) f
        JOIN reference_unit u ON u.code = f.unit_id
        ORDER BY f.first_at, u.code
        """,  # noqa: S608 — only fixed SQL fragments are interpolated
        (office_like(office), start_of(first), end_of(last)),
    )
    return [
        SwitchRow(
            r["code"],
            r["name"],
            r["office_id"],
            _iso(_aware(r["first_at"])),
            _iso(_aware(r["last_b"])),
            _iso(_aware(r["registered_from"])),
            r["ivan_id"] or "",
        )  # fmt: skip
        for r in found
    ]


def _aware(value):
    """A timestamp from a raw query as an aware datetime (SQLite gives UTC text or naive values)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _registrations(unit_codes, moment: datetime) -> dict[str, CertificateRegistration]:
    """The latest registration of each unit in force (or begun) before ``moment``."""
    found: dict[str, CertificateRegistration] = {}
    queryset = CertificateRegistration.objects.filter(
        unit_id__in=list(unit_codes), registered_from__lt=moment
    ).order_by("unit_id", "registered_from")
    for reg in queryset:
        found[reg.unit_id] = reg
    return found


def still_on_barcodes(office: str | None, until: date, days: int) -> list[BarcodeUnitRow]:
    """Units that filed barcoded dossiers in the ``days`` days up to ``until`` and nothing electronic
    since their last barcoded one: the units to notify."""
    since, end = start_of(until - timedelta(days=days - 1)), end_of(until)
    found = rows(
        """
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
        """,  # noqa: S608 — only fixed SQL fragments are interpolated
        (office_like(office), since, end, since, end),
    )
    units = Unit.objects.in_bulk([r["unit_id"] for r in found])
    registrations = _registrations(units, end)
    out = []
    for r in found:
        unit = units[r["unit_id"]]
        reg = registrations.get(unit.code)
        out.append(
            BarcodeUnitRow(
                unit.code,
                unit.name,
                unit.office_id,
                _iso(r["last_b"]),
                int(r["n"]),
                int(r["refused"] or 0),
                unit.email,
                unit.phone,
                unit.address,
                (reg.ivan_id or "") if reg else "",
                _iso(reg.registered_from) if reg else "",
            )  # fmt: skip
        )
    return sorted(out, key=lambda r: (r.office, r.last_barcode, r.unit))


def under6_rows(office: str | None, first: date, last: date) -> list[CommuneRow]:
    """The under-6 exception: lists filed by each commune per month, by channel and outcome."""
    found = rows(
        f"""
        SELECT s.commune_id, {local_month("s.received_at")} AS month, s.channel, s.outcome, COUNT(*) AS n
        FROM intake_submission s
        WHERE s.commune_id IS NOT NULL AND s.office_id LIKE %s AND s.received_at >= %s AND s.received_at < %s
        GROUP BY s.commune_id, {local_month("s.received_at")}, s.channel, s.outcome
        """,  # noqa: S608 — only fixed SQL fragments are interpolated
        (office_like(office), start_of(first), end_of(last)),
    )
    communes = Commune.objects.in_bulk({r["commune_id"] for r in found})
    certified = set(
        Commune.objects.filter(pk__in=list(communes))
        .filter(
            Exists(
                CertificateRegistration.objects.filter(
                    commune=OuterRef("pk"), registered_from__lt=end_of(last)
                )
            )
        )
        .values_list("pk", flat=True)
    )
    table: dict[tuple[str, str], CommuneRow] = {}
    for r in found:
        commune = communes[r["commune_id"]]
        key = (commune.gso_code, r["month"])
        item = table.setdefault(
            key,
            CommuneRow(
                commune.gso_code,
                commune.name_vi,
                commune.office_id,
                r["month"],
                has_certificate=commune.pk in certified,
            ),
        )
        attr = f"{r['channel']}_{r['outcome']}"
        if hasattr(item, attr):
            setattr(item, attr, getattr(item, attr) + int(r["n"]))
    return sorted(table.values(), key=lambda r: (r.office, r.commune, r.month))


def migration_report(office: str | None, first: date, last: date, *, last_days: int = 30) -> MigrationReport:
    report = MigrationReport(office, first, last, last_days)
    report.months = month_rows(office, first, last)
    report.switches = switch_rows(office, first, last)
    report.still_on_barcodes = still_on_barcodes(office, last, last_days)
    report.under6 = under6_rows(office, first, last)
    return report
