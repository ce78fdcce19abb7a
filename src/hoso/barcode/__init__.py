"""Semi-electronic dossiers: the HOSO1 chunk format, PDF417 pages, and reading scans. Pure: no Django.

Public API::

    make_chunks(envelope: bytes, max_slice=600) -> list[str]      the symbol texts of a dossier
    parse_chunk(text) -> Chunk                                   raises ChunkFormatError
    Collector / collect(texts) -> list[DossierStatus]            reassembly from symbol texts
    read_files(paths) / read_sources([(name, bytes)]) / read_texts(lines) -> ReadResult
    read_images([(name, PIL image, dpi)]) -> ReadResult           pages already in memory
    print_envelope(envelope: bytes) -> bytes                     the printable A4 PDF: forms, boxes, symbols
    build_pdf(chunks, heading=()) -> bytes

Heavy libraries (zxing-cpp, Pillow, pypdfium2, fpdf2) are imported where they are used.
"""

from hoso.barcode import codebook  # noqa: F401 — declares the package's codes (hoso.codes)
from hoso.barcode.chunks import (
    DEFAULT_INFLATE_CAP,
    DEFAULT_MAX_SLICE,
    Added,
    Chunk,
    Collector,
    Dossier,
    DossierStatus,
    collect,
    make_chunks,
    parse_chunk,
)
from hoso.barcode.errors import (
    BarcodeError,
    ChunkFormatError,
    EncodeError,
    HashMismatchError,
    IncompleteError,
    NoDossierError,
    PayloadError,
    PayloadTooLargeError,
    UnreadableFileError,
)
from hoso.barcode.reader import (
    PageReport,
    ReadResult,
    Rejected,
    read_files,
    read_images,
    read_sources,
    read_texts,
)
from hoso.barcode.symbols import Diagnosis


def print_envelope(envelope: bytes, heading=None, settings=None) -> bytes:  # noqa: ANN001
    """The printable A4 PDF of an unsigned envelope (imports fpdf2 on use); ``heading=None`` renders
    the envelope's forms readably."""
    # local: printing (and through it the dossier parser) loads only when a PDF is made
    from hoso.barcode.printing import print_envelope as _print

    return _print(envelope, heading, settings)


def build_pdf(chunks, heading=(), settings=None) -> bytes:  # noqa: ANN001
    # local: printing (and through it the dossier parser) loads only when a PDF is made
    from hoso.barcode.printing import build_pdf as _build

    return _build(chunks, heading, settings)


__all__ = [
    "DEFAULT_INFLATE_CAP",
    "DEFAULT_MAX_SLICE",
    "Added",
    "BarcodeError",
    "Chunk",
    "ChunkFormatError",
    "Collector",
    "Diagnosis",
    "Dossier",
    "DossierStatus",
    "EncodeError",
    "HashMismatchError",
    "IncompleteError",
    "NoDossierError",
    "PageReport",
    "PayloadError",
    "PayloadTooLargeError",
    "ReadResult",
    "Rejected",
    "UnreadableFileError",
    "build_pdf",
    "collect",
    "make_chunks",
    "parse_chunk",
    "print_envelope",
    "read_files",
    "read_images",
    "read_sources",
    "read_texts",
]
