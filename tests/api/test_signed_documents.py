"""Issue 19: one front half for every signed document (dossier, supplement, registration), every signed
part bound to the submitting unit, repeats by what was signed. The files are signed by the xmlsec1
command (tests/xmlsec1_signing.py), as an independent I-VAN client would sign them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from hoso.signature.pki import DEMO_PASSWORD
from hoso.workflow.models import Dossier
from hoso.workflow.services import request_supplement, transition
from tests.intake.conftest import UNIT_CODE, UNIT_TAX, register_certificate
from tests.xmlsec1_signing import d02, envelope, needs_xmlsec1, xmlsec1_sign

pytestmark = needs_xmlsec1


@pytest.fixture
def sign(pki):
    def sign(xml: bytes, name: str = "unit-valid") -> bytes:
        return xmlsec1_sign(xml, pki.entities[name].p12_path, DEMO_PASSWORD)

    return sign


@pytest.fixture
def pack(sign):
    """An envelope of HB00001 carrying ``forms`` (signed already), signed by ``signer`` with xmlsec1."""

    def pack(forms: list[bytes], *, signer="unit-valid", period=None, created=None, unit_code=UNIT_CODE):
        today = datetime.now().astimezone()
        unsigned = envelope(
            forms,
            unit_code=unit_code,
            tax_code=UNIT_TAX,
            period=period or today.strftime("%m/%Y"),
            created=created or today.date(),
        )
        return sign(unsigned, signer)

    return pack


def _code(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["code"]
    return response.content.split(b"<LyDoItem><Ma>", 1)[1].split(b"<", 1)[0].decode()


# --- item 1: one front half ------------------------------------------------------------------------------


def _awaiting_supplement(api, body):
    posted = api.submit(body)
    assert posted.status_code == 201, posted.content
    dossier = Dossier.objects.get(number=posted["X-Dossier-Number"])
    transition(dossier, "in_process", actor_label="Cán bộ thu")
    request_supplement(dossier, actor_label="Cán bộ thu", note="Bổ sung tờ khai.")
    return posted["X-Submission-Id"], dossier


def test_a_supplement_is_kept_once_and_parsed_under_the_gateways_limits(api, unit, sign, pack, settings):
    from hoso.intake.blobstore import blob_store

    sid, dossier = _awaiting_supplement(api, pack([sign(d02(UNIT_CODE))]))
    store, puts = blob_store(), []
    real_put = store.put

    def counted(raw, *args, **kwargs):
        puts.append(raw)
        return real_put(raw, *args, **kwargs)

    store.put = counted
    try:
        papers = pack([sign(d02(UNIT_CODE, employees=1, seed=5))])
        limit, settings.HOSO_XML_MAX_ELEMENTS = settings.HOSO_XML_MAX_ELEMENTS, 20  # the gateway's limits
        refused = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", papers)
        assert refused.status_code == 422 and refused.json()["code"] == "XML_TOO_MANY_ELEMENTS"
        settings.HOSO_XML_MAX_ELEMENTS = limit
        received = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", papers)
        assert received.status_code == 201, received.content
    finally:
        del store.put
    assert puts == [papers, papers]  # once per request: the evidence is kept once
    event = dossier.events.get(kind="supplement_received")
    assert store.get(event.data["sha256"]) == papers


def test_a_registration_goes_through_the_same_front_half(api, unit, sign, settings):
    from hoso.intake.registration import build_registration

    body = sign(
        build_registration(code=UNIT_CODE, name="Công ty", tax_code=UNIT_TAX, office="00105", kind="1")
    )
    limit, settings.HOSO_XML_MAX_ELEMENTS = settings.HOSO_XML_MAX_ELEMENTS, 5
    too_many = api.post_xml("/api/v1/registrations", body)
    assert too_many.status_code == 422 and too_many.json()["code"] == "XML_TOO_MANY_ELEMENTS"
    settings.HOSO_XML_MAX_ELEMENTS = limit
    foreign = sign(
        build_registration(code=UNIT_CODE, name="Công ty", tax_code=UNIT_TAX, office="00105"), "commune"
    )
    answer = api.post_xml("/api/v1/registrations", foreign)
    assert answer.status_code == 422 and answer.json()["code"] == "REG_SIGNER_TAX_CODE"
    assert "tờ khai đăng ký" in answer.json()["message"]
    again = api.post_xml("/api/v1/registrations", body)
    assert (
        again.status_code == 200 and again.json()["outcome"] == "repeat"
    )  # already registered by the fixture


# --- item 2: every signed part bound ----------------------------------------------------------------------


def test_a_form_signed_by_another_unit_is_refused_as_a_dossier_and_as_a_supplement(api, unit, sign, pack):
    from hoso.intake.models import Submission

    foreign_form = sign(d02(UNIT_CODE), "commune")  # another unit's certificate (MST 0108901234)
    refused = api.submit(pack([sign(d02(UNIT_CODE, seed=1)), foreign_form]))
    assert refused.status_code == 422 and _code(refused) == "INTAKE_FORM_SIGNER_NOT_UNIT"
    assert "CanCu>Quyết định 08/2015".encode() in refused.content
    assert "HuongDan>Ký lại tờ khai".encode() in refused.content
    stored = Submission.objects.get(public_id=refused["X-Submission-Id"])
    verdicts = [(p["name"], p["verdict"]) for p in stored.signature["parts_bound"]]
    assert verdicts == [("Hoso", "bound"), ("D02-TS-0.xml", "bound"), ("D02-TS-1.xml", "signer_not_unit")]
    assert stored.signature["parts_bound"][2]["tax_code"] == "0108901234"

    sid, dossier = _awaiting_supplement(api, pack([sign(d02(UNIT_CODE, seed=2))]))
    supplement = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", pack([foreign_form]))
    assert supplement.status_code == 422 and supplement.json()["code"] == "INTAKE_FORM_SIGNER_NOT_UNIT"
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"


def test_a_form_naming_another_unit_is_refused(api, unit, sign, pack):
    refused = api.submit(pack([sign(d02("HB00777"))]))
    assert refused.status_code == 422 and _code(refused) == "INTAKE_FORM_UNIT_MISMATCH"
    assert "mã đơn vị (MaDonVi) HB00777, khác đơn vị nộp hồ sơ (HB00001)".encode() in refused.content


def test_a_form_signed_with_a_certificate_registered_for_the_unit_is_bound(api, unit, sign, pack, pki):
    from hoso.intake.models import Submission

    register_certificate(unit, pki.entities["commune"].certificate)  # the unit's second certificate
    accepted = api.submit(pack([sign(d02(UNIT_CODE, seed=3), "commune")]))
    assert accepted.status_code == 201, accepted.content
    submission = Submission.objects.get(public_id=accepted["X-Submission-Id"])
    parts = submission.signature["parts_bound"]
    assert [p["verdict"] for p in parts] == ["bound", "bound"]
    assert parts[1]["tax_code"] == "0108901234" and parts[1]["verdict_label"] == "Ký bởi đơn vị nộp hồ sơ"

    # The dossier page lists each signed part with its signer and verdict, with no internal code.
    from django.test import Client

    from tests.workflow.conftest import make_officer

    officer = Client()
    officer.force_login(make_officer("t.giamdoc.parts", "director", "001"))
    page = officer.get(f"/ho-so/{submission.dossier_id}/").content.decode()
    table = page.split("Từng phần được ký và người ký", 1)[1].split("</table>", 1)[0]
    assert table.count("Ký bởi đơn vị nộp hồ sơ") == 2 and "0108901234" in table and "D02-TS" in table
    assert "INTAKE_" not in page


def test_an_unregistered_supplement_signer_of_the_unit_is_refused(api, unit, sign, pack):
    from django.utils import timezone

    from hoso.reference.models import CertificateRegistration

    sid, _dossier = _awaiting_supplement(api, pack([sign(d02(UNIT_CODE, seed=4))]))
    CertificateRegistration.objects.filter(unit=unit).update(registered_until=timezone.now())
    answer = api.post_xml(f"/api/v1/dossiers/{sid}/supplements", pack([sign(d02(UNIT_CODE, seed=6))]))
    assert answer.status_code == 422 and answer.json()["code"] == "INTAKE_CERTIFICATE_NOT_REGISTERED"


# --- item 3: repeats by what was signed --------------------------------------------------------------------


def test_the_same_signed_content_under_other_envelope_bytes_is_a_repeat(api, unit, sign, pack):
    forms = [sign(d02(UNIT_CODE, seed=7)), sign(d02(UNIT_CODE, employees=1, seed=8))]
    body = pack(forms)
    first = api.submit(body, HTTP_IDEMPOTENCY_KEY="first")
    assert first.status_code == 201, first.content
    newline = api.submit(body + b"\n")  # one extra newline outside the signature: other bytes
    fresh = pack(
        list(reversed(forms)), created=date(2026, 1, 2)
    )  # a fresh envelope signature, forms reordered
    assert fresh != body
    resigned = api.submit(fresh, HTTP_IDEMPOTENCY_KEY="second")  # a new key: no conflict, a repeat
    for again in (newline, resigned):
        assert again.status_code == 200, again.content
        assert again.content == first.content  # the first receipt, byte for byte
        assert again["X-Dossier-Number"] == first["X-Dossier-Number"]
    assert Dossier.objects.count() == 1

    other = api.submit(pack([forms[0], sign(d02(UNIT_CODE, employees=2, seed=8))]))  # another form's content
    assert other.status_code == 201 and other["X-Dossier-Number"] != first["X-Dossier-Number"]


def test_the_same_signed_content_through_another_ivan_is_refused(api, client, other_key, unit, sign, pack):
    from tests.api.conftest import ApiClient

    forms = [sign(d02(UNIT_CODE, seed=9))]
    first = api.submit(pack(forms))
    assert first.status_code == 201
    unsigned = envelope(forms, unit_code=UNIT_CODE, tax_code=UNIT_TAX, ivan="00040", **_today())
    refused = ApiClient(client, other_key).submit(sign(unsigned))
    assert refused.status_code == 422 and _code(refused) == "INTAKE_ALREADY_FILED"
    assert first["X-Dossier-Number"].encode() in refused.content
    assert Dossier.objects.count() == 1


def _today() -> dict:
    today = datetime.now().astimezone()
    return {"period": today.strftime("%m/%Y"), "created": today.date()}


def test_a_refused_declaration_signed_again_in_a_new_envelope_is_judged_again(api, unit, sign, pack, pki):
    """Only accepted dossiers are matched by content: the guide's §6 — refused while the certificate is not
    registered, accepted once it is, with the same forms in a new envelope."""
    from django.utils import timezone

    from hoso.reference.models import CertificateRegistration

    forms = [sign(d02(UNIT_CODE, seed=11))]
    CertificateRegistration.objects.filter(unit=unit).update(registered_until=timezone.now())
    refused = api.submit(pack(forms, created=date(2026, 1, 2)))
    assert refused.status_code == 422 and _code(refused) == "INTAKE_CERTIFICATE_NOT_REGISTERED"
    register_certificate(unit, pki.entities["unit-valid"].certificate, since=timezone.now())
    accepted = api.submit(pack(forms, created=date(2026, 1, 3)))
    assert accepted.status_code == 201, accepted.content
