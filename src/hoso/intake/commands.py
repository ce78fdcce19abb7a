"""`hoso gateway-cert`: the certificate that signs receipts, for I-VANs to verify them."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("gateway-cert", help="print the gateway's receipt-signing certificate (PEM)")
    p.set_defaults(handler=_gateway_cert)
    r = subparsers.add_parser("retention", help="purge received bytes older than the retention period")
    r.add_argument("--dry-run", action="store_true", help="count only")
    r.add_argument("--years", type=int, help="retention in years (default HOSO_RETENTION_YEARS, at least 10)")
    r.set_defaults(handler=_retention)


def _gateway_cert(_args: argparse.Namespace) -> int:
    from hoso import django_setup

    django_setup()
    from hoso.intake.gateway import cert_path, gateway_certificate_pem

    if not cert_path().exists():
        print(
            "Chưa có chứng thư số của cổng: hãy chạy `hoso init`. (No gateway certificate: run `hoso init`.)",
            file=sys.stderr,
        )
        return 3
    sys.stdout.write(gateway_certificate_pem().decode("ascii"))
    return 0


def _retention(args: argparse.Namespace) -> int:
    from hoso import django_setup

    django_setup()
    from hoso.intake.retention import purge

    try:
        report = purge(years=args.years, dry_run=args.dry_run)
    except ValueError:
        print("Thời hạn lưu trữ tối thiểu là 10 năm. (Retention is at least 10 years.)", file=sys.stderr)
        return 3
    verb = "Sẽ xoá" if args.dry_run else "Đã xoá"
    print(
        f"{verb} dữ liệu gốc của {report.purged} lượt nộp nhận trước {report.cutoff:%d/%m/%Y}; "
        f"giữ {report.kept_open} hồ sơ chưa kết thúc; {report.blobs_deleted} tệp đã xoá."
    )
    return 0
