"""The seed corpus of each target, made at run time in the parent process of fuzz/run.py (never in the
fuzzing process, where only fuzz/targets.py and the code under test are imported).

Seeds: inputs made with the project's own builders (an unsigned envelope, envelopes and forms signed with a
throw-away PKI made here), the real I-VAN vectors read from ``../shared/vectors/ivan-real/`` (never copied
into the project; skipped with a message when the folder is absent), and the hostile files of the suite
(tests/security/hostile.py). No corpus is committed.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from lxml import etree
from tests.security.hostile import hostile_corpus

ROOT = Path(__file__).resolve().parents[1]
REAL_VECTORS = ROOT.parent / "shared" / "vectors" / "ivan-real"
DS = "http://www.w3.org/2000/09/xmldsig#"
UID = x509.ObjectIdentifier("0.9.2342.19200300.100.1.1")


@dataclass
class Seeds:
    by_target: dict[str, list[bytes]]
    anchors: list[bytes] = field(default_factory=list)  # DER trust anchors for the verify target
    notes: list[str] = field(default_factory=list)  # printed by run.py (e.g. real vectors absent)


def real_vectors() -> dict[str, bytes]:
    """The real I-VAN files by name, or {} when the shared folder is absent."""
    if not REAL_VECTORS.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(REAL_VECTORS.glob("*.xml"))}


def certificates_in(xml: bytes) -> list[bytes]:
    """The DER of every ``ds:X509Certificate`` in a file (parsed with entities and network off)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)  # noqa: S320 — our own seed files, entities off
    return [
        base64.b64decode("".join((el.text or "").split()))
        for el in root.iter(f"{{{DS}}}X509Certificate")
        if el.text
    ]


def _name(cn: str, tax_code: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if tax_code:
        attrs.append(x509.NameAttribute(UID, f"MST:{tax_code}"))
    return x509.Name(attrs)


def _certificate(subject, subject_key, issuer, issuer_key, *, ca: bool, serial: int) -> x509.Certificate:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        [x509.UniformResourceIdentifier("http://127.0.0.1:1/fuzz-ca.crl")], None, None, None
                    )
                ]
            ),
            critical=False,
        ).add_extension(
            x509.CertificatePolicies(
                [x509.PolicyInformation(x509.ObjectIdentifier("1.3.6.1.4.1.99999.1"), None)]
            ),
            critical=False,
        )
    algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(issuer_key, algorithm)


def make_seeds() -> Seeds:
    from hoso.barcode import make_chunks
    from hoso.policy import builtin_text
    from hoso.signature.sign import Pkcs12Signer, sign_xml
    from hoso.testing.envelopes import children_list
    from hoso.testing.envelopes import envelope as make_envelope

    # A throw-away PKI: an RSA CA (the verify target's trust anchor), an RSA and an EC signer under it,
    # and a self-signed Ed25519 certificate (a key type the signature profile does not use).
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("HOSO FUZZ CA")
    ca = _certificate(ca_name, ca_key, ca_name, ca_key, ca=True, serial=1)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_cert = _certificate(
        _name("Đơn vị fuzz RSA", "0101234567"), rsa_key, ca_name, ca_key, ca=False, serial=2
    )
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ec_cert = _certificate(_name("Đơn vị fuzz EC", "0107654321"), ec_key, ca_name, ca_key, ca=False, serial=3)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    ed_name = _name("HOSO FUZZ Ed25519", "0100000000")
    ed_cert = _certificate(ed_name, ed_key, ed_name, ed_key, ca=False, serial=4)
    rsa_signer = Pkcs12Signer(rsa_key, rsa_cert, [ca])
    ec_signer = Pkcs12Signer(ec_key, ec_cert, [ca])

    plain = make_envelope(unit_code="HB00001", tax_code="0101234567", employees=2)
    signed = make_envelope(unit_code="HB00001", tax_code="0101234567", employees=2, signer=rsa_signer)
    children = children_list("00379", [("Bé", "01/01/2015", "1")])
    ec_form = sign_xml(children, ec_signer)

    notes = []
    real = real_vectors()
    if real:
        notes.append(f"seeds: {len(real)} real I-VAN files from {REAL_VECTORS}")
    else:
        notes.append(f"seeds: real I-VAN vectors absent ({REAL_VECTORS}), skipped")
    real_certs = list(dict.fromkeys(der for xml in real.values() for der in certificates_in(xml)))
    hostile = list(hostile_corpus().values())
    made_certs = [c.public_bytes(Encoding.DER) for c in (ca, rsa_cert, ec_cert, ed_cert)]
    small_real = [xml for xml in real.values() if len(xml) < 16384]

    return Seeds(
        by_target={
            "envelope": [plain, signed, children, *real.values(), *hostile],
            "verify": [plain, signed, ec_form, *real.values(), *hostile],
            "barcode": ["\n".join(make_chunks(xml)).encode() for xml in (plain, signed, *small_real)],
            "policy": [builtin_text("2671-bhxh-cntt.toml").encode(), builtin_text("baseline.toml").encode()],
            "certificate": [*real_certs, *made_certs],
        },
        # The CA, and the real signer pinned as its own anchor (the real CA is not in the vectors):
        # so signed seeds get past the chain and into the envelope's parts.
        anchors=[ca.public_bytes(Encoding.DER), *real_certs],
        notes=notes,
    )
