"""The six real I-VAN files get exactly the verdicts their README states."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from cryptography import x509
from lxml import etree

from hoso.signature import Indication, SubIndication, TrustStore, verify

AT = datetime(2024, 9, 26, tzinfo=UTC)
DS = "{http://www.w3.org/2000/09/xmldsig#}"
SIGNER_FP = "B3A488792CC44D21EB646BF457D012588327F50643DD6C65849FFE469069FFC4"


@pytest.fixture(scope="module")
def pinned(real_vectors) -> TrustStore:
    raw = (real_vectors / "form-m01b-valid-1.xml").read_bytes()
    der = base64.b64decode(etree.fromstring(raw).findtext(f".//{DS}X509Certificate"))
    return TrustStore([x509.load_der_x509_certificate(der)])


@pytest.mark.parametrize("name", ["form-m01b-valid-1.xml", "form-m01b-valid-2.xml", "form-m01b-valid-3.xml"])
def test_valid_forms_pass_with_the_quirk_as_a_warning(real_vectors, pinned, name):
    report = verify((real_vectors / name).read_bytes(), trust=pinned, at=AT)
    assert report.indication is Indication.TOTAL_PASSED, report.reason_en
    assert report.signer.tax_code == "0101300842"
    assert report.signer.serial == "540101017AE06F7CD3488DA2A3556C52"
    assert report.signer.fingerprint_sha256 == SIGNER_FP
    codes = {w.code for w in report.warnings}
    assert "UNSIGNED_OBJECT_IGNORED" in codes and "CLAIMED_SIGNING_TIME" in codes
    assert report.claimed_signing_time  # information only
    assert report.signed_root is not None and report.signed_root.tag == "M01B-HSB"
    assert report.signed_root.find(".//Cky") is not None
    assert next(report.signed_root.iter(f"{DS}Signature"), None) is None
    assert b"SigningTime" not in report.signed_xml


def test_envelope_and_its_embedded_form_pass(real_vectors, pinned):
    report = verify((real_vectors / "envelope-valid-net-object.xml").read_bytes(), trust=pinned, at=AT)
    assert report.indication is Indication.TOTAL_PASSED, report.reason_en
    assert report.kind == "envelope"
    assert report.signer.tax_code == "0101300842"
    assert [(p.name, p.kind, p.indication) for p in report.parts] == [
        ("test.pdf", "attachment", Indication.TOTAL_PASSED),
        ("M01B-HSB.xml", "form", Indication.TOTAL_PASSED),
    ]
    assert report.parts[1].signer.tax_code == "0101300842"
    assert report.parts[1].signed_root.tag == "M01B-HSB"


def test_digest_mismatch_is_a_hash_failure(real_vectors, pinned):
    report = verify((real_vectors / "form-m01b-digest-mismatch.xml").read_bytes(), trust=pinned, at=AT)
    assert report.indication is Indication.FAILED
    assert report.sub_indication is SubIndication.HASH_FAILURE
    assert report.signed_root is None


def test_unsigned_form_is_not_signed(real_vectors, pinned):
    report = verify((real_vectors / "form-m01b-unsigned.xml").read_bytes(), trust=pinned, at=AT)
    assert report.indication is Indication.FAILED
    assert report.sub_indication is SubIndication.NO_SIGNATURE
    assert "chưa được ký" in report.reason


def test_without_trust_anchor_the_chain_is_indeterminate(real_vectors):
    report = verify((real_vectors / "form-m01b-valid-1.xml").read_bytes(), trust=TrustStore([]), at=AT)
    assert report.indication is Indication.INDETERMINATE
    assert report.sub_indication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def test_pinned_certificate_has_expired_since(real_vectors, pinned):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    report = verify((real_vectors / "form-m01b-valid-1.xml").read_bytes(), trust=pinned, at=at)
    assert report.indication is Indication.INDETERMINATE
    assert report.sub_indication is SubIndication.OUT_OF_BOUNDS_NO_POE


def test_one_changed_byte_breaks_the_real_signature(real_vectors, pinned):
    raw = (real_vectors / "form-m01b-valid-1.xml").read_bytes().replace(b"fdgfdgdfg", b"fdgfdgdfh")
    report = verify(raw, trust=pinned, at=AT)
    assert report.sub_indication is SubIndication.HASH_FAILURE
