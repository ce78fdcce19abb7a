"""`hoso import units|communes|officers FILE [--dry-run]`: exit 0 when imported (or, dry, when the file
is good), 1 when any row is wrong (nothing written), 2 when the file cannot be opened."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hoso import django_setup

_KINDS = {
    "units": "employer units: code, tax code (MST), name, address, e-mail, managing office",
    "communes": "commune People's Committees: GSO code, name, kind, district office",
    "officers": "officers: user name, full name, role, office, department (no password: see the output)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="import go-live data (units, communes, officers) from CSV or XLSX, all or nothing"
    )
    kinds = parser.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    for name, help_text in _KINDS.items():
        sub = kinds.add_parser(name, help=help_text)
        sub.add_argument(
            "file", type=Path, help="a .csv (UTF-8) or .xlsx file; the first row names the columns"
        )
        sub.add_argument("--dry-run", action="store_true", help="check every row and write nothing")
        sub.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(f"Không mở được tệp {args.file}: {error.strerror}.", file=sys.stderr)
        return 2

    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.reference.importing import kinds
    from hoso.reference.importing.summary import summary_lines
    from hoso.reference.importing.uploads import record

    kind = kinds()[args.import_kind]
    # local: needs Django, which the handler sets up first
    from hoso.reference.importing.engine import run_import

    report = run_import(kind, data, args.file.name, dry_run=args.dry_run)
    if not args.dry_run:
        record(kind, args.file.name, data, report)
    for problem in report.problems:
        print(problem.as_line())
    for line in summary_lines(report):
        print(line)
    return 0 if report.ok else 1
