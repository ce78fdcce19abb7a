"""Questions asked of the procedure catalogue."""

from __future__ import annotations

import threading
import time
from datetime import date

from django.db.models import Q

from hoso.reference.models import Procedure

CHILD_UNDER_6_CARD_TAG = "child-under-6-card"


def procedures_on(on: date):
    """The version of every procedure in force on ``on``."""
    return Procedure.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on
    ).select_related("department")


_CACHE_SECONDS = 60.0
_cache: dict[tuple[str, date], tuple[float, Procedure | None]] = {}
_cache_lock = threading.Lock()


def procedure_on(code: str, on: date) -> Procedure | None:
    """The version of procedure ``code`` in force on ``on`` (cached a minute per process: every
    reception asks; edits in this process clear the cache at once, other processes within a minute)."""
    now = time.monotonic()
    key = (code, on)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    found = procedures_on(on).filter(code=code).first()
    with _cache_lock:
        if len(_cache) > 4096:
            _cache.clear()
        _cache[key] = (now, found)
    return found


def forget_procedures() -> None:
    with _cache_lock:
        _cache.clear()


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
