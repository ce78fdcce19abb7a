"""Refusal reasons as people read them: the reports group refusals by their reason code (stable, for
statistics), and show the reason in words — the message the refused dossiers were given — never the
code. A code whose messages differ from dossier to dossier (a form's rows, a file's name) is shown by
what it is about."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from hoso.reports.dashboard import Period
from hoso.reports.sql import rows

# What a reason is about, by the start of its code, when its messages name particular rows or files.
KINDS = (
    ("FORM_", gettext_noop("The forms of the dossier are not valid (each refusal names the rows)")),
    ("SIGNATURE_", gettext_noop("The digital signature is not valid")),
    ("CERT", gettext_noop("The signing certificate is not valid")),
    ("BARCODE_", gettext_noop("The barcodes could not be read")),
    ("DOSSIER_", gettext_noop("The dossier file is not valid")),
    ("POLICY_", gettext_noop("Not accepted in this channel by the reception rules")),
)
OTHER = gettext_noop("Other reasons (each refusal says which)")
MAX_CHARS = 160


def _first(key: str) -> str:
    if connection.vendor == "postgresql":
        return f"(reasons -> 0 ->> '{key}')"
    return f"json_extract(reasons, '$[0].{key}')"


def reason_labels(period: Period) -> dict[str, str]:
    """code → words, for the refusals received in ``period`` (one grouped query)."""
    english = (get_language() or "vi").startswith("en")
    message = _first("message_en" if english else "message")
    found = rows(
        f"""
        SELECT {_first("code")} AS code, MIN({message}) AS low, MAX({message}) AS high
        FROM intake_submission
        WHERE outcome = 'refused' AND received_at >= %s AND received_at < %s AND COALESCE(office_id, '') LIKE %s
        GROUP BY {_first("code")}
        """,  # noqa: S608 — fixed SQL fragments only
        period.params,
    )
    return {r["code"] or "?": words(r["code"] or "", r["low"], r["high"]) for r in found}


def words(code: str, low: str | None, high: str | None) -> str:
    """The one message every refusal of ``code`` carried, else what the code is about."""
    if low and low == high:
        return low if len(low) <= MAX_CHARS else low[: MAX_CHARS - 1].rstrip() + "…"
    for prefix, kind in KINDS:
        if code.startswith(prefix):
            return _(kind)
    return _(OTHER)


def label(labels: dict[str, str], code: str) -> str:
    return labels.get(code) or words(code, None, None)
