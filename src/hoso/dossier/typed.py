"""Lists typed at the desk from a paper dossier. Pure: no Django.

A typed list holds exactly what the officer typed, column by column, and nothing else: a column not
typed stays empty in the form (no default province, change type or household made up here). What the
dossier is (the submitter's code and name) comes from the officer's form too.
"""

from __future__ import annotations

from collections.abc import Sequence

from hoso.dossier.children import Child, build_children_list
from hoso.dossier.forms import D02Row, build_d02

#: the columns of one typed line of an under-6 list, in the order they are typed
CHILD_COLUMNS = (
    "ho_ten",
    "ngay_sinh",
    "gioi_tinh",
    "so_giay_khai_sinh",
    "ho_ten_cha_me",
    "chu_ho",
    "ma_ho_gia_dinh",
)
#: the columns of one typed line of a D02-TS list
D02_COLUMNS = ("ho_ten", "ngay_sinh", "gioi_tinh", "ma_so_bhxh")

# Child's defaults that would otherwise be written without being typed.
_CHILD_UNTYPED = {"ma_tinh": "", "ma_tinh_benh_vien": "", "pa": ""}


def _columns(names: Sequence[str], row: Sequence[str]) -> dict[str, str]:
    if len(row) > len(names):
        raise ValueError(f"a typed line has {len(row)} columns, at most {len(names)} are known")
    return {name: value.strip() for name, value in zip(names, row, strict=False)}


def typed_children_list(*, commune_code: str, commune_name: str, rows: Sequence[Sequence[str]]) -> bytes:
    """An unsigned under-6 list (D03-TS) of typed lines, each in the order of :data:`CHILD_COLUMNS`
    (trailing columns may be left out). The commune's name as typed, with or without "UBND"."""
    name = commune_name.strip()
    if name[:5].upper() == "UBND ":
        name = name[5:].strip()  # build_children_list writes "UBND <name>"
    return build_children_list(
        commune_code=commune_code,
        commune_name=name,
        province_code="",
        children=[Child(**{**_CHILD_UNTYPED, **_columns(CHILD_COLUMNS, row)}) for row in rows],
    )


def typed_d02(*, unit_code: str, unit_name: str, rows: Sequence[Sequence[str]]) -> bytes:
    """An unsigned D02-TS list of typed lines, each in the order of :data:`D02_COLUMNS`."""
    return build_d02(
        {"MaDonVi": unit_code, "TenDonVi": unit_name},
        [D02Row(stt=str(i), **_columns(D02_COLUMNS, row)) for i, row in enumerate(rows, start=1)],
    )
