"""`hoso barcode read FILE...` and `hoso barcode print ENVELOPE.xml -o OUT.pdf`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hoso.errors import CodedError


def register(subparsers: argparse._SubParsersAction) -> None:
    barcode = subparsers.add_parser(
        "barcode", help="mã vạch PDF417: in hồ sơ, đọc ảnh quét (barcoded dossiers)"
    )
    sub = barcode.add_subparsers(dest="barcode_command", metavar="ACTION", required=True)

    read = sub.add_parser(
        "read",
        help="đọc hồ sơ từ ảnh PNG/JPEG/TIFF, PDF hoặc tệp dòng máy quét (read a dossier from scans)",
        description="Exit 0: every dossier found is complete and verified; 1: incomplete, corrupt or nothing read.",
    )
    read.add_argument(
        "files", nargs="+", metavar="FILE", help="PNG, JPEG, TIFF, PDF, or scanner text; - reads stdin"
    )
    read.add_argument(
        "-o", "--output", metavar="ENVELOPE.xml", help="write the envelope here (default: stdout)"
    )
    read.add_argument("--json", action="store_true", help="print the full report as JSON on stdout")
    read.add_argument("--lang", default="vi", choices=("vi", "en"), help="language of the messages")
    read.add_argument(
        "--max-size",
        type=int,
        default=None,
        metavar="BYTES",
        help="refuse envelopes larger than this when inflated",
    )
    read.set_defaults(handler=_read)

    print_ = sub.add_parser(
        "print", help="in hồ sơ ra PDF A4 có mã vạch (print an envelope as barcoded A4 PDF)"
    )
    print_.add_argument("envelope", metavar="ENVELOPE.xml")
    print_.add_argument("-o", "--output", required=True, metavar="OUT.pdf")
    print_.add_argument(
        "--max-slice", type=int, default=None, metavar="BYTES", help="payload bytes per symbol"
    )
    print_.set_defaults(handler=_print)


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _read(args: argparse.Namespace) -> int:
    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.barcode.chunks import DEFAULT_INFLATE_CAP
    from hoso.barcode.reader import read_sources

    en = args.lang == "en"
    sources = []
    for name in args.files:
        if name == "-":
            sources.append(("stdin", sys.stdin.buffer.read()))
            continue
        try:
            sources.append((name, Path(name).read_bytes()))
        except OSError as exc:
            _say(f"Cannot open {name}: {exc.strerror}" if en else f"Không mở được tệp {name}: {exc.strerror}")
            return 1
    result = read_sources(sources, args.max_size or DEFAULT_INFLATE_CAP)
    for line in result.messages("en" if en else "vi"):
        _say(line)
    verified = result.verified
    if args.output and verified:
        target = Path(args.output)
        for dossier in verified:
            path = (
                target
                if len(verified) == 1
                else target.with_name(f"{target.stem}-{dossier.h}{target.suffix}")
            )
            path.write_bytes(dossier.envelope)
            _say(f"→ {path}")

    if args.json:
        report = result.as_dict()
        if not args.output:
            for entry, status in zip(report["dossiers"], result.dossiers, strict=True):  # type: ignore[arg-type]
                if status.dossier is not None:
                    entry["envelope"] = status.dossier.envelope.decode("utf-8")
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif not args.output and verified:
        if len(verified) > 1:
            _say(
                "Several dossiers: use -o to write each to its own file."
                if en
                else "Có nhiều hồ sơ: dùng -o để ghi mỗi hồ sơ ra một tệp."
            )
            return 1
        sys.stdout.buffer.write(verified[0].envelope)
        sys.stdout.flush()
    return 0 if result.complete else 1


def _is_signed(envelope: bytes) -> bool:
    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.dossier import parse_envelope

    try:
        return parse_envelope(envelope).signed
    except (CodedError, ValueError):
        return False


def _print(args: argparse.Namespace) -> int:
    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.barcode.chunks import DEFAULT_MAX_SLICE
    from hoso.barcode.errors import BarcodeError
    from hoso.barcode.printing import PrintSettings, print_envelope

    try:
        envelope = Path(args.envelope).read_bytes()
    except OSError as exc:
        _say(f"Không mở được tệp {args.envelope}: {exc.strerror}")
        return 1
    try:
        text = envelope.decode("utf-8").lstrip("\ufeff \t\r\n")
    except UnicodeDecodeError:
        text = ""
    if not text.startswith("<"):
        _say("Tệp hồ sơ phải là XML mã hóa UTF-8. / The envelope must be UTF-8 XML.")
        return 1
    if _is_signed(envelope):
        _say(
            "Lưu ý: hồ sơ có chữ ký số (CKy_Dvi); bản in mã vạch không mang chữ ký. Hồ sơ đã ký hãy nộp "
            "điện tử qua I-VAN. / Note: the envelope is signed; the barcoded print does not carry the signature."
        )
    settings = PrintSettings(max_slice=args.max_slice or DEFAULT_MAX_SLICE)
    try:
        pdf = print_envelope(envelope, None, settings)
    except BarcodeError as exc:
        _say(exc.message_vi)
        return 1
    Path(args.output).write_bytes(pdf)
    _say(f"Đã ghi {args.output}")
    return 0
