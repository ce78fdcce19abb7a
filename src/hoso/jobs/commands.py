"""`hoso worker` (the job worker alone) and `hoso jobs` (the periodic jobs, their last runs; run one now)."""

from __future__ import annotations

import argparse
import sys

from hoso import django_setup


def register(subparsers: argparse._SubParsersAction) -> None:
    worker = subparsers.add_parser(
        "worker",
        help="run the job worker alone (scheduled work: revocation data, reports, retention...)",
        description="Chạy bộ chạy công việc định kỳ (không phục vụ web). `hoso serve` đã chạy một bộ bên "
        "cạnh các tiến trình web; lệnh này dùng cho máy chỉ chạy công việc.",
    )
    worker.set_defaults(handler=_worker)
    jobs = subparsers.add_parser(
        "jobs", help="the periodic jobs and their last runs; --run NAME runs one now"
    )
    jobs.add_argument("--run", metavar="NAME", help="run this job now in this process (e.g. hoso:heartbeat)")
    jobs.set_defaults(handler=_jobs)


def _worker(_args: argparse.Namespace) -> int:
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.jobs.worker import run

    return run()


def _jobs(args: argparse.Namespace) -> int:
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.jobs.status import job_status
    from hoso.jobs.worker import run_now

    if args.run:
        try:
            print(run_now(args.run))
        except KeyError:
            print(f"Không có công việc {args.run}. / No job named {args.run}.", file=sys.stderr)
            return 3
        except Exception as exc:  # noqa: BLE001 - the job's own failure, told as such
            print(f"Công việc {args.run} lỗi / failed: {exc}", file=sys.stderr)
            return 1
        return 0
    for row in job_status():
        last = row.last_run.strftime("%d/%m/%Y %H:%M:%S") if row.last_run else "—"
        outcome = {True: "thành công", False: "LỖI", None: "chưa chạy"}[row.last_success]
        failures = f"{row.failures_24h} lỗi/24 giờ" if row.failures_24h else ""
        print(
            f"{row.name:<22} mỗi {row.minutes:>5} phút  lần cuối {last}  {outcome:<10} {failures:<13} "
            f"{row.label_vi}"
        )
    return 0
