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


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="Debian package xmlsec1 not installed")
def test_the_gateway_signs_receipts_with_a_key_that_stays_on_a_token(token, test_pki, tmp_path):
    """HOSO_GATEWAY_PKCS11: `hoso init` records the token's certificate as the gateway's, `hoso
    gateway-cert` prints it, and a receipt signed through the token verifies with `xmlsec1`."""
    env = {
        **{k: v for k, v in token.items() if not k.startswith(("HOSO_", "DATABASE_URL"))},
        "HOSO_DATA_DIR": str(tmp_path / "data"),
        "HOSO_GATEWAY_PKCS11": LIB,
        "HOSO_GATEWAY_TOKEN": TOKEN,
        "HOSO_GATEWAY_TOKEN_PIN": PIN,
        "HOSO_GATEWAY_KEY_LABEL": "unit-valid",
    }
    init = hoso(env, "init")
    assert init.returncode == 0, init.stderr
    assert hoso(env, "cluster", "status").returncode == 0
    printed = hoso(env, "gateway-cert")
    assert (
        printed.returncode == 0 and printed.stdout.encode() == test_pki["unit-valid"].cert_path.read_bytes()
    )
    receipt = tmp_path / "receipt.xml"
    script = textwrap.dedent(
        f"""
        import uuid
        from datetime import UTC, datetime
        from hoso import django_setup
        django_setup()
        from hoso.intake.receipts import ReceiptContent, build_receipt
        content = ReceiptContent(submission_id=str(uuid.uuid4()), received_at=datetime.now(UTC),
                                 outcome="accepted", sha256="0" * 64, channel="ivan")
        open({str(receipt)!r}, "wb").write(build_receipt(content))
        """
    )
    made = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    checked = subprocess.run(
        ["xmlsec1", "--verify", "--pubkey-cert-pem", str(test_pki["unit-valid"].cert_path),
         "--enabled-key-data", "rsa,x509", str(receipt)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    # The wrong PIN: the server does not start, saying why (no traceback).
    refused = hoso({**env, "HOSO_GATEWAY_TOKEN_PIN": "0000"}, "gateway-cert")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr, refused.stderr
