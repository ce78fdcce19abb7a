"""Exports of report tables: CSV (one table), XLSX (one sheet per table), JSON (everything).

CSV and XLSX are read by people: column headings and values in the active language, days as
dd/mm/yyyy in CSV and as real dates (shown dd/mm/yyyy) in XLSX, months as mm/yyyy, outcomes in words,
reasons in words instead of their codes. JSON is for programs: ISO 8601 and codes, as the API gives."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, fields
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from hoso.dates import show_iso_month
from hoso.intake.models import Submission

# Column headings: English msgids marked for extraction (gettext_noop), Vietnamese in the catalogue.
HEADINGS = {
    "office": gettext_noop("Office"),
    "office_name": gettext_noop("Office name"),
    "month": gettext_noop("Month"),
    "active_units": gettext_noop("Active units"),
    "barcode_units": gettext_noop("Units on barcodes only"),
    "electronic_units": gettext_noop("Units electronic only"),
    "both_units": gettext_noop("Units on both"),
    "electronic_share_units": gettext_noop("Electronic share of units"),
    "switched_units": gettext_noop("Units switched"),
    "barcode_dossiers": gettext_noop("Barcoded dossiers accepted"),
    "electronic_dossiers": gettext_noop("Electronic dossiers accepted"),
    "refused_barcode": gettext_noop("Barcoded dossiers refused"),
    "electronic_share_dossiers": gettext_noop("Electronic share of dossiers"),
    "unit": gettext_noop("Unit code"),
    "name": gettext_noop("Name"),
    "first_electronic": gettext_noop("First electronic dossier"),
    "last_barcode": gettext_noop("Last barcoded dossier"),
    "registered_from": gettext_noop("Certificate registered from"),
    "ivan": gettext_noop("I-VAN"),
    "barcode_submissions": gettext_noop("Barcoded submissions"),
    "refused": gettext_noop("Refused"),
    "email": gettext_noop("E-mail"),
    "phone": gettext_noop("Phone"),
    "address": gettext_noop("Address"),
    "commune": gettext_noop("Commune code"),
    "barcode_accepted": gettext_noop("Barcoded lists accepted"),
    "barcode_refused": gettext_noop("Barcoded lists refused"),
    "electronic_accepted": gettext_noop("Electronic lists accepted"),
    "electronic_refused": gettext_noop("Electronic lists refused"),
    "has_certificate": gettext_noop("Commune has a certificate"),
    "submissions": gettext_noop("Submissions"),
    "accepted": gettext_noop("Accepted"),
    "refusal_rate": gettext_noop("Refusal rate"),
    "with_signing_time": gettext_noop("With a claimed signing time"),
    "late": gettext_noop("Later than 2 hours"),
    "late_rate": gettext_noop("Share later than 2 hours"),
    "median_delay_minutes": gettext_noop("Median delay (minutes)"),
    "max_delay_minutes": gettext_noop("Longest delay (minutes)"),
    "code": gettext_noop("Reason code"),
    "count": gettext_noop("Count"),
    "rate": gettext_noop("Rate"),
    "submission": gettext_noop("Submission"),
    "submitter": gettext_noop("Submitter"),
    "claimed_signing_time": gettext_noop("Claimed signing time"),
    "received_at": gettext_noop("Received at"),
    "delay_minutes": gettext_noop("Delay (minutes)"),
    "outcome": gettext_noop("Outcome"),
    "reason": gettext_noop("Reason"),
    # the desk's queue as a file (hoso.desk.queue_export)
    "number": gettext_noop("Dossier number"),
    "received_on": gettext_noop("Received on"),
    "procedure": gettext_noop("Procedure"),
    "procedure_name": gettext_noop("Procedure name"),
    "submitter_name": gettext_noop("Submitter name"),
    "channel": gettext_noop("Channel"),
    "state": gettext_noop("State"),
    "due_date": gettext_noop("Due date"),
    "days_late": gettext_noop("Working days late"),
    "assignee": gettext_noop("Assigned to"),
    # the scorecard of Decision 766 (hoso.reports.scorecard)
    "transparency": gettext_noop("Transparency"),
    "progress": gettext_noop("Progress and results on time"),
    "digitisation": gettext_noop("Digitisation"),
    "online": gettext_noop("Online provision"),
    "satisfaction": gettext_noop("Satisfaction"),
    "total": gettext_noop("Total score"),
    "grade": gettext_noop("Grade"),
    "group": gettext_noop("Indicator group"),
    "indicator": gettext_noop("Indicator"),
    "counted": gettext_noop("Counted"),
    "out_of": gettext_noop("Out of"),
    "points": gettext_noop("Points"),
    "max_points": gettext_noop("Points possible"),
}

TABLE_TITLES = {
    "months": gettext_noop("Offices by month"),
    "switches": gettext_noop("Units switched to electronic"),
    "still_on_barcodes": gettext_noop("Units still on barcodes"),
    "under6": gettext_noop("Under-6 lists by commune"),
    "ivans": gettext_noop("I-VANs"),
    "refusals": gettext_noop("Refusals by reason"),
    "late": gettext_noop("Forwarded later than 2 hours"),
    "queue": gettext_noop("Dossiers"),
    "scorecard": gettext_noop("Scores by office"),
    "indicators": gettext_noop("Indicators"),
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


MONTH_KEYS = {"month"}
DAY_KEYS = {"first_electronic", "last_barcode", "registered_from"}
TIME_KEYS = {"claimed_signing_time", "received_at"}


def shown_keys(keys: list[str]) -> list[str]:
    """The columns people read: a reason's code gives way to its words when the table has them."""
    return [k for k in keys if not (k == "code" and "reason" in keys)]


def to_csv(keys: list[str], items: list[dict]) -> str:
    keys = shown_keys(keys)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([heading(k) for k in keys])
    for item in items:
        writer.writerow([_text(cell(k, item[k])) for k in keys])
    return buffer.getvalue()


def cell(key: str, value):
    """A stored value as people read it: a date or date-time object for days and times, mm/yyyy for a
    month, words for outcomes and yes/no."""
    if isinstance(value, bool):
        return pgettext("export cell", "yes") if value else pgettext("export cell", "no")
    if not isinstance(value, str) or not value:
        return value
    if key in MONTH_KEYS:
        return show_iso_month(value)
    if key in DAY_KEYS or key in TIME_KEYS:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if key in DAY_KEYS:
            return moment.date()
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.replace(tzinfo=None, microsecond=0)
    if key == "outcome" and value in Submission.Outcome.values:
        return str(Submission.Outcome(value).label)
    return value


def _text(value):
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def to_xlsx(tables: dict[str, tuple[list[str], list[dict]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (keys, items) in tables.items():
        sheet = book.create_sheet(_(TABLE_TITLES.get(name, name))[:31])
        keys = shown_keys(keys)
        sheet.append([heading(k) for k in keys])
        for title in sheet[1]:
            title.font = Font(bold=True)
        for item in items:
            sheet.append([cell(k, item[k]) for k in keys])
            for written in sheet[sheet.max_row]:
                if isinstance(written.value, datetime):
                    written.number_format = "dd/mm/yyyy hh:mm:ss"
                elif isinstance(written.value, date):
                    written.number_format = "dd/mm/yyyy"
        for index, key in enumerate(keys, start=1):
            width = (
                max([len(heading(key))] + [len(str(_text(cell(key, item[key])))) for item in items[:200]]) + 2
            )
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width, 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
