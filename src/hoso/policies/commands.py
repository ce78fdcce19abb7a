"""`hoso policy ...`: check a case, show the rules in force, replay a draft, manage stored versions.

Part of ``policies``, the Django app that stores the policies, so that ``policy`` (the rule engine) stays
pure. ``hoso --help`` loads this module before Django is set up: the handlers set it up
(``hoso.django_setup()``) and then import the models.
Exit codes: ``check`` 0 accept / 1 refuse; every command 2 for a coded error (bad file, unknown
procedure or office), printed in Vietnamese and English.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time
from pathlib import Path

from hoso import django_setup
from hoso.errors import CodedError
from hoso.policy.errors import PolicyLoadError
from hoso.policy.facts import (
    CHANNEL_LABELS_VI,
    OUTCOME_LABELS_VI,
    VN_TZ,
    Channel,
    Decision,
    Outcome,
    SubmitterKind,
)
from hoso.policy.loader import load_policy

EXIT_ACCEPT, EXIT_REFUSE, EXIT_ERROR = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "policy", help="channel-acceptance policy (chính sách tiếp nhận theo kênh)"
    )
    actions = parser.add_subparsers(dest="policy_command", metavar="ACTION", required=True)

    check = actions.add_parser(
        "check", help="decide one case; exit 0 when accepted, 1 when refused (quyết định một trường hợp)"
    )
    check.add_argument("--channel", required=True, choices=[c.value for c in Channel])
    check.add_argument("--procedure", required=True, metavar="CODE", help="procedure code, e.g. 602")
    check.add_argument("--submitter", required=True, choices=[k.value for k in SubmitterKind])
    cert = check.add_mutually_exclusive_group(required=True)
    cert.add_argument(
        "--certificate", dest="certificate", action="store_true", help="has a registered certificate"
    )
    cert.add_argument(
        "--no-certificate", dest="certificate", action="store_false", help="has none on that date"
    )
    check.add_argument("--date", required=True, type=date.fromisoformat, help="reception date YYYY-MM-DD")
    check.add_argument(
        "--time", type=time.fromisoformat, default=time(9, 0), help="reception time (default 09:00)"
    )
    check.add_argument("--office", required=True, metavar="CODE", help="receiving office, e.g. 00105")
    check.add_argument("--submitter-code", default="", metavar="CODE", help="unit or commune code (optional)")
    check.add_argument("--policy", type=Path, metavar="DRAFT.toml", help="decide with this draft in place")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=_check)

    show = actions.add_parser(
        "show", help="the rules in force on a date, as a table (các quy tắc đang áp dụng)"
    )
    show.add_argument("--date", type=date.fromisoformat, help="default: today")
    show.add_argument("--policy", type=Path, metavar="DRAFT.toml", help="show with this draft in place")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=_show)

    replay = actions.add_parser(
        "replay", help="what-if: re-decide the stored decisions of a period under a draft (mô phỏng)"
    )
    replay.add_argument("--policy", required=True, type=Path, metavar="DRAFT.toml")
    replay.add_argument("--from", dest="date_from", required=True, type=date.fromisoformat)
    replay.add_argument("--to", dest="date_to", required=True, type=date.fromisoformat)
    replay.add_argument("--format", choices=("text", "csv", "json"), default="text")
    replay.add_argument(
        "--details", action="store_true", help="with --format csv: one row per changed decision"
    )
    replay.add_argument("--output", type=Path, help="write to this file instead of standard output")
    replay.set_defaults(handler=_replay)

    validate = actions.add_parser("validate", help="load policy files and report every problem with its line")
    validate.add_argument("files", nargs="+", type=Path)
    validate.add_argument(
        "--no-catalogue", action="store_true", help="do not check tags against the catalogue"
    )
    validate.set_defaults(handler=_validate)

    publish = actions.add_parser(
        "publish", help="store a policy file as a new version (active unless --draft)"
    )
    publish.add_argument("file", type=Path)
    publish.add_argument("--draft", action="store_true", help="store without activating")
    publish.set_defaults(handler=_publish)

    versions = actions.add_parser("versions", help="the stored policy versions")
    versions.set_defaults(handler=_versions)

    sync = actions.add_parser("sync", help="store the committed policy files (new ids and newer versions)")
    sync.set_defaults(handler=_sync)


def _error(error: CodedError) -> int:
    print(f"{error.code}: {error.message_vi}", file=sys.stderr)
    print(f"{error.code}: {error.message_en}", file=sys.stderr)
    report = getattr(error, "report", None)
    if callable(report) and len(getattr(error, "issues", ())) > 1:
        print(report(), file=sys.stderr)
    return EXIT_ERROR


def _setup() -> None:
    django_setup()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodedError(
            "POLICY_FILE_UNREADABLE",
            f"Không đọc được tệp {path}: {exc}",
            f"Cannot read {path}: {exc}",
        ) from None


def _policy_set(draft: Path | None):
    from hoso.policies import services  # local: needs Django, which the handler sets up first

    policy_set = services.active_policy_set()
    if draft is not None:
        policy_set = policy_set.replacing(
            load_policy(_read(draft), known_tags=services.known_tags(), source=str(draft))
        )
    return policy_set


def _check(args: argparse.Namespace) -> int:
    _setup()
    # local: needs Django, which the handler sets up first
    from hoso.policies import services
    from hoso.reference.models import Office

    try:
        if not Office.objects.filter(code=args.office).exists():
            raise CodedError(
                "POLICY_UNKNOWN_OFFICE",
                f"Không có cơ quan BHXH mã “{args.office}”.",
                f"No social-insurance office with code “{args.office}”.",
            )
        facts = services.facts_for(
            channel=args.channel,
            procedure_code=args.procedure,
            submitter_kind=args.submitter,
            submitter_code=args.submitter_code,
            has_certificate=args.certificate,
            office_code=args.office,
            received_at=datetime.combine(args.date, args.time, tzinfo=VN_TZ),
        )
        decision = services.decide(facts, policy_set=_policy_set(args.policy))
    except CodedError as error:
        return _error(error)
    if args.json:
        print(
            json.dumps(
                {"facts": facts.to_json(), "decision": decision.to_dict()}, ensure_ascii=False, indent=2
            )
        )
    else:
        print(format_decision(decision, channel=facts.channel))
    return EXIT_ACCEPT if decision.outcome is Outcome.ACCEPT else EXIT_REFUSE


def format_decision(decision: Decision, *, channel: Channel | None = None) -> str:
    verdict = OUTCOME_LABELS_VI[decision.outcome].upper()
    what = f" {CHANNEL_LABELS_VI[channel]}" if channel is not None else ""
    lines = [
        f"{verdict}{what} ({decision.outcome.value})",
        f"Quy tắc (rule): {decision.rule_id} — chính sách (policy) {decision.policy_id} v{decision.policy_version}",
        f"Lý do: {decision.message_vi}",
        f"Reason: {decision.message_en}",
        f"Căn cứ: {decision.legal_basis_vi}",
        f"Legal basis: {decision.legal_basis_en}",
    ]
    if decision.advice_vi:
        lines += [f"Hướng dẫn: {decision.advice_vi}", f"Advice: {decision.advice_en}"]
    return "\n".join(lines)


def _show(args: argparse.Namespace) -> int:
    _setup()
    day = args.date or datetime.now(VN_TZ).date()
    try:
        in_force = _policy_set(args.policy).rules_in_force(day)
    except CodedError as error:
        return _error(error)
    if args.json:
        rows = [
            {
                "policy": r.policy.id,
                "version": r.policy.version,
                "policy_precedence": r.policy.precedence,
                "rule": r.rule.id,
                "rule_precedence": r.rule.precedence,
                "effect": r.rule.effect.value,
                "conditions": r.rule.conditions_text(),
                "valid_from": r.rule.valid_from.isoformat() if r.rule.valid_from else None,
                "valid_until": r.rule.valid_until.isoformat() if r.rule.valid_until else None,
                "message": r.rule.message_vi,
                "message_en": r.rule.message_en,
                "legal_basis": r.rule.legal_basis_vi,
            }
            for r in in_force
        ]
        print(json.dumps({"date": day.isoformat(), "rules": rows}, ensure_ascii=False, indent=2))
        return 0
    print(
        f"Các quy tắc áp dụng ngày {day:%d/%m/%Y} (rules in force on {day.isoformat()}), theo thứ tự quyết định:"
    )
    seen: list = []
    for r in in_force:
        if r.policy not in seen:
            seen.append(r.policy)
    for policy in seen:
        scope = f"{len(policy.offices)} cơ quan (offices)" if policy.offices else "mọi cơ quan (all offices)"
        print(
            f"  {policy.id} v{policy.version} — ưu tiên (precedence) {policy.precedence} — phạm vi (scope): {scope}"
        )
        print(f"      {policy.title_vi}")
        print(f"      căn cứ (basis): {policy.legal_basis_vi}")
    print()
    header = ("chính sách", "ưu tiên", "quy tắc", "kết quả", "điều kiện", "hiệu lực")
    table = [
        (
            f"{r.policy.id} v{r.policy.version}",
            f"{r.policy.precedence}/{r.rule.precedence}",
            r.rule.id,
            OUTCOME_LABELS_VI[r.rule.effect],
            r.rule.conditions_text(),
            f"{_day(r.rule.valid_from)} → {_day(r.rule.valid_until)}",
        )
        for r in in_force
    ]
    widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *table]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _day(value) -> str:
    if value is None:
        return "…"
    return value.strftime("%d/%m/%Y %H:%M") if isinstance(value, datetime) else value.strftime("%d/%m/%Y")


def _replay(args: argparse.Namespace) -> int:
    _setup()
    from hoso.policies import services  # local: needs Django, which the handler sets up first

    if args.date_to < args.date_from:
        return _error(
            CodedError(
                "POLICY_REPLAY_PERIOD",
                "Ngày kết thúc (--to) đứng trước ngày bắt đầu (--from).",
                "--to is before --from.",
            )
        )
    try:
        report = services.replay_stored(_read(args.policy), args.date_from, args.date_to)
    except CodedError as error:
        return _error(error)
    if args.format == "csv":
        output = report.to_details_csv() if args.details else report.to_csv()
    elif args.format == "json":
        output = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        output = report.to_text()
    if args.output:
        args.output.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 0


def _validate(args: argparse.Namespace) -> int:
    known = None
    if not args.no_catalogue:
        _setup()
        from hoso.policies import services  # local: needs Django, which the handler sets up first

        known = services.known_tags()
    status = 0
    for path in args.files:
        try:
            policy = load_policy(_read(path), known_tags=known, source=str(path))
        except PolicyLoadError as error:
            print(error.report(), file=sys.stderr)
            status = EXIT_ERROR
            continue
        except CodedError as error:
            status = _error(error)
            continue
        print(
            f"{path}: {policy.id} v{policy.version}, {len(policy.rules)} quy tắc (rules), sha256 {policy.sha256}"
        )
    return status


def _publish(args: argparse.Namespace) -> int:
    _setup()
    from hoso.policies import services  # local: needs Django, which the handler sets up first

    try:
        version = services.store_policy(_read(args.file), source=str(args.file), activate=not args.draft)
    except CodedError as error:
        return _error(error)
    print(f"{version} — {version.get_status_display()} — sha256 {version.sha256}")
    return 0


def _versions(args: argparse.Namespace) -> int:
    _setup()
    from django.db.models import Count

    from hoso.policies.models import PolicyVersion  # local: needs Django, which the handler sets up first

    for v in PolicyVersion.objects.annotate(n=Count("decisions")).order_by(
        "-precedence", "policy", "version"
    ):
        print(
            f"{v.policy:<24} v{v.version:<4} {v.status:<8} ưu tiên {v.precedence:<5} {v.n:>8} quyết định  {v.title_vi}"
        )
    return 0


def _sync(args: argparse.Namespace) -> int:
    _setup()
    from hoso.policies import services  # local: needs Django, which the handler sets up first

    try:
        stored = services.sync_builtin_policies()
    except CodedError as error:
        return _error(error)
    for version in stored:
        print(f"{version} — {version.get_status_display()}")
    if not stored:
        print("Không có thay đổi (nothing to store).")
    return 0
