"""The one-stop desk's reception of barcoded (semi-electronic) dossiers.

Given scans (PNG, JPEG, TIFF, PDF) or the text a keyboard-wedge scanner typed, and the receiving
officer: every scan is kept as evidence, the symbols are read and reassembled, and each complete dossier
goes through the one pipeline with channel = barcode. What the officer needs to act on comes back: the
receipt or the refusal (with what to do instead), the decoded content to compare with the paper, and —
when nothing could be read — the likely cause and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from hoso.barcode import ReadResult, read_sources, read_texts
from hoso.intake.blobstore import blob_store
from hoso.intake.models import DeskReading
from hoso.intake.pipeline import Reception, receive
from hoso.workflow.models import Channel


@dataclass
class DeskReception:
    read: ReadResult
    evidence: list[str] = field(default_factory=list)  # SHA-256 of every scan kept
    receptions: list[Reception] = field(default_factory=list)
    reading: DeskReading | None = None

    @property
    def complete(self) -> bool:
        return self.read.complete

    def problems(self) -> list[dict[str, object]]:
        """What stands between the scans and a reception, in words an officer can act on: first each
        page that gave no barcode with why (too low a resolution, blurred, no symbol on it…) and what to
        do — the diagnosis `hoso barcode read` prints — then what the reading as a whole lacks."""
        pages = [
            {
                "code": page.diagnosis.code,
                "message": f"{_page_name(page, 'vi')}: {page.diagnosis.message_vi}",
                "message_en": f"{_page_name(page, 'en')}: {page.diagnosis.message_en}",
            }
            for page in self.read.pages
            if page.diagnosis is not None
        ]
        return pages + [problem.as_dict() for problem in self.read.problems()]


def _page_name(page, language: str) -> str:
    if page.page == 0:
        return page.source
    return f"{page.source}, page {page.page}" if language == "en" else f"{page.source}, trang {page.page}"


def receive_scans(files: list[tuple[str, bytes]], *, officer, received_at=None) -> DeskReception:
    """Read scans or PDFs and receive every complete dossier they hold."""
    kept = _keep(files)
    return _receive(DeskReading.Source.SCANS, kept, read_sources(files), officer, received_at)


def receive_scanner_text(text: str, *, officer, received_at=None) -> DeskReception:
    """Read what a keyboard-wedge scanner typed (one symbol per line) and receive complete dossiers."""
    kept = _keep([("scanner.txt", text.encode("utf-8"))])
    return _receive(
        DeskReading.Source.SCANNER_TEXT, kept, read_texts(text.splitlines()), officer, received_at
    )


def _keep(files: list[tuple[str, bytes]]) -> list[dict[str, object]]:
    """Evidence first: every file is stored (fsync'd) before it is read."""
    store = blob_store()
    return [
        {"sha256": store.put(content), "name": name[:200], "size": len(content)} for name, content in files
    ]


def _receive(source: str, kept: list[dict], read: ReadResult, officer, received_at) -> DeskReception:
    received_at = received_at or timezone.now()
    reading = DeskReading.objects.create(
        received_at=received_at,
        officer=officer if getattr(officer, "pk", None) else None,
        source=source,
        evidence=kept,
        complete=read.complete,
        problems=[problem.as_dict() for problem in read.problems()],
    )
    result = DeskReception(read, [k["sha256"] for k in kept], reading=reading)
    for dossier in read.verified:
        reception = receive(
            dossier.envelope, channel=Channel.BARCODE, officer=officer, received_at=received_at
        )
        result.receptions.append(reception)
        reading.submissions.add(reception.submission)
    return result
