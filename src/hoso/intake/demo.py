"""The demo's signing world: a test PKI in the data directory that the gateway trusts, and demo
submitters whose certificates are registered — so that `make demo` can receive real signed dossiers."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.conf import settings

from hoso.intake import gateway
from hoso.reference.models import CertificateRegistration, Commune, Unit
from hoso.reference.registrations import register_certificate
from hoso.signature.pki import DEMO_PASSWORD, make_demo_pki

DEMO_UNIT = ("HB00001", "0101234567", "Công ty TNHH Thương mại Hoà Bình", "00105")  # the PKI's unit-valid
DEMO_COMMUNE = "00382"  # UBND xã Minh Trí (Sóc Sơn) signs with the PKI's commune certificate


@dataclass
class DemoSigning:
    pki_dir: Path
    unit_p12: Path
    commune_p12: Path
    password: str = DEMO_PASSWORD


def _register(certificate, *, unit=None, commune=None, ivan="00030") -> None:
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    if not CertificateRegistration.objects.filter(
        fingerprint_sha256=fingerprint, unit=unit, commune=commune
    ).exists():
        since = max(certificate.not_valid_before_utc, datetime(2015, 10, 1, tzinfo=UTC))
        register_certificate(certificate, since=since, unit=unit, commune=commune, ivan=ivan, source="demo")


def prepare_demo_signing() -> DemoSigning:
    """Make (once) the demo PKI, trust its root, install its CRLs, register the demo certificates."""
    pki_dir = settings.DATA_DIR / "pki"
    pki = make_demo_pki(pki_dir) if not (pki_dir / "root-ca.pem").exists() else None
    anchors, crls = gateway.anchors_dir(), gateway.crl_dir()
    anchors.mkdir(parents=True, exist_ok=True)
    crls.mkdir(parents=True, exist_ok=True)
    shutil.copy(pki_dir / "root-ca.pem", anchors / "hoso-demo-root-ca.pem")
    for name in ("issuing-ca.crl", "root-ca.crl"):
        shutil.copy(pki_dir / name, crls / f"hoso-demo-{name}")
    gateway.forget()

    from cryptography import x509

    def cert(name: str):
        if pki is not None:
            return pki.entities[name].certificate
        return x509.load_pem_x509_certificate((pki_dir / f"{name}.pem").read_bytes())

    code, tax, name, office = DEMO_UNIT
    unit, _ = Unit.objects.get_or_create(
        code=code,
        defaults={"tax_code": tax, "name": name, "office_id": office, "email": "hoabinh@demo.hoso.invalid"},
    )
    _register(cert("unit-valid"), unit=unit)
    commune = Commune.objects.filter(gso_code=DEMO_COMMUNE).first()
    if commune is not None:
        _register(cert("commune"), commune=commune)
    return DemoSigning(pki_dir, pki_dir / "unit-valid.p12", pki_dir / "commune.p12")
