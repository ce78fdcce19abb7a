"""Questions asked of the procedure catalogue."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import Q

from hoso.caching import ExpiringCache
from hoso.reference.models import Procedure

CHILD_UNDER_6_CARD_TAG = "child-under-6-card"


def procedures_on(on: date):
    """The version of every procedure in force on ``on``."""
    return Procedure.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on
    ).select_related("department")


_procedures: ExpiringCache[tuple[str, date], Procedure | None] = ExpiringCache(
    "procedures", seconds=lambda: settings.HOSO_CACHE_SECONDS, max_entries=4096
)


def procedure_on(code: str, on: date) -> Procedure | None:
    """The version of procedure ``code`` in force on ``on`` (cached HOSO_CACHE_SECONDS per process: every
    reception asks; edits in this process clear the cache at once, other processes within the expiry)."""
    return _procedures.get((code, on), lambda: procedures_on(on).filter(code=code).first())


def forget_procedures() -> None:
    _procedures.clear()


def known_tags() -> set[str]:
    tags: set[str] = set()
    for row in Procedure.objects.values_list("tags", flat=True):
        tags.update(row or [])
    return tags


def procedure_as_dict(p: Procedure) -> dict[str, object]:
    return {
        "code": p.code,
        "version": p.version,
        "name_vi": p.name_vi,
        "name_en": p.name_en,
        "domain": p.domain,
        "department": p.department_id,
        "time_limit_working_days": p.time_limit_days,
        "required_forms": list(p.required_forms),
        "optional_forms": list(p.optional_forms),
        "tags": list(p.tags),
        "valid_from": p.valid_from.isoformat(),
        "valid_to": p.valid_to.isoformat() if p.valid_to else None,
        "legal_basis": p.legal_basis,
    }
