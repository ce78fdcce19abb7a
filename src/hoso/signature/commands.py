"""``hoso verify``, ``hoso sign``, ``hoso pack``, ``hoso pki demo``.

Exit codes of ``hoso verify``: 0 TOTAL_PASSED, 1 FAILED, 2 INDETERMINATE, 3 usage or read error.
Other commands: 0 done, 3 usage, read or signing error. Messages in Vietnamese; ``--lang en`` for English.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from hoso.errors import CodedError

EXIT_USAGE = 3

_LABELS = {
    "vi": {
        "TOTAL_PASSED": "HỢP LỆ",
        "FAILED": "KHÔNG HỢP LỆ",
        "INDETERMINATE": "CHƯA XÁC ĐỊNH",
        "result": "Kết quả",
        "reason": "Lý do",
        "file": "Tệp",
        "signer": "Người ký",
        "tax": "Mã số thuế",
        "serial": "Số hiệu chứng thư",
        "issuer": "Tổ chức cấp",
        "validity": "Hiệu lực",
        "claimed": "Thời điểm ký khai báo (không được ký, chỉ tham khảo)",
        "at": "Thời điểm kiểm tra",
        "warnings": "Cảnh báo",
        "parts": "Các tệp trong hồ sơ",
        "error": "Lỗi",
        "written": "Đã ghi",
    },
    "en": {
        "TOTAL_PASSED": "VALID",
        "FAILED": "INVALID",
        "INDETERMINATE": "INDETERMINATE",
        "result": "Result",
        "reason": "Reason",
        "file": "File",
        "signer": "Signer",
        "tax": "Tax code",
        "serial": "Certificate serial",
        "issuer": "Issuer",
        "validity": "Validity",
        "claimed": "Claimed signing time (not signed, information only)",
        "at": "Validation time",
        "warnings": "Warnings",
        "parts": "Files in the dossier",
        "error": "Error",
        "written": "Written",
    },
}


def _usage_error(parser: argparse.ArgumentParser):
    def error(message: str):
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: lỗi / error: {message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)

    return error


def _add(subparsers, name: str, **kwargs) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, **kwargs)
    parser.error = _usage_error(parser)
    parse_known = parser.parse_known_args

    def strict(args=None, namespace=None):
        # Unknown options would otherwise reach the top-level parser, which exits 2; ours exit 3.
        namespace, extras = parse_known(args, namespace)
        if extras:
            parser.error(f"không hiểu / unrecognized: {' '.join(extras)}")
        return namespace, extras

    parser.parse_known_args = strict
    return parser


def _signer_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--p12", metavar="FILE", help="tệp PKCS#12 chứa khoá và chứng thư (PKCS#12 key file)")
    parser.add_argument(
        "--password", default=None, help="mật khẩu tệp PKCS#12; mặc định biến môi trường HOSO_P12_PASSWORD"
    )
    parser.add_argument(
        "--pkcs11", metavar="LIB", help="thư viện PKCS#11 của token (token's PKCS#11 library)"
    )
    parser.add_argument("--token", metavar="LABEL", help="nhãn token (token label)")
    parser.add_argument(
        "--pin", default=None, help="mã PIN của token; mặc định biến môi trường HOSO_TOKEN_PIN"
    )
    parser.add_argument("--key-label", default=None, help="nhãn khoá trên token (key label on the token)")
    parser.add_argument(
        "--cert", metavar="PEM", help="chứng thư nếu token không lưu (certificate if not on token)"
    )
    parser.add_argument(
        "--chain", metavar="PEM", help="chứng thư CA trung gian đưa kèm chữ ký (intermediate CA certificates)"
    )
    parser.add_argument("--hash", default="sha256", choices=["sha256", "sha384", "sha512"])
    parser.add_argument("--lang", default="vi", choices=["vi", "en"])


def register(subparsers) -> None:
    verify = _add(
        subparsers,
        "verify",
        help="kiểm tra chữ ký số của tờ khai hoặc hồ sơ (verify a signed form or envelope)",
        description="Kiểm tra chữ ký số. Mã thoát: 0 hợp lệ, 1 không hợp lệ, 2 chưa xác định, 3 lỗi sử dụng/đọc.",
    )
    verify.add_argument("file", metavar="FILE", help="tờ khai hoặc hồ sơ BHXHDienTu.xml (form or envelope)")
    verify.add_argument(
        "--trust-anchor",
        action="append",
        default=[],
        metavar="PEM",
        help="chứng thư CA tin cậy, hoặc chứng thư người ký được ghim; tệp hoặc thư mục (CA or pinned cert)",
    )
    verify.add_argument(
        "--intermediate", action="append", default=[], metavar="PEM", help="CA trung gian (intermediate CA)"
    )
    verify.add_argument("--crl", action="append", default=[], metavar="FILE", help="CRL (tệp hoặc thư mục)")
    verify.add_argument(
        "--at", metavar="ISO-DATETIME", help="thời điểm kiểm tra (validation time), mặc định: bây giờ"
    )
    verify.add_argument("--json", action="store_true", help="in báo cáo JSON (machine-readable report)")
    verify.add_argument("--lang", default="vi", choices=["vi", "en"], help="ngôn ngữ (language)")
    verify.add_argument(
        "--revocation",
        default="crl_or_ocsp",
        choices=["crl_or_ocsp", "crl", "ocsp", "if_declared", "none"],
        help="chính sách kiểm tra thu hồi (revocation policy)",
    )
    verify.add_argument("--network", action="store_true", help="cho phép tải CRL qua mạng (fetch CRLs)")
    verify.add_argument("--ocsp", action="store_true", help="cho phép hỏi OCSP (with --network)")
    verify.set_defaults(handler=handle_verify)

    sign = _add(subparsers, "sign", help="ký số tờ khai (Cky) hoặc hồ sơ (CKy_Dvi) (sign a form or envelope)")
    sign.add_argument("file", metavar="FILE")
    sign.add_argument("-o", "--output", required=True, metavar="OUT")
    _signer_options(sign)
    sign.set_defaults(handler=handle_sign)

    pack = _add(subparsers, "pack", help="đóng gói hồ sơ điện tử đã ký (build a signed envelope)")
    pack.add_argument("files", nargs="+", metavar="FILE")
    pack.add_argument("--unit", required=True, metavar="CODE", help="mã đơn vị (unit code)")
    pack.add_argument("--procedure", required=True, metavar="CODE", help="mã thủ tục (procedure code)")
    pack.add_argument("--procedure-name", default="", metavar="NAME")
    pack.add_argument("--period", required=True, metavar="MM/YYYY", help="kỳ kê khai (period)")
    pack.add_argument("--ivan", required=True, metavar="CODE", help="mã I-VAN (I-VAN code)")
    pack.add_argument("--ivan-name", default="", metavar="NAME")
    pack.add_argument("--office", default="", metavar="CODE", help="cơ quan quản lý (managing office)")
    pack.add_argument("-o", "--output", required=True, metavar="OUT")
    _signer_options(pack)
    pack.set_defaults(handler=handle_pack)

    pki = _add(subparsers, "pki", help="hạ tầng khoá công khai thử nghiệm (test PKI)")
    pki_sub = pki.add_subparsers(dest="pki_command", metavar="COMMAND", required=True)
    demo = _add(pki_sub, "demo", help="tạo PKI thử nghiệm đầy đủ (make a complete test PKI)")
    demo.add_argument("--out", required=True, metavar="DIR")
    demo.add_argument("--password", default=None, help="mật khẩu các tệp PKCS#12 (default hoso-demo)")
    demo.set_defaults(handler=handle_pki_demo)


def _fail(lang: str, vi: str, en: str) -> int:
    print(f"{_LABELS[lang]['error']}: {en if lang == 'en' else vi}", file=sys.stderr)
    return EXIT_USAGE


def _coded(lang: str, exc) -> int:
    return _fail(lang, f"{exc.code}: {exc.message_vi}", f"{exc.code}: {exc.message_en}")


def render(report, lang: str = "vi", indent: str = "") -> str:
    """The report as text for people (Vietnamese by default)."""
    t = _LABELS[lang]
    en = lang == "en"
    lines = [
        f"{indent}{t['result']}: {t[report.indication.value]} ({report.indication.value}"
        + (f" / {report.sub_indication.value}" if report.sub_indication else "")
        + ")",
        f"{indent}{t['reason']}: {report.reason_en if en else report.reason} [{report.code}]",
    ]
    if report.signer:
        s = report.signer
        lines.append(f"{indent}{t['signer']}: {s.subject}")
        lines.append(f"{indent}  {t['tax']}: {s.tax_code or '—'}; {t['serial']}: {s.serial}")
        lines.append(f"{indent}  {t['issuer']}: {s.issuer}")
        lines.append(f"{indent}  {t['validity']}: {s.not_before.isoformat()} – {s.not_after.isoformat()}")
    if report.claimed_signing_time:
        lines.append(f"{indent}{t['claimed']}: {report.claimed_signing_time}")
    if report.validation_time and not indent:
        lines.append(f"{indent}{t['at']}: {report.validation_time.isoformat()}")
    if report.warnings:
        lines.append(f"{indent}{t['warnings']}:")
        lines.extend(f"{indent}  - {w.message_en if en else w.message}" for w in report.warnings)
    if report.parts:
        lines.append(f"{indent}{t['parts']}:")
        for part in report.parts:
            lines.append(f"{indent}  * {t['file']} {part.name} ({part.form_code or '—'})")
            lines.append(render(part, lang, indent + "    "))
    return "\n".join(lines)


def handle_verify(args) -> int:
    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.signature import RevocationPolicy, TrustConfigError, TrustStore, exit_code, verify

    lang = args.lang
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            return _fail(lang, f"Thời điểm --at không hợp lệ: {args.at!r}", f"Invalid --at time: {args.at!r}")
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        return _fail(
            lang, f"Không đọc được tệp {args.file}: {exc.strerror}", f"Cannot read {args.file}: {exc}"
        )
    try:
        trust = TrustStore.from_paths(
            args.trust_anchor,
            crls=args.crl,
            intermediates=args.intermediate,
            policy=RevocationPolicy(
                ee_rule=args.revocation, ca_rule=args.revocation, network=args.network, ocsp=args.ocsp
            ),
        )
    except TrustConfigError as exc:
        return _coded(lang, exc)
    report = verify(data, trust=trust, at=at)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(report, lang))
    return exit_code(report)


def _make_signer(args):
    from cryptography import x509

    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.signature.sign import Pkcs11Signer, Pkcs12Signer, SignError

    if bool(args.p12) == bool(args.pkcs11):
        raise SignError(
            "SIGN_KEY_SOURCE",
            "Cần đúng một nguồn khoá: --p12 FILE hoặc --pkcs11 LIB --token LABEL.",
            "Exactly one key source is needed: --p12 FILE or --pkcs11 LIB --token LABEL.",
        )
    if args.p12:
        password = args.password if args.password is not None else os.environ.get("HOSO_P12_PASSWORD")
        signer = Pkcs12Signer.from_file(args.p12, password)
        if args.chain:
            signer.chain = x509.load_pem_x509_certificates(Path(args.chain).read_bytes())
        return signer
    if not args.token:
        raise SignError("SIGN_TOKEN_LABEL", "Thiếu --token LABEL.", "--token LABEL is missing.")
    cert = None
    if args.cert:
        cert = x509.load_pem_x509_certificate(Path(args.cert).read_bytes())
    chain = x509.load_pem_x509_certificates(Path(args.chain).read_bytes()) if args.chain else None
    pin = args.pin if args.pin is not None else os.environ.get("HOSO_TOKEN_PIN", "")
    return Pkcs11Signer(args.pkcs11, args.token, pin, key_label=args.key_label, certificate=cert, chain=chain)


def _write_output(path: str, data: bytes, lang: str) -> int:
    Path(path).write_bytes(data)
    print(f"{_LABELS[lang]['written']}: {path}")
    return 0


def handle_sign(args) -> int:
    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.signature.sign import sign_xml

    lang = args.lang
    try:
        data = Path(args.file).read_bytes()
        signer = _make_signer(args)
        signed = sign_xml(data, signer, hash_name=args.hash)
    except OSError as exc:
        return _fail(lang, f"Không đọc/ghi được tệp: {exc}", f"File error: {exc}")
    except CodedError as exc:
        return _coded(lang, exc)
    return _write_output(args.output, signed, lang)


def handle_pack(args) -> int:
    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.signature.packing import pack

    lang = args.lang
    try:
        files = [(Path(f).name, Path(f).read_bytes()) for f in args.files]
        signer = _make_signer(args)
        envelope = pack(
            files,
            signer=signer,
            unit_code=args.unit,
            procedure_code=args.procedure,
            procedure_name=args.procedure_name,
            period=args.period,
            ivan_code=args.ivan,
            ivan_name=args.ivan_name,
            managing_office=args.office,
        )
    except OSError as exc:
        return _fail(lang, f"Không đọc/ghi được tệp: {exc}", f"File error: {exc}")
    except CodedError as exc:
        return _coded(lang, exc)
    return _write_output(args.output, envelope, lang)


def handle_pki_demo(args) -> int:
    # local: loaded only when the command runs (zxing-cpp, fpdf2, lxml, cryptography): `hoso --help` stays fast
    from hoso.signature.pki import DEMO_PASSWORD, make_demo_pki

    pki = make_demo_pki(args.out, password=args.password or DEMO_PASSWORD)
    print(f"Đã tạo PKI thử nghiệm tại {pki.out} (test PKI written).")
    print(f"  CA gốc (trust anchor): {pki.anchors_dir}/root-ca.pem")
    print(f"  CRL: {pki.crls_dir}/")
    print(f"  Mật khẩu PKCS#12 (password): {pki.password}")
    for name, item in pki.entities.items():
        print(f"  {name}: {item.p12_path.name if item.p12_path else item.cert_path.name} MST {item.tax_code}")
    return 0
