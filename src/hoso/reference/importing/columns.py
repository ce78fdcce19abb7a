"""The columns of an import file, found by their header in Vietnamese or English, with or without
diacritics, in any case, with any punctuation ("Mã số thuế (*)", "MST", "tax_code" are one column)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, without diacritics (đ → d), letters and digits only: the form in which headers and
    labels are compared."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", bare)


@dataclass(frozen=True)
class Column:
    field: str
    #: how people name it; compared folded
    headers: tuple[str, ...]
    #: the header the template file and the messages use
    label_vi: str
    label_en: str
    #: reads a non-empty cell: the value to store, or raises :class:`hoso.reference.importing.problems.CellProblem`
    parse: Callable[[str, object], object]
    required: bool = True
    #: a code with leading zeros (a number cell in Excel loses them: the problem says so)
    code: bool = False
    #: the value of an empty optional cell
    empty: object = ""


@dataclass
class HeaderMatch:
    #: field → index of its column in the file
    positions: dict[str, int]
    #: the required columns the file lacks
    missing: list[Column]
    #: headers of the file that name no column (left alone)
    ignored: list[str]
    #: (header, index of its first occurrence) for a column named twice
    repeated: list[tuple[str, int]]


def match_headers(headers: list[str], columns: tuple[Column, ...]) -> HeaderMatch:
    by_name = {fold(name): column for column in columns for name in (column.field, *column.headers)}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    repeated: list[tuple[str, int]] = []
    for index, header in enumerate(headers):
        column = by_name.get(fold(header))
        if column is None:
            if header:
                ignored.append(header)
        elif column.field in positions:
            repeated.append((header, positions[column.field]))
        else:
            positions[column.field] = index
    missing = [c for c in columns if c.required and c.field not in positions]
    return HeaderMatch(positions=positions, missing=missing, ignored=ignored, repeated=repeated)
