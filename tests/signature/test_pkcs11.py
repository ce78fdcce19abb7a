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


def test_sign_rsa_with_certificate_read_from_the_token(token, test_pki, d02_form, tmp_path):
    src, out = tmp_path / "d02.xml", tmp_path / "signed.xml"
    src.write_bytes(d02_form)
    result = hoso(
        token,
        "sign",
        src,
        "-o",
        out,
        "--pkcs11",
        LIB,
        "--token",
        TOKEN,
        "--pin",
        PIN,
        "--key-label",
        "unit-valid",
        "--chain",
        test_pki.issuing.cert_path,
    )
    assert result.returncode == 0, result.stderr
    report = verify(out.read_bytes(), trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.indication is Indication.TOTAL_PASSED, report.reason_en
    assert report.signer.tax_code == "0101234567"


def test_sign_ecdsa_with_certificate_given(token, test_pki, d02_form, tmp_path):
    src, out = tmp_path / "d02.xml", tmp_path / "signed.xml"
    src.write_bytes(d02_form)
    result = hoso(
        token,
        "sign",
        src,
        "-o",
        out,
        "--pkcs11",
        LIB,
        "--token",
        TOKEN,
        "--pin",
        PIN,
        "--key-label",
        "unit-ec",
        "--cert",
        test_pki["unit-ec"].cert_path,
        "--chain",
        test_pki.issuing.cert_path,
    )
    assert result.returncode == 0, result.stderr
    report = verify(out.read_bytes(), trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.passed, report.reason_en
    assert "ecdsa" in report.signature_method


def test_pack_with_a_token(token, test_pki, d02_form, tmp_path):
    src, out = tmp_path / "d02.xml", tmp_path / "BHXHDienTu.xml"
    src.write_bytes(d02_form)
    result = hoso(
        token,
        "pack",
        "--unit",
        "TA0100A",
        "--procedure",
        "600",
        "--period",
        "11/2026",
        "--ivan",
        "00030",
        src,
        "-o",
        out,
        "--pkcs11",
        LIB,
        "--token",
        TOKEN,
        "--pin",
        PIN,
        "--key-label",
        "unit-valid",
        "--chain",
        test_pki.issuing.cert_path,
    )
    assert result.returncode == 0, result.stderr
    report = verify(out.read_bytes(), trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.passed and report.parts[0].passed


def test_wrong_pin_is_a_coded_error(token, d02_form, tmp_path):
    src = tmp_path / "d02.xml"
    src.write_bytes(d02_form)
    result = hoso(
        token,
        "sign",
        src,
        "-o",
        tmp_path / "x.xml",
        "--pkcs11",
        LIB,
        "--token",
        TOKEN,
        "--pin",
        "0000",
        "--key-label",
        "unit-valid",
    )
    assert result.returncode == 3
    assert "SIGN_TOKEN" in result.stderr


def test_ambiguous_key_needs_a_label(token, d02_form, tmp_path):
    src = tmp_path / "d02.xml"
    src.write_bytes(d02_form)
    result = hoso(
        token, "sign", src, "-o", tmp_path / "x.xml", "--pkcs11", LIB, "--token", TOKEN, "--pin", PIN
    )
    assert result.returncode == 3
    assert "SIGN_TOKEN_KEY" in result.stderr
