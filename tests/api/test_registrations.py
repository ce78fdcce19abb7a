"""POST /api/v1/registrations: registration for electronic transactions (form 04/ĐK-IVAN)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from hoso.intake.blobstore import blob_store
from hoso.intake.registration import build_registration
from hoso.reference.models import CertificateRegistration, Office, Unit
from hoso.signature.sign import sign_xml

from .conftest import UNIT_CODE, UNIT_TAX

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_unit(reference_data, trusted):
    """The unit of the PKI's unit-valid certificate, known to the office but not registered yet."""
    return Unit.objects.create(
        code=UNIT_CODE, tax_code=UNIT_TAX, name="Công ty TNHH Thương mại Hoà Bình", office_id="00105"
    )


@pytest.fixture
def registration(signers):
    def make(*, signer="unit-valid", **fields):
        fields.setdefault("code", UNIT_CODE)
        fields.setdefault("name", "Công ty TNHH Thương mại Hoà Bình")
        fields.setdefault("tax_code", UNIT_TAX)
        fields.setdefault("office", "00105")
        xml = build_registration(**fields)
        return sign_xml(xml, signers[signer]) if signer else xml

    return make


def _register(api, body):
    return api.post_xml("/api/v1/registrations", body)


def test_register_then_file_electronically(api, new_unit, registration, make_envelope, pki):
    refused = api.submit(make_envelope())
    assert refused.status_code == 422 and b"INTAKE_CERTIFICATE_NOT_REGISTERED" in refused.content
    signed = registration()
    response = _register(api, signed)
    assert response.status_code == 201, response.content
    body = response.json()
    cert = pki.entities["unit-valid"].certificate
    assert body["outcome"] == "recorded" and body["kind"] == "new" and body["unit"] == UNIT_CODE
    assert body["ivan"] == "00030" and body["certificate"]["tax_code"] == UNIT_TAX
    assert body["certificate"]["serial"] == format(cert.serial_number, "X")
    assert "+07:00" in body["registered_from"] and body["registered_until"] is None
    row = CertificateRegistration.objects.get(pk=body["id"])
    assert row.source == "api" and bytes(row.certificate_der) and row.ivan_id == "00030"
    assert row.evidence_sha256 == hashlib.sha256(signed).hexdigest() and blob_store().exists(
        row.evidence_sha256
    )
    assert api.submit(make_envelope()).status_code == 201  # a newly signed dossier is now accepted
    again = _register(api, registration())
    assert (
        again.status_code == 200 and again.json()["outcome"] == "repeat" and again.json()["id"] == body["id"]
    )


def test_stop_a_registration(api, new_unit, registration, make_envelope):
    _register(api, registration())
    stop = registration(kind="3")
    stopped = _register(api, stop)
    assert stopped.status_code == 200 and stopped.json()["outcome"] == "stopped"
    row = CertificateRegistration.objects.get(pk=stopped.json()["id"])
    assert row.ended_by_sha256 == hashlib.sha256(stop).hexdigest() and blob_store().exists(
        row.ended_by_sha256
    )
    assert stopped.json()["registered_until"] is not None
    refused = api.submit(make_envelope())
    assert refused.status_code == 422 and b"INTAKE_CERTIFICATE_NOT_REGISTERED" in refused.content
    again = _register(api, registration(kind="3"))
    assert again.status_code == 422 and again.json()["code"] == "REG_NOT_REGISTERED"


def test_a_change_of_certificate_ends_the_others(api, new_unit, registration, pki):
    from tests.intake.conftest import register_certificate

    old = register_certificate(
        new_unit, pki.entities["unit-ec"].certificate, since=timezone.now() - timedelta(days=9)
    )
    response = _register(api, registration(kind="2"))
    assert response.status_code == 201 and response.json()["kind"] == "change"
    old.refresh_from_db()
    assert old.registered_until is not None


def test_a_later_start_date_is_kept(api, new_unit, registration):
    start = timezone.localdate() + timedelta(days=10)
    body = _register(api, registration(start=start)).json()
    assert body["registered_from"].startswith(start.isoformat())


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"signer": None}, "REG_SIGNATURE_INVALID"),
        ({"ivan": "00040"}, "REG_IVAN_MISMATCH"),
        ({"code": "ZZ99999"}, "REG_UNIT_UNKNOWN"),
        ({"tax_code": "0100109106"}, "REG_TAX_CODE_MISMATCH"),
        ({"signer": "unit-ec"}, "REG_SIGNER_TAX_CODE"),
        ({"kind": "7"}, "REG_KIND"),
        ({"submitter_kind": "2", "code": "99999"}, "REG_COMMUNE_UNKNOWN"),
        ({"signer": "unit-expired"}, "REG_SIGNATURE_INVALID"),
    ],
)
def test_refused_registrations(api, new_unit, registration, fields, code):
    response = _register(api, registration(**fields))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == code and body["message"] and body["message_en"]
    assert not CertificateRegistration.objects.exists()


def test_a_bad_start_date_and_a_registrant_outside_hanoi(api, new_unit, registration, signers):
    xml = build_registration(code=UNIT_CODE, name="X", tax_code=UNIT_TAX).replace(
        b"<NgayLap>", b"<NgayBatDau>31/12/2026</NgayBatDau><NgayLap>"
    )
    response = _register(api, sign_xml(xml, signers["unit-valid"]))
    assert response.json()["code"] == "REG_START_DATE"
    Office.objects.create(code="002", kind="city", name_vi="BHXH tỉnh khác")
    Unit.objects.filter(code=UNIT_CODE).update(office_id="002")
    response = _register(api, registration())
    assert response.status_code == 422 and response.json()["code"] == "REG_OFFICE_OUTSIDE"


def test_not_a_registration_and_not_xml(api, new_unit, make_envelope):
    response = _register(api, make_envelope())
    assert response.status_code == 422 and response.json()["code"] == "REG_NOT_REGISTRATION"
    response = _register(api, b"<DangKyGiaoDichDienTu><unclosed>")
    assert response.status_code == 422 and response.json()["code"].startswith("XML")
    response = _register(api, b"just text")
    assert response.status_code == 415 and response.json()["code"] == "INTAKE_NOT_XML"


def test_a_commune_registers(api, demo_data, trusted, registration):
    from hoso.reference.models import Commune

    commune = Commune.objects.first()
    response = _register(
        api,
        registration(signer="commune", submitter_kind="2", code=commune.gso_code, tax_code="", name="UBND"),
    )
    assert response.status_code == 201, response.content
    assert response.json()["commune"] == commune.gso_code and response.json()["unit"] is None
