"""The gateway's trust store is rebuilt when its anchor or CRL files change, looked at again at most every
TRUST_RECHECK_SECONDS (every reception asks for it; issue 5)."""

from __future__ import annotations

import shutil

from hoso.intake import gateway


def test_a_crl_copied_in_is_used_after_the_recheck_interval(trusted, pki, monkeypatch, tmp_path):
    clock = [1000.0]
    monkeypatch.setattr(gateway.time, "monotonic", lambda: clock[0])
    gateway.forget()
    first = gateway.trust_store()
    assert gateway.trust_store() is first

    crls = gateway.crl_dir()
    for path in crls.iterdir():
        path.unlink()  # the operator removes the CRLs
    clock[0] += gateway.TRUST_RECHECK_SECONDS / 2
    assert gateway.trust_store() is first  # not looked at again yet

    clock[0] += gateway.TRUST_RECHECK_SECONDS
    without_crls = gateway.trust_store()
    assert without_crls is not first
    assert gateway.trust_store() is without_crls  # unchanged files: the same store

    shutil.copy(pki.crl_path, crls / "issuing-ca.crl")
    gateway.forget()  # a change made by this process applies at once
    assert gateway.trust_store() is not without_crls
