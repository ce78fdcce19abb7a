"""Property tests: verify never raises, and never passes content other than what was signed."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from hoso import xmlsafe
from hoso.signature import Indication, verify, verify_tree

AT = datetime.now(UTC)
DS = "{http://www.w3.org/2000/09/xmldsig#}"


@pytest.fixture(scope="module")
def signed(test_pki, d02_form):
    data = test_pki.sign(d02_form)
    trust = test_pki.trust()
    baseline = verify(data, trust=trust, at=AT)
    assert baseline.passed
    return data, trust, etree.tostring(baseline.signed_root, method="c14n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_byte_mutations_never_pass_other_content(signed, data):
    raw, trust, canonical = signed
    position = data.draw(st.integers(0, len(raw) - 1))
    value = data.draw(st.integers(0, 255))
    mutated = raw[:position] + bytes([value]) + raw[position + 1 :]
    report = verify(mutated, trust=trust, at=AT)
    assert report.indication in Indication
    if report.passed:
        assert etree.tostring(report.signed_root, method="c14n") == canonical
    else:
        assert report.signed_root is None or report.indication is Indication.INDETERMINATE


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_inserted_elements_never_pass(signed, data):
    raw, trust, canonical = signed
    root = etree.fromstring(raw)
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el.tag != f"{DS}Signature"]
    target = data.draw(st.sampled_from(elements))
    tag = data.draw(
        st.sampled_from(["LaoDong", "NoiDung", "D02-TS", "Cky", f"{DS}Signature", f"{DS}Object", "X"])
    )
    etree.SubElement(target, tag).text = data.draw(st.text("abcĐđ xyz", max_size=5))
    report = verify(etree.tostring(root), trust=trust, at=AT)
    if report.passed:  # only possible when the insertion landed in the unsigned signature element
        assert etree.tostring(report.signed_root, method="c14n") == canonical


@pytest.fixture(scope="module")
def signed_envelope(test_pki, d02_form):
    from hoso.signature.packing import pack

    data = pack(
        [("d02.xml", d02_form), ("giay.pdf", b"%PDF-1.4 demo")],
        signer=test_pki.signer(),
        unit_code="TA0100A",
        procedure_code="600",
        period="11/2026",
        ivan_code="00030",
    )
    trust = test_pki.trust()
    assert verify(data, trust=trust, at=AT).passed
    return data, trust


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_envelope_byte_mutations_never_raise_nor_pass(signed_envelope, data):
    raw, trust = signed_envelope
    position = data.draw(st.integers(0, len(raw) - 1))
    value = data.draw(st.integers(0, 255))
    if raw[position] == value:
        return
    report = verify(raw[:position] + bytes([value]) + raw[position + 1 :], trust=trust, at=AT)
    # The only unsigned bytes of an envelope are inside its own signature element (and whitespace).
    if report.passed:
        assert report.signed_root is not None


def test_a_certificate_with_an_unknown_key_algorithm_is_unreadable_not_a_crash(test_pki):
    """Found by the mutation property above: rsaEncryption's OID changed by one byte (1.2.840… → 0.2.840…)
    made cryptography raise UnsupportedAlgorithm, which escaped as a server error."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from hoso.signature import xmldsig

    der = test_pki["unit-valid"].certificate.public_bytes(Encoding.DER)
    rsa_encryption = bytes.fromhex("06092a864886f70d010101")
    assert rsa_encryption in der
    damaged = der.replace(rsa_encryption, bytes.fromhex("0609028648") + rsa_encryption[5:])
    with pytest.raises(xmldsig.ProfileViolation) as caught:
        xmldsig._load_cert(base64.b64encode(damaged).decode())
    assert caught.value.code == "CERTIFICATE_UNREADABLE"


def test_a_validation_time_without_a_zone_is_utc_for_a_parsed_tree_too(signed):
    raw, trust, _ = signed
    naive = verify_tree(xmlsafe.parse(raw), trust=trust, at=AT.replace(tzinfo=None))
    assert naive.passed and naive.validation_time == AT
    expired = verify_tree(xmlsafe.parse(raw), trust=trust, at=datetime(2100, 1, 1))
    assert not expired.passed and expired.validation_time == datetime(2100, 1, 1, tzinfo=UTC)
