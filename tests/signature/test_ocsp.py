"""OCSP when enabled (network on + ocsp on): a loopback responder answers for the issuing CA.

The issuing CA's CRL is not published (404), so the unit certificates' status can only come from OCSP.
"""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from hoso.signature import Indication, RevocationPolicy, SubIndication, TrustStore, verify
from hoso.signature.pki import make_demo_pki
from hoso.signature.sign import Pkcs12Signer, sign_xml


class _Responder(http.server.SimpleHTTPRequestHandler):
    pki = None
    revoked: set[int] = set()
    ocsp_requests: list[int] = []

    def do_GET(self):  # noqa: N802
        if self.path.endswith("issuing-ca.crl"):
            self.send_error(404)
        else:
            super().do_GET()

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ocsp.load_der_ocsp_request(body)
        pki = type(self).pki
        type(self).ocsp_requests.append(request.serial_number)
        cert = next(
            e.certificate
            for e in pki.entities.values()
            if e.certificate.serial_number == request.serial_number
        )
        now = datetime.now(UTC)
        revoked = request.serial_number in type(self).revoked
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=cert,
                issuer=pki.issuing.certificate,
                algorithm=request.hash_algorithm,
                cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
                this_update=now - timedelta(minutes=5),
                next_update=now + timedelta(hours=1),
                revocation_time=now - timedelta(days=1) if revoked else None,
                revocation_reason=None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.issuing.certificate)
        )
        data = builder.sign(pki.issuing.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def responder(tmp_path_factory):
    root = tmp_path_factory.mktemp("ocsp")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Responder, directory=str(root / "pki"))
    )
    base = f"http://127.0.0.1:{server.server_port}/"
    pki = make_demo_pki(root / "pki", crl_base_url=base, ocsp_url=base + "ocsp")
    _Responder.pki = pki
    _Responder.revoked = {pki["unit-revoked"].certificate.serial_number}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pki
    finally:
        server.shutdown()
        server.server_close()


def _verify(pki, d02_form, name, policy):
    signed = sign_xml(d02_form, Pkcs12Signer.from_file(pki[name].p12_path, pki.password))
    return verify(signed, trust=TrustStore.from_paths([pki.anchors_dir], policy=policy), at=datetime.now(UTC))


def test_ocsp_good_passes_and_revoked_fails(responder, d02_form):
    policy = RevocationPolicy(network=True, ocsp=True, fetch_timeout=5)
    _Responder.ocsp_requests.clear()
    good = _verify(responder, d02_form, "unit-valid", policy)
    assert good.indication is Indication.TOTAL_PASSED, good.reason_en
    bad = _verify(responder, d02_form, "unit-revoked", policy)
    assert bad.indication is Indication.FAILED and bad.sub_indication is SubIndication.REVOKED
    assert len(_Responder.ocsp_requests) >= 2


def test_without_ocsp_the_status_is_unknown(responder, d02_form):
    report = _verify(responder, d02_form, "unit-valid", RevocationPolicy(network=True, fetch_timeout=5))
    assert report.sub_indication is SubIndication.TRY_LATER
