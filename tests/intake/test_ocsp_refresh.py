"""OCSP for registered certificates (issue 18, item 5): the revocation job asks the responder named in a
unit's certificate, keeps the verified answer in the database until it is due again, and every trust store
uses it — a certificate the CA revoked is refused after the job ran, and not before, while the CRL still
says nothing.

The responder is OpenSSL's own (`openssl ocsp` serving the CA's index file), not hoso code.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from hoso.intake import gateway, ocsp_refresh, revocation
from hoso.intake.models import CrlSource, FetchedOcsp
from hoso.signature import Indication, SubIndication, verify
from hoso.signature.pki import DEMO_PASSWORD, make_demo_pki
from hoso.signature.sign import Pkcs12Signer, sign_xml
from tests.intake.conftest import register_certificate
from tests.ocsp_responder import OpensslResponder, free_port
from tests.pki_fixtures import CrlServer, make_crl

_Served = CrlServer  # the module's CRL server (tests/pki_fixtures.py), set by the ``ocsp_pki`` fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("openssl") is None, reason="the openssl command is needed as OCSP responder"
    ),
]


@pytest.fixture(scope="module")
def ocsp_pki(tmp_path_factory):
    """A test PKI whose unit certificates name an OCSP responder and a CRL address on loopback."""
    global _Served
    port = free_port()
    crl_server = _Served = CrlServer()
    folder = tmp_path_factory.mktemp("ocsp-pki")
    pki = make_demo_pki(folder / "pki", crl_base_url=crl_server.base, ocsp_url=f"http://127.0.0.1:{port}/")
    responder = OpensslResponder(pki, folder, port)
    try:
        yield pki, responder
    finally:
        responder.stop()
        crl_server.close()


@pytest.fixture
def registered(ocsp_pki, settings, tmp_path, monkeypatch):
    """The gateway trusts the test root (its issuing CA known), the CRLs say nothing is revoked, and the
    unit `unit-valid` is registered with its certificate."""
    from hoso.reference.models import Unit

    pki, responder = ocsp_pki
    anchors, inter, crls = tmp_path / "anchors", tmp_path / "intermediates", tmp_path / "crls"
    for folder in (anchors, inter, crls):
        folder.mkdir()
    shutil.copy(pki.root.cert_path, anchors / "root-ca.pem")
    shutil.copy(pki.issuing.cert_path, inter / "issuing-ca.pem")
    settings.HOSO_TRUST_ANCHORS, settings.HOSO_CRL_DIR, settings.HOSO_TRUST_INTERMEDIATES = (
        anchors,
        crls,
        inter,
    )
    settings.HOSO_OCSP = True
    monkeypatch.setattr(gateway, "TRUST_RECHECK_SECONDS", 0.0)
    gateway.forget()
    now = datetime.now(UTC)
    _Served.files = {
        "/issuing-ca.crl": make_crl(
            pki.issuing, this_update=now - timedelta(hours=1), next_update=now + timedelta(days=7)
        ),
        "/root-ca.crl": make_crl(
            pki.root, this_update=now - timedelta(hours=1), next_update=now + timedelta(days=30)
        ),
    }
    cert = pki["unit-valid"].certificate
    unit = Unit.objects.create(
        code="OC00001", tax_code=pki["unit-valid"].tax_code, name="Hoà Bình", office_id="00101"
    )
    register_certificate(unit, cert, since=now - timedelta(days=1))  # as hoso's registration does
    responder.revoked.clear()
    yield pki, responder
    responder.stop()
    gateway.forget()


def _verdict(pki, d02_form, at: datetime | None = None):
    signed = sign_xml(d02_form, Pkcs12Signer.from_file(pki["unit-valid"].p12_path, DEMO_PASSWORD))
    return verify(signed, trust=gateway.trust_store(), at=at or datetime.now(UTC))


@pytest.fixture(scope="module")
def d02_form() -> bytes:
    from hoso.dossier import D02Row, build_d02

    row = D02Row(
        stt="1", ho_ten="Nguyễn Văn Đức", ma_so_bhxh="0100000001", ngay_sinh="01/02/1990", gioi_tinh="1",
        tien_luong="5000000", tu_thang="11/2026", pa="TM",
    )  # fmt: skip
    return build_d02({"MaDonVi": "TA0100A", "TenDonVi": "Công ty Hoà Bình"}, [row])


def test_a_revocation_the_responder_knows_is_applied_after_the_job_and_not_before(registered, d02_form):
    pki, responder = registered
    responder.start()
    first = revocation.refresh()
    assert not first.any_failed, str(first)
    answer = FetchedOcsp.objects.get()
    assert answer.status == "good" and answer.next_update is not None and answer.subject
    assert _verdict(pki, d02_form).passed  # CRL and OCSP both say good

    # The CA revokes the certificate; its responder says so at once, the CRL (7 days) does not yet.
    responder.revoked.add(pki["unit-valid"].certificate.serial_number)
    responder.start()
    assert _verdict(pki, d02_form).passed  # not before the job asks again: the answer held is "good"
    not_due = revocation.refresh()
    assert not_due.ocsp.skipped == 1 and not not_due.ocsp.stored  # cached until it is due
    # Half the answer's 2 hours later the job asks again (the responder's -nmin 120).
    later = revocation.refresh(now=datetime.now(UTC) + timedelta(minutes=61))
    assert later.ocsp.stored and not later.any_failed, str(later)
    answer = FetchedOcsp.objects.get()
    assert answer.status == "revoked" and answer.revoked_at is not None
    refused = _verdict(pki, d02_form)
    assert refused.indication is Indication.FAILED and refused.sub_indication is SubIndication.REVOKED


def test_an_answer_signed_by_a_key_the_ca_did_not_delegate_is_refused_and_recorded(registered, d02_form):
    pki, responder = registered
    other = pki["unit-ec"]  # a certificate of the same CA, not an OCSP signer
    responder.start(signer=(other.cert_path, other.key_path))
    report = revocation.refresh()
    assert report.any_failed and [e.split(":")[0] for _, e in report.ocsp.failed] == ["OCSP_SIGNATURE"]
    assert not FetchedOcsp.objects.exists()
    source = CrlSource.objects.get(url=ocsp_refresh.responder_urls(pki["unit-valid"].certificate)[0])
    assert source.failures_in_a_row == 1 and source.last_error.startswith("OCSP_SIGNATURE")


def test_an_unreachable_responder_fails_the_run_and_keeps_nothing(registered):
    _pki, responder = registered
    responder.stop()
    report = revocation.refresh()
    assert [e.split(":")[0] for _, e in report.ocsp.failed] == ["OCSP_UNREACHABLE"]
    assert not FetchedOcsp.objects.exists()


def test_hoso_ocsp_off_asks_no_responder(registered, settings):
    settings.HOSO_OCSP = False
    report = revocation.refresh()
    assert report.ocsp is None and not FetchedOcsp.objects.exists()


def test_a_newer_crl_makes_the_answer_due_and_a_good_answer_never_hides_a_crl_revocation(
    registered, d02_form
):
    pki, responder = registered
    responder.start()  # says "good" throughout: a CA whose responder lags behind its CRL
    now = datetime.now(UTC)
    # CRLs valid 12 hours: every run fetches them (nextUpdate within a day).
    _Served.files["/issuing-ca.crl"] = make_crl(
        pki.issuing, this_update=now - timedelta(hours=1), next_update=now + timedelta(hours=12)
    )
    assert not revocation.refresh().any_failed
    held = FetchedOcsp.objects.get()
    assert held.status == "good"

    # The CA publishes a CRL that lists the certificate; the next run fetches it and, the CRL being newer
    # than the answer, asks the responder again at once.
    _Served.files["/issuing-ca.crl"] = make_crl(
        pki.issuing, [pki["unit-valid"].certificate.serial_number],
        this_update=now + timedelta(seconds=1), next_update=now + timedelta(hours=12), number=2,
    )  # fmt: skip
    later = revocation.refresh(now=now + timedelta(minutes=30))
    assert not later.any_failed and later.ocsp.stored, str(later)
    assert FetchedOcsp.objects.get().this_update >= held.this_update
    # The responder still says "good", the CRL says revoked (from its thisUpdate): refused — the
    # revocation wins.
    refused = _verdict(pki, d02_form, at=now + timedelta(seconds=5))
    assert refused.indication is Indication.FAILED and refused.sub_indication is SubIndication.REVOKED
