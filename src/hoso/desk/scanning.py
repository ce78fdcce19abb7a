"""The scanner at the desk accumulates: the symbols of a dossier read so far are kept for the officer
(``PendingScan``) until the dossier is complete, so pausing to turn a page, scanning the pages in any
order or reloading the page loses nothing. Only a complete dossier goes through the pipeline, once.

Every reading is still evidence: the text the scanner typed, with the symbols kept from earlier
readings, is stored and recorded by :func:`hoso.intake.desk.receive_scanner_text`, which receives the
dossiers that are complete in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from hoso.barcode import read_texts
from hoso.barcode.chunks import find_chunk_texts, parse_chunk
from hoso.barcode.errors import BarcodeError, format_ranges
from hoso.desk.models import PendingScan
from hoso.intake.desk import DeskReception, receive_scanner_text


@dataclass(frozen=True)
class Partial:
    """One dossier of which some symbols are read: what an officer reads, no internal code."""

    count: int  # symbols of the dossier
    scanned: int
    missing: str  # "1, 3-5"
    error_vi: str = ""  # all symbols there but unusable (damaged, altered)
    error_en: str = ""


def _symbols(text: str) -> list[str]:
    """The well-formed HOSO1 symbols in what the scanner typed, each once, in order."""
    found: list[str] = []
    for line in text.splitlines():
        for candidate in find_chunk_texts(line):
            try:
                symbol = parse_chunk(candidate).text
            except BarcodeError:
                continue  # named by the reading itself
            if symbol not in found:
                found.append(symbol)
    return found


def _hash(symbol: str) -> str:
    return symbol.split("|", 2)[1]


def partials(symbols: list[str]) -> list[Partial]:
    """The dossiers ``symbols`` hold in part, in the order they were first scanned."""
    if not symbols:
        return []
    order = list(dict.fromkeys(_hash(s) for s in symbols))
    out = []
    for status in sorted(read_texts(symbols).dossiers, key=lambda d: order.index(d.h)):
        if status.complete:
            continue
        error = (
            status.error if status.error is not None and status.error.code != "BARCODE_INCOMPLETE" else None
        )
        out.append(
            Partial(
                count=status.n,
                scanned=len(status.received),
                missing=format_ranges(status.missing),
                error_vi=error.message_vi if error else "",
                error_en=error.message_en if error else "",
            )
        )
    return out


def pending_for(officer) -> list[Partial]:
    pending = PendingScan.objects.filter(officer=officer).first()
    return partials(pending.symbols) if pending else []


def discard(officer) -> bool:
    """Forget the officer's symbols read so far (the readings stay recorded as evidence)."""
    deleted, _ = PendingScan.objects.filter(officer=officer).delete()
    return bool(deleted)


def add_scanner_text(text: str, *, officer) -> DeskReception:
    """Add what the scanner typed to what the officer scanned before, and receive every dossier that is
    now complete. Symbols of dossiers still incomplete stay for the next reading."""
    new = _symbols(text)
    earlier: list[str] = []
    if new:
        with transaction.atomic():
            pending, _ = PendingScan.objects.select_for_update().get_or_create(officer=officer)
            earlier = [s for s in pending.symbols if s not in new]
            pending.symbols = earlier + new
            pending.save()
    # The text as typed is kept as it came; the symbols of earlier readings (already kept as evidence
    # then) are added before it so that this reading holds the whole dossier.
    desk = receive_scanner_text("\n".join([*earlier, text]), officer=officer)
    received = {status.h for status in desk.read.dossiers if status.complete}
    if received:
        with transaction.atomic():
            pending = PendingScan.objects.select_for_update().filter(officer=officer).first()
            if pending is not None:
                pending.symbols = [s for s in pending.symbols if _hash(s) not in received]
                if pending.symbols:
                    pending.save()
                else:
                    pending.delete()
    return desk
