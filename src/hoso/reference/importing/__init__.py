"""Bulk import of go-live data (issue 21, item 6): employer units, commune People's Committees and
officers from CSV or XLSX, with a dry run listing every bad row, all or nothing per file, idempotent.

``engine.run_import(kinds()["units"], data, file_name, dry_run=True)``; the command line is
`hoso import` (:mod:`.commands`, which imports nothing heavy until it runs), the IT page the admin's
*Nhập từ tệp* (:mod:`.views`).
"""

from __future__ import annotations


def kinds() -> dict:
    """The kinds of file, by the name the command line uses (name → :class:`.engine.Kind`)."""
    # local: each kind's module imports this package
    from hoso.reference.importing.communes import COMMUNES
    from hoso.reference.importing.officers import OFFICERS
    from hoso.reference.importing.units import UNITS

    return {kind.name: kind for kind in (UNITS, COMMUNES, OFFICERS)}
