"""`hoso sandbox`: the integrator's test world against `make demo` (hoso.intake.sandbox).

hoso sandbox init                                   the test PKI, submitters and officers; prints them
hoso sandbox request-supplement NUMBER [--note …]   an officer asks for a supplement of that dossier
hoso sandbox result NUMBER --document FILE          an officer records its result with FILE (PDF/XML)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hoso import django_setup

DEFAULT_NOTE = "Bổ sung tờ khai theo yêu cầu (môi trường thử nghiệm)."


def register(subparsers: argparse._SubParsersAction) -> None:
    sandbox = subparsers.add_parser(
        "sandbox", help="an I-VAN integrator's test world against `make demo` (docs/ivan-guide.md)"
    )
    steps = sandbox.add_subparsers(dest="sandbox_command", metavar="STEP", required=True)
    init = steps.add_parser(
        "init", help="the test PKI (trusted), test unit and commune, officers at their offices"
    )
    init.set_defaults(handler=_init)
    supplement = steps.add_parser(
        "request-supplement", help="an officer asks for a supplement of a test dossier"
    )
    supplement.add_argument("number", help="the dossier number, e.g. 00001/2026/00105")
    supplement.add_argument("--note", default=DEFAULT_NOTE, help="what is missing (the feed's note)")
    supplement.set_defaults(handler=_request_supplement)
    result = steps.add_parser("result", help="an officer records the result of a test dossier")
    result.add_argument("number", help="the dossier number")
    result.add_argument("--document", type=Path, required=True, help="the result document (PDF or XML)")
    result.add_argument("--note", default="", help="the officer's note on the result")
    result.set_defaults(handler=_result)


def _init(_args: argparse.Namespace) -> int:
    django_setup()
    from hoso.intake.sandbox import prepare  # local: needs Django, which the handler sets up first

    world = prepare()
    code, tax, name, office = world.unit
    print(f"PKI thử nghiệm (test PKI): {world.pki_dir}  (mật khẩu / password: hoso-demo)")
    print("  root-ca.pem, issuing-ca.pem — được cổng tin cậy (trusted by the gateway)")
    print(f"Đơn vị thử nghiệm (test unit): {code} MST {tax} {name}, cơ quan {office}: {world.unit_p12}")
    print(f"Xã thử nghiệm (test commune): {world.commune}: {world.commune_p12}")
    print(f"Cán bộ thử nghiệm (officers, password {world.password}):")
    for officer in world.officers:
        print(f"  {officer.username:32} {officer.role:20} {officer.office} {officer.department or ''}")
    print(f"export PKI={world.pki_dir}")
    return 0


def _request_supplement(args: argparse.Namespace) -> int:
    django_setup()
    from hoso.intake.sandbox import request_supplement  # local: needs Django, which the handler sets up first

    dossier = request_supplement(args.number, args.note)
    print(f"Hồ sơ {dossier.number}: đã yêu cầu bổ sung (supplement requested): {args.note}")
    return 0


def _result(args: argparse.Namespace) -> int:
    django_setup()
    from hoso.intake.sandbox import record_result  # local: needs Django, which the handler sets up first

    result = record_result(args.number, args.document, note=args.note)
    print(f"Hồ sơ {result.dossier.number}: đã có kết quả (result recorded), SHA-256 {result.signed_sha256}")
    return 0
