"""`hoso gateway-cert`: the certificate that signs receipts, for I-VANs to verify them."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("gateway-cert", help="print the gateway's receipt-signing certificate (PEM)")
    p.set_defaults(handler=_gateway_cert)


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
