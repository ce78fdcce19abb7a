"""Benchmark: full ``hoso.signature.verify`` against bare python-xmlsec on the same bytes.

Builds signed envelopes of real shape — a D02-TS list of 10, 100 and 1,000 employees plus TK1-TS
declarations, each form signed at ``Cky``, base64-embedded, the envelope signed at ``CKy_Dvi`` — with a
generated test PKI, then times, in the same run and on the same bytes:

* **full**: ``verify()`` — hardened parse, profile checks, libxmlsec1, certificate path (cached after
  the first dossier of the unit), every embedded form verified the same way, declared lengths, signed
  content extracted;
* **bare**: what a minimal verifier does with python-xmlsec — ``lxml.etree.fromstring``, the key from
  the certificate, ``SignatureContext.verify`` on the envelope and on each embedded form.

Prints the per-envelope cost of both, the ratio (goal: at most 1.5×) and the cost per kB (goal:
linear in the envelope's size). Run: ``.venv/bin/python bench/verify.py [--repeat N] [--sizes 10,100]``;
``--quick`` (lists of 10 and 100, 3 rounds) checks that it still runs (the suite's check).
"""

from __future__ import annotations

import argparse
import base64
import statistics
import tempfile
import time
from datetime import UTC, datetime

import xmlsec
from lxml import etree

from hoso import dossier
from hoso.signature import TrustStore, verify
from hoso.signature.packing import pack
from hoso.signature.pki import make_demo_pki
from hoso.signature.sign import Pkcs12Signer

DS = "{http://www.w3.org/2000/09/xmldsig#}"


def build(n: int, signer) -> bytes:
    rows = [
        dossier.D02Row(
            stt=str(i),
            ho_ten=f"Nguyễn Văn Trường {i}",
            ma_so_bhxh=f"01{i:08d}",
            ngay_sinh="12/03/1988",
            gioi_tinh=str(i % 2),
            tien_luong=str(5_000_000 + 1000 * i),
            tu_thang="11/2026",
            den_thang="",
            pa="TM",
            ty_le_dong="32",
            cmnd=f"0010{i:08d}",
            ghi_chu="Tăng mới",
        )
        for i in range(1, n + 1)
    ]
    files = [("D02-TS.xml", dossier.build_d02({"MaDonVi": "TA0100A", "TenDonVi": "Công ty Hoà Bình"}, rows))]
    for i in range(3):
        decl = dossier.TK1Declaration(
            ho_ten=f"Trần Thị Lan {i}",
            ngay_sinh="01/01/1995",
            gioi_tinh="0",
            quoc_tich="VN",
            dan_toc="01",
            ma_tinh_ks="01",
            ma_huyen_ks="001",
            ma_xa_ks="00001",
            ma_tinh_benh_vien="01",
            ma_benh_vien="01001",
        )
        files.append((f"TK1-TS-{i}.xml", dossier.build_tk1({"MaDonVi": "TA0100A"}, decl)))
    return pack(
        files, signer=signer, unit_code="TA0100A", procedure_code="600", period="11/2026", ivan_code="00030"
    )


def bare_verify(data: bytes) -> None:
    """A minimal python-xmlsec verification of the envelope and its embedded forms."""

    def one(root: etree._Element) -> None:
        sig = root.find(f".//{DS}Signature")
        der = base64.b64decode(sig.findtext(f".//{DS}X509Certificate"))
        ctx = xmlsec.SignatureContext()
        ctx.key = xmlsec.Key.from_memory(der, xmlsec.constants.KeyDataFormatCertDer, None)
        ctx.verify(sig)

    root = etree.fromstring(data)
    one(root)
    for item in root.iterfind("NoiDung/ThongTinHoSo/ToKhais/FileToKhai"):
        if item.findtext("LoaiFile") == ".xml":
            one(etree.fromstring(base64.b64decode(item.findtext("NoiDungFile"))))


def timed_pair(full, bare, repeat: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """(median, minimum) of each, the two interleaved so that load from other processes hits both alike.

    The machine is shared: the minimum is the least disturbed figure, the median the typical one.
    """
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((full, samples[0]), (bare, samples[1])):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return (
        (statistics.median(samples[0]), min(samples[0])),
        (statistics.median(samples[1]), min(samples[1])),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--quick", action="store_true", help="lists of 10 and 100 employees, 3 rounds")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repeat = "10,100", 3
    with tempfile.TemporaryDirectory() as tmp:
        pki = make_demo_pki(tmp)
        signer = Pkcs12Signer.from_file(pki["unit-valid"].p12_path, pki.password)
        trust = TrustStore.from_paths([pki.anchors_dir], crls=[pki.crls_dir])
        at = datetime.now(UTC)
        print(
            f"{'employees':>9} {'size kB':>8} {'full ms':>8} {'bare ms':>8} {'ratio':>6}"
            f" {'min full':>9} {'min bare':>9} {'ratio':>6} {'full µs/kB':>10}"
        )
        for n in (int(s) for s in args.sizes.split(",")):
            data = build(n, signer)
            first = verify(
                data, trust=trust, at=at
            )  # warms the certificate cache, as for a unit's 2nd dossier
            assert first.passed, first.reason_en
            bare_verify(data)
            repeat = max(min(5, args.repeat), args.repeat if n < 1000 else args.repeat // 3)
            (full, full_min), (bare, bare_min) = timed_pair(
                lambda data=data: verify(data, trust=trust, at=at),
                lambda data=data: bare_verify(data),
                repeat,
            )
            kb = len(data) / 1024
            print(
                f"{n:>9} {kb:>8.1f} {full * 1e3:>8.2f} {bare * 1e3:>8.2f} {full / bare:>6.2f}"
                f" {full_min * 1e3:>9.2f} {bare_min * 1e3:>9.2f} {full_min / bare_min:>6.2f}"
                f" {full_min * 1e6 / kb:>10.1f}"
            )


if __name__ == "__main__":
    main()
