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


def make_crl(issuer, revoked=(), *, this_update, next_update, number: int = 1, key=None) -> bytes:
    """A CRL (DER) of the test CA ``issuer`` (an ``Issued``) listing the ``revoked`` serial numbers (each
    revoked at ``this_update``); signed with ``key`` instead of the CA's to make a forged one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding

    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(this_update).build()
        )
    return builder.sign(key or issuer.key, hashes.SHA256()).public_bytes(Encoding.DER)


class CrlServer:
    """A loopback HTTP server answering GET with the bytes of ``files`` (path -> DER), 404 for anything
    else: where a test CA publishes its CRLs (``base`` is the ``crl_base_url`` of make_demo_pki)."""

    def __init__(self) -> None:
        import http.server
        import threading

        outer = self
        self.files: dict[str, bytes] = {}
        self.requests: list[str] = []  # the paths asked, in order

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requests.append(self.path)
                body = outer.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
