"""Which supplements the one-stop desk receives (``hoso.workflow.supplements``): an electronic dossier's
supplement only through the I-VAN (signed); a barcoded or paper dossier's when the channel policy would
accept a filing in that channel from that submitter on that day (dispatch 2671/BHXH-CNTT). A refused
supplement changes nothing and the desk says why, citing the rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hoso.workflow import actions, services
from hoso.workflow.access import actor_for
from hoso.workflow.models import Dossier, DossierEvent
from hoso.workflow.states import Status
from hoso.workflow.supplements import SupplementChannelError, desk_refusal

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% giay khai sinh\n"
DEC_2015 = datetime(2015, 12, 15, 2, tzinfo=UTC)  # Tuesday 15/12/2015, 09:00 in Hanoi
JAN_2016 = datetime(2016, 1, 12, 2, tzinfo=UTC)  # Tuesday 12/01/2016


def _awaiting_supplement(dossier: Dossier) -> Dossier:
    services.transition(dossier, Status.IN_PROCESS, actor_label="Cán bộ nghiệp vụ")
    services.request_supplement(dossier, actor_label="Cán bộ nghiệp vụ", note="Thiếu bản sao giấy tờ")
    return Dossier.objects.select_related("procedure", "office", "unit", "commune", "ivan").get(pk=dossier.pk)


def _desk_of(officers, dossier: Dossier):
    from hoso.reference.models import Officer

    desk = officers["desk"]
    Officer.objects.filter(user=desk).update(office_id=dossier.office_id)
    desk.refresh_from_db()
    return desk


def _now(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def electronic(unit, signers):
    """An electronic dossier of unit HB00001 (Cầu Giấy), carried by I-VAN 00030 on 05/01/2016."""
    from hoso.intake.pipeline import receive
    from hoso.testing.envelopes import envelope
    from tests.intake.conftest import UNIT_CODE, UNIT_TAX

    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    received = receive(raw, ivan_code="00030", received_at=datetime(2016, 1, 5, 2, tzinfo=UTC))
    return _awaiting_supplement(received.submission.dossier)


def _barcoded_unit_dossier(officers, received_at: datetime) -> Dossier:
    """A unit's barcoded D02-TS (procedure 600, collection / book / card) received at the Sóc Sơn desk."""
    from hoso.barcode import make_chunks
    from hoso.intake.desk import receive_scanner_text
    from hoso.reference.models import Unit
    from hoso.testing.envelopes import envelope

    unit = Unit.objects.filter(office_id="00110").order_by("code").first()
    local = received_at.astimezone(timezone.get_default_timezone())
    raw = envelope(
        unit_code=unit.code, tax_code=unit.tax_code, period=local.strftime("%m/%Y"), created=local.date()
    )
    desk = receive_scanner_text(
        "\n".join(make_chunks(raw)), officer=officers["desk"], received_at=received_at
    )
    (reception,) = desk.receptions
    assert reception.outcome == "accepted", reception.submission.reasons
    return reception.submission.dossier


def test_an_electronic_dossiers_supplement_is_refused_at_the_desk(client, electronic, officers, clock):
    desk = _desk_of(officers, electronic)
    client.force_login(desk)
    page = client.get(f"/ho-so/{electronic.pk}/").content.decode()
    # In place of the upload, the reason with the rule: the supplement comes signed through the I-VAN.
    assert 'id="supplement-refused"' in page and "/receive_supplement/" not in page
    assert "2671/BHXH-CNTT" in page and "08/2015/QĐ-TTg" in page and "I-VAN 00030" in page
    response = client.post(
        f"/ho-so/{electronic.pk}/receive_supplement/",
        {"file": SimpleUploadedFile("bo-sung.pdf", PDF)},
        follow=True,
    )
    text = response.content.decode()
    assert "là hồ sơ điện tử nên bộ phận một cửa không nhận hồ sơ bổ sung" in text and "ký số" in text
    dossier = Dossier.objects.get(pk=electronic.pk)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.clock_stopped_at is not None
    assert not dossier.events.filter(kind=DossierEvent.Kind.SUPPLEMENT_RECEIVED).exists()
    # The department's own officers may not take it on paper either (the rule is in hoso.workflow.actions).
    from hoso.reference.models import Officer

    thu = officers["thu"]
    Officer.objects.filter(user=thu).update(office_id=electronic.office_id)
    thu.refresh_from_db()
    with pytest.raises(SupplementChannelError) as refused:
        actions.receive_supplement(electronic, actor_for(thu), raw=PDF)
    assert refused.value.code == "WORKFLOW_SUPPLEMENT_ELECTRONIC_ONLY"
    assert "Dossier" in refused.value.message_en and "through the I-VAN 00030" in refused.value.message_en


def test_the_refusal_is_in_english_for_an_english_page(client, electronic, officers, clock):
    client.force_login(_desk_of(officers, electronic))
    page = client.get(f"/ho-so/{electronic.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The supplement cannot be received here" in page and "is an electronic dossier" in page


def test_the_under_6_list_of_a_commune_without_signature_is_supplemented_at_the_desk(under6, officers, clock):
    dossier = _awaiting_supplement(under6)
    assert desk_refusal(dossier) is None
    actions.receive_supplement(dossier, actor_for(officers["desk"]), raw=PDF)
    assert Dossier.objects.get(pk=under6.pk).status == Status.SUPPLEMENT_RECEIVED


def test_a_commune_that_registered_a_signature_since_must_go_electronic(client, under6, officers, clock, pki):
    from hoso.reference.models import Commune
    from tests.intake.conftest import register_certificate

    dossier = _awaiting_supplement(under6)
    register_certificate(
        Commune.objects.get(gso_code="00379"),
        pki.entities["commune"].certificate,
        since=datetime(2016, 1, 8, tzinfo=UTC),
    )
    refusal = desk_refusal(dossier)
    assert refusal is not None and refusal.code == "POLICY_CHILD_CARD_COMMUNE_WITH_CERTIFICATE"
    assert "phải thực hiện giao dịch hồ sơ điện tử" in refusal.message_vi
    assert "Căn cứ: Công văn 2671/BHXH-CNTT" in refusal.message_vi and "Hướng dẫn:" in refusal.message_vi
    client.force_login(officers["desk"])
    client.post(f"/ho-so/{dossier.pk}/receive_supplement/", {"file": SimpleUploadedFile("ks.pdf", PDF)})
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_REQUESTED


def test_a_units_barcoded_dossier_is_supplemented_until_the_end_of_2015_only(
    demo_data, trusted, officers, monkeypatch
):
    dossier = _awaiting_supplement(_barcoded_unit_dossier(officers, DEC_2015))
    assert dossier.channel == "barcode" and dossier.unit_id
    assert desk_refusal(dossier, at=datetime(2015, 12, 31, 16, 59, tzinfo=UTC)) is None  # 23:59 in Hanoi
    refusal = desk_refusal(dossier, at=datetime(2015, 12, 31, 17, 0, tzinfo=UTC))  # 00:00 on 01/01/2016
    assert refusal.code == "POLICY_BARCODE_SUSPENDED_FROM_2016_01_01"
    assert (
        "01/01/2016" in refusal.message_vi
        and "ngừng tiếp nhận hồ sơ bán điện tử có mã vạch" in refusal.message_vi
    )
    assert refusal.details["policy"] == "2671-bhxh-cntt"
    desk = actor_for(officers["desk"])
    _now(monkeypatch, JAN_2016)
    with pytest.raises(SupplementChannelError):
        actions.receive_supplement(dossier, desk, raw=PDF)
    _now(monkeypatch, datetime(2015, 12, 22, 2, tzinfo=UTC))
    actions.receive_supplement(dossier, desk, raw=PDF)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_RECEIVED


def test_a_paper_dossier_is_supplemented_at_the_desk(client, officers, demo_data, trusted, monkeypatch):
    _now(monkeypatch, datetime(2016, 1, 5, 2, tzinfo=UTC))
    client.force_login(officers["desk"])
    response = client.post(
        "/tiep-nhan/",
        {"mode": "paper", "paper-kind": "2", "paper-code": "00379", "paper-name": "UBND xã Bắc Sơn",
         "paper-procedure": "602", "paper-period": "01/2016",
         "paper-rows": "Đỗ Minh Khôi; 05/06/2015; 1"},
    )  # fmt: skip
    assert response.status_code == 302
    dossier = _awaiting_supplement(Dossier.objects.get())
    assert dossier.channel == "paper"
    _now(monkeypatch, JAN_2016)
    client.force_login(officers["desk"])  # a week later: the session of the 5th ended after 30 idle minutes
    assert desk_refusal(dossier) is None
    client.post(f"/ho-so/{dossier.pk}/receive_supplement/", {"file": SimpleUploadedFile("ks.pdf", PDF)})
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT_RECEIVED
    assert (
        date(2016, 1, 12)
        == timezone.localtime(
            Dossier.objects.get(pk=dossier.pk).events.get(kind=DossierEvent.Kind.SUPPLEMENT_RECEIVED).at
        ).date()
    )
