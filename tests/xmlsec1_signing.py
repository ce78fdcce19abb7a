"""Files signed by the ``xmlsec1`` command (Debian package xmlsec1), never by hoso's signing code: what an
independent I-VAN client sends. The profile is the I-VAN one (enveloped, inclusive C14N, RSA-SHA256, the
certificate and its chain in ``X509Data``), the signature in ``Cky`` of a form or ``CKy_Dvi`` of an
envelope."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from shutil import which

import pytest
from lxml import etree

from hoso.dossier import EnvelopeFile, build_d02
from hoso.testing.envelopes import d02_rows
from hoso.testing.envelopes import envelope as unsigned_envelope

XMLSEC1 = which("xmlsec1")
needs_xmlsec1 = pytest.mark.skipif(
    XMLSEC1 is None, reason="the xmlsec1 command is absent (Debian package xmlsec1)"
)

DS = "http://www.w3.org/2000/09/xmldsig#"
TEMPLATE = f"""<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference URI=""><ds:Transforms>
<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>
</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>"""


def xmlsec1_sign(xml: bytes, p12: Path, password: str) -> bytes:
    """``xml`` (a form, or an envelope with an empty ``CKy_Dvi``) signed by xmlsec1 (in ``Cky`` for a form)."""
    root = etree.fromstring(xml)
    parent = root.find("CKy_Dvi") if root.tag == "Hoso" else root.find("Cky")
    if parent is None:
        parent = etree.SubElement(root, "Cky")
    parent.append(etree.fromstring(TEMPLATE))
    with tempfile.TemporaryDirectory() as folder:
        source, signed = Path(folder) / "in.xml", Path(folder) / "out.xml"
        source.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        subprocess.run(
            [
                XMLSEC1,
                "--sign",
                "--pkcs12",
                str(p12),
                "--pwd",
                password,
                "--output",
                str(signed),
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        return signed.read_bytes()


def d02(unit_code: str, *, employees: int = 2, seed: int = 0) -> bytes:
    """An unsigned D02-TS form of ``unit_code``."""
    return build_d02({"MaDonVi": unit_code, "TenDonVi": "Đơn vị thử nghiệm"}, d02_rows(employees, seed=seed))


def envelope(forms: list[bytes], *, unit_code: str, tax_code: str, **kwargs) -> bytes:
    """An unsigned envelope carrying ``forms`` (already signed), for xmlsec1_sign (the other keywords:
    hoso.testing.envelopes.envelope's)."""
    files = [
        EnvelopeFile(
            name=f"D02-TS-{i}.xml", content=form, form_code="D02-TS", description="Danh sách lao động"
        )
        for i, form in enumerate(forms)
    ]
    return unsigned_envelope(unit_code=unit_code, tax_code=tax_code, forms=files, **kwargs)
