"""Benchmark: peak memory of verifying one file at the upload limit, against the file's own size.

Each shape is verified in a fresh process (as a gunicorn worker would receive it) and the growth of its
peak resident memory (``VmHWM``) over its start is measured, next to the reference measured in the
same run: a process that only reads the same bytes. Shapes, each just under ``--limit`` bytes (default
the upload limit, 20 MiB; ``--quick``: 512 KiB, to check that the benchmark still runs — the suite's
check; the element and attribute counts then outweigh the size, and the goal is not judged):

* ``empty elements`` — ``<x/>`` repeated (issue 24: 655 MB before the limits; refused on its bytes now);
* ``elements at the limit`` — ``HOSO_XML_MAX_ELEMENTS`` elements, padded with text to the size;
* ``attributes at the limit`` — ``HOSO_XML_MAX_ATTRIBUTES`` attributes, padded likewise;
* ``valid envelope`` — a signed envelope carrying a signed D02-TS and a PDF attachment filling the size.

Prints, per shape: the verdict, peak growth in MB, and two ratios — over the upload limit (goal: at most
the multiple stated in docs/security.md) and over the reference process. Run:
``.venv/bin/python bench/memory.py [--limit BYTES] [--quick]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from hoso import dossier, xmlsafe
from hoso.signature.pki import make_demo_pki
from hoso.signature.sign import Pkcs12Signer, sign_xml

GOAL_MULTIPLE = 12  # docs/security.md: a worker's peak growth stays under 12 × the upload limit
QUICK_LIMIT = 512 * 1024

# The peak is read from /proc/self/status (VmHWM, reset by exec), not ru_maxrss, which a child inherits
# from the process that forked it.
CHILD = """
import sys
from hoso.signature import TrustStore, verify
def peak_kb():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
trust = TrustStore.from_paths([])
verify(b'<Hoso/>', trust=trust)  # everything imported and warmed before measuring
before = peak_kb()
raw = open(sys.argv[1], 'rb').read()
if sys.argv[2] == 'verify':
    report = verify(raw, trust=trust)
    code = report.code
else:
    code = 'read only'
print(code, before, peak_kb())
"""


def shapes(limit: int, workdir: Path) -> dict[str, bytes]:
    pki = make_demo_pki(workdir / "pki")
    signer = Pkcs12Signer.from_file(pki["unit-valid"].p12_path, pki.password)
    defaults = xmlsafe.XmlLimits()
    elements, attributes = defaults.max_elements - 1, defaults.max_attributes
    pad = max(limit - 64 - 9 * elements, 0) // elements
    per_attribute = max(limit - 64 - 20 * (attributes // 16), 0) // attributes - 6
    attribute_names = [f"a{i}" for i in range(16)]
    element = "<x " + " ".join(f'{n}="{"v" * max(per_attribute, 0)}"' for n in attribute_names) + "/>"
    return {
        "empty elements": b"<Hoso>" + b"<x/>" * ((limit - 16) // 4) + b"</Hoso>",
        "elements at the limit": b"<Hoso>" + (b"<x>" + b"t" * pad + b"</x>") * elements + b"</Hoso>",
        "attributes at the limit": b"<Hoso>" + element.encode() * (attributes // 16) + b"</Hoso>",
        "valid envelope": _valid_envelope(limit, signer),
        "signed, at every limit": _signed_at_the_limits(limit, signer),
    }


def _signed_at_the_limits(limit: int, signer) -> bytes:
    """A signed envelope with 12 more namespaces in scope and elements up to the limit before its
    signature (the issue's slow shape, within every limit): the whole document is canonicalised."""
    envelope = _valid_envelope(limit // 20, signer)
    declarations = b"".join(b' xmlns:n%d="urn:x:%d"' % (i, i) for i in range(12))
    room = xmlsafe.XmlLimits().max_elements - 200
    pad = max(limit - len(envelope) - 9 * room, 0) // room
    filler = (b"<x>" + b"t" * pad + b"</x>") * room
    return envelope.replace(b"<Hoso", b"<Hoso" + declarations, 1).replace(
        b"<CKy_Dvi>", filler + b"<CKy_Dvi>", 1
    )


def _valid_envelope(limit: int, signer) -> bytes:
    rows = [
        dossier.D02Row(
            stt=str(i), ho_ten=f"Nguyễn Văn Trường {i}", ma_so_bhxh=f"01{i:08d}", ngay_sinh="12/03/1988",
            gioi_tinh="1", tien_luong="5000000", tu_thang="11/2026", pa="TM",
        )
        for i in range(1, 1 + min(2000, limit // 10_000))
    ]  # fmt: skip
    form = sign_xml(dossier.build_d02({"MaDonVi": "TA0100A", "TenDonVi": "Công ty Hoà Bình"}, rows), signer)
    attachment = b"%PDF-1.4\n" + b"0" * int((limit - len(form) * 4 / 3 - 8192) * 3 / 4)
    files = [
        dossier.EnvelopeFile(name="D02-TS.xml", content=form, form_code="D02-TS", description="Danh sách"),
        dossier.EnvelopeFile(name="scan.pdf", content=attachment, form_code="CT-DK", description="Bản chụp"),
    ]
    xml = dossier.build_envelope(
        ivan=dossier.IvanInfo(ma_ivan="00030", ten_ivan="EFY Việt Nam"),
        unit=dossier.UnitInfo(
            ten_doi_tuong="Công ty Hoà Bình", ma_so_bhxh="TA0100A", loai_doi_tuong="1",
            ma_so_thue="0100100100", nguoi_ky="Người ký", dien_thoai="0240000000", co_quan_quan_ly="",
        ),
        procedure_code="600", procedure_name="", period="01/2016", created="05/01/2016", files=files,
    )  # fmt: skip
    return sign_xml(xml, signer)


def measure(path: Path, mode: str) -> tuple[str, int]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    *code, before, after = result.stdout.split()
    return " ".join(code), (int(after) - int(before)) * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="bytes (default the upload limit, 20 MiB)")
    parser.add_argument("--quick", action="store_true", help="512 KiB shapes; the goal is not judged")
    args = parser.parse_args()
    args.limit = args.limit or (QUICK_LIMIT if args.quick else 20 * 1024 * 1024)
    mb = 1024 * 1024
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(f"upload limit {args.limit / mb:.1f} MB; peak growth of one process verifying one file")
        print(f"{'shape':<26}{'size MB':>9}{'verdict':>28}{'peak MB':>9}{'÷ limit':>9}{'÷ read only':>13}")
        for name, raw in shapes(args.limit, workdir).items():
            path = workdir / "shape.xml"
            path.write_bytes(raw)
            _, reference = measure(path, "read")
            code, grown = measure(path, "verify")
            ratio = grown / args.limit
            worst = max(worst, ratio)
            print(
                f"{name:<26}{len(raw) / mb:>9.1f}{code:>28}{grown / mb:>9.0f}{ratio:>9.1f}"
                f"{grown / max(reference, 1):>13.1f}"
            )
            del raw
    print(f"worst: {worst:.1f} × the upload limit (goal: under {GOAL_MULTIPLE} ×)")
    if args.quick:
        return 0  # at this size the fixed counts of elements, not the size, make the peak
    return 0 if worst < GOAL_MULTIPLE else 1


if __name__ == "__main__":
    sys.exit(main())
