"""`hoso backup`, `hoso restore`, `hoso check`."""

from __future__ import annotations

import argparse
import sys

from hoso import django_setup


def register(subparsers: argparse._SubParsersAction) -> None:
    b = subparsers.add_parser(
        "backup", help="add a dated backup (database, new evidence blobs, keys, trust) to the backup set DIR"
    )
    b.add_argument("directory", nargs="?", help="the backup set (default: HOSO_BACKUP_DIR)")
    b.add_argument(
        "--keep-days",
        type=int,
        metavar="N",
        help="remove backups older than N days (default HOSO_BACKUP_KEEP_DAYS; 0: keep all)",
    )
    b.set_defaults(handler=_backup)
    r = subparsers.add_parser("restore", help="restore a dated backup made by `hoso backup`")
    r.add_argument("directory")
    r.add_argument("--force", action="store_true", help="overwrite an existing database")
    r.add_argument("--verify-only", action="store_true", help="check every file and blob; restore nothing")
    r.set_defaults(handler=_restore)
    c = subparsers.add_parser("check", help="report unsafe production settings (exit 1 when any error)")
    c.set_defaults(handler=_check)


def _setup() -> None:
    django_setup()


def _backup(args: argparse.Namespace) -> int:
    _setup()
    # local: needs Django, which the handler sets up first
    from hoso.operations.backup import BackupError, backup

    if args.keep_days is not None and args.keep_days < 0:
        print("--keep-days: cần số ngày ≥ 0 (a number of days ≥ 0).", file=sys.stderr)
        return 3
    try:
        result = backup(args.directory, keep_days=args.keep_days)
    except BackupError as error:
        print(f"{error.code}: {error.message_vi}\n{error.message_en}", file=sys.stderr)
        return 1
    sealed = "đã mã hoá" if result.encrypted else "không mã hoá"
    print(
        f"Đã sao lưu {result.files} tệp ({result.bytes:,} byte) vào {result.folder} ({sealed}); "
        f"cần {result.blobs} chứng cứ, sao chép mới {result.blobs_copied} ({result.blob_bytes_copied:,} byte)."
    )
    if result.pruned or result.blobs_pruned:
        print(f"Đã xoá {len(result.pruned)} bản sao lưu cũ và {result.blobs_pruned} chứng cứ không còn cần.")
    print(result.summary_en())
    return 0


def _restore(args: argparse.Namespace) -> int:
    _setup()
    # local: needs Django, which the handler sets up first
    from hoso.operations.backup import BackupError, restore, verify_backup

    try:
        if args.verify_only:
            manifest = verify_backup(args.directory)
            print(
                f"Bản sao lưu ngày {manifest['created']} nguyên vẹn: {len(manifest['files'])} tệp, "
                f"{len(manifest.get('blobs', ()))} chứng cứ. (The backup is intact.)"
            )
            return 0
        manifest = restore(args.directory, force=args.force)
    except BackupError as error:
        print(f"{error.code}: {error.message_vi}\n{error.message_en}", file=sys.stderr)
        return 1
    print(
        f"Đã khôi phục {len(manifest['files'])} tệp và {len(manifest.get('blobs', ()))} chứng cứ từ bản sao lưu "
        f"ngày {manifest['created']}."
    )
    return 0


def _check(_args: argparse.Namespace) -> int:
    _setup()
    # local: needs Django, which the handler sets up first
    from hoso.operations.checks import production_findings

    findings = production_findings()
    for finding in findings:
        label = "LỖI" if finding.severity == "error" else "CẢNH BÁO"
        print(f"[{label}] {finding.code}: {finding.message_vi}\n        {finding.message_en}")
    if not findings:
        print("Không thấy cấu hình nào không an toàn. (No unsafe setting found.)")
    return 1 if any(f.severity == "error" for f in findings) else 0
