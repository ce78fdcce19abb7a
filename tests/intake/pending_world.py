"""A world where revocation data is missing at reception and arrives later (issue 19, item 4).

A test PKI, valid today, whose certificates name CRL addresses on a loopback HTTP server; the server
answers 404 until the test serves the CAs' CRLs (:meth:`World.publish`). The gateway trusts the root and
knows the issuing CA, holds no CRL file, and a unit (HB00001) has registered the PKI's ``unit-valid``
certificate. Files are signed by the ``xmlsec1`` command (tests/xmlsec1_signing.py).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from hoso.signature.pki import DEMO_PASSWORD, make_demo_pki
from tests.pki_fixtures import CrlServer, make_crl
from tests.xmlsec1_signing import d02, envelope, xmlsec1_sign

UNIT_CODE, UNIT_TAX = "HB00001", "0101234567"


@pytest.fixture(scope="module")
def revocation_pki(tmp_path_factory):
    """The PKI and its CRL server (serving nothing yet), for a module."""
    server = CrlServer()
    try:
        yield make_demo_pki(tmp_path_factory.mktemp("pending-pki"), crl_base_url=server.base), server
    finally:
        server.close()


@dataclass
class World:
    pki: object
    unit: object
    server: CrlServer

    def sign(self, xml: bytes, name: str = "unit-valid") -> bytes:
        return xmlsec1_sign(xml, self.pki.entities[name].p12_path, DEMO_PASSWORD)

    def dossier(self, *, seed: int = 0, signer: str = "unit-valid", ivan: str = "00030") -> bytes:
        """An envelope of HB00001 carrying one D02-TS, both signed by ``signer`` with xmlsec1."""
        today = datetime.now().astimezone()
        form = self.sign(d02(UNIT_CODE, seed=seed), signer)
        unsigned = envelope(
            [form],
            unit_code=UNIT_CODE,
            tax_code=UNIT_TAX,
            period=today.strftime("%m/%Y"),
            created=today.date(),
            ivan=ivan,
        )
        return self.sign(unsigned, signer)

    def publish(self, *, revoked: tuple[str, ...] = (), revoked_at: datetime | None = None) -> None:
        """The CAs publish their CRLs at the addresses the certificates name (``revoked``: entity names
        listed as revoked at ``revoked_at``)."""
        now = datetime.now(UTC)
        at = revoked_at or now - timedelta(minutes=1)
        serials = [self.pki.entities[name].certificate.serial_number for name in revoked]
        self.server.files = {
            "/issuing-ca.crl": make_crl(
                self.pki.issuing, serials, this_update=at, next_update=now + timedelta(days=7), number=2
            ),
            "/root-ca.crl": make_crl(
                self.pki.root, this_update=now - timedelta(minutes=1), next_update=now + timedelta(days=30)
            ),
        }


@pytest.fixture
def world(revocation_pki, reference_data, settings, tmp_path, monkeypatch):
    revocation_pki, server = revocation_pki
    from hoso.intake import gateway
    from hoso.reference.models import Unit
    from hoso.reference.registrations import register_certificate

    anchors, inter, crls = tmp_path / "anchors", tmp_path / "intermediates", tmp_path / "crls"
    for folder in (anchors, inter, crls):
        folder.mkdir()
    shutil.copy(revocation_pki.root.cert_path, anchors / "root-ca.pem")
    shutil.copy(revocation_pki.issuing.cert_path, inter / "issuing-ca.pem")
    settings.HOSO_TRUST_ANCHORS, settings.HOSO_TRUST_INTERMEDIATES = anchors, inter
    settings.HOSO_CRL_DIR = crls
    settings.HOSO_BLOB_STORE = tmp_path / "blobs"
    settings.HOSO_OCSP = False
    monkeypatch.setattr(gateway, "TRUST_RECHECK_SECONDS", 0.0)
    server.files = {}
    gateway.forget()
    gateway.ensure_gateway_identity()
    unit = Unit.objects.create(
        code=UNIT_CODE, tax_code=UNIT_TAX, name="Công ty TNHH Thương mại Hoà Bình", office_id="00105"
    )
    register_certificate(
        revocation_pki.entities["unit-valid"].certificate,
        since=datetime.now(UTC) - timedelta(days=30),
        ivan="00030",
        unit=unit,
    )
    yield World(revocation_pki, unit, server)
    server.files = {}
    gateway.forget()
