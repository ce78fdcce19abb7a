"""What an I-VAN reads of an audit-chain event: never an officer's log-in name, and the addresses of the
signed documents the event is about.

The audit chain keeps who did what (log-in names included: the office's own record); the feed tells the
I-VAN which department of which office handles the dossier, in words. A ``result`` event links the signed
result document, a ``supplement_received`` event the supplement's signed receipt.
"""

from __future__ import annotations

#: Keys of an event's data that name an officer by log-in (hoso.workflow.actions: take, reassign).
OFFICER_KEYS = frozenset({"assignee", "from", "to", "by_role"})


def handled_by(dossier) -> str:
    """The department and office handling ``dossier``, in words (Vietnamese, as every text the I-VAN
    passes on to the unit)."""
    office = dossier.office.name_vi if dossier.office_id else ""
    department = dossier.department.name_vi if dossier.department_id else ""
    return ", ".join(part for part in (department, office) if part)


def public_note(event) -> str:
    """The event's note, but for an assignment, whose note names the officer: said of the department."""
    if event.kind == "assigned":
        where = handled_by(event.dossier)
        return f"Hồ sơ được giao cho cán bộ {where}" if where else "Hồ sơ được giao cho cán bộ xử lý"
    return event.note


def public_data(event, dossier_url: str) -> dict:
    """The event's data without officers' log-in names (the department in words instead) and with the
    address of the signed document it records: ``result_url``, ``receipt_url``."""
    data = {key: value for key, value in (event.data or {}).items() if key not in OFFICER_KEYS}
    if OFFICER_KEYS.intersection(event.data or {}):
        data["handled_by"] = handled_by(event.dossier)
    if event.kind == "result":
        data["result_url"] = f"{dossier_url}/result"
    if event.kind == "supplement_received" and (supplement := _supplement_id(event)):
        data["supplement_id"] = supplement
        data["receipt_url"] = f"{dossier_url}/supplements/{supplement}/receipt"
    return data


def _supplement_id(event) -> str:
    from hoso.intake.models import SupplementReceipt

    sha256 = (event.data or {}).get("sha256")
    found = (
        SupplementReceipt.objects.filter(dossier_id=event.dossier_id, sha256=sha256)
        .values_list("public_id", flat=True)
        .first()
        if sha256
        else None
    )
    return str(found) if found else ""
