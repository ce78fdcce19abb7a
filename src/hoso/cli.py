"""The `hoso` command: one entry point, one sub-command module per package.

Each module named in COMMAND_MODULES exposes ``register(subparsers)``, adding its sub-commands with
``parser.set_defaults(handler=...)``. A handler receives the parsed arguments and returns the exit
code. Modules import Django (and anything heavy) inside their handlers, so ``hoso --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from hoso.config import ConfigError
from hoso.errors import CodedError, StartRefused

COMMAND_MODULES: tuple[str, ...] = (
    "hoso.commands",
    "hoso.reference.commands",
    "hoso.reference.importing.commands",
    "hoso.intake.commands",
    "hoso.intake.sandbox_commands",
    "hoso.workflow.commands",
    "hoso.operations.commands",
    "hoso.barcode.commands",
    "hoso.policies.commands",
    "hoso.signature.commands",
    "hoso.api.commands",
    "hoso.reports.commands",
    "hoso.jobs.commands",
)

#: The commands that become gunicorn (`hoso serve`, and `hoso demo` unless --no-serve).
SERVING_COMMANDS = frozenset({"serve", "demo"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hoso",
        description="hoso — cổng tiếp nhận hồ sơ điện tử BHXH (electronic-dossier gateway).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in SERVING_COMMANDS:
        # local: gunicorn's hooks, for the serving commands only
        from hoso.serving import use_hooks

        use_hooks()  # gunicorn's hooks keep the workers' metrics (hoso.serving, hoso.operations.metrics)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if isinstance(exc, ConfigError | StartRefused):  # say why, with what to do; no traceback
            print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
            return 3
        if isinstance(exc, CodedError):  # a coded refusal no command caught: its words, not a traceback
            print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
            return 1
        if _is_unreachable_database(exc):
            print(
                "Không kết nối được cơ sở dữ liệu (DATABASE_URL): kiểm tra máy chủ PostgreSQL đang chạy, địa "
                f"chỉ, cổng và quyền truy cập, rồi chạy lại.\n({exc})\n"
                "The database cannot be reached (DATABASE_URL): check that the PostgreSQL server runs, its "
                "address, port and access rights, then run again.",
                file=sys.stderr,
            )
            return 3
        if _is_missing_schema(exc):
            print(
                "Cơ sở dữ liệu chưa được khởi tạo hoặc chưa cập nhật: hãy chạy `hoso init`.\n"
                "The database is not initialised or not up to date: run `hoso init`.",
                file=sys.stderr,
            )
            return 3
        raise


def _is_unreachable_database(exc: Exception) -> bool:
    """Django could not connect (server down, wrong address or password): an OperationalError raised
    while connecting, before any query ran."""
    django_db = sys.modules.get("django.db.utils")
    if django_db is None or not isinstance(exc, django_db.OperationalError):
        return False
    text = str(exc).lower()
    return any(
        words in text
        for words in ("connection failed", "could not connect", "connection refused", "timeout expired",
                      "password authentication failed", "could not translate host name")
    )  # fmt: skip


def _is_missing_schema(exc: Exception) -> bool:
    """A query ran against a database that `hoso init` has not prepared (no such table / relation)."""
    django_db = sys.modules.get("django.db.utils")
    if django_db is None or not isinstance(exc, django_db.OperationalError | django_db.ProgrammingError):
        return False
    text = str(exc).lower()
    return "no such table" in text or ("relation" in text and "does not exist" in text)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
