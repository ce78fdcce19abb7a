"""`hoso backup`, `hoso restore`, `hoso check`."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    b = subparsers.add_parser("backup", help="back up the database, evidence store, keys and trust into DIR")
    b.add_argument("directory")
    b.set_defaults(handler=_backup)
    r = subparsers.add_parser("restore", help="restore a backup folder made by `hoso backup` (SQLite)")
    r.add_argument("directory")
    r.add_argument("--force", action="store_true", help="overwrite an existing database")
    r.set_defaults(handler=_restore)
    c = subparsers.add_parser("check", help="report unsafe production settings (exit 1 when any error)")
    c.set_defaults(handler=_check)


def _setup() -> None:
    from hoso import django_setup

    django_setup()


def _backup(args: argparse.Namespace) -> int:
    _setup()
    from hoso.operations.backup import BackupError, backup

    try:
        result = backup(args.directory)
    except BackupError as error:
        print(f"{error.code}: {error.message_vi}", file=sys.stderr)
        return 1
    print(f"Đã sao lưu {result.files} tệp ({result.bytes:,} byte) vào {result.folder}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    _setup()
    from hoso.operations.backup import BackupError, restore

    try:
        manifest = restore(args.directory, force=args.force)
    except BackupError as error:
        print(f"{error.code}: {error.message_vi}\n{error.message_en}", file=sys.stderr)
        return 1
    print(f"Đã khôi phục {len(manifest['files'])} tệp từ bản sao lưu ngày {manifest['created']}.")
    return 0


def _check(_args: argparse.Namespace) -> int:
    _setup()
    from hoso.operations.checks import production_findings

    findings = production_findings()
    for finding in findings:
        label = "LỖI" if finding.severity == "error" else "CẢNH BÁO"
        print(f"[{label}] {finding.code}: {finding.message_vi}\n        {finding.message_en}")
    if not findings:
        print("Không thấy cấu hình nào không an toàn. (No unsafe setting found.)")
    return 1 if any(f.severity == "error" for f in findings) else 0
