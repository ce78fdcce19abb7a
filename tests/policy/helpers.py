"""Shared fixtures of the policy tests: the catalogue tags and procedure kinds of the truth table."""

from __future__ import annotations

from datetime import date, datetime, time

from hoso.policy import VN_TZ, Facts, builtin_policy_set, builtin_text

KNOWN_TAGS = frozenset({"thu-so-the", "child-under-6-card"})

#: The three kinds of procedure the dispatch distinguishes: code and catalogue tags.
PROCEDURE_KINDS: dict[str, tuple[str, frozenset[str]]] = {
    "child-card": ("602", frozenset({"thu-so-the", "child-under-6-card"})),
    "pilot": ("600", frozenset({"thu-so-the"})),
    "other": ("999", frozenset()),
}

IN_SCOPE_OFFICE = "00105"
OUT_OF_SCOPE_OFFICE = "00201"  # not one of the 31 Hanoi offices

BUILTIN = builtin_policy_set(known_tags=KNOWN_TAGS)
DISPATCH_TEXT = builtin_text("2671-bhxh-cntt.toml")
BASELINE_TEXT = builtin_text("baseline.toml")


def facts(
    *,
    channel: str = "barcode",
    kind: str = "pilot",
    submitter: str = "unit",
    certificate: bool = False,
    office: str = IN_SCOPE_OFFICE,
    day: date = date(2016, 1, 5),
    at: time = time(9, 30),
    code: str = "TA0100A",
) -> Facts:
    procedure, tags = PROCEDURE_KINDS[kind]
    return Facts(
        channel=channel,
        procedure_code=procedure,
        procedure_tags=tags,
        submitter_kind=submitter,
        has_certificate=certificate,
        office_code=office,
        received_at=datetime.combine(day, at, tzinfo=VN_TZ),
        submitter_code=code,
    )


def draft_text(cut_off: str = "2016-03-31", first_refused: str = "2016-04-01", version: int = 2) -> str:
    """Dispatch 2671 with the barcode cut-off moved: the what-if case of the issue."""
    text = DISPATCH_TEXT.replace("version = 1", f"version = {version}", 1)
    text = text.replace("valid_until = 2015-12-31", f"valid_until = {cut_off}")
    old_rule = 'id = "barcode-suspended-from-2016-01-01"'
    start = text.index(old_rule)
    end = text.index("valid_from = 2016-01-01", start)
    text = (
        text[:start]
        + f'id = "barcode-suspended-from-{first_refused}"'
        + text[start + len(old_rule) : end]
        + f"valid_from = {first_refused}"
        + text[end + len("valid_from = 2016-01-01") :]
    )
    return text
