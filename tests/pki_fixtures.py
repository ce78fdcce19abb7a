"""The test PKI as a pytest fixture, importable by any package's tests.

Use it from a conftest.py::

    from tests.pki_fixtures import test_pki  # noqa: F401  (re-export the session fixture)

``test_pki`` is generated once per test session in a temporary directory (no private key is ever
committed): a root CA, an issuing CA with its CRL, unit certificates (valid, expired, not yet valid,
revoked, wrong key usage, revoked without CRL address, ECDSA), a commune and the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hoso.signature import RevocationPolicy, TrustStore
from hoso.signature.pki import DemoPki, make_demo_pki
from hoso.signature.sign import Pkcs12Signer, sign_xml


@dataclass
class TestPki:
    """A :class:`DemoPki` with helpers for tests."""

    __test__ = False  # not a test class

    pki: DemoPki

    def trust(self, *, crls: bool = True, policy: RevocationPolicy | None = None) -> TrustStore:
        """A fresh TrustStore: anchor = the root CA; CRLs of both CAs unless ``crls=False``."""
        return TrustStore.from_paths(
            [self.pki.anchors_dir], crls=[self.pki.crls_dir] if crls else [], policy=policy
        )

    def signer(self, name: str = "unit-valid") -> Pkcs12Signer:
        return Pkcs12Signer.from_file(self.pki[name].p12_path, self.pki.password)

    def sign(self, xml: bytes, name: str = "unit-valid", **kwargs) -> bytes:
        return sign_xml(xml, self.signer(name), **kwargs)

    def __getattr__(self, item):
        return getattr(self.pki, item)

    def __getitem__(self, name: str):
        return self.pki[name]


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory) -> TestPki:
    return TestPki(make_demo_pki(tmp_path_factory.mktemp("pki")))
