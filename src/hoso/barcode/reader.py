"""Reading dossiers from what the desk receives: page images, PDFs and scanner text.

Public API::

    read_files(paths, inflate_cap=...) -> ReadResult
    read_sources([(name, bytes), ...], inflate_cap=...) -> ReadResult
    read_images([(name, PIL image, dpi or None), ...], inflate_cap=...) -> ReadResult
    read_texts(lines, inflate_cap=...) -> ReadResult        (keyboard-wedge scanner lines)

A :class:`ReadResult` holds one :class:`~hoso.barcode.chunks.DossierStatus` per dossier found (its
``dossier.envelope`` is the verified envelope XML when complete), one :class:`PageReport` per page
or text file (what it gave, and a :class:`~hoso.barcode.symbols.Diagnosis` when it gave nothing), and
the symbol texts that were refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hoso.barcode.chunks import (
    DEFAULT_INFLATE_CAP,
    Added,
    Collector,
    Dossier,
    DossierStatus,
    find_chunk_texts,
    parse_chunk,
)
from hoso.barcode.errors import BarcodeError, ChunkFormatError, NoDossierError, UnreadableFileError
from hoso.barcode.symbols import Diagnosis, ImageScan, diagnose, scan_image, thorough_reads

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

PDF_DPI = 300
# A page of pixels larger than this is refused (a decompression bomb in an image file); an A4 page
# scanned at 600 dpi has 35 million.
MAX_PAGE_PIXELS = 80_000_000
MAX_PDF_PAGES = 60  # 240 symbols at 4 a page: far more than any barcoded dossier
MAX_TEXT_BYTES = 10 * 1024 * 1024


@dataclass
class PageReport:
    """What one page (or one scanner text file) gave."""

    source: str
    page: int  # 1-based; 0 for a text file
    kind: str  # "image", "pdf", "text"
    symbols: int = 0  # HOSO1 symbols read (repeats included)
    new: int = 0  # of which not seen before
    other: int = 0  # PDF417 symbols or lines that are not HOSO1 chunks
    damaged: int = 0
    thorough: bool = False
    diagnosis: Diagnosis | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "source": self.source,
            "page": self.page,
            "kind": self.kind,
            "symbols": self.symbols,
            "new": self.new,
            "other": self.other,
            "damaged": self.damaged,
        }
        if self.diagnosis is not None:
            out["diagnosis"] = self.diagnosis.as_dict()
        return out


@dataclass
class Rejected:
    """A text that looked like a HOSO1 chunk but was refused."""

    source: str
    page: int
    text: str
    error: ChunkFormatError

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "page": self.page,
            "text": self.text[:60],
            "error": self.error.as_dict(),
        }


@dataclass
class ReadResult:
    dossiers: list[DossierStatus] = field(default_factory=list)
    pages: list[PageReport] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    errors: list[BarcodeError] = field(default_factory=list)  # files that could not be opened

    @property
    def complete(self) -> bool:
        """At least one dossier, and every dossier complete and verified.

        A file that could not be opened does not change this (its error is in ``errors`` and in the
        messages): the dossiers found elsewhere are verified by their hash all the same.
        """
        return bool(self.dossiers) and all(d.complete for d in self.dossiers)

    @property
    def verified(self) -> list[Dossier]:
        return [d.dossier for d in self.dossiers if d.dossier is not None]

    def problems(self) -> list[BarcodeError]:
        """Everything that stands between the inputs and complete dossiers."""
        out = list(self.errors)
        out.extend(d.error for d in self.dossiers if d.error is not None)
        if not self.dossiers:
            out.append(NoDossierError())
        return out

    def messages(self, language: str = "vi") -> list[str]:
        """What a person reads: each page's yield or diagnosis, the refusals, the problems, the dossiers."""
        en = language.startswith("en")
        lines = []
        for page in self.pages:
            where = page.source if page.page == 0 else f"{page.source} p.{page.page}"
            if page.diagnosis is not None:
                lines.append(f"{where}: {page.diagnosis.message(language)}")
            else:
                lines.append(f"{where}: {page.symbols} {'barcode(s)' if en else 'mã vạch'}")
        lines.extend(f"{r.source}: {r.error.message(language)}" for r in self.rejected)
        lines.extend(problem.message(language) for problem in self.problems())
        for d in self.verified:
            lines.append(
                f"Dossier {d.h}: complete, {d.n}/{d.n} barcodes, SHA-256 verified"
                if en
                else f"Hồ sơ {d.h}: đủ {d.n}/{d.n} mã vạch, đã kiểm tra SHA-256"
            )
        return lines

    def as_dict(self) -> dict[str, object]:
        return {
            "complete": self.complete,
            "dossiers": [d.as_dict() for d in self.dossiers],
            "pages": [p.as_dict() for p in self.pages],
            "rejected": [r.as_dict() for r in self.rejected],
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class _Page:
    report: PageReport
    image: Image.Image
    dpi: float | None
    scan: ImageScan | None = None
    texts: set[str] = field(default_factory=set)


class _Reading:
    def __init__(self, inflate_cap: int) -> None:
        self.collector = Collector(inflate_cap)
        self.result = ReadResult()

    def take(self, report: PageReport, texts: Iterable[str]) -> None:
        for raw in texts:
            found = find_chunk_texts(raw)
            if not found:
                report.other += 1
            for text in found:
                try:
                    chunk = parse_chunk(text)
                except ChunkFormatError as exc:
                    report.other += 1
                    self.result.rejected.append(Rejected(report.source, report.page, text, exc))
                    continue
                report.symbols += 1
                if self.collector.add(chunk) is not Added.REPEAT:
                    report.new += 1

    def finish(self) -> ReadResult:
        self.result.dossiers = self.collector.results()
        return self.result


def _sniff(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")):
        return "image"
    return "text"


def _image_pages(name: str, data: bytes) -> Iterator[_Page]:
    import io

    from PIL import Image, ImageSequence

    try:
        opened = Image.open(io.BytesIO(data))
        for number, frame in enumerate(ImageSequence.Iterator(opened), start=1):
            if frame.width * frame.height > MAX_PAGE_PIXELS:
                raise UnreadableFileError(name, f"ảnh {frame.width}×{frame.height} điểm ảnh quá lớn")
            frame.load()
            page = frame.copy()
            page.info.setdefault("dpi", opened.info.get("dpi"))
            yield _Page(PageReport(name, number, "image"), page, None)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableFileError(name, f"ảnh hỏng hoặc không hỗ trợ ({exc})") from exc


def _pdf_pages(name: str, data: bytes, dpi: int = PDF_DPI) -> Iterator[_Page]:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableFileError(name, f"PDF hỏng ({exc})") from exc
    try:
        count = len(pdf)
        if count > MAX_PDF_PAGES:
            raise UnreadableFileError(name, f"PDF có {count} trang, quá {MAX_PDF_PAGES} trang")
        for index in range(count):
            page = pdf[index]
            width, height = page.get_size()
            if width * height * (dpi / 72) ** 2 > MAX_PAGE_PIXELS:
                raise UnreadableFileError(name, f"trang {index + 1} quá lớn")
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            image.info["dpi"] = (dpi, dpi)
            yield _Page(PageReport(name, index + 1, "pdf"), image, dpi)
    finally:
        pdf.close()


def pdf_page_images(data: bytes, dpi: int = PDF_DPI) -> list[Image.Image]:
    """The pages of a PDF rasterised in grayscale (what the reader reads; also for tests and benches)."""
    return [page.image for page in _pdf_pages("pdf", data, dpi)]


def _text_lines(name: str, data: bytes) -> list[str]:
    if len(data) > MAX_TEXT_BYTES:
        raise UnreadableFileError(name, "tệp văn bản quá lớn")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode" text saved by Windows Notepad
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise UnreadableFileError(name, "không phải ảnh, PDF hay văn bản")
    else:
        text = data.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    return text.splitlines()


def read_sources(
    sources: Iterable[tuple[str, bytes]], inflate_cap: int = DEFAULT_INFLATE_CAP, diagnose_pages: bool = True
) -> ReadResult:
    """Read dossiers from named file contents (images, PDFs, scanner text), in any order."""
    reading = _Reading(inflate_cap)
    pages: list[_Page] = []
    for name, data in sources:
        kind = _sniff(data)
        try:
            if kind == "text":
                report = PageReport(name, 0, "text")
                reading.take(report, _text_lines(name, data))
                if report.symbols == 0:
                    report.diagnosis = Diagnosis(
                        "NO_SYMBOL",
                        "Tệp văn bản không có dòng mã vạch HOSO1 nào.",
                        "The text file has no HOSO1 barcode line.",
                    )
                reading.result.pages.append(report)
                continue
            for page in _pdf_pages(name, data) if kind == "pdf" else _image_pages(name, data):
                _first_read(reading, pages, page)
        except BarcodeError as exc:
            reading.result.errors.append(exc)
    return _second_read(reading, pages, diagnose_pages)


def read_images(
    images: Iterable[tuple[str, Image.Image, float | None]],
    inflate_cap: int = DEFAULT_INFLATE_CAP,
    diagnose_pages: bool = True,
) -> ReadResult:
    """Read dossiers from page images already in memory: ``(name, image, dpi or None)``, one per page."""
    reading = _Reading(inflate_cap)
    pages: list[_Page] = []
    for number, (name, image, dpi) in enumerate(images, start=1):
        _first_read(reading, pages, _Page(PageReport(name, number, "image"), image, dpi))
    return _second_read(reading, pages, diagnose_pages)


def _first_read(reading: _Reading, pages: list[_Page], page: _Page) -> None:
    page.scan = scan_image(page.image, page.dpi)
    page.texts = set(page.scan.texts)
    page.report.damaged = page.scan.damaged
    reading.take(page.report, page.scan.texts)
    reading.result.pages.append(page.report)
    pages.append(page)


def _all_complete(reading: _Reading) -> bool:
    statuses = reading.collector.results()
    return bool(statuses) and all(s.complete for s in statuses)


def _second_read(reading: _Reading, pages: list[_Page], diagnose_pages: bool) -> ReadResult:
    if not _all_complete(reading):
        # Something is missing and it may be on any page: read the pages again, thoroughly, one kind of
        # read at a time over all pages (straightening first: skew is the most common cause), those
        # that gave nothing or a damaged symbol first, and stop as soon as every dossier is complete.
        ordered = sorted(pages, key=lambda p: p.report.symbols > 0 and not p.report.damaged)
        readers = [(page, thorough_reads(page.image, page.dpi)) for page in ordered]
        while readers and not _all_complete(reading):
            still = []
            for page, reads in readers:
                page.report.thorough = True
                attempt = next(reads, None)
                if attempt is None:
                    continue
                still.append((page, reads))
                texts, damaged = attempt
                page.report.damaged = min(page.report.damaged, damaged)
                fresh = [t for t in texts if t not in page.texts]
                page.texts.update(fresh)
                reading.take(page.report, fresh)
                if fresh and _all_complete(reading):
                    break
            readers = still
    if diagnose_pages and not _all_complete(reading):
        # A page without symbols is expected (a form page) when the dossiers are complete; otherwise
        # the officer must know why it gave nothing.
        for page in pages:
            if page.report.symbols == 0 and page.scan is not None:
                page.scan.damaged = page.report.damaged
                page.report.diagnosis = diagnose(page.image, page.scan)
    return reading.finish()


def read_files(paths: Iterable[str | os.PathLike[str]], inflate_cap: int = DEFAULT_INFLATE_CAP) -> ReadResult:
    """Read dossiers from files on disk (PNG, JPEG, TIFF, PDF, scanner text)."""

    def load() -> Iterator[tuple[str, bytes]]:
        for path in paths:
            with open(path, "rb") as fh:
                yield os.fspath(path), fh.read()

    return read_sources(load(), inflate_cap)


def read_texts(
    lines: str | Iterable[str], inflate_cap: int = DEFAULT_INFLATE_CAP, source: str = "scanner"
) -> ReadResult:
    """Read dossiers from what keyboard-wedge scanners typed: lines, or one text (a form's text area)."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    reading = _Reading(inflate_cap)
    report = PageReport(source, 0, "text")
    reading.take(report, lines)
    reading.result.pages.append(report)
    return reading.finish()
