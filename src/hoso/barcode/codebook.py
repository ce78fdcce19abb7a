"""The codes of reading barcoded (semi-electronic) dossiers at the desk, declared once for the code
catalogue (:mod:`hoso.codes`). The officer who scans reads them; the next step is theirs or the unit's."""

from __future__ import annotations

from hoso.codes import CV_2671, Code, declare

BASIS = f"{CV_2671} (hồ sơ bán điện tử có mã vạch)"
_RESCAN = (
    "Quét lại các trang có mã vạch (300 dpi, thẳng, đủ sáng); nếu vẫn không đọc được, nhận hồ sơ giấy và nhập tay.",
    "Scan the barcoded pages again (300 dpi, straight, well lit); if they still cannot be read, receive the dossier "
    "on paper and type it in.",
)
_REPRINT = (
    "Đề nghị đơn vị in lại hồ sơ có mã vạch từ phần mềm kê khai (hoặc nộp hồ sơ điện tử qua tổ chức I-VAN).",
    "Ask the unit to print the barcoded dossier again from its filing software (or to file electronically "
    "through an I-VAN).",
)


def _barcode(code: str, vi: str, en: str, advice: tuple[str, str]) -> Code:
    return Code(code, vi, en, BASIS, *advice, audience="desk")


CODES = (
    _barcode(
        "BARCODE_CHUNK_FORMAT",
        "Nội dung một mã vạch không đúng định dạng HOSO1.",
        "A barcode's text is not a HOSO1 chunk.",
        _REPRINT,
    ),  # fmt: skip
    _barcode(
        "BARCODE_INCOMPLETE",
        "Chưa đọc đủ các mã vạch của hồ sơ.",
        "Not every barcode of the dossier was read.",
        _RESCAN,
    ),  # fmt: skip
    _barcode(
        "BARCODE_HASH_MISMATCH",
        "Dữ liệu ghép từ các mã vạch không khớp mã băm (mã vạch hỏng hoặc bị sửa).",
        "The data put together from the barcodes does not match its hash (damaged or altered barcodes).",
        _REPRINT,
    ),  # fmt: skip
    _barcode(
        "BARCODE_PAYLOAD_INVALID",
        "Dữ liệu trong mã vạch không giải nén được.",
        "The data in the barcodes cannot be inflated.",
        _REPRINT,
    ),  # fmt: skip
    _barcode(
        "BARCODE_PAYLOAD_TOO_LARGE",
        "Dữ liệu giải nén từ mã vạch vượt quá giới hạn cho phép.",
        "The data inflated from the barcodes exceeds the cap.",
        _REPRINT,
    ),  # fmt: skip
    _barcode(
        "BARCODE_NOTHING_READ",
        "Không đọc được mã vạch hồ sơ nào từ các tệp đã cho.",
        "No dossier barcode could be read from the given files.",
        _RESCAN,
    ),  # fmt: skip
    _barcode(
        "BARCODE_FILE_UNREADABLE",
        "Không mở được tệp quét (chấp nhận ảnh PNG, JPEG, TIFF, PDF hoặc văn bản do máy quét mã vạch gõ ra).",
        "A scanned file cannot be opened (accepted: PNG, JPEG, TIFF images, PDF, or text typed by a barcode "
        "scanner).",
        _RESCAN,
    ),  # fmt: skip
    _barcode(
        "BARCODE_ENCODE_FAILED",
        "Không tạo được mã vạch PDF417 cho phần dữ liệu này.",
        "The PDF417 symbol cannot be made for this slice of data.",
        ("In lại với phần dữ liệu nhỏ hơn cho mỗi mã vạch.", "Print again with a smaller slice per symbol."),
    ),  # fmt: skip
)

declare("barcode", *CODES)
