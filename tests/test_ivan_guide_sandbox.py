"""Issue 19, item 8: `hoso sandbox` gives an integrator a test world against the demo — the test PKI the
gateway trusts, the test unit with officers at its office, and scripted events (a supplement request, a
result) for its dossiers — so that the guide's steps run: file, be asked for a supplement, answer it, get
the signed result. The I-VAN's files are signed by the xmlsec1 command with the sandbox's unit-valid.p12."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from hoso.cli import main
from hoso.signature.pki import DEMO_PASSWORD
from tests.xmlsec1_signing import d02, envelope, needs_xmlsec1, xmlsec1_sign

pytestmark = [needs_xmlsec1, pytest.mark.django_db]
PDF = b"%PDF-1.4\n% ket qua thu nghiem\n"


@pytest.fixture
def gateway_world(settings, tmp_path, reference_data):
    from hoso.intake import gateway

    settings.HOSO_TRUST_ANCHORS = tmp_path / "anchors"
    settings.HOSO_CRL_DIR = tmp_path / "crls"
    settings.HOSO_BLOB_STORE = tmp_path / "blobs"
    settings.HOSO_API_RATE_BACKEND = "off"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    gateway.forget()
    gateway.ensure_gateway_identity()
    yield
    gateway.forget()


@pytest.fixture
def ivan(client, db):
    from hoso.api.models import IvanKey
    from hoso.reference.models import IvanProvider

    key = IvanKey.issue(IvanProvider.objects.get(code="00030"))[1]
    headers = {"HTTP_HOST": "127.0.0.1", "HTTP_AUTHORIZATION": f"Bearer {key}"}

    class Ivan:
        def post(self, path, body):
            return client.generic("POST", path, body, content_type="application/xml", **headers)

        def get(self, path, **extra):
            return client.get(path, **headers, **extra)

    return Ivan()


def _dossier(p12, *, seed: int) -> bytes:
    today = datetime.now().astimezone()
    form = xmlsec1_sign(d02("HB00001", seed=seed), p12, DEMO_PASSWORD)
    unsigned = envelope(
        [form],
        unit_code="HB00001",
        tax_code="0101234567",
        period=today.strftime("%m/%Y"),
        created=today.date(),
    )
    return xmlsec1_sign(unsigned, p12, DEMO_PASSWORD)


def test_the_sandbox_runs_the_guides_steps(gateway_world, ivan, tmp_path, capsys):
    assert main(["sandbox", "init"]) == 0
    printed = capsys.readouterr().out
    assert "export PKI=" in printed and "sandbox.thu.00105" in printed and "sandbox.truong.00105" in printed
    assert main(["sandbox", "init"]) == 0  # a second run changes nothing
    p12 = next(line.split("=", 1)[1] for line in printed.splitlines() if line.startswith("export PKI="))
    p12 = f"{p12}/unit-valid.p12"

    posted = ivan.post("/api/v1/dossiers", _dossier(p12, seed=1))
    assert posted.status_code == 201, posted.content
    sid, number = posted["X-Submission-Id"], posted["X-Dossier-Number"]

    assert main(["sandbox", "request-supplement", number, "--note", "Thiếu tờ khai TK1-TS."]) == 0
    events = ivan.get("/api/v1/feed?after=0").json()["events"]
    assert events[-1]["kind"] == "supplement_requested" and events[-1]["note"] == "Thiếu tờ khai TK1-TS."
    answered = ivan.post(f"/api/v1/dossiers/{sid}/supplements", _dossier(p12, seed=1))
    assert answered.status_code == 201, answered.content

    (tmp_path / "ket-qua.pdf").write_bytes(PDF)
    assert main(["sandbox", "result", number, "--document", str(tmp_path / "ket-qua.pdf")]) == 0
    result = [e for e in ivan.get("/api/v1/feed?after=0").json()["events"] if e["kind"] == "result"][-1]
    document = ivan.get(result["data"]["result_url"])
    assert document.status_code == 200
    assert hashlib.sha256(document.content).hexdigest() == result["data"]["result_sha256"]
    assert hashlib.sha256(PDF).hexdigest().encode() in document.content


def test_a_sandbox_step_on_a_dossier_that_is_not_there_says_so(gateway_world, capsys):
    assert main(["sandbox", "init"]) == 0
    capsys.readouterr()
    assert main(["sandbox", "request-supplement", "99999/2026/00105"]) != 0
    said = capsys.readouterr()
    assert "99999/2026/00105" in said.out + said.err
