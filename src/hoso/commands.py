"""The project's own commands: `hoso init`, `hoso demo`, `hoso serve`, `hoso manage`."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from hoso import django_setup
from hoso.errors import StartRefused


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser(
        "init", help="create or upgrade the database and load the reference data (safe to run again)"
    )
    init.set_defaults(handler=_init)

    demo = subparsers.add_parser("demo", help="init, load the demo data, then serve the gateway")
    demo.add_argument("--no-serve", action="store_true", help="prepare everything and exit")
    _serve_options(demo)
    demo.set_defaults(handler=_demo)

    serve = subparsers.add_parser("serve", help="serve the gateway with a production server (gunicorn)")
    _serve_options(serve)
    serve.set_defaults(handler=_serve)

    manage = subparsers.add_parser(
        "manage", help="run a Django management command, e.g. `hoso manage createsuperuser`"
    )
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_manage)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container may narrow), else all."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover — platforms without sched_getaffinity
        return os.cpu_count() or 1


def default_workers(environ=os.environ, cores: int | None = None) -> int:
    """How many worker processes `hoso serve` starts when ``--workers`` is not given: ``HOSO_WORKERS``,
    else one per usable core while the evidence store is a local folder, 2 × cores + 1 when it is
    remote (``s3://``).

    A reception is CPU work (verification, signing, the transaction's client side) with short waits:
    with a local store, more processes than cores only add context switches and lock waits (on 2 cores,
    5 workers gave 20 % fewer dossiers a second than 2: docs/operations.md, Capacity). A remote store
    makes every reception wait on the network, and more workers fill that wait."""
    if explicit := environ.get("HOSO_WORKERS"):
        try:
            return max(1, int(explicit))
        except ValueError:
            raise SystemExit(
                f"HOSO_WORKERS phải là một số nguyên (số tiến trình phục vụ), không phải {explicit!r}. "
                f"/ HOSO_WORKERS must be a whole number of worker processes, not {explicit!r}."
            ) from None
    cores = cores or usable_cores()
    remote = str(environ.get("HOSO_BLOB_STORE") or "").startswith("s3://")
    return 2 * cores + 1 if remote else cores


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run the job worker beside the web workers (run `hoso worker` elsewhere instead)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: HOSO_WORKERS, else one per core; 2 × cores + 1 with an s3:// "
        "evidence store)",
    )


def initialise(verbose: bool = True) -> None:
    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    # local: needs Django, which the handler sets up first
    from hoso.intake import cluster
    from hoso.intake.blobstore import BlobStoreError, blob_store
    from hoso.intake.gateway import gateway_certificate
    from hoso.intake.receipts import complete_missing_receipts
    from hoso.operations.startup import init_lock
    from hoso.policies.services import sync_builtin_policies
    from hoso.reference.loaders import load_reference_data
    from hoso.reference.roles import ensure_roles

    # One init at a time per database (and data directory); the others wait, then find it done.
    with init_lock():
        call_command("migrate", interactive=False, verbosity=0)
        try:  # the evidence folder (or bucket) exists before the first reception (readiness checks it)
            blob_store().prepare()
        except BlobStoreError as error:  # a missing bucket, a store that does not answer: say it, exit 3
            raise StartRefused(error.code, error.message_vi, error.message_en) from error
        report = load_reference_data()
        ensure_roles()  # the role groups docs/desk-guide.md names, with their permissions
        sync_builtin_policies(only_missing=True)  # before any request: workers never race to store them
        # The first init records this server's secret, signing identity and trust as the cluster's;
        # a later one (another server) is checked against them and given the built-in identity.
        joined = cluster.join(register=True)
        complete_missing_receipts()
    if verbose:
        print(f"Dữ liệu: {settings.DATA_DIR}")
        print(f"Cơ sở dữ liệu: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} — đã cập nhật.")
        print(f"Dữ liệu tham chiếu: {report}")
        said = {"registered": " (danh tính chung của cổng, vừa ghi)", "joined": " (nhận từ cơ sở dữ liệu)"}
        subject = gateway_certificate().subject.rfc4514_string()
        print(f"Chứng thư số ký biên nhận: {subject}{said.get(joined, '')}")


def _init(_args: argparse.Namespace) -> int:
    initialise()
    return 0


def _demo(args: argparse.Namespace) -> int:
    initialise()
    # local: needs Django, which the handler sets up first
    from hoso.reference.demo import DEMO_PASSWORD, DEMO_USERS, ROLES, load_demo_data

    counts = load_demo_data()
    # local: needs Django, which the handler sets up first
    from hoso.intake.demo import DEMO_UNIT, prepare_demo_signing

    signing = prepare_demo_signing()
    print(
        f"Dữ liệu mẫu: {counts['units']} đơn vị, {counts['communes']} UBND xã/phường, {counts['users']} tài khoản."
    )
    print(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, role, office, _dept in DEMO_USERS:
        print(f"  {username:<18} {ROLES[role][0]} — {ROLES[role][1]} ({office})")
    print(
        f"Chữ ký số thử nghiệm: {signing.pki_dir} (mật khẩu {signing.password}); đơn vị {DEMO_UNIT[0]} ký bằng "
        f"{signing.unit_p12.name}. Gửi thử hồ sơ: xem docs/ivan-guide.md."
    )
    # local: needs Django, which the handler sets up first
    from hoso.reports.demo import generate_history

    print(generate_history().summary_vi(), flush=True)
    if args.no_serve:
        return 0
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    from django.conf import settings

    django_setup()
    from django.db import connections

    # local: needs Django, which the handler sets up first
    from hoso.operations.startup import schema_state

    command = server_command(args)  # first: a setting it cannot use stops here, before the database
    # Never migrate here: servers start at once on several machines, and changing the schema is the
    # administrator's step (`hoso init`). A database behind this version, or never initialised, is refused.
    if not (state := schema_state()).current:
        print(state.refusal(), file=sys.stderr, flush=True)
        return 3
    os.environ["HOSO_DATA_DIR"] = str(settings.DATA_DIR)
    # local: needs Django, which the handler sets up first
    from hoso.intake import cluster

    # The same gateway as the other servers: the same secret key, the same signing identity (the built-in
    # one is written into this data directory from the database); otherwise refused (exit 3).
    cluster.join(register=False)
    # local: needs Django, which the handler sets up first
    from hoso.intake.receipts import complete_missing_receipts

    if made := complete_missing_receipts():  # after a crash: receipts committed work still owes
        print(f"Đã ký {made} biên nhận còn thiếu sau lần dừng đột ngột.", flush=True)
    connections.close_all()  # the server's workers open their own
    if not args.no_worker:
        start_job_worker()
    print(
        f"Cổng hoso đang chạy tại http://{args.host}:{args.port}/  (quản trị: /admin/) — Ctrl+C để dừng.",
        flush=True,
    )
    os.execv(sys.executable, command)  # noqa: S606 — replaces this process with the server
    return 0  # pragma: no cover — execv does not return


def start_job_worker() -> subprocess.Popen:
    """The job worker beside the web server: a child that gunicorn, which replaces this process, inherits;
    it is told to stop (SIGTERM) when its parent dies, however it dies (``hoso.jobs.worker``)."""
    return subprocess.Popen([sys.executable, "-m", "hoso.jobs.worker", "--with-parent"])  # noqa: S603


def server_command(args: argparse.Namespace) -> list[str]:
    """The gunicorn command line of `hoso serve`: its options, the workers, the trusted proxies."""
    from django.conf import settings

    # local: needs Django, which the handler sets up first
    from hoso.operations.startup import gunicorn_command

    return gunicorn_command(
        host=args.host,
        port=args.port,
        workers=default_workers() if args.workers is None else args.workers,
        trusted_proxies=getattr(settings, "HOSO_TRUSTED_PROXIES", []),  # empty: no proxy trusted
    )


def _manage(args: argparse.Namespace) -> int:
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hoso manage", *args.arguments])
    return 0
