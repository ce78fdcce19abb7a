from __future__ import annotations

from datetime import date, datetime, time

from hoso.policy import VN_TZ, builtin_text


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN_TZ)


def draft_text(cut_off: str = "2016-03-31", first_refused: str = "2016-04-01", version: int = 2) -> str:
    """Dispatch 2671 with the barcode cut-off moved (the what-if case of the issue)."""
    text = builtin_text("2671-bhxh-cntt.toml").replace("version = 1", f"version = {version}", 1)
    text = text.replace("valid_until = 2015-12-31", f"valid_until = {cut_off}")
    old = 'id = "barcode-suspended-from-2016-01-01"'
    start = text.index(old)
    end = text.index("valid_from = 2016-01-01", start)
    return (
        text[:start]
        + f'id = "barcode-suspended-from-{first_refused}"'
        + text[start + len(old) : end]
        + f"valid_from = {first_refused}"
        + text[end + len("valid_from = 2016-01-01") :]
    )
