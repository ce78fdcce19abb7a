"""A complete test PKI (``hoso pki demo --out DIR``): OpenSSL-compatible PEM/DER/PKCS#12 files.

Root CA → issuing CA (publishes a CRL) → unit certificates with ``UID=MST:<tax code>``: valid, expired,
not yet valid, revoked, wrong key usage, revoked-without-CRL-address (shows why the revocation policy
must be explicit), an ECDSA one; a commune People's Committee certificate; the gateway's own signing
certificate. Everything is generated at run time: no private key is ever committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from hoso.signature.certs import UID_OID

DEMO_PASSWORD = "hoso-demo"  # noqa: S105 - test PKI only, documented
CRL_BASE_URL = "http://crl.hoso.test/"

# name -> (common name, tax code, kind); kinds drive validity, usage and revocation below.
UNITS: dict[str, tuple[str, str, str]] = {
    "unit-valid": ("CÔNG TY TNHH THƯƠNG MẠI HOÀ BÌNH", "0101234567", "valid"),
    "unit-expired": ("CÔNG TY CỔ PHẦN SÔNG HỒNG", "0102345678", "expired"),
    "unit-notyet": ("CÔNG TY TNHH ĐẠI VIỆT", "0103456789", "notyet"),
    "unit-revoked": ("CÔNG TY TNHH PHÚ THỌ", "0104567890", "revoked"),
    "unit-wrong-ku": ("CÔNG TY TNHH KIM LIÊN", "0105678901", "wrong-ku"),
    "unit-revoked-nocdp": ("CÔNG TY TNHH BA ĐÌNH", "0106789012", "revoked-nocdp"),
    "unit-ec": ("CÔNG TY TNHH TÂY HỒ", "0107890123", "ec"),
    "commune": ("UBND PHƯỜNG ĐIỆN BIÊN", "0108901234", "valid"),
    "gateway": ("BHXH THÀNH PHỐ HÀ NỘI - CỔNG TIẾP NHẬN HỒ SƠ", "0100000001", "gateway"),
}


@dataclass
class Issued:
    name: str
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = field(repr=False)
    cert_path: Path
    key_path: Path
    p12_path: Path | None = None
    tax_code: str | None = None


@dataclass
class DemoPki:
    out: Path
    root: Issued
    issuing: Issued
    entities: dict[str, Issued]
    crl_path: Path
    root_crl_path: Path
    anchors_dir: Path
    crls_dir: Path
    password: str = DEMO_PASSWORD
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __getitem__(self, name: str) -> Issued:
        return self.entities[name]


def _name(cn: str, tax_code: str | None = None, *, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    attrs.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hà Nội"))
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    if tax_code:
        attrs.append(x509.NameAttribute(UID_OID, f"MST:{tax_code}"))
    return x509.Name(attrs)


def _write(path: Path, data: bytes, *, secret: bool = False) -> Path:
    path.write_bytes(data)
    if secret:
        path.chmod(0o600)
    return path


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _cert(
    subject: x509.Name,
    key,
    issuer_name: x509.Name,
    issuer_key,
    *,
    not_before: datetime,
    not_after: datetime,
    ca: bool,
    serial: int | None = None,
    cdp: str | None = None,
    key_usage: x509.KeyUsage | None = None,
    eku: list | None = None,
    issuer_public=None,
    ocsp_url: str | None = None,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public or issuer_key.public_key()),
            critical=False,
        )
    )
    if key_usage is not None:
        builder = builder.add_extension(key_usage, critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
    if cdp:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(cdp)], None, None, None)]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _ku(*, signing: bool = False, ca: bool = False, encipher: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=encipher,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _crl(
    issuer: Issued, revoked: list[tuple[int, datetime]], now: datetime
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(days=1))
        .next_update(now + timedelta(days=365))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    for serial, date in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(date).build()
        )
    return builder.sign(issuer.key, hashes.SHA256())


def make_demo_pki(
    out: str | Path,
    *,
    now: datetime | None = None,
    password: str = DEMO_PASSWORD,
    crl_base_url: str = CRL_BASE_URL,
    ocsp_url: str | None = None,
) -> DemoPki:
    """Write the demo PKI under ``out`` (created) and return its description.

    ``crl_base_url`` is where the certificates say their CAs publish ``issuing-ca.crl`` and
    ``root-ca.crl``; ``ocsp_url``, if given, is put in the unit certificates' AIA as their OCSP
    responder (tests point both at a loopback server).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    year = timedelta(days=365)

    def save(name: str, cert: x509.Certificate, key, *, p12: bool, tax: str | None = None) -> Issued:
        cert_path = _write(out / f"{name}.pem", cert.public_bytes(serialization.Encoding.PEM))
        key_path = _write(out / f"{name}.key.pem", _key_pem(key), secret=True)
        p12_path = None
        if p12:
            blob = pkcs12.serialize_key_and_certificates(
                name.encode(),
                key,
                cert,
                [issuing.certificate, root.certificate],
                serialization.BestAvailableEncryption(password.encode()),
            )
            p12_path = _write(out / f"{name}.p12", blob, secret=True)
        return Issued(name, cert, key, cert_path, key_path, p12_path, tax)

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_name = _name("HOSO TEST ROOT CA", org="hoso test PKI")
    root_cert = _cert(
        root_name,
        root_key,
        root_name,
        root_key,
        not_before=now - 5 * year,
        not_after=now + 15 * year,
        ca=True,
        key_usage=_ku(ca=True),
    )
    root = save("root-ca", root_cert, root_key, p12=False)

    issuing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuing_cert = _cert(
        _name("HOSO TEST ISSUING CA", org="hoso test PKI"),
        issuing_key,
        root_name,
        root_key,
        not_before=now - 4 * year,
        not_after=now + 10 * year,
        ca=True,
        cdp=crl_base_url + "root-ca.crl",
        key_usage=_ku(ca=True),
    )
    issuing = save("issuing-ca", issuing_cert, issuing_key, p12=False)

    entities: dict[str, Issued] = {}
    revoked: list[tuple[int, datetime]] = []
    for name, (cn, tax, kind) in UNITS.items():
        key = (
            ec.generate_private_key(ec.SECP256R1())
            if kind == "ec"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
        not_before, not_after = now - year, now + 2 * year
        if kind == "expired":
            not_before, not_after = now - 3 * year, now - year
        elif kind == "notyet":
            not_before, not_after = now + year, now + 3 * year
        ku = _ku(signing=True, encipher=kind != "ec")
        if kind == "wrong-ku":
            ku = _ku(encipher=True)
        eku = [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
        cert = _cert(
            _name(cn, tax),
            key,
            issuing_cert.subject,
            issuing_key,
            not_before=not_before,
            not_after=not_after,
            ca=False,
            cdp=None if kind == "revoked-nocdp" else crl_base_url + "issuing-ca.crl",
            key_usage=ku,
            eku=eku,
            ocsp_url=ocsp_url,
        )
        if kind.startswith("revoked"):
            revoked.append((cert.serial_number, now - timedelta(days=30)))
        entities[name] = save(name, cert, key, p12=True, tax=tax)

    crl = _crl(issuing, revoked, now)
    root_crl = _crl(root, [], now)
    crl_path = _write(out / "issuing-ca.crl", crl.public_bytes(serialization.Encoding.DER))
    _write(out / "issuing-ca.crl.pem", crl.public_bytes(serialization.Encoding.PEM))
    root_crl_path = _write(out / "root-ca.crl", root_crl.public_bytes(serialization.Encoding.DER))
    anchors_dir = out / "anchors"
    crls_dir = out / "crls"
    anchors_dir.mkdir(exist_ok=True)
    crls_dir.mkdir(exist_ok=True)
    _write(anchors_dir / "root-ca.pem", root_cert.public_bytes(serialization.Encoding.PEM))
    _write(crls_dir / "issuing-ca.crl", crl.public_bytes(serialization.Encoding.DER))
    _write(crls_dir / "root-ca.crl", root_crl.public_bytes(serialization.Encoding.DER))
    _write(out / "chain.pem", issuing_cert.public_bytes(serialization.Encoding.PEM))
    manifest = {
        "created": now.isoformat(),
        "password": password,
        "anchors": "anchors/",
        "crls": "crls/",
        "entities": {
            name: {
                "kind": UNITS[name][2],
                "tax_code": item.tax_code,
                "certificate": item.cert_path.name,
                "key": item.key_path.name,
                "p12": item.p12_path.name if item.p12_path else None,
                "serial": format(item.certificate.serial_number, "X"),
            }
            for name, item in entities.items()
        },
    }
    _write(out / "pki.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return DemoPki(
        out, root, issuing, entities, crl_path, root_crl_path, anchors_dir, crls_dir, password, now
    )
