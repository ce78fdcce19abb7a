"""`hoso report …`: migration analytics, I-VAN monitoring, notices to units still on barcodes and the
outbox of their e-mails."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from hoso import django_setup


def _month(text: str) -> str:
    parts = text.split("-")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()) or not 1 <= int(parts[1]) <= 12:
        raise argparse.ArgumentTypeError(f"tháng không hợp lệ / not a month (YYYY-MM or YYYY-MM-DD): {text}")
    return text


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="reports on the transition from barcodes to signatures")
    actions = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    migration = actions.add_parser(
        "migration", help="units moving from barcodes to electronic filing, by office and month"
    )
    _period_options(migration)
    migration.add_argument(
        "--last-days", type=int, default=30, help="units still on barcodes in the last N days (30)"
    )
    migration.add_argument(
        "--table",
        choices=["months", "switches", "still_on_barcodes", "under6"],
        default="months",
        help="the table written as CSV (xlsx and json hold all of them)",
    )
    migration.set_defaults(handler=_migration)

    ivan = actions.add_parser(
        "ivan", help="I-VAN monitoring: submissions, refusals by reason, forwarding delay"
    )
    _period_options(ivan)
    ivan.add_argument("--table", choices=["ivans", "refusals", "late"], default="ivans")
    ivan.set_defaults(handler=_ivan)

    refresh = actions.add_parser("refresh", help="rebuild the roll-ups the reports read (run it from cron)")
    refresh.set_defaults(handler=_refresh)

    notify = actions.add_parser("notify", help="send notices to the units still on barcodes")
    notify.add_argument(
        "--office", default=None, help="office code (001 = the City office and all districts)"
    )
    notify.add_argument("--until", type=date.fromisoformat, default=None, help="last day considered (today)")
    notify.add_argument("--last-days", type=int, default=30)
    notify.add_argument("--method", choices=["email", "letter", "both"], default="both")
    notify.add_argument("--letters", type=Path, default=None, help="folder for the PDF letters")
    notify.add_argument(
        "--outbox",
        type=Path,
        default=None,
        help="write the e-mails to this folder at once instead of queueing them for the mail server",
    )
    notify.add_argument("--dry-run", action="store_true", help="list who would be notified")
    notify.set_defaults(handler=_notify)

    outbox = actions.add_parser(
        "outbox",
        help="the notice e-mails waiting, sent and given up, and why (`hoso jobs --run hoso:outbox` sends now)",
    )
    outbox.add_argument(
        "--office", default=None, help="office code (001 = the City office and all districts)"
    )
    outbox.add_argument("--requeue-failed", action="store_true", help="queue the e-mails given up again")
    outbox.set_defaults(handler=_outbox)


def _period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--office", default=None, help="office code (001 = the City office and all districts)"
    )
    parser.add_argument("--from", dest="first", type=_month, required=True, help="YYYY-MM (or YYYY-MM-DD)")
    parser.add_argument("--to", dest="last", type=_month, required=True, help="YYYY-MM (or YYYY-MM-DD)")
    parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
    parser.add_argument("--output", "-o", type=Path, default=None, help="file to write (stdout when absent)")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the headings")


def _dates(args) -> tuple[date, date]:
    # local: needs Django, which the handler sets up first
    from hoso.reports.sql import month_end, month_start

    first = date.fromisoformat(args.first) if len(args.first) == 10 else month_start(args.first)
    last = date.fromisoformat(args.last) if len(args.last) == 10 else month_end(args.last)
    return first, last


def _write(args, report, tables_name: str) -> int:
    # local: needs Django, which the handler sets up first
    from hoso.reports import exports

    tables = exports.report_tables(report)
    if args.format == "json":
        data = exports.to_json(report.as_dict()).encode()
    elif args.format == "xlsx":
        data = exports.to_xlsx(tables)
        if args.output is None:
            print("xlsx cần --output FILE / xlsx needs --output FILE", file=sys.stderr)
            return 2
    else:
        keys, items = tables[tables_name]
        data = exports.to_csv(keys, items).encode("utf-8")
    if args.output is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        args.output.write_bytes(data)
        print(f"{args.output} ({len(data)} B)")
    return 0


def _setup(lang: str = "vi") -> None:
    django_setup()
    from django.utils import translation

    translation.activate(lang)


def _office(code: str | None) -> str | None:
    # local: needs Django, which the handler sets up first
    from hoso.reference.models import Office

    if code and not Office.objects.filter(code=code).exists():
        raise SystemExit(f"Không có cơ quan BHXH mã {code} / unknown office {code}")
    return code


def _refresh(_args: argparse.Namespace) -> int:
    _setup()
    # local: needs Django, which the handler sets up first
    from hoso.reports.rollups import refresh

    state = refresh()
    print(
        f"Đã cập nhật số liệu báo cáo trong {state.seconds:.1f} giây. (Report roll-ups rebuilt in {state.seconds:.1f} s.)"
    )
    return 0


def _fresh() -> None:
    # local: needs Django, which the handler sets up first
    from hoso.reports.rollups import ensure_fresh

    ensure_fresh()


def _migration(args: argparse.Namespace) -> int:
    _setup(args.lang)
    _fresh()
    # local: needs Django, which the handler sets up first
    from hoso.reports.migration import migration_report

    first, last = _dates(args)
    report = migration_report(_office(args.office), first, last, last_days=args.last_days)
    return _write(args, report, args.table)


def _ivan(args: argparse.Namespace) -> int:
    _setup(args.lang)
    _fresh()
    # local: needs Django, which the handler sets up first
    from hoso.reports.monitoring import ivan_report

    first, last = _dates(args)
    report = ivan_report(first, last, office=_office(args.office))
    return _write(args, report, args.table)


def _notify(args: argparse.Namespace) -> int:
    _setup()
    from django.utils import timezone

    # local: needs Django, which the handler sets up first
    from hoso.reports.notices import notify_units_on_barcodes

    until = args.until or timezone.localdate()
    methods = ["email", "letter"] if args.method == "both" else [args.method]
    result = notify_units_on_barcodes(
        office=_office(args.office), until=until, last_days=args.last_days, methods=methods,
        letters_dir=args.letters, outbox=args.outbox, dry_run=args.dry_run, actor_label="hoso report notify",
    )  # fmt: skip
    for line in result.lines():
        print(line)
    return 0


def _outbox(args: argparse.Namespace) -> int:
    _setup()
    # local: needs Django, which the handler sets up first
    from hoso.jobs.status import worker_alive
    from hoso.reports import outbox
    from hoso.reports.models import OutboxMessage

    messages = OutboxMessage.objects.all()
    office = _office(args.office)
    if office:
        messages = messages.filter(notice__office__code__startswith=office)
    if args.requeue_failed:
        print(f"Đưa lại vào hộp thư đi / queued again: {outbox.requeue_failed(messages)}")
    state = outbox.state(messages)
    print(
        f"Đang chờ gửi / waiting: {state.queued}; đã gửi / sent: {state.sent}; không gửi được / given up: {state.failed}"
    )
    if state.queued and not worker_alive()[0]:
        print(
            "Bộ chạy công việc không hoạt động: thư chỉ được gửi khi bộ này chạy (hoso serve tự khởi động "
            "bộ này, hoặc hoso worker); gửi ngay: hoso jobs --run hoso:outbox."
        )
    if state.server_down:
        print(
            f"Chưa gửi được: {outbox.reason(state.unreachable_kind)}; lần thử gần nhất "
            f"{_dmy_hm(state.unreachable_since)} ({state.last_error})"
        )
    for message in (
        messages.exclude(status=OutboxMessage.Status.SENT)
        .select_related("notice")
        .order_by("status", "next_attempt_at", "pk")
    ):
        when = (
            f", lần sau {_dmy_hm(message.next_attempt_at)}" if message.status == message.Status.QUEUED else ""
        )
        print(
            f"  {message.notice.unit_id if message.notice else '-'} {message.recipient}: {outbox.explain(message)} "
            f"({message.attempts} lần thử{when})"
        )
    return 0


def _dmy_hm(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else "—"
