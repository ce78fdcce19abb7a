"""Signing a tree built in memory (receipts) gives what signing its serialisation gives, and verifies."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from lxml import etree

from hoso import xmlsafe
from hoso.signature import Indication, verify
from hoso.signature.sign import SignError, sign_tree, sign_xml

FORM = b'<?xml version="1.0" encoding="utf-8"?><D02><MaDonVi>TA0001</MaDonVi><Ten>C\xc3\xb4ng ty</Ten><Cky/></D02>'


def _without_signature_id(signed: bytes) -> bytes:
    return re.sub(rb'Id="sig-[0-9a-f-]+"', b'Id="sig"', signed)


@pytest.mark.parametrize("name", ["unit-valid", "unit-ec"])
def test_signing_a_tree_gives_the_bytes_signing_its_serialisation_gives(test_pki, name):
    signer = test_pki.signer(name)
    from_bytes = sign_xml(FORM, signer)
    from_tree = sign_tree(xmlsafe.parse(FORM), signer)
    if signer.key_type == "rsa":  # PKCS#1 v1.5 is deterministic: every byte is the same
        assert _without_signature_id(from_tree) == _without_signature_id(from_bytes)
    else:  # ECDSA signatures are randomised: all but the signature value
        value = re.compile(rb"<SignatureValue>[^<]*</SignatureValue>")
        assert value.sub(b"", _without_signature_id(from_tree)) == value.sub(
            b"", _without_signature_id(from_bytes)
        )
    report = verify(from_tree, trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.indication is Indication.TOTAL_PASSED, report.code


def test_the_key_info_is_the_signers_even_when_signers_alternate(test_pki):
    """The KeyInfo texts are cached per certificate: a second signer never gets the first one's."""
    rsa_signer, ec_signer = test_pki.signer("unit-valid"), test_pki.signer("unit-ec")
    for signer in (rsa_signer, ec_signer, rsa_signer):
        root = etree.fromstring(sign_tree(xmlsafe.parse(FORM), signer))
        ns = {"ds": "http://www.w3.org/2000/09/xmldsig#"}
        subject = root.findtext(".//ds:X509SubjectName", namespaces=ns)
        assert subject == signer.certificate.subject.rfc4514_string()
        assert (root.find(".//ds:RSAKeyValue", namespaces=ns) is not None) == (signer.key_type == "rsa")


def test_a_signed_tree_is_refused_a_second_signature(test_pki):
    root = etree.fromstring(sign_xml(FORM, test_pki.signer()))
    with pytest.raises(SignError) as caught:
        sign_tree(root, test_pki.signer())
    assert caught.value.code == "SIGN_ALREADY_SIGNED"
