"""CRLs fetched from the certificate's CRL address when the network is enabled, cached until nextUpdate.

The "network" is a loopback HTTP server started by the test and stopped at its end.
"""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import UTC, datetime

import pytest

from hoso.signature import Indication, RevocationPolicy, SubIndication, TrustStore, verify
from hoso.signature.pki import make_demo_pki
from hoso.signature.sign import Pkcs12Signer, sign_xml


class _Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        type(self).requests.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_pki(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(_Handler, directory=str(root / "pki"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    pki = make_demo_pki(root / "pki", crl_base_url=f"http://127.0.0.1:{server.server_port}/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield pki, server
    finally:
        server.shutdown()
        server.server_close()


def _signed(pki, d02_form, name="unit-valid"):
    return sign_xml(d02_form, Pkcs12Signer.from_file(pki[name].p12_path, pki.password))


def test_network_off_by_default_gives_try_later(served_pki, d02_form):
    pki, _ = served_pki
    _Handler.requests.clear()
    report = verify(
        _signed(pki, d02_form), trust=TrustStore.from_paths([pki.anchors_dir]), at=datetime.now(UTC)
    )
    assert report.sub_indication is SubIndication.TRY_LATER
    assert _Handler.requests == []


def test_fetched_crls_are_used_and_cached_until_next_update(served_pki, d02_form, tmp_path):
    pki, server = served_pki
    _Handler.requests.clear()
    policy = RevocationPolicy(network=True)
    trust = TrustStore.from_paths([pki.anchors_dir], policy=policy, crl_cache_dir=tmp_path / "crl-cache")
    assert verify(_signed(pki, d02_form), trust=trust, at=datetime.now(UTC)).passed
    revoked = verify(_signed(pki, d02_form, "unit-revoked"), trust=trust, at=datetime.now(UTC))
    assert revoked.indication is Indication.FAILED and revoked.sub_indication is SubIndication.REVOKED
    assert sorted(set(_Handler.requests)) == ["/issuing-ca.crl", "/root-ca.crl"]
    assert len(_Handler.requests) == 2  # fetched once each, then kept in memory
    # A new process (new TrustStore) reads the cache directory: no request while nextUpdate is ahead.
    _Handler.requests.clear()
    again = TrustStore.from_paths([pki.anchors_dir], policy=policy, crl_cache_dir=tmp_path / "crl-cache")
    assert verify(_signed(pki, d02_form), trust=again, at=datetime.now(UTC)).passed
    assert _Handler.requests == []
