"""Revocation refresh (issue 18 item 5): the hoso:revocation job fetches the CAs' CRLs from the addresses
in the certificates hoso knows, verifies them and stores them where every server's trust store reads them.

Real parts: a test CA whose CRLs a loopback HTTP server serves at the addresses its certificates name, a
unit's registered certificate, the gateway's trust store, a dossier signed with the unit's key.
"""

from __future__ import annotations

import shutil
import socket
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from hoso.intake import gateway, revocation
from hoso.intake.models import CrlSource, FetchedCrl
from hoso.operations import health
from hoso.signature import Indication, SubIndication, verify
from hoso.signature.pki import DEMO_PASSWORD, make_demo_pki
from hoso.signature.sign import Pkcs12Signer, sign_xml
from tests.pki_fixtures import CrlServer, make_crl

pytestmark = pytest.mark.django_db


_Served = CrlServer  # the module's CRL server (tests/pki_fixtures.py), set by the ``ca`` fixture


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    """A test PKI whose certificates name CRL addresses on a loopback server that serves them."""
    global _Served
    server = _Served = CrlServer()
    try:
        yield make_demo_pki(tmp_path_factory.mktemp("revocation-pki"), crl_base_url=server.base)
    finally:
        server.close()


@pytest.fixture(scope="module")
def d02_form() -> bytes:
    from hoso.dossier import D02Row, build_d02

    row = D02Row(
        stt="1", ho_ten="Nguyễn Văn Đức", ma_so_bhxh="0100000001", ngay_sinh="01/02/1990", gioi_tinh="1",
        tien_luong="5000000", tu_thang="11/2026", pa="TM",
    )  # fmt: skip
    return build_d02({"MaDonVi": "TA0100A", "TenDonVi": "Công ty Hoà Bình"}, [row])


_crl = make_crl  # the suite's CRL builder (tests/pki_fixtures.py)


@pytest.fixture
def gateway_trust(ca, settings, tmp_path, monkeypatch):
    """The gateway trusts the test root CA and knows its issuing CA (the intermediates folder), has no CRL
    file, and the unit `unit-valid` is registered with its certificate."""
    from hoso.reference.models import CertificateRegistration, Unit

    anchors, inter, crls = tmp_path / "anchors", tmp_path / "intermediates", tmp_path / "crls"
    for folder in (anchors, inter, crls):
        folder.mkdir()
    shutil.copy(ca.root.cert_path, anchors / "root-ca.pem")
    shutil.copy(ca.issuing.cert_path, inter / "issuing-ca.pem")
    settings.HOSO_TRUST_ANCHORS, settings.HOSO_CRL_DIR = anchors, crls
    settings.HOSO_TRUST_INTERMEDIATES = inter
    monkeypatch.setattr(gateway, "TRUST_RECHECK_SECONDS", 0.0)
    gateway.forget()
    now = datetime.now(UTC)
    _Served.files = {
        "/issuing-ca.crl": _crl(
            ca.issuing, this_update=now - timedelta(days=1), next_update=now + timedelta(days=7)
        ),
        "/root-ca.crl": _crl(
            ca.root, this_update=now - timedelta(days=1), next_update=now + timedelta(days=30)
        ),
    }
    _Served.requests.clear()
    cert = ca["unit-valid"].certificate
    unit = Unit.objects.create(
        code="RV00001", tax_code=ca["unit-valid"].tax_code, name="Hoà Bình", office_id="00101"
    )
    CertificateRegistration.objects.create(
        unit=unit,
        serial=format(cert.serial_number, "x"),
        issuer=cert.issuer.rfc4514_string(),
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        registered_from=now - timedelta(days=1),
        certificate_der=cert.public_bytes(Encoding.DER),
    )
    yield now
    gateway.forget()


def _verdict(ca, d02_form):
    signed = sign_xml(d02_form, Pkcs12Signer.from_file(ca["unit-valid"].p12_path, DEMO_PASSWORD))
    return verify(signed, trust=gateway.trust_store(), at=datetime.now(UTC))


def test_fetched_crls_reach_the_trust_store_and_a_later_revocation_applies(ca, gateway_trust, d02_form):
    now = gateway_trust
    assert _verdict(ca, d02_form).sub_indication is SubIndication.TRY_LATER  # no CRL yet

    report = revocation.refresh()
    assert len(report.installed) == 2 and not report.failed
    assert sorted(_Served.requests) == ["/issuing-ca.crl", "/root-ca.crl"]
    assert FetchedCrl.objects.count() == 2 and not report.failed
    assert len(gateway.trust_store()._crls) == 2
    assert _verdict(ca, d02_form).passed
    assert health.crl_freshness().status == health.OK  # the stored CRLs count, the folder is empty

    # Run again in the same period: nothing is due (nextUpdate days ahead, fetched just now).
    _Served.requests.clear()
    again = revocation.refresh()
    assert _Served.requests == [] and len(again.skipped) == 2 and not again.installed

    # The CA revokes the unit's certificate and publishes a new CRL. A day later (MAX_AGE) the job
    # fetches it; the trust store of every server (a new marker in the database) refuses the signature.
    _Served.files["/issuing-ca.crl"] = _crl(
        ca.issuing, [ca["unit-valid"].certificate.serial_number],
        this_update=now, next_update=now + timedelta(days=7), number=2,
    )  # fmt: skip
    later = revocation.refresh(now=now + revocation.MAX_AGE + timedelta(minutes=1))
    assert len(later.installed) == 1 and len(later.unchanged) == 1 and not later.failed
    refused = _verdict(ca, d02_form)
    assert refused.indication is Indication.FAILED and refused.sub_indication is SubIndication.REVOKED
    assert FetchedCrl.objects.count() == 2
    assert health.revocation_fetch().status == health.OK


def test_another_server_notices_a_new_stored_crl_without_forget(ca, gateway_trust, d02_form):
    revocation.refresh()
    first = gateway.trust_store()
    assert gateway.trust_store() is first  # nothing changed: the same store
    FetchedCrl.objects.filter(url__endswith="issuing-ca.crl").update(id=10_000)  # as another server's row
    assert gateway.trust_store() is not first


def test_an_expired_crl_or_one_signed_by_another_key_is_refused_and_recorded(ca, gateway_trust):
    now = gateway_trust
    _Served.files["/issuing-ca.crl"] = _crl(
        ca.issuing, this_update=now - timedelta(days=8), next_update=now - timedelta(days=1)
    )
    report = revocation.refresh()
    assert [error.split(":")[0] for _, error in report.failed] == ["CRL_EXPIRED"]
    assert not FetchedCrl.objects.filter(url__endswith="issuing-ca.crl").exists()
    source = CrlSource.objects.get(url__endswith="issuing-ca.crl")
    assert source.failures_in_a_row == 1 and source.last_error.startswith("CRL_EXPIRED")

    _Served.files["/issuing-ca.crl"] = _crl(
        ca.issuing,
        this_update=now,
        next_update=now + timedelta(days=7),
        key=ec.generate_private_key(ec.SECP256R1()),
    )
    report = revocation.refresh()
    assert [error.split(":")[0] for _, error in report.failed] == ["CRL_SIGNATURE"]
    assert not FetchedCrl.objects.filter(url__endswith="issuing-ca.crl").exists()
    assert CrlSource.objects.get(url__endswith="issuing-ca.crl").failures_in_a_row == 2


def test_an_older_crl_does_not_replace_a_newer_one(ca, gateway_trust):
    now = gateway_trust
    revocation.refresh()
    _Served.files["/issuing-ca.crl"] = _crl(
        ca.issuing, this_update=now - timedelta(days=2), next_update=now + timedelta(days=7)
    )
    report = revocation.refresh(now=now + revocation.MAX_AGE + timedelta(minutes=1))
    assert [error.split(":")[0] for _, error in report.failed] == ["CRL_OLDER"]


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_server_that_is_down_is_a_failed_fetch_and_repeated_failures_warn(ca, gateway_trust, settings):
    """A unit registered with a certificate whose CA publishes its CRL on a server that is down."""
    from hoso.jobs import tasks
    from hoso.reference.models import CertificateRegistration

    now = gateway_trust
    key = ec.generate_private_key(ec.SECP256R1())
    url = f"http://127.0.0.1:{_dead_port()}/issuing-ca.crl"
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "CÔNG TY TNHH MẤT MẠNG")]))
        .issuer_name(ca.issuing.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
            ),
            critical=False,
        )
        .sign(ca.issuing.key, hashes.SHA256())
    )
    registration = CertificateRegistration.objects.first()
    registration.pk = None
    registration.certificate_der = cert.public_bytes(Encoding.DER)
    registration.save()

    report = revocation.refresh()
    assert [(u, e.split(":")[0]) for u, e in report.failed] == [(url, "CRL_UNREACHABLE")]
    assert len(report.installed) == 2  # the other addresses are fetched all the same
    assert health.revocation_fetch().status == health.OK  # one failure: not yet a warning
    # ... but one failing for more than an hour is.
    assert health.revocation_fetch(now=now + timedelta(minutes=61)).status == health.WARN

    with pytest.raises(RuntimeError, match="1 failed"):  # the job's run fails: `hoso jobs` shows it
        tasks.revocation()
    revocation.refresh()
    check = health.revocation_fetch()
    assert check.status == health.WARN
    assert check.fields["failing"][0]["failures"] == revocation.FAILURE_WARN_COUNT
    assert "HOSO TEST ISSUING CA" in check.detail and url not in check.detail and url in check.cause

    CertificateRegistration.objects.filter(pk=registration.pk).delete()
    _Served.requests.clear()
    revocation.refresh()  # the address is no longer named: not fetched; its history stays until success
    assert _Served.requests == []


def test_download_refuses_other_schemes_and_large_answers(ca, gateway_trust):
    with pytest.raises(revocation.FetchError, match="CRL_SCHEME"):
        revocation.fetch("file:///etc/passwd")
    url = next(iter(revocation.sources(gateway.trust_store()).values()))[1][0]
    with pytest.raises(revocation.FetchError, match="CRL_TOO_LARGE"):
        revocation.fetch(url, limit=10)


def test_the_job_is_registered_every_15_minutes():
    from hoso.jobs.registry import JOBS

    job = {j.name: j for j in JOBS}["hoso:revocation"]
    assert job.minutes == 15 and job.func == "hoso.jobs.tasks.revocation"
