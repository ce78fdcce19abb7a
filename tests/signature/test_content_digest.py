"""ValidationReport.content_digest: what the signature covers, the same however the file is signed again."""

from __future__ import annotations

from hoso.dossier import build_d02
from hoso.signature import verify
from hoso.testing.envelopes import d02_rows
from tests.xmlsec1_signing import needs_xmlsec1, xmlsec1_sign


def _form(seed: int = 0) -> bytes:
    return build_d02({"MaDonVi": "HB00001", "TenDonVi": "Công ty"}, d02_rows(2, seed=seed))


def test_the_same_content_has_the_same_digest_whoever_signs_it(test_pki):
    trust = test_pki.trust()
    first = verify(test_pki.sign(_form()), trust=trust)
    again = verify(test_pki.sign(_form(), "unit-ec"), trust=trust)  # another key, another algorithm
    other = verify(test_pki.sign(_form(seed=1)), trust=trust)
    assert first.passed and again.passed and other.passed
    assert first.content_digest == again.content_digest != other.content_digest
    assert first.content_digest.startswith("http://www.w3.org/2001/04/xmlenc#sha256 ")


@needs_xmlsec1
def test_a_file_signed_by_xmlsec1_has_the_digest_of_the_same_content_signed_by_hoso(test_pki):
    trust = test_pki.trust()
    ours = verify(test_pki.sign(_form()), trust=trust)
    theirs = verify(xmlsec1_sign(_form(), test_pki["unit-valid"].p12_path, test_pki.password), trust=trust)
    assert theirs.passed and theirs.content_digest == ours.content_digest


def test_no_digest_unless_the_signature_verifies(test_pki):
    tampered = test_pki.sign(_form()).replace(b"HB00001", b"HB00002")
    report = verify(tampered, trust=test_pki.trust())
    assert not report.passed and report.content_digest is None
