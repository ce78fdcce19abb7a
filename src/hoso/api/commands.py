"""`hoso ivan add|revoke|list`: the API keys of the I-VAN providers."""

from __future__ import annotations

import argparse
import sys

from hoso import django_setup


def register(subparsers: argparse._SubParsersAction) -> None:
    ivan = subparsers.add_parser("ivan", help="API keys of the I-VAN providers (add, revoke, list)")
    actions = ivan.add_subparsers(dest="ivan_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="create a key for an I-VAN and print it once")
    add.add_argument("code", help="the I-VAN's 5-digit code, e.g. 00030")
    add.add_argument("--label", default="", help="a note kept with the key (who holds it)")
    add.add_argument("--quiet", action="store_true", help="print only the key (for scripts)")
    add.set_defaults(handler=_add)
    revoke = actions.add_parser("revoke", help="revoke the I-VAN's keys (all active ones, or one by prefix)")
    revoke.add_argument("code")
    revoke.add_argument(
        "--prefix", help="revoke only the key starting with this prefix (see `hoso ivan list`)"
    )
    revoke.set_defaults(handler=_revoke)
    lst = actions.add_parser("list", help="list the keys (prefix, I-VAN, created, revoked) — never the keys")
    lst.add_argument("--all", action="store_true", help="include revoked keys")
    lst.set_defaults(handler=_list)

    schema = subparsers.add_parser(
        "openapi", help="print the I-VAN API's OpenAPI document (docs/openapi.json)"
    )
    schema.add_argument("-o", "--output", help="write to this file instead of standard output")
    schema.set_defaults(handler=_openapi)


def _provider(code: str):
    # local: needs Django, which the handler sets up first
    from hoso.reference.models import IvanProvider

    provider = IvanProvider.objects.filter(code=code.strip()).first()
    if provider is None:
        print(
            f"Không có tổ chức I-VAN mã {code} trong danh mục (xem /admin/). / No I-VAN {code} in the catalogue.",
            file=sys.stderr,
        )
    return provider


def _add(args: argparse.Namespace) -> int:
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.api.models import IvanKey

    provider = _provider(args.code)
    if provider is None:
        return 2
    row, key = IvanKey.issue(provider, label=args.label)
    if args.quiet:
        print(key)
        return 0
    print(f"Khoá API mới của I-VAN {provider.code} {provider.name} (chỉ hiển thị một lần — hãy lưu lại):")
    print(f"New API key of I-VAN {provider.code} (shown once only — keep it now):")
    print()
    print(f"    {key}")
    print()
    print("Dùng / use:  Authorization: Bearer <khoá/key>")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from django.utils import timezone

    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.api.models import IvanKey

    provider = _provider(args.code)
    if provider is None:
        return 2
    keys = IvanKey.objects.filter(ivan=provider, revoked_at__isnull=True)
    if args.prefix:
        keys = keys.filter(prefix__startswith=args.prefix)
    count = keys.update(revoked_at=timezone.now())
    if count == 0:
        print(f"I-VAN {provider.code} không có khoá nào đang dùng. / No active key.", file=sys.stderr)
        return 1
    print(f"Đã thu hồi {count} khoá của I-VAN {provider.code}. / Revoked {count} key(s).")
    return 0


def _list(args: argparse.Namespace) -> int:
    from django.utils import timezone

    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.api.models import IvanKey

    keys = IvanKey.objects.select_related("ivan").order_by("ivan_id", "created_at")
    if not args.all:
        keys = keys.filter(revoked_at__isnull=True)
    print(
        f"{'I-VAN':<6} {'khoá (đầu) / key prefix':<24} {'tạo lúc / created':<26} {'thu hồi / revoked':<26} ghi chú"
    )
    for key in keys:
        revoked = timezone.localtime(key.revoked_at).isoformat(timespec="seconds") if key.revoked_at else "—"
        print(
            f"{key.ivan_id:<6} {key.prefix + '…':<24} {timezone.localtime(key.created_at).isoformat(timespec='seconds'):<26} "
            f"{revoked:<26} {key.label}"
        )
    return 0


def _openapi(args: argparse.Namespace) -> int:
    django_setup()
    # local: needs Django, which the handler sets up first
    from hoso.api.views import openapi_text

    text = openapi_text()
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0
