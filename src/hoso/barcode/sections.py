"""The readable parts of a printed dossier, as data: paragraphs, labelled fields, tables.

:mod:`hoso.barcode.forms` makes them from an envelope and :mod:`hoso.barcode.printing` lays them out
on the PDF; they are here, apart from both, so that neither imports the other back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False
    size: float = 10
    align: str = "L"


@dataclass(frozen=True)
class Fields:
    """Labelled values, two columns of label and value."""

    title: str
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table of people; ``widths`` are relative column widths."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    font_size: float = 6.5


Section = Paragraph | Fields | Table
