"""Exports of report tables: CSV (one table), XLSX (one sheet per table), JSON (everything). Dates in
ISO form; column headings in the active language."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, fields

from django.utils.translation import gettext as _

# Column headings (English msgids; Vietnamese in the catalogue).
HEADINGS = {
    "office": "Office",
    "office_name": "Office name",
    "month": "Month",
    "active_units": "Active units",
    "barcode_units": "Units on barcodes only",
    "electronic_units": "Units electronic only",
    "both_units": "Units on both",
    "electronic_share_units": "Electronic share of units",
    "switched_units": "Units switched",
    "barcode_dossiers": "Barcoded dossiers accepted",
    "electronic_dossiers": "Electronic dossiers accepted",
    "refused_barcode": "Barcoded dossiers refused",
    "electronic_share_dossiers": "Electronic share of dossiers",
    "unit": "Unit code",
    "name": "Name",
    "first_electronic": "First electronic dossier",
    "last_barcode": "Last barcoded dossier",
    "registered_from": "Certificate registered from",
    "ivan": "I-VAN",
    "barcode_submissions": "Barcoded submissions",
    "refused": "Refused",
    "email": "E-mail",
    "phone": "Phone",
    "address": "Address",
    "commune": "Commune code",
    "barcode_accepted": "Barcoded lists accepted",
    "barcode_refused": "Barcoded lists refused",
    "electronic_accepted": "Electronic lists accepted",
    "electronic_refused": "Electronic lists refused",
    "has_certificate": "Commune has a certificate",
    "submissions": "Submissions",
    "accepted": "Accepted",
    "refusal_rate": "Refusal rate",
    "with_signing_time": "With a claimed signing time",
    "late": "Later than 2 hours",
    "late_rate": "Share later than 2 hours",
    "median_delay_minutes": "Median delay (minutes)",
    "max_delay_minutes": "Longest delay (minutes)",
    "code": "Reason code",
    "count": "Count",
    "rate": "Rate",
    "submission": "Submission",
    "submitter": "Submitter",
    "claimed_signing_time": "Claimed signing time",
    "received_at": "Received at",
    "delay_minutes": "Delay (minutes)",
    "outcome": "Outcome",
}

TABLE_TITLES = {
    "months": "Offices by month",
    "switches": "Units switched to electronic",
    "still_on_barcodes": "Units still on barcodes",
    "under6": "Under-6 lists by commune",
    "ivans": "I-VANs",
    "refusals": "Refusals by reason",
    "late": "Forwarded later than 2 hours",
}


def heading(key: str) -> str:
    return _(HEADINGS.get(key, key))


def report_tables(report) -> dict[str, tuple[list[str], list[dict]]]:
    """The tables of a report object whose list attributes hold dataclass rows: name → (keys, rows)."""
    out = {}
    for name in getattr(report, "TABLES", TABLE_TITLES):
        items = getattr(report, name, None)
        if items is None:
            continue
        keys = [f.name for f in fields(items[0])] if items else []
        out[name] = (keys, [asdict(i) for i in items])
    return out


def to_csv(keys: list[str], items: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([heading(k) for k in keys])
    for item in items:
        writer.writerow([_cell(item[k]) for k in keys])
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def to_xlsx(tables: dict[str, tuple[list[str], list[dict]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (keys, items) in tables.items():
        sheet = book.create_sheet(_(TABLE_TITLES.get(name, name))[:31])
        sheet.append([heading(k) for k in keys])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for item in items:
            sheet.append([_cell(item[k]) for k in keys])
        for index, key in enumerate(keys, start=1):
            width = max([len(heading(key))] + [len(str(item[key])) for item in items[:200]]) + 2
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width, 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
