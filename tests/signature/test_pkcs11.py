"""Signing with a key on a PKCS#11 token: SoftHSM2 as a real token (Debian package softhsm2).

Everything that loads the PKCS#11 library runs in a subprocess, so the token's configuration
(SOFTHSM2_CONF) is set before the library initializes and the test process stays clean.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hoso.signature import Indication, verify

LIB_CANDIDATES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
]
LIB = next((p for p in LIB_CANDIDATES if Path(p).is_file()), None)
UTIL = shutil.which("softhsm2-util")
pytestmark = pytest.mark.skipif(
    LIB is None or UTIL is None, reason="SoftHSM2 is absent (install the Debian package softhsm2)"
)
PIN = "1234"
TOKEN = "hoso-test"


@pytest.fixture(scope="module")
def token(tmp_path_factory, test_pki):
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}

    def util(*args):
        subprocess.run([UTIL, *args], check=True, env=env, capture_output=True)

    util("--init-token", "--free", "--label", TOKEN, "--so-pin", "5678", "--pin", PIN)
    for key_id, name in (("01", "unit-valid"), ("02", "unit-ec")):
        util(
            "--import",
            str(test_pki[name].key_path),
            "--token",
            TOKEN,
            "--label",
            name,
            "--id",
            key_id,
            "--pin",
            PIN,
        )
    # The unit-valid certificate is stored on the token too (same ID as its key), as real tokens do.
    store_cert = textwrap.dedent(
        f"""
        import pkcs11
        from pkcs11 import Attribute, CertificateType, ObjectClass
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding
        cert = x509.load_pem_x509_certificate(open({str(test_pki["unit-valid"].cert_path)!r}, 'rb').read())
        token = pkcs11.lib({LIB!r}).get_token(token_label={TOKEN!r})
        with token.open(rw=True, user_pin={PIN!r}) as session:
            session.create_object({{
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: 'unit-valid',
                Attribute.ID: bytes.fromhex('01'),
                Attribute.VALUE: cert.public_bytes(Encoding.DER),
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.ISSUER: cert.issuer.public_bytes(),
            }})
        """
    )
    subprocess.run([sys.executable, "-c", store_cert], check=True, env=env, capture_output=True)
    return env


def hoso(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoso", *map(str, args)], env=env, capture_output=True, text=True
    )


def token_args(label: str | None, pin: str = PIN) -> list:
    return ["--pkcs11", LIB, "--token", TOKEN, "--pin", pin, *(["--key-label", label] if label else [])]


@pytest.fixture
def src(tmp_path, d02_form) -> Path:
    path = tmp_path / "d02.xml"
    path.write_bytes(d02_form)
    return path


def test_sign_rsa_with_certificate_read_from_the_token(token, test_pki, src):
    out = src.parent / "signed.xml"
    chain = ["--chain", test_pki.issuing.cert_path]
    result = hoso(token, "sign", src, "-o", out, *token_args("unit-valid"), *chain)
    assert result.returncode == 0, result.stderr
    report = verify(out.read_bytes(), trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.indication is Indication.TOTAL_PASSED, report.reason_en
    assert report.signer.tax_code == "0101234567"


def test_sign_ecdsa_with_certificate_given(token, test_pki, src):
    out = src.parent / "signed.xml"
    certs = ["--cert", test_pki["unit-ec"].cert_path, "--chain", test_pki.issuing.cert_path]
    result = hoso(token, "sign", src, "-o", out, *token_args("unit-ec"), *certs)
    assert result.returncode == 0, result.stderr
    report = verify(out.read_bytes(), trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.passed, report.reason_en
    assert "ecdsa" in report.signature_method


def test_pack_with_a_token(token, test_pki, src):
    out = src.parent / "BHXHDienTu.xml"
    unit = ["--unit", "TA0100A", "--procedure", "600", "--period", "11/2026", "--ivan", "00030"]
    chain = ["--chain", test_pki.issuing.cert_path]
    result = hoso(token, "pack", *unit, src, "-o", out, *token_args("unit-valid"), *chain)
    assert result.returncode == 0, result.stderr
    report = verify(out.read_bytes(), trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.passed and report.parts[0].passed


@pytest.mark.parametrize(
    ("label", "pin", "code"),
    [("unit-valid", "0000", "SIGN_TOKEN"), (None, PIN, "SIGN_TOKEN_KEY")],
    ids=["wrong-pin", "ambiguous-key"],
)
def test_token_errors_are_coded(token, src, label, pin, code):
    result = hoso(token, "sign", src, "-o", src.parent / "x.xml", *token_args(label, pin))
    assert result.returncode == 3
    assert code in result.stderr
