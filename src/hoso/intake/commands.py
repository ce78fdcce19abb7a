"""`hoso gateway-cert`: the certificate that signs receipts, for I-VANs to verify them."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("gateway-cert", help="print the gateway's receipt-signing certificate (PEM)")
    p.set_defaults(handler=_gateway_cert)
    cl = subparsers.add_parser(
        "cluster", help="the identity every server shares: show it, or adopt this server's (key rotation)"
    )
    cl.add_argument(
        "action",
        choices=["status", "adopt"],
        help="status: compare this server; adopt: make "
        "this server's secret key and signing identity the cluster's",
    )
    cl.set_defaults(handler=_cluster)
    t = subparsers.add_parser("trust", help="CA certificates every server trusts (kept in the database)")
    t.add_argument("action", choices=["list", "add", "remove"])
    t.add_argument(
        "target", nargs="?", help="add: a PEM/DER certificate file; remove: its SHA-256 (8+ digits)"
    )
    t.add_argument("--intermediate", action="store_true", help="add an issuing CA below an anchor")
    t.set_defaults(handler=_trust)
    c = subparsers.add_parser(
        "children-list",
        help="make the under-6 health-card list of a commune (envelope XML, to sign or print)",
    )
    c.add_argument("--commune", required=True, help="GSO commune code (mã xã)")
    c.add_argument(
        "--csv", required=True, help="children: columns ho_ten, ngay_sinh, gioi_tinh, so_giay_khai_sinh, ..."
    )
    c.add_argument("--period", help="MM/YYYY (default: this month)")
    c.add_argument("-o", "--output", required=True)
    c.set_defaults(handler=_children_list)
    r = subparsers.add_parser("retention", help="purge received bytes older than the retention period")
    r.add_argument("--dry-run", action="store_true", help="count only")
    r.add_argument("--years", type=int, help="retention in years (default HOSO_RETENTION_YEARS, at least 10)")
    r.set_defaults(handler=_retention)


def _gateway_cert(_args: argparse.Namespace) -> int:
    from hoso import django_setup

    django_setup()
    from hoso.intake.gateway import gateway_certificate_pem, has_identity

    if not has_identity():
        print(
            "Chưa có chứng thư số của cổng: hãy chạy `hoso init`. (No gateway certificate: run `hoso init`.)",
            file=sys.stderr,
        )
        return 3
    sys.stdout.write(gateway_certificate_pem().decode("ascii"))
    return 0


def _cluster(args: argparse.Namespace) -> int:
    from hoso import django_setup

    django_setup()
    from hoso.intake import cluster
    from hoso.intake.models import ClusterIdentity, GatewayCertificate
    from hoso.operations.startup import init_lock

    if args.action == "adopt":
        with init_lock():
            sha = cluster.adopt()
        print(
            f"Danh tính chung của cổng: chứng thư SHA-256 {sha}. Khởi động lại các máy chủ khác với cùng "
            f"khoá ký và khoá bí mật.\nThe cluster's identity: certificate SHA-256 {sha}. Restart the other "
            "servers with the same signing key and secret key."
        )
        return 0
    identity = ClusterIdentity.objects.filter(pk=1).first()
    if identity is None:
        print(
            "Chưa có danh tính chung: chạy `hoso init`. (No cluster identity: run `hoso init`.)",
            file=sys.stderr,
        )
        return 1
    for row in GatewayCertificate.objects.order_by("registered_at"):
        mark = "*" if row.sha256 == identity.gateway_sha256 else " "
        print(
            f"{mark} {row.sha256}  {row.subject}  đến {row.not_after:%d/%m/%Y}  "
            f"{'tích hợp sẵn' if row.sealed_key else 'do CA cấp'}"
        )
    found = cluster.divergences()
    for item in found:
        print(f"{item.code}: {item.message_vi}\n  {item.message_en}")
    if not found:
        print("Máy chủ này giống các máy chủ khác của cổng. (This server matches the cluster.)")
    return 1 if found else 0


def _trust(args: argparse.Namespace) -> int:
    from hoso import django_setup

    django_setup()
    from hoso.intake import cluster
    from hoso.intake.models import TrustedCertificate

    if args.action == "list":
        for row in TrustedCertificate.objects.order_by("role", "subject"):
            print(f"{row.sha256}  {row.get_role_display()}  {row.subject}  đến {row.not_after:%d/%m/%Y}")
        return 0
    if not args.target:
        print("Thiếu tệp chứng thư hoặc SHA-256. (A certificate file or SHA-256 is needed.)", file=sys.stderr)
        return 2
    if args.action == "remove":
        removed = cluster.remove_trusted(args.target)
        for subject in removed:
            print(f"Đã bỏ tin cậy: {subject} (no longer trusted)")
        return 0 if removed else 1
    from pathlib import Path

    from hoso.signature.certs import TrustStore

    try:
        certificates = TrustStore.from_paths([Path(args.target)]).anchors
    except (OSError, ValueError) as exc:
        print(f"Không đọc được chứng thư {args.target}: {exc} (cannot read the certificate)", file=sys.stderr)
        return 1
    if not certificates:
        print(f"Không có chứng thư nào trong {args.target}. (No certificate in the file.)", file=sys.stderr)
        return 1
    role = "intermediate" if args.intermediate else "anchor"
    for certificate in certificates:
        added = cluster.add_trusted(certificate, role)
        print(
            f"{'Đã thêm' if added else 'Đã có'}: {certificate.subject.rfc4514_string()} "
            f"({'added' if added else 'already trusted'})"
        )
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
        f"{verb} dữ liệu gốc của {report.purged} lượt nộp và {report.readings_purged} lượt quét tại bộ phận "
        f"một cửa nhận trước {report.cutoff:%d/%m/%Y}; giữ {report.kept_open} hồ sơ chưa kết thúc; "
        f"{report.blobs_deleted} tệp đã xoá."
    )
    return 0


def _children_list(args: argparse.Namespace) -> int:
    from hoso import django_setup

    django_setup()
    from pathlib import Path

    from django.utils import timezone

    from hoso.dossier import (
        EnvelopeFile,
        IvanInfo,
        UnitInfo,
        build_children_list,
        build_envelope,
        children_from_csv,
    )
    from hoso.errors import CodedError
    from hoso.reference.models import Commune

    commune = Commune.objects.select_related("office").filter(gso_code=args.commune).first()
    if commune is None:
        print(f"Không có UBND xã mã {args.commune} trong danh mục. (Unknown commune code.)", file=sys.stderr)
        return 3
    try:
        children = children_from_csv(Path(args.csv).read_text(encoding="utf-8"))
        form = build_children_list(
            commune_code=commune.gso_code,
            commune_name=commune.name_vi,
            district_code=commune.office.gso_district_code,
            children=children,
        )
        today = timezone.localdate()
        envelope = build_envelope(
            ivan=IvanInfo(),
            unit=UnitInfo(
                ten_doi_tuong=f"UBND {commune.name_vi}",
                ma_so_bhxh=commune.gso_code,
                loai_doi_tuong="2",
                co_quan_quan_ly=commune.office_id,
            ),
            procedure_code="602",
            procedure_name="Cấp thẻ BHYT cho trẻ em dưới 6 tuổi",
            period=args.period or today.strftime("%m/%Y"),
            created=today.strftime("%d/%m/%Y"),
            files=[
                EnvelopeFile(
                    name="D03-TS.xml",
                    content=form,
                    form_code="D03-TS",
                    description="Danh sách trẻ em dưới 6 tuổi",
                )
            ],
        )
    except (OSError, UnicodeDecodeError) as error:
        print(f"Không đọc được tệp: {error}", file=sys.stderr)
        return 3
    except CodedError as error:
        print(f"{error.code}: {error.message_vi}\n{error.message_en}", file=sys.stderr)
        return 3
    Path(args.output).write_bytes(envelope)
    print(
        f"Đã lập danh sách {len(children)} trẻ của UBND {commune.name_vi}: {args.output}. "
        f"In kèm mã vạch: hoso barcode print {args.output} -o danh-sach.pdf"
    )
    return 0
