"""The panels of the director's and office heads' dashboard, each one grouped query:
dossiers per day by channel, electronic share by office, on-time rate by office and by procedure,
refusals by reason, the backlog by due state.

On time: a finished dossier (result ready, handed over, or refused during processing) whose result was
recorded (``workflow.Result.recorded_at``; without a result record, the last status change) on or before
its due date (Hanoi day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection

from hoso.reference.calendar import working_calendar
from hoso.reference.models import Office, Procedure
from hoso.reports.sql import end_of, office_like, rows, start_of

FINISHED = ("result_ready", "handed_over", "refused")
RUNNING = ("received", "in_process", "supplement_received")
PAUSED = ("supplement_requested",)
CHANNELS = ("electronic", "barcode", "paper")


@dataclass
class Period:
    first: date
    last: date
    office: str | None = None  # an office code; the City office "001" covers every office

    @property
    def params(self) -> tuple:
        return (start_of(self.first), end_of(self.last), office_like(self.office))


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # fixed identifiers of this module only


def _day_params(period: Period) -> tuple:
    return (period.first, period.last, office_like(period.office))


def per_day_by_channel(period: Period) -> list[dict]:
    """[{day, electronic, barcode, paper, total}] for every day of the period (zeros included)."""
    found = rows(
        """
        SELECT day, channel, SUM(received) AS n FROM reports_dossierday
        WHERE day >= %s AND day <= %s AND office_id LIKE %s
        GROUP BY day, channel
        """,
        _day_params(period),
    )
    table: dict[str, dict] = {}
    day = period.first
    while day <= period.last:
        table[day.isoformat()] = {"day": day, **dict.fromkeys(CHANNELS, 0), "total": 0}
        day += timedelta(days=1)
    for r in found:
        item = table.get(str(r["day"])[:10])
        if item is not None and r["channel"] in CHANNELS:
            item[r["channel"]] += int(r["n"])
            item["total"] += int(r["n"])
    return list(table.values())


def share_by_office(period: Period) -> list[dict]:
    """[{office, name, electronic, barcode, paper, total, share}] — the electronic share of dossiers."""
    found = rows(
        """
        SELECT office_id, channel, SUM(received) AS n FROM reports_dossierday
        WHERE day >= %s AND day <= %s AND office_id LIKE %s
        GROUP BY office_id, channel
        """,
        _day_params(period),
    )
    names = dict(Office.objects.values_list("code", "name_vi"))
    table: dict[str, dict] = {}
    for r in found:
        item = table.setdefault(
            r["office_id"],
            {
                "office": r["office_id"],
                "name": names.get(r["office_id"], ""),
                **dict.fromkeys(CHANNELS, 0),
                "total": 0,
            },
        )
        if r["channel"] in CHANNELS:
            item[r["channel"]] += int(r["n"])
        item["total"] += int(r["n"])
    for item in table.values():
        item["share"] = round(item["electronic"] / item["total"], 4) if item["total"] else 0.0
    return sorted(table.values(), key=lambda i: i["office"])


def _on_time(period: Period, group: str, label: str, names: dict[str, str]) -> list[dict]:
    """Dossiers finished in ``period`` and how many on time, by ``group`` (a column of the day roll-up),
    each row keyed ``label`` with its name from ``names``."""
    found = rows(
        f"""
        SELECT {group} AS key, SUM(finished) AS finished, SUM(on_time) AS on_time FROM reports_dossierday
        WHERE day >= %s AND day <= %s AND office_id LIKE %s
        GROUP BY {group}
        HAVING SUM(finished) > 0
        """,  # noqa: S608 — a fixed column name only
        _day_params(period),
    )
    out = []
    for r in found:
        finished, on_time = int(r["finished"]), int(r["on_time"] or 0)
        out.append({label: r["key"], "name": names.get(r["key"], ""), "finished": finished,
                    "on_time": on_time, "late": finished - on_time, "rate": round(on_time / finished, 4)})  # fmt: skip
    return sorted(out, key=lambda i: i[label])


def on_time_by_office(period: Period) -> list[dict]:
    return _on_time(period, "office_id", "office", dict(Office.objects.values_list("code", "name_vi")))


def on_time_by_procedure(period: Period) -> list[dict]:
    # A code's latest name wins: the catalogue's versions in order of validity.
    names = dict(Procedure.objects.order_by("valid_from").values_list("code", "name_vi"))
    return _on_time(period, "procedure_code", "procedure", names)


def first_reason_sql() -> str:
    """SQL for the code of a submission's first reason (its JSON list of reasons)."""
    if connection.vendor == "postgresql":
        return "(reasons -> 0 ->> 'code')"
    return "json_extract(reasons, '$[0].code')"


def refusals_by_reason(period: Period) -> list[dict]:
    """[{code, channel, count}] of refused submissions, by their first reason."""
    found = rows(
        f"""
        SELECT {first_reason_sql()} AS code, channel, COUNT(*) AS n
        FROM intake_submission
        WHERE outcome = 'refused' AND received_at >= %s AND received_at < %s AND COALESCE(office_id, '') LIKE %s
        GROUP BY {first_reason_sql()}, channel
        """,  # noqa: S608 — fixed SQL fragments only
        period.params,
    )
    table: dict[str, dict] = {}
    for r in found:
        code = r["code"] or "?"
        item = table.setdefault(code, {"code": code, **dict.fromkeys(CHANNELS, 0), "total": 0})
        if r["channel"] in CHANNELS:
            item[r["channel"]] += int(r["n"])
        item["total"] += int(r["n"])
    return sorted(table.values(), key=lambda i: (-i["total"], i["code"]))


def backlog_by_due_state(office: str | None, today: date) -> list[dict]:
    """Open dossiers now, by office and due state: late, due soon (at most one working day left), on
    time, clock stopped (a supplement awaited)."""
    soon = working_calendar().add_working_days(today, 1)
    found = rows(
        f"""
        SELECT office_id,
               SUM(CASE WHEN status IN ({_in(RUNNING)}) AND due_date < %s THEN 1 ELSE 0 END) AS late,
               SUM(CASE WHEN status IN ({_in(RUNNING)}) AND due_date >= %s AND due_date <= %s THEN 1 ELSE 0 END) AS due_soon,
               SUM(CASE WHEN status IN ({_in(RUNNING)}) AND due_date > %s THEN 1 ELSE 0 END) AS on_time,
               SUM(CASE WHEN status IN ({_in(PAUSED)}) THEN 1 ELSE 0 END) AS paused
        FROM workflow_dossier
        WHERE status IN ({_in(RUNNING + PAUSED)}) AND office_id LIKE %s
        GROUP BY office_id
        """,  # noqa: S608 — fixed SQL fragments only
        (today, today, soon, soon, office_like(office)),
    )
    names = dict(Office.objects.values_list("code", "name_vi"))
    out = []
    for r in found:
        item = {k: int(r[k] or 0) for k in ("late", "due_soon", "on_time", "paused")}
        item.update(office=r["office_id"], name=names.get(r["office_id"], ""), total=sum(item.values()))
        out.append(item)
    return sorted(out, key=lambda i: i["office"])


def totals(items: list[dict], keys: list[str]) -> dict:
    return {k: sum(i.get(k, 0) for i in items) for k in keys}
