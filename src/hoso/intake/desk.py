"""The one-stop desk's reception of barcoded (semi-electronic) dossiers.

Given scans (PNG, JPEG, TIFF, PDF) or the text a keyboard-wedge scanner typed, and the receiving
officer: every scan is kept as evidence, the symbols are read and reassembled, and each complete dossier
goes through the one pipeline with channel = barcode. What the officer needs to act on comes back: the
receipt or the refusal (with what to do instead), the decoded content to compare with the paper, and —
when nothing could be read — the likely cause and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hoso.barcode import ReadResult, read_sources, read_texts
from hoso.intake.blobstore import blob_store
from hoso.intake.pipeline import Reception, receive
from hoso.workflow.models import Channel


@dataclass
class DeskReception:
    read: ReadResult
    evidence: list[str] = field(default_factory=list)  # SHA-256 of every scan kept
    receptions: list[Reception] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.read.complete

    def problems(self) -> list[dict[str, object]]:
        """What stands between the scans and a reception, in words an officer can act on."""
        return [problem.as_dict() for problem in self.read.problems()]


def receive_scans(files: list[tuple[str, bytes]], *, officer, received_at=None) -> DeskReception:
    """Read scans or PDFs and receive every complete dossier they hold."""
    store = blob_store()
    evidence = [store.put(content) for _name, content in files]
    result = DeskReception(read_sources(files), evidence)
    return _receive_complete(result, officer, received_at)


def receive_scanner_text(text: str, *, officer, received_at=None) -> DeskReception:
    """Read what a keyboard-wedge scanner typed (one symbol per line) and receive complete dossiers."""
    evidence = [blob_store().put(text.encode("utf-8"))]
    result = DeskReception(read_texts(text.splitlines()), evidence)
    return _receive_complete(result, officer, received_at)


def _receive_complete(result: DeskReception, officer, received_at) -> DeskReception:
    for dossier in result.read.verified:
        result.receptions.append(
            receive(dossier.envelope, channel=Channel.BARCODE, officer=officer, received_at=received_at)
        )
    return result
