"""Loading the reference data shipped with hoso (idempotent: safe to run again).

Rows are matched by their natural key and brought back to the shipped values; rows an administrator
added stay. The calendar is seeded once per year (see :func:`hoso.reference.calendar.seed_calendar`).
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from django.db import transaction

from hoso.reference.calendar import seed_calendar
from hoso.reference.models import Department, FormVersion, IvanProvider, Office, Procedure

_KIND_EN = {"city": "Hanoi City office", "quan": "urban district office", "huyen": "rural district office"}


def _data(name: str):
    return resources.files("hoso.reference") / "data" / name


def _rows(name: str) -> list[dict[str, str]]:
    with _data(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.counts.items())


def _office_name_en(name_vi: str, kind: str) -> str:
    place = name_vi.split(" ", 2)[-1] if kind != "city" else "Hà Nội"
    return f"Social Insurance of {place} ({_KIND_EN.get(kind, 'town office')})"


@transaction.atomic
def load_reference_data() -> LoadReport:
    report = LoadReport()
    offices = _rows("offices.csv")
    city = next(r for r in offices if r["kind"] == "city")
    for row in sorted(offices, key=lambda r: r["office_code"]):
        Office.objects.update_or_create(
            code=row["office_code"],
            defaults={
                "name_vi": row["name"],
                "name_en": _office_name_en(row["name"], row["kind"]),
                "kind": row["kind"],
                "gso_district_code": row["gso_district_code"],
                "parent_id": None if row is city else city["office_code"],
            },
        )
    report.counts["offices"] = len(offices)

    departments = _rows("departments.csv")
    for row in departments:
        Department.objects.update_or_create(
            code=row["code"], defaults={"name_vi": row["name_vi"], "name_en": row["name_en"]}
        )
    report.counts["departments"] = len(departments)

    providers = _rows("ivan_providers.csv")
    for row in providers:
        IvanProvider.objects.update_or_create(code=row["ivan_code"], defaults={"name": row["name"]})
    report.counts["ivan_providers"] = len(providers)

    forms = _rows("forms.csv")
    for row in forms:
        FormVersion.objects.update_or_create(
            code=row["code"],
            decision=row["decision"],
            defaults={
                "decision_title": row["decision_title"],
                "valid_from": date.fromisoformat(row["valid_from"]),
                "valid_to": date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
            },
        )
    report.counts["forms"] = len(forms)

    with _data("procedures.toml").open("rb") as handle:
        procedures = tomllib.load(handle)["procedure"]
    for entry in procedures:
        values = dict(entry)
        code, version = values.pop("code"), values.pop("version")
        values["department_id"] = values.pop("department")
        Procedure.objects.update_or_create(code=code, version=version, defaults=values)
    report.counts["procedures"] = len(procedures)

    report.counts["calendar_entries_added"] = seed_calendar()
    return report
