"""Issue 23, item 2: Mẫu 05 (processing control sheet) for every dossier and Mẫu 06 (tracking log) of
the office, printable from the desk, with the due date as it stood at each step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.apologies import approve, draft_apologies
from hoso.workflow.models import Apology

pytestmark = pytest.mark.django_db
LATE = datetime(2016, 1, 21, 3, tzinfo=UTC)  # Thursday 21/01/2016 10:00 in Hanoi: the 19/01 due date passed


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_control_sheet_shows_each_step_against_the_due_date_of_its_time(under6, officers, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2016, 1, 18, 2, tzinfo=UTC))
    draft_apologies("00110", date(2016, 1, 18))
    approve(Apology.objects.get(), new_due_date=date(2016, 1, 26), reason="Chờ xác minh", user=officers["head"],
            actor_label="Trưởng BHXH huyện Sóc Sơn")  # fmt: skip
    monkeypatch.setattr(timezone, "now", lambda: LATE)
    actions.take(under6, actor_for(officers["sothe"]))
    page = _client(officers["desk"]).get(f"/ho-so/{under6.pk}/in/mau-05/").content.decode()
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in page and under6.number in page
    steps = page.split('id="control-steps"')[1].split("</table>")[0].split("<tr>")[2:]
    assert len(steps) == 3  # received, the apology's new appointment, taken
    assert "05/01/2016" in steps[0] and "19/01/2016" in steps[0] and "Trước hạn" in steps[0]
    assert "Chờ xác minh" in steps[1] and "26/01/2016" in steps[1]
    assert "21/01/2016" in steps[2] and "26/01/2016" in steps[2] and "Trước hạn" in steps[2]  # moved date
    dossier_page = _client(officers["desk"]).get(f"/ho-so/{under6.pk}/").content.decode()
    assert 'id="print-control-sheet"' in dossier_page
    assert _client(officers["other_desk"]).get(f"/ho-so/{under6.pk}/in/mau-05/").status_code == 404


def test_the_tracking_log_lists_the_office_dossiers_of_the_period(under6, officers, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: LATE)
    desk = _client(officers["desk"])
    page = desk.get("/so-theo-doi/?tu=01/01/2016&den=31/01/2016").content.decode()
    rows = page.split('id="log-rows"')[1].split("</table>")[0]
    assert (
        "SỔ THEO DÕI HỒ SƠ" in page
        and under6.number in rows
        and "05/01/2016" in rows
        and "19/01/2016" in rows
    )
    assert under6.number not in desk.get("/so-theo-doi/?tu=01/02/2016&den=29/02/2016").content.decode()
    assert (
        under6.number
        not in _client(officers["other_desk"])
        .get("/so-theo-doi/?tu=01/01/2016&den=31/01/2016")
        .content.decode()
    )
    wrong = desk.get("/so-theo-doi/?tu=32/01/2016", follow=True).content.decode()
    assert "Từ ngày “32/01/2016” không phải một ngày có thật" in wrong  # the coded error; this month shown
