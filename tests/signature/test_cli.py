"""The commands: hoso verify / sign / pack / pki demo; interoperability with the xmlsec1 command."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from hoso.cli import main
from hoso.signature import verify


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def files(tmp_path, d02_form):
    from hoso.dossier import TK1Declaration, build_tk1

    (tmp_path / "d02.xml").write_bytes(d02_form)
    (tmp_path / "tk1.xml").write_bytes(
        build_tk1({"MaDonVi": "TA0100A"}, TK1Declaration(ho_ten="Lê Văn Cường"))
    )
    (tmp_path / "giay.pdf").write_bytes(b"%PDF-1.4 giay to")
    return tmp_path


PACK = ["pack", "--unit", "TA0100A", "--procedure", "600", "--period", "11/2026", "--ivan", "00030"]


def p12(test_pki, name="unit-valid"):
    return ["--p12", test_pki[name].p12_path, "--password", test_pki.password]


def trust_args(test_pki):
    return ["--trust-anchor", test_pki.anchors_dir, "--crl", test_pki.crls_dir]


def test_sign_then_verify_exit_codes(capsys, test_pki, files):
    out = files / "signed.xml"
    assert run(capsys, "sign", files / "d02.xml", "-o", out, *p12(test_pki))[0] == 0
    code, text, _ = run(capsys, "verify", out, *trust_args(test_pki))
    assert code == 0
    assert "Kết quả: HỢP LỆ (TOTAL_PASSED)" in text
    assert "Mã số thuế: 0101234567" in text
    code, text, _ = run(capsys, "verify", out, *trust_args(test_pki), "--lang", "en")
    assert "Result: VALID" in text
    # indeterminate: no CRL
    assert run(capsys, "verify", out, "--trust-anchor", test_pki.anchors_dir)[0] == 2
    # failed: tampered
    out.write_bytes(out.read_bytes().replace("Đức 1".encode(), "Đức 7".encode()))
    code, text, _ = run(capsys, "verify", out, *trust_args(test_pki), "--json")
    assert code == 1
    assert json.loads(text)["sub_indication"] == "HASH_FAILURE"


def test_verify_usage_and_read_errors_exit_3(capsys, test_pki, files):
    assert run(capsys, "verify", files / "missing.xml", *trust_args(test_pki))[0] == 3
    assert run(capsys, "verify", files / "d02.xml", "--at", "not-a-date")[0] == 3
    assert run(capsys, "verify", files / "d02.xml", "--trust-anchor", files / "nowhere")[0] == 3
    assert run(capsys, "verify")[0] == 3  # FILE missing
    assert run(capsys, "verify", files / "d02.xml", "--bogus")[0] == 3  # unknown option
    code, _, err = run(capsys, "verify", files / "d02.xml", "--trust-anchor", files / "giay.pdf")
    assert code == 3 and "TRUST_ANCHOR_UNREADABLE" in err


def test_verify_at_a_point_in_time(capsys, test_pki, files):
    out = files / "signed.xml"
    run(capsys, "sign", files / "d02.xml", "-o", out, *p12(test_pki, "unit-expired"))
    before = (test_pki.now - timedelta(days=500)).isoformat()
    assert run(capsys, "verify", out, *trust_args(test_pki), "--at", before)[0] == 2  # no CRL issued yet
    assert run(capsys, "verify", out, *trust_args(test_pki))[0] == 2  # expired now


def test_verify_pinned_end_entity(capsys, test_pki, files):
    out = files / "signed.xml"
    run(capsys, "sign", files / "d02.xml", "-o", out, *p12(test_pki))
    assert run(capsys, "verify", out, "--trust-anchor", test_pki["unit-valid"].cert_path)[0] == 0


def test_password_from_environment(capsys, test_pki, files, monkeypatch):
    monkeypatch.setenv("HOSO_P12_PASSWORD", test_pki.password)
    out = files / "signed.xml"
    assert run(capsys, "sign", files / "d02.xml", "-o", out, "--p12", test_pki["unit-valid"].p12_path)[0] == 0


def test_sign_errors(capsys, test_pki, files):
    out = files / "signed.xml"
    code, _, err = run(
        capsys,
        "sign",
        files / "d02.xml",
        "-o",
        out,
        "--p12",
        test_pki["unit-valid"].p12_path,
        "--password",
        "wrong",
    )
    assert code == 3 and "SIGN_P12_UNREADABLE" in err
    assert run(capsys, "sign", files / "d02.xml", "-o", out)[0] == 3  # no key source
    run(capsys, "sign", files / "d02.xml", "-o", out, *p12(test_pki))
    code, _, err = run(capsys, "sign", out, "-o", files / "again.xml", *p12(test_pki))
    assert code == 3 and "SIGN_ALREADY_SIGNED" in err


def test_pack_signs_forms_first_and_envelope_last(capsys, test_pki, files):
    out = files / "BHXHDienTu.xml"
    code, _, _ = run(
        capsys,
        *PACK,
        files / "d02.xml",
        files / "tk1.xml",
        files / "giay.pdf",
        "-o",
        out,
        *p12(test_pki),
    )
    assert code == 0
    report = verify(out.read_bytes(), trust=test_pki.trust(), at=datetime.now(UTC))
    assert report.passed, report.reason_en
    assert [(p.name, p.form_code, p.kind, p.passed) for p in report.parts] == [
        ("d02.xml", "D02-TS", "form", True),
        ("tk1.xml", "TK1-TS", "form", True),
        ("giay.pdf", "CT-DK", "attachment", True),
    ]
    from hoso.dossier import parse_envelope

    hoso = parse_envelope(report.signed_root)
    assert hoso.unit.ma_so_bhxh == "TA0100A" and hoso.unit.ma_so_thue == "0101234567"
    assert hoso.info.ky_ke_khai == "11/2026" and hoso.ivan.ma_ivan == "00030"
    code, text, _ = run(capsys, "verify", out, *trust_args(test_pki))
    assert code == 0 and "Các tệp trong hồ sơ" in text


def test_pack_bad_period_exit_3(capsys, test_pki, files):
    code, _, err = run(
        capsys,
        *PACK[:6],
        "2026/11",
        *PACK[7:],
        files / "d02.xml",
        "-o",
        files / "x.xml",
        *p12(test_pki),
    )
    assert code == 3 and "DOSSIER_PERIOD" in err


def test_pki_demo_command(capsys, tmp_path):
    code, text, _ = run(capsys, "pki", "demo", "--out", tmp_path / "pki")
    assert code == 0 and "unit-valid" in text
    manifest = json.loads((tmp_path / "pki" / "pki.json").read_text())
    assert manifest["entities"]["unit-valid"]["tax_code"] == "0101234567"
    assert {"unit-expired", "unit-notyet", "unit-revoked", "unit-wrong-ku", "commune", "gateway"} <= set(
        manifest["entities"]
    )
    openssl = shutil.which("openssl")
    if openssl:  # OpenSSL-compatible files
        pki = tmp_path / "pki"
        subprocess.run(
            [
                openssl,
                "verify",
                "-CAfile",
                pki / "root-ca.pem",
                "-untrusted",
                pki / "issuing-ca.pem",
                pki / "unit-valid.pem",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [openssl, "pkcs12", "-in", pki / "unit-valid.p12", "-passin", "pass:hoso-demo", "-nokeys"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [openssl, "crl", "-in", pki / "issuing-ca.crl", "-inform", "DER", "-noout"], check=True
        )


XMLSEC1 = shutil.which("xmlsec1")


@pytest.mark.skipif(XMLSEC1 is None, reason="the xmlsec1 command is absent (Debian package xmlsec1)")
@pytest.mark.parametrize("name", ["unit-valid", "unit-ec"])
def test_signed_files_verify_with_the_xmlsec1_command(capsys, test_pki, files, name):
    form = files / "form.xml"
    envelope = files / "envelope.xml"
    run(capsys, "sign", files / "d02.xml", "-o", form, *p12(test_pki, name))
    run(
        capsys,
        *PACK,
        files / "d02.xml",
        files / "giay.pdf",
        "-o",
        envelope,
        *p12(test_pki, name),
    )
    for path in (form, envelope):
        result = subprocess.run(
            [
                XMLSEC1,
                "--verify",
                "--enabled-reference-uris",
                "empty",
                "--trusted-pem",
                test_pki.root.cert_path,
                "--untrusted-pem",
                test_pki.issuing.cert_path,
                path,
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    # and the embedded form, extracted from the envelope
    from hoso.dossier import parse_envelope

    embedded = files / "embedded.xml"
    embedded.write_bytes(parse_envelope(envelope.read_bytes()).info.files[0].content())
    result = subprocess.run(
        [XMLSEC1, "--verify", "--pubkey-cert-pem", test_pki[name].cert_path, embedded],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_verify_real_files_with_pinned_certificate(capsys, real_vectors, tmp_path):
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from lxml import etree

    raw = (real_vectors / "envelope-valid-net-object.xml").read_bytes()
    der = base64.b64decode(
        etree.fromstring(raw).findtext(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    )
    pem = tmp_path / "signer.pem"
    pem.write_bytes(x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM))
    at = ["--at", "2024-09-26T12:00:00+07:00"]
    for name, expected in [
        ("envelope-valid-net-object.xml", 0),
        ("form-m01b-valid-1.xml", 0),
        ("form-m01b-digest-mismatch.xml", 1),
        ("form-m01b-unsigned.xml", 1),
    ]:
        code, text, _ = run(capsys, "verify", real_vectors / name, "--trust-anchor", pem, *at)
        assert code == expected, (name, text)
    code, text, _ = run(capsys, "verify", real_vectors / "form-m01b-valid-1.xml", *at)
    assert code == 2 and "NO_CERTIFICATE_CHAIN_FOUND" in text
    code, text, _ = run(capsys, "verify", real_vectors / "form-m01b-valid-1.xml", "--trust-anchor", pem, *at)
    assert "Object" in text and "0101300842" in text
