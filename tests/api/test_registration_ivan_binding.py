"""Issue 19, item 7: a registration binds the unit, the certificate and the I-VAN its form names; a unit
moves to another I-VAN with a change (05/ĐK-IVAN) filed through the new one (docs/ivan-guide.md §6).
Registrations and dossiers signed by the xmlsec1 command, as an independent I-VAN client signs them."""

from __future__ import annotations

from datetime import datetime

import pytest

from hoso.intake.registration import build_registration
from hoso.reference.models import CertificateRegistration, Unit
from hoso.signature.pki import DEMO_PASSWORD
from tests.intake.conftest import UNIT_CODE, UNIT_TAX
from tests.xmlsec1_signing import d02, envelope, needs_xmlsec1, xmlsec1_sign

from .conftest import ApiClient

pytestmark = [needs_xmlsec1, pytest.mark.django_db]


@pytest.fixture
def sign(pki):
    return lambda xml: xmlsec1_sign(xml, pki.entities["unit-valid"].p12_path, DEMO_PASSWORD)


@pytest.fixture
def new_unit(reference_data, trusted):
    return Unit.objects.create(
        code=UNIT_CODE, tax_code=UNIT_TAX, name="Công ty TNHH Thương mại Hoà Bình", office_id="00105"
    )


@pytest.fixture
def ivans(api, client, other_key):
    return {"00030": api, "00040": ApiClient(client, other_key)}


def _registration(sign, *, ivan: str, kind: str = "1") -> bytes:
    return sign(
        build_registration(
            code=UNIT_CODE, name="Công ty TNHH Thương mại Hoà Bình", tax_code=UNIT_TAX, office="00105",
            ivan=ivan, kind=kind,
        )
    )  # fmt: skip


def _dossier(sign, *, ivan: str, seed: int) -> bytes:
    today = datetime.now().astimezone()
    unsigned = envelope(
        [sign(d02(UNIT_CODE, seed=seed))], unit_code=UNIT_CODE, tax_code=UNIT_TAX, ivan=ivan,
        period=today.strftime("%m/%Y"), created=today.date(),
    )  # fmt: skip
    return sign(unsigned)


def _reason_code(response) -> str:
    return response.content.split(b"<LyDoItem><Ma>", 1)[1].split(b"<", 1)[0].decode()


def test_a_registration_binds_the_ivan_that_carried_it(ivans, new_unit, sign):
    registered = ivans["00030"].post_xml("/api/v1/registrations", _registration(sign, ivan="00030"))
    assert registered.status_code == 201 and registered.json()["ivan"] == "00030"
    assert ivans["00030"].submit(_dossier(sign, ivan="00030", seed=1)).status_code == 201

    elsewhere = _dossier(sign, ivan="00040", seed=2)
    refused = ivans["00040"].submit(elsewhere)
    assert (refused.status_code, _reason_code(refused)) == (422, "INTAKE_IVAN_NOT_REGISTERED")
    assert b"00030" in refused.content and "05/ĐK-IVAN".encode() in refused.content  # the way out

    # A new registration (04) through 00040 does not move the unit: a change (05) does.
    new = ivans["00040"].post_xml("/api/v1/registrations", _registration(sign, ivan="00040"))
    assert (new.status_code, new.json()["code"]) == (422, "REG_IVAN_CHANGE_REQUIRED")
    change = ivans["00040"].post_xml("/api/v1/registrations", _registration(sign, ivan="00040", kind="2"))
    assert change.status_code == 201, change.content
    assert (change.json()["kind"], change.json()["ivan"]) == ("change", "00040")
    current = CertificateRegistration.objects.filter(unit=new_unit, registered_until__isnull=True)
    assert [r.ivan_id for r in current] == ["00040"]

    # The refusal was "again": the same bytes through 00040 are now accepted; 00030 is refused.
    assert ivans["00040"].submit(elsewhere).status_code == 201
    after = ivans["00030"].submit(_dossier(sign, ivan="00030", seed=3))
    assert (after.status_code, _reason_code(after)) == (422, "INTAKE_IVAN_NOT_REGISTERED")
    again = ivans["00040"].post_xml("/api/v1/registrations", _registration(sign, ivan="00040", kind="2"))
    assert (again.status_code, again.json()["outcome"]) == (200, "repeat")


def test_a_registration_the_office_recorded_without_an_ivan_binds_none(ivans, new_unit, sign, pki):
    from tests.intake.conftest import register_certificate

    register_certificate(new_unit, pki.entities["unit-valid"].certificate, ivan=None)
    for code, seed in (("00030", 4), ("00040", 5)):
        assert ivans[code].submit(_dossier(sign, ivan=code, seed=seed)).status_code == 201, code
