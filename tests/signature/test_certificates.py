"""Certificates at a point in time, against the generated test PKI; algorithms of the profile."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from hoso.signature import Indication, RevocationPolicy, SubIndication, TrustStore, VerifyPolicy, verify
from hoso.signature.certs import signer_tax_code


def now():
    return datetime.now(UTC)


@pytest.mark.parametrize(
    ("name", "indication", "sub"),
    [
        ("unit-valid", Indication.TOTAL_PASSED, None),
        ("commune", Indication.TOTAL_PASSED, None),
        ("gateway", Indication.TOTAL_PASSED, None),
        ("unit-ec", Indication.TOTAL_PASSED, None),
        ("unit-expired", Indication.INDETERMINATE, SubIndication.OUT_OF_BOUNDS_NO_POE),
        ("unit-notyet", Indication.INDETERMINATE, SubIndication.NOT_YET_VALID),
        ("unit-revoked", Indication.FAILED, SubIndication.REVOKED),
        ("unit-revoked-nocdp", Indication.FAILED, SubIndication.REVOKED),
        ("unit-wrong-ku", Indication.FAILED, SubIndication.KEY_USAGE),
    ],
)
def test_verdict_per_certificate(test_pki, d02_form, name, indication, sub):
    report = verify(test_pki.sign(d02_form, name), trust=test_pki.trust(), at=now())
    assert (report.indication, report.sub_indication) == (indication, sub), report.reason_en
    assert report.signer.tax_code == test_pki[name].tax_code
    assert report.reason and report.reason_en


def test_time_before_any_crl_is_never_a_silent_pass(test_pki, d02_form):
    signed = test_pki.sign(d02_form, "unit-revoked")
    at = test_pki.now - timedelta(days=60)
    report = verify(signed, trust=test_pki.trust(), at=at)
    # The CRL was not yet issued at that time: no fresh revocation evidence, so never a silent pass.
    assert report.indication is not Indication.TOTAL_PASSED


def test_no_revocation_evidence_is_try_later_never_a_silent_pass(test_pki, d02_form):
    report = verify(test_pki.sign(d02_form), trust=test_pki.trust(crls=False), at=now())
    assert report.indication is Indication.INDETERMINATE
    assert report.sub_indication is SubIndication.TRY_LATER


def test_legacy_hard_fail_misses_a_revoked_certificate_without_crl_address(test_pki, d02_form):
    """Why the policy is explicit: 'hard-fail' checks revocation only if the certificate declares it."""
    signed = test_pki.sign(d02_form, "unit-revoked-nocdp")
    legacy = test_pki.trust(policy=RevocationPolicy(ee_rule="if_declared", ca_rule="if_declared"))
    assert verify(signed, trust=legacy, at=now()).indication is Indication.TOTAL_PASSED
    explicit = test_pki.trust()  # default: CRL or OCSP evidence required
    assert verify(signed, trust=explicit, at=now()).sub_indication is SubIndication.REVOKED


def test_no_trust_anchor_is_no_chain(test_pki, d02_form):
    report = verify(test_pki.sign(d02_form), trust=TrustStore([]), at=now())
    assert report.sub_indication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def test_pinned_end_entity_is_trusted_as_itself(test_pki, d02_form):
    trust = TrustStore([test_pki["unit-valid"].certificate])
    report = verify(test_pki.sign(d02_form), trust=trust, at=now())
    assert report.indication is Indication.TOTAL_PASSED
    assert "TRUST_ANCHOR_PINNED" in {w.code for w in report.warnings}


def test_path_results_are_cached_per_certificate_and_revocation_state(test_pki, d02_form, monkeypatch):
    trust = test_pki.trust()
    calls = []
    original = trust._validate_uncached

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(trust, "_validate_uncached", counting)
    signed = test_pki.sign(d02_form)
    for minutes in range(5):
        assert verify(signed, trust=trust, at=now() + timedelta(minutes=minutes)).passed
    assert len(calls) == 1
    # A new revocation state (another CRL) invalidates the cached result.
    from cryptography import x509

    extra = x509.load_der_x509_crl(test_pki.root_crl_path.read_bytes())
    builder_state = trust.revocation_state
    trust.add_crl(extra)  # already known: same state
    assert trust.revocation_state == builder_state
    from hoso.signature.pki import _crl

    trust.add_crl(_crl(test_pki.issuing, [], test_pki.now + timedelta(seconds=1)))
    assert trust.revocation_state != builder_state
    assert verify(signed, trust=trust, at=now()).passed
    assert len(calls) == 2


def test_tax_code_from_uid():
    from tests.signature.helpers import cert_with_subject

    assert signer_tax_code(cert_with_subject("MST:0101300842")) == "0101300842"
    assert signer_tax_code(cert_with_subject("CCCD:001090000001")) is None


@pytest.mark.parametrize("hash_name", ["sha256", "sha384", "sha512"])
def test_rsa_sha2_family_accepted(test_pki, d02_form, hash_name):
    report = verify(test_pki.sign(d02_form, hash_name=hash_name), trust=test_pki.trust(), at=now())
    assert report.passed, report.reason_en
    assert report.signature_method.endswith(hash_name)


def test_exclusive_c14n_accepted(test_pki, d02_form):
    report = verify(test_pki.sign(d02_form, exclusive=True), trust=test_pki.trust(), at=now())
    assert report.passed, report.reason_en
    assert report.canonicalization == "http://www.w3.org/2001/10/xml-exc-c14n#"


def test_sha1_only_before_the_configured_date(test_pki, d02_form):
    signed = test_pki.sign(d02_form, hash_name="sha1")
    late = verify(signed, trust=test_pki.trust(), at=now())
    assert late.indication is Indication.FAILED and late.sub_indication is SubIndication.WEAK_ALGORITHM
    tolerant = VerifyPolicy(weak_algorithms_until=now() + timedelta(days=1))
    early = verify(signed, trust=test_pki.trust(), at=now(), policy=tolerant)
    assert early.passed
    assert "WEAK_ALGORITHM" in {w.code for w in early.warnings}


def test_report_as_json(test_pki, d02_form):
    report = verify(test_pki.sign(d02_form), trust=test_pki.trust(), at=now())
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert data["indication"] == "TOTAL_PASSED"
    assert data["signer"]["tax_code"] == "0101234567"
    assert data["reason"].startswith("Chữ ký số hợp lệ")


def test_signed_content_has_no_signature(test_pki, d02_form):
    report = verify(test_pki.sign(d02_form), trust=test_pki.trust(), at=now())
    assert b"SignatureValue" not in report.signed_xml
    assert b"Nguy\xe1\xbb\x85n V\xc4\x83n \xc4\x90\xe1\xbb\xa9c 1" in report.signed_xml


@pytest.mark.parametrize("prefixes", [None, ["xsi", "xsd"]])
def test_signature_made_by_libxmlsec_with_exclusive_c14n(test_pki, d02_form, prefixes):
    """Exclusive C14N, with and without an InclusiveNamespaces PrefixList, as other signers make it."""
    import xmlsec
    from lxml import etree

    root = etree.fromstring(d02_form)
    sig = xmlsec.template.create(
        root, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha256
    )
    root.find("Cky").append(sig)
    ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha256, uri="")
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
    c14n = xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
    if prefixes:
        xmlsec.template.transform_add_c14n_inclusive_namespaces(c14n, prefixes)
    xmlsec.template.x509_data_add_certificate(
        xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(sig))
    )
    ctx = xmlsec.SignatureContext()
    key = xmlsec.Key.from_file(str(test_pki["unit-valid"].key_path), xmlsec.constants.KeyDataFormatPem)
    key.load_cert_from_file(str(test_pki["unit-valid"].cert_path), xmlsec.constants.KeyDataFormatPem)
    ctx.key = key
    ctx.sign(sig)
    signed = etree.tostring(root, encoding="utf-8")
    trust = TrustStore.from_paths(
        [test_pki.anchors_dir], crls=[test_pki.crls_dir], intermediates=[test_pki.issuing.cert_path]
    )
    report = verify(signed, trust=trust, at=now())
    assert report.passed, report.reason_en
    tampered = verify(signed.replace("Đức 2".encode(), "Đức 8".encode()), trust=trust, at=now())
    assert tampered.sub_indication is SubIndication.HASH_FAILURE
