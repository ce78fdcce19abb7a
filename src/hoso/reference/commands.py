"""`hoso procedures` and `hoso workdays`."""

from __future__ import annotations

import argparse
import json
from datetime import date

from hoso import django_setup


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("procedures", help="list the procedure catalogue (thủ tục)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--tag", help="only procedures carrying this tag, e.g. child-under-6-card")
    p.add_argument("--code-only", action="store_true", help="print only the procedure codes")
    p.add_argument(
        "--date", type=date.fromisoformat, help="the catalogue in force on this day (default: today)"
    )
    p.set_defaults(handler=_procedures)

    w = subparsers.add_parser("workdays", help="working-day calendar: add, count, test a day, list days off")
    ws = w.add_subparsers(dest="workdays_command", metavar="ACTION", required=True)
    add = ws.add_parser("add", help="the N-th working day after DATE")
    add.add_argument("date", type=date.fromisoformat)
    add.add_argument("n", type=int)
    add.set_defaults(handler=_add)
    count = ws.add_parser("count", help="working days after START up to and including END")
    count.add_argument("start", type=date.fromisoformat)
    count.add_argument("end", type=date.fromisoformat)
    count.set_defaults(handler=_count)
    is_ = ws.add_parser("is", help="exit 0 when DATE is a working day, 1 when not")
    is_.add_argument("date", type=date.fromisoformat)
    is_.set_defaults(handler=_is)
    lst = ws.add_parser("list", help="the days off and worked weekend days of a year")
    lst.add_argument("year", type=int)
    lst.set_defaults(handler=_list)


def _procedures(args: argparse.Namespace) -> int:
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.reference.catalogue import procedure_as_dict, procedures_on

    rows = [p for p in procedures_on(args.date or date.today()) if not args.tag or args.tag in p.tags]
    if args.code_only:
        print("\n".join(p.code for p in rows))
    elif args.json:
        print(json.dumps([procedure_as_dict(p) for p in rows], ensure_ascii=False, indent=2))
    else:
        for p in rows:
            forms = ", ".join(p.required_forms) + (
                f" (+ {', '.join(p.optional_forms)})" if p.optional_forms else ""
            )
            print(f"{p.code}  {p.name_vi}")
            print(f"      {p.name_en}")
            print(
                f"      hồ sơ: {forms}; thời hạn: {p.time_limit_days} ngày làm việc; nhãn: {', '.join(p.tags)}"
            )
    return 0


def _calendar():
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.reference.calendar import working_calendar

    return working_calendar()


def _add(args: argparse.Namespace) -> int:
    print(_calendar().add_working_days(args.date, args.n).isoformat())
    return 0


def _count(args: argparse.Namespace) -> int:
    print(_calendar().count_working_days(args.start, args.end))
    return 0


def _is(args: argparse.Namespace) -> int:
    working = _calendar().is_working_day(args.date)
    print(f"{args.date:%d/%m/%Y}: {'ngày làm việc' if working else 'ngày nghỉ'}")
    return 0 if working else 1


def _list(args: argparse.Namespace) -> int:
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.reference.models import CalendarEntry

    for entry in CalendarEntry.objects.filter(day__year=args.year):
        print(f"{entry.day:%d/%m/%Y}  {entry.get_kind_display():<28}  {entry.name_vi}")
    return 0
