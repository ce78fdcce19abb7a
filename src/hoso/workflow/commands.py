"""`hoso audit verify`: check the hash chain of the audit trail."""

from __future__ import annotations

import argparse

from hoso import django_setup


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="the tamper-evident audit trail")
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the hash chain; exit 1 and name the first broken link")
    verify.set_defaults(handler=_verify)


def _verify(_args: argparse.Namespace) -> int:
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.workflow.audit import verify_chain

    count, broken = verify_chain()
    if broken is None:
        print(f"Chuỗi nhật ký toàn vẹn: {count} sự kiện. (Audit chain intact: {count} events.)")
        return 0
    print(f"Chuỗi nhật ký bị phá vỡ tại sự kiện số {broken.sequence}: {broken.reason_vi}")
    print(f"Audit chain broken at event {broken.sequence}: {broken.reason_en}")
    print(f"({count} sự kiện đầu tiên còn nguyên vẹn / the first {count} events are intact)")
    return 1
