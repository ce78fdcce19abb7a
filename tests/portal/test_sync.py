"""The national portal sync (issue 23, item 4), against a local portal over real HTTP: receptions and
changes of state queued from the audit chain, sent with the published fields, refusals, time-outs,
retries with back-off, the ledger's resend — and nothing queued while the portal is not configured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from hoso.portal import sync
from hoso.portal.models import Delivery, SyncCursor
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.models import Dossier

from .conftest import AGENCY, MATTHC, receive
from .portal_server import PORTAL_DATE

pytestmark = pytest.mark.django_db

Status, Kind, Service = Delivery.Status, Delivery.ErrorKind, Delivery.Service


def _local(moment):
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S")


def test_off_by_default_nothing_is_queued_or_sent(settings, national, demo_data, trusted, officers):
    settings.HOSO_PORTAL_URL = None
    receive(officers["desk"])
    assert sync.run() == "national portal sync off (HOSO_PORTAL_URL unset)"
    assert not SyncCursor.objects.exists() and not Delivery.objects.exists()


def test_a_reception_is_sent_with_the_published_fields_in_hanoi_time(started, officers):
    dossier = receive(officers["desk"])
    sync.run()
    (call,) = started.received
    record = call["record"]
    assert call["service"] == "DongBoHoSoMC" and call["isUpdating"] is False and call["madonvi"] == AGENCY
    assert record["MaHoSo"] == dossier.national_code and record["MaTTHC"] == MATTHC
    assert record["NgayTiepNhan"] == _local(dossier.received_at)  # Hanoi time: 09:00 for 02:00 UTC
    assert record["NgayTiepNhan"].endswith("090000") and PORTAL_DATE.match(record["NgayHenTra"])
    assert record["NgayHenTra"] == f"{dossier.due_date:%Y%m%d}170000"
    assert (record["TrangThaiHoSo"], record["LoaiDoiTuong"], record["HinhThuc"]) == ("2", "1", "1")
    assert record["ChuHoSo"].startswith("UBND ") and record["DonViXuLy"] == dossier.office.name_vi
    delivery = Delivery.objects.get()
    assert delivery.status == Status.SENT and delivery.attempts == 1 and delivery.payload == record


def test_changes_of_state_send_progress_and_the_dossier_again_where_the_mapping_says(started, officers):
    dossier = receive(officers["desk"])
    actions.take(dossier, actor_for(officers["sothe"]))
    actions.request_supplement(dossier, actor_for(officers["sothe"]), "Thiếu giấy khai sinh của trẻ")
    sync.run()
    services = [(c["service"], c["isUpdating"]) for c in started.received]
    assert services == [("DongBoHoSoMC", False), ("CapNhatTienDoHoSoMC", None),
                        ("DongBoHoSoMC", True), ("CapNhatTienDoHoSoMC", None)]  # fmt: skip
    taken, asked = started.received[1]["record"], started.received[3]["record"]
    assert taken["TrangThai"] == "4" and taken["NguoiXuLy"] and taken["ChucDanh"] == "Cán bộ phòng nghiệp vụ"
    assert asked["TrangThai"] == "5" and asked["NoiDungXuLy"] == "Thiếu giấy khai sinh của trẻ"
    (supplement,) = started.received[2]["record"]["DanhSachHoSoBoSung"]
    assert (
        supplement["NoiDungBoSung"] == "Thiếu giấy khai sinh của trẻ" and supplement["TrangThaiBoSung"] == "0"
    )
    assert supplement["NgayHenTraTruoc"] == f"{dossier.due_date:%Y%m%d}170000"


def test_a_change_rolled_back_is_never_sent(started, officers):
    dossier = receive(officers["desk"])
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.take(dossier, actor_for(officers["sothe"]))
        raise RuntimeError("the officer's request failed after the change")
    sync.run()
    assert [c["service"] for c in started.received] == ["DongBoHoSoMC"]
    assert Dossier.objects.get(pk=dossier.pk).status == "received"


def test_a_refusal_is_retried_with_back_off_then_left_not_sent(started, officers):
    receive(officers["desk"])
    started.refuse(times=sync.MAX_ATTEMPTS, code=11, message="Mã thủ tục không tồn tại")
    now = timezone.now()
    sync.run(now=now)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.error_kind, delivery.portal_code, delivery.attempts) == (
        Status.QUEUED, Kind.REFUSED, "11", 1)  # fmt: skip
    assert delivery.next_attempt_at == now + timedelta(minutes=1) and "Mã thủ tục" in delivery.last_error
    sync.send_due(now=now)  # not due yet: nothing tried
    assert Delivery.objects.get().attempts == 1
    waits = []
    for _ in range(sync.MAX_ATTEMPTS - 1):
        before = Delivery.objects.get()
        now = before.next_attempt_at
        sync.send_due(now=now)
        after = Delivery.objects.get()
        waits.append(after.next_attempt_at - now)
    assert waits[:5] == [timedelta(minutes=m) for m in (2, 4, 8, 16, 32)]
    assert after.status == Status.FAILED and after.attempts == sync.MAX_ATTEMPTS and not started.received


def test_a_time_out_waits_without_ever_giving_up_and_then_goes(started, officers, settings):
    settings.HOSO_PORTAL_TIMEOUT = 0.5
    receive(officers["desk"])
    receive(officers["desk"])
    started.hold.set()
    result = sync.run()
    assert "portal unreachable" in result
    rows = list(Delivery.objects.order_by("pk"))
    assert [(r.status, r.error_kind) for r in rows] == [(Status.QUEUED, Kind.TIMEOUT)] * 2  # the batch waits
    assert all(r.attempts == 1 for r in rows)
    started.hold.clear()
    started.released.set()
    sync.send_due(now=rows[0].next_attempt_at)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_refused_log_in_is_the_gateways_problem_not_the_records(started, officers, settings):
    settings.HOSO_PORTAL_PASSWORD = "sai-mat-khau"
    receive(officers["desk"])
    for day in range(sync.MAX_ATTEMPTS + 1):
        sync.run(now=timezone.now() + timedelta(days=day))
    delivery = Delivery.objects.get()
    assert (
        delivery.status == Status.QUEUED
        and delivery.error_kind == Kind.AUTH
        and delivery.portal_code == "401"
    )


def test_a_dossier_not_nameable_is_left_not_sent_and_resent_after_the_catalogue_is_mended(started, officers):
    from hoso.reference.catalogue import forget_procedures
    from hoso.reference.models import Procedure

    Procedure.objects.filter(code="602").update(national_code="")
    forget_procedures()
    receive(officers["desk"])
    sync.run()
    delivery = Delivery.objects.get()
    assert (
        delivery.status == Status.FAILED
        and delivery.error_kind == Kind.INCOMPLETE
        and "mã thủ tục hành chính quốc gia" in delivery.last_error
    )
    Procedure.objects.filter(code="602").update(national_code=MATTHC)
    assert sync.resend(Delivery.objects.filter(pk=delivery.pk), by="t.cntt") == 1
    sync.run()
    assert Delivery.objects.get().status == Status.SENT and started.received[0]["record"]["MaTTHC"] == MATTHC


def test_a_sent_row_can_be_sent_again(started, officers):
    receive(officers["desk"])
    sync.run()
    sync.resend(Delivery.objects.all(), by="t.cntt")
    sync.run()
    assert len(started.received) == 2 and Delivery.objects.get().resent_by == "t.cntt"


def test_a_dossier_received_before_the_sync_started_is_sent_whole_at_its_next_change(
    portal, national, demo_data, trusted, officers
):
    dossier = receive(officers["desk"])
    sync.run()  # starts the cursor after the reception: nothing sent
    assert not portal.received
    actions.take(dossier, actor_for(officers["sothe"]))
    sync.run()
    assert [(c["service"], c["isUpdating"]) for c in portal.received] == [
        ("DongBoHoSoMC", False), ("CapNhatTienDoHoSoMC", None)]  # fmt: skip
    assert portal.received[0]["record"]["TrangThaiHoSo"] == "4"


def test_an_office_that_records_its_agency_code_later_gets_its_dossiers_named_as_at_reception(
    started, officers
):
    from hoso.reference.models import Office

    Office.objects.filter(code="00110").update(agency_code="")
    dossier = receive(officers["desk"])
    assert dossier.national_code == ""
    Office.objects.filter(code="00110").update(agency_code=AGENCY)
    sync.run()
    dossier.refresh_from_db()
    day = timezone.localtime(dossier.received_at)
    assert dossier.national_code == f"{AGENCY}-{day:%y%m%d}-{dossier.sequence:04d}"
    assert started.received[0]["record"]["MaHoSo"] == dossier.national_code
