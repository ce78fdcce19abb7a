"""Coded errors of the barcode package (Vietnamese first, English beside it)."""

from __future__ import annotations

from hoso.errors import CodedError


def format_ranges(numbers: list[int]) -> str:
    """``[2, 3, 4, 7]`` -> ``"2-4, 7"`` (sorted input)."""
    parts: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if start is not None and (number is None or number != previous + 1):
            parts.append(str(start) if start == previous else f"{start}-{previous}")
            start = None
        if number is not None and start is None:
            start = number
        previous = number
    return ", ".join(parts)


class BarcodeError(CodedError):
    """Any refusal of the barcode package."""


class ChunkFormatError(BarcodeError):
    """A symbol's text is not a ``HOSO1|h|i|n|data`` chunk."""

    def __init__(self, reason_vi: str, reason_en: str, **details: object) -> None:
        super().__init__(
            "BARCODE_CHUNK_FORMAT",
            f"Nội dung mã vạch không đúng định dạng HOSO1: {reason_vi}.",
            f"The barcode text is not a HOSO1 chunk: {reason_en}.",
            **details,
        )


class IncompleteError(BarcodeError):
    """Some symbols of a dossier were not read."""

    def __init__(self, h: str, n: int, missing: list[int]) -> None:
        listed = format_ranges(missing)
        super().__init__(
            "BARCODE_INCOMPLETE",
            f"Hồ sơ {h} thiếu {len(missing)}/{n} mã vạch: số {listed}. "
            "Hãy quét lại các trang có những mã vạch này.",
            f"Dossier {h} is missing {len(missing)} of {n} barcodes: number {listed}. "
            "Scan the pages that carry them again.",
            hash=h,
            count=n,
            missing=missing,
        )


class HashMismatchError(BarcodeError):
    """All symbols are there but the reassembled payload is not the one they announce."""

    def __init__(self, h: str, n: int) -> None:
        super().__init__(
            "BARCODE_HASH_MISMATCH",
            f"Hồ sơ {h}: đủ {n} mã vạch nhưng dữ liệu ghép lại không khớp mã băm SHA-256 "
            "(mã vạch hỏng hoặc bị sửa). Không dùng được dữ liệu này; hãy yêu cầu đơn vị in lại.",
            f"Dossier {h}: all {n} barcodes are there but the reassembled data does not match its "
            "SHA-256 (damaged or altered barcodes). The data is not usable; ask the unit to print again.",
            hash=h,
            count=n,
        )


class PayloadError(BarcodeError):
    """The payload matches its hash but is not a valid zlib stream of UTF-8 text."""

    def __init__(self, h: str, reason_vi: str, reason_en: str) -> None:
        super().__init__(
            "BARCODE_PAYLOAD_INVALID",
            f"Hồ sơ {h}: dữ liệu không giải nén được ({reason_vi}).",
            f"Dossier {h}: the data cannot be inflated ({reason_en}).",
            hash=h,
        )


class PayloadTooLargeError(BarcodeError):
    """Inflating the payload would exceed the configured cap (compression bomb)."""

    def __init__(self, h: str, cap: int) -> None:
        super().__init__(
            "BARCODE_PAYLOAD_TOO_LARGE",
            f"Hồ sơ {h}: dữ liệu giải nén vượt quá giới hạn {cap} byte; từ chối (nghi bom nén).",
            f"Dossier {h}: the inflated data exceeds the {cap}-byte cap; refused (possible "
            "compression bomb).",
            hash=h,
            cap=cap,
        )


class NoDossierError(BarcodeError):
    """Nothing in the inputs was a HOSO1 symbol."""

    def __init__(self) -> None:
        super().__init__(
            "BARCODE_NOTHING_READ",
            "Không đọc được mã vạch hồ sơ nào từ các tệp đã cho.",
            "No dossier barcode could be read from the given files.",
        )


class UnreadableFileError(BarcodeError):
    """A file could not be opened as an image, a PDF or scanner text."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(
            "BARCODE_FILE_UNREADABLE",
            f"Không mở được tệp {name}: {reason}. Chấp nhận ảnh PNG, JPEG, TIFF, tệp PDF hoặc tệp văn bản "
            "do máy quét mã vạch gõ ra.",
            f"Cannot open file {name}: {reason}. Accepted: PNG, JPEG, TIFF images, PDF files, or text files "
            "typed by a barcode scanner.",
            file=name,
        )


class EncodeError(BarcodeError):
    """The writer could not make a symbol (slice too large for one PDF417 symbol)."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "BARCODE_ENCODE_FAILED",
            f"Không tạo được mã vạch PDF417: {reason}. Hãy giảm kích thước phần dữ liệu mỗi mã vạch.",
            f"Cannot make the PDF417 symbol: {reason}. Use a smaller slice per symbol.",
        )
