"""Benchmark: the bulk import of employer units (issue 21, item 6) — goal: 50,000 units in under a minute.

In a throw-away database (SQLite in a temporary data folder; or, with ``DATABASE_URL`` naming PostgreSQL,
a database ``<name>_import_bench`` beside it), migrated with the reference data loaded, it times on the
same 50,000 rows (``--quick``: 5,000):

* **import** — ``hoso import units`` as IT runs it (the CSV file read, every cell checked — MST check
  digit, unit code, e-mail, office —, the stored units looked up, the new ones written), then the same
  file again (**re-import**: everything unchanged, nothing written), then a file where every name changed
  (**update**), then the first file as **XLSX**, dry;
* **reference** — a raw ``Unit.objects.bulk_create`` of the same rows, already parsed, into the empty
  table: what writing alone costs.

Prints each time, rows a second and the ratio import / reference. Not a test: figures depend on the
machine. Run: ``.venv/bin/python bench/import_units.py [--quick] [--rows N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL_SECONDS = 60.0
GOAL_ROWS = 50_000


def _rows(count: int, *, suffix: str = "") -> list[list[str]]:
    from hoso.identifiers import tax_code_check_digit

    offices = ["00101", "00102", "00103", "00104", "00105", "00106", "00107", "00108", "00110", "001"]
    rows, candidate = [], 2_000_000
    while len(rows) < count:
        candidate += 1
        check = tax_code_check_digit(f"01{candidate:07d}")
        if check is None:
            continue
        n = len(rows)
        rows.append([f"BI{n:05d}", f"01{candidate:07d}{check}", f"Công ty TNHH Thử Nghiệm {n}{suffix}",
                     f"Số {n % 500} phố Thái Hà, Đống Đa, Hà Nội", f"ketoan{n}@thunghiem.vn", offices[n % 10]])  # fmt: skip
    return rows


def _database() -> tuple[str, object]:
    """Point Django at a throw-away database; returns its description and a clean-up."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/") + "_import_bench"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))

        def drop():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"PostgreSQL ({name})", drop
    folder = tempfile.TemporaryDirectory(prefix="hoso-import-bench-")
    os.environ["HOSO_DATA_DIR"] = folder.name
    return "SQLite (a temporary data folder)", folder.cleanup


def _timed(label: str, count: int, action):
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label:<44} {seconds:8.2f} s  {count / seconds:10,.0f} rows/s", flush=True)
    return seconds, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 rows instead of 50,000")
    parser.add_argument("--rows", type=int, default=None, help="how many units (default 50,000)")
    args = parser.parse_args()
    count = args.rows or (5_000 if args.quick else GOAL_ROWS)
    where, clean_up = _database()
    try:
        return _run(count, where)
    finally:
        clean_up()


def _run(count: int, where: str) -> int:
    from hoso import django_setup

    django_setup()
    from django.core.management import call_command
    from tests.reference.import_files import csv_bytes, xlsx_bytes  # the files the tests import

    from hoso.reference.importing import kinds
    from hoso.reference.importing.engine import run_import
    from hoso.reference.importing.uploads import record
    from hoso.reference.loaders import load_reference_data
    from hoso.reference.models import Unit

    call_command("migrate", interactive=False, verbosity=0)
    load_reference_data()
    units = kinds()["units"]
    rows = _rows(count)
    data, renamed, workbook = csv_bytes(rows), csv_bytes(_rows(count, suffix=" (đổi tên)")), xlsx_bytes(rows)
    print(f"{count:,} units, {len(data) / 1e6:.1f} MB CSV, {len(workbook) / 1e6:.1f} MB XLSX; {where}\n")

    fields = ("code", "tax_code", "name", "address", "email", "office_id")
    reference, _ = _timed("reference: raw bulk_create of the rows", count, lambda: Unit.objects.bulk_create(
        [Unit(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000))  # fmt: skip
    Unit.objects.filter(code__startswith="BI").delete()

    def import_as_the_command_does(content: bytes):
        report = run_import(units, content, "units.csv")
        record(units, "units.csv", content, report)  # the import's record, its file included
        return report

    imported, report = _timed("import (CSV, all new)", count, lambda: import_as_the_command_does(data))
    assert report.written and report.created == count, report.problems[:3]
    again, report = _timed(
        "re-import (the same file: unchanged)", count, lambda: run_import(units, data, "u.csv")
    )
    assert report.unchanged == count and not report.created and not report.updated
    updated, report = _timed(
        "update (every name changed)", count, lambda: run_import(units, renamed, "u.csv")
    )
    assert report.updated == count
    _timed("dry run of the XLSX", count, lambda: run_import(units, workbook, "units.xlsx", dry_run=True))

    print(f"\nimport / reference: {imported / reference:.1f}×   (re-import {again / reference:.1f}×, "
          f"update {updated / reference:.1f}×)")  # fmt: skip
    if count >= GOAL_ROWS:
        verdict = "within" if imported < GOAL_SECONDS else "OVER"
        print(f"goal: {GOAL_ROWS:,} units in under {GOAL_SECONDS:.0f} s — {verdict} ({imported:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
