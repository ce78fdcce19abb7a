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
from django.utils import timezone

from hoso.barcode import read_texts
from hoso.barcode.chunks import find_chunk_texts, parse_chunk
from hoso.barcode.errors import BarcodeError, format_ranges
from hoso.desk.guard import OtherOffice, other_office_of_envelope, record
from hoso.desk.models import PendingScan
from hoso.desk.repeats import same_day_of_envelope, same_day_warning
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


def problems(desk: DeskReception) -> list[dict[str, object]]:
    """What stands between a reading and a reception. An incomplete dossier is not one: its symbols wait
    for the others (the panel of the scans in progress says which are missing, without internal codes)."""
    return [p for p in desk.problems() if p.get("code") != "BARCODE_INCOMPLETE"]


def pending_for(officer) -> list[Partial]:
    pending = PendingScan.objects.filter(officer=officer).first()
    return partials(pending.symbols) if pending else []


def discard(officer) -> bool:
    """Forget the officer's symbols read so far (the readings stay recorded as evidence)."""
    deleted, _ = PendingScan.objects.filter(officer=officer).delete()
    return bool(deleted)


def _held(symbols: list[str], office_id: str | None, confirmed=()) -> dict[str, OtherOffice]:
    """The complete dossiers among ``symbols`` (by their hash) whose submitter another office manages
    and whose office the officer has not confirmed: they wait, whole, for the officer to confirm or stop."""
    if not symbols:
        return {}
    found = ((d.h, other_office_of_envelope(office_id, d.envelope)) for d in read_texts(symbols).verified)
    return {h: other for h, other in found if other is not None and other.office.code not in confirmed}


def awaiting_for(officer, office_id: str | None) -> list[OtherOffice]:
    pending = PendingScan.objects.filter(officer=officer).first()
    return list(_held(pending.symbols, office_id).values()) if pending else []


TWIN = "twin:"  # a confirmation of a same-day twin: TWIN + the earlier submission's public id


@dataclass(frozen=True)
class Twin:
    """A complete dossier that waits because one of the same submitter, procedure and period was
    accepted today: the earlier submission, and the warning in the officer's language."""

    earlier: object
    warning: str

    @property
    def answer(self) -> str:
        return f"{TWIN}{self.earlier.public_id}"


def _twins(symbols: list[str], confirmed=()) -> dict[str, Twin]:
    """The complete dossiers among ``symbols`` (by their hash) that have a same-day twin the officer
    has not confirmed: they wait, like another office's, for the officer to receive them or stop."""
    if not symbols:
        return {}
    today = timezone.localdate()
    found = {}
    for dossier in read_texts(symbols).verified:
        earlier = same_day_of_envelope(dossier.envelope, today)
        if earlier is not None and f"{TWIN}{earlier.public_id}" not in confirmed:
            found[dossier.h] = Twin(earlier, same_day_warning(earlier))
    return found


def twins_for(officer, office_id: str | None) -> list[Twin]:
    """The dossiers waiting for the officer's answer about a same-day twin (another office's are
    asked about first)."""
    pending = PendingScan.objects.filter(officer=officer).first()
    if pending is None:
        return []
    others = _held(pending.symbols, office_id)
    return [t for h, t in _twins(pending.symbols).items() if h not in others]


def add_scanner_text(
    text: str, *, officer, office_id: str | None = None, confirmed=()
) -> tuple[DeskReception | None, list[OtherOffice | Twin]]:
    """Add what the scanner typed to what the officer scanned before, and receive every dossier that is
    now complete. Symbols of dossiers still incomplete stay for the next reading. A complete dossier of
    a submitter that another office manages is not received until the officer confirms that office
    (``confirmed``, office codes), nor one with a same-day twin until the officer confirms it
    (:data:`TWIN` + the earlier submission's id): until then it waits with the symbols, and what waits
    is returned."""
    new = _symbols(text)
    with transaction.atomic():
        if new:
            pending, _ = PendingScan.objects.select_for_update().get_or_create(officer=officer)
            pending.symbols = [s for s in pending.symbols if s not in new] + new
            pending.save()
        else:
            pending = PendingScan.objects.select_for_update().filter(officer=officer).first()
        symbols = pending.symbols if pending else []
    if not symbols and not text.strip():
        return None, []  # nothing scanned, nothing to confirm
    if text.strip() and not new:  # no symbol in it: recorded, and named, on its own
        return receive_scanner_text(text, officer=officer), []
    others = _held(symbols, office_id, confirmed)
    twins = {h: t for h, t in _twins(symbols, confirmed).items() if h not in others}  # the office first
    held = {**others, **twins}
    if held and not [s for s in symbols if _hash(s) not in held]:
        return None, list(held.values())  # nothing else to read: the officer answers first
    # The text as typed is kept as it came (unless it carries a dossier that waits); the symbols of
    # earlier readings (already kept as evidence then) are added before it so that this reading holds
    # the whole dossier.
    earlier = [s for s in symbols if s not in new and _hash(s) not in held]
    if any(_hash(s) in held for s in new):
        text = "\n".join(s for s in new if _hash(s) not in held)
    desk = receive_scanner_text("\n".join([*earlier, text]), officer=officer)
    record(desk.receptions, officer=officer, office_id=office_id)
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
    return desk, list(held.values())
