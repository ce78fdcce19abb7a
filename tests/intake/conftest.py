"""Shared set-up for reception tests: a test PKI trusted by the gateway, a registered unit, envelopes."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import pytest

from hoso.signature.pki import DEMO_PASSWORD, make_demo_pki
from hoso.signature.sign import Pkcs12Signer
from tests.pki_fixtures import test_pki  # noqa: F401 - the session PKI, for this package's tests

# The PKI is made "in" late 2015, so that its certificates are valid around the dispatch's dates.
PKI_NOW = datetime(2015, 9, 1, tzinfo=UTC)
UNIT_CODE = "HB00001"
UNIT_TAX = "0101234567"  # the tax code of the PKI's unit-valid certificate


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_demo_pki(tmp_path_factory.mktemp("pki"), now=PKI_NOW)


@pytest.fixture(scope="session")
def signers(pki):
    return {
        name: Pkcs12Signer.from_file(issued.p12_path, DEMO_PASSWORD) for name, issued in pki.entities.items()
    }


@pytest.fixture
def trusted(settings, pki, tmp_path):
    """The gateway trusts the test root CA and knows the issuing CA's CRL."""
    from hoso.intake import gateway

    crls = tmp_path / "crls"
    crls.mkdir()
    shutil.copy(pki.crl_path, crls / "issuing-ca.crl")
    shutil.copy(pki.root_crl_path, crls / "root-ca.crl")
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    shutil.copy(pki.root.cert_path, anchors / "root-ca.pem")
    settings.HOSO_TRUST_ANCHORS = anchors
    settings.HOSO_CRL_DIR = crls
    settings.HOSO_BLOB_STORE = tmp_path / "blobs"
    gateway.forget()
    gateway.ensure_gateway_identity()
    yield
    gateway.forget()


@pytest.fixture
def unit(reference_data, pki, trusted):
    """A unit of Cầu Giấy whose certificate (the PKI's unit-valid) is registered from 01/09/2015."""
    from hoso.reference.models import CertificateRegistration, Unit

    registered = register_certificate(
        Unit.objects.create(
            code=UNIT_CODE, tax_code=UNIT_TAX, name="Công ty TNHH Thương mại Hoà Bình", office_id="00105"
        ),
        pki.entities["unit-valid"].certificate,
    )
    assert CertificateRegistration.objects.filter(pk=registered.pk).exists()
    return registered.unit


def register_certificate(submitter, certificate, *, ivan="00030", since=PKI_NOW):
    from hoso.reference.models import Commune
    from hoso.reference.registrations import register_certificate as register

    commune = isinstance(submitter, Commune)
    return register(
        certificate,
        since=since,
        ivan=ivan,
        unit=None if commune else submitter,
        commune=submitter if commune else None,
    )


@pytest.fixture(scope="session")
def swift(tmp_path_factory):
    """A real S3-compatible server for the session: OpenStack Swift with s3api on loopback
    (tests/objectstore.py); skipped, with the reason, where Swift cannot run."""
    from tests.objectstore import SwiftServer

    reason = SwiftServer.unavailable()
    if reason:
        pytest.skip(reason)
    with SwiftServer.start(tmp_path_factory.mktemp("swift")) as server:
        yield server
