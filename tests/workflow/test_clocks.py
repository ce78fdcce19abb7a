"""Issue 23, item 2: the legal clocks of a dossier from the policy parameters in force at its reception,
counted in the stored office hours, and the breaches the office head reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.test import Client
from django.utils import timezone

from hoso.intake.pipeline import receive
from hoso.policies.services import store_policy
from hoso.policy import VN_TZ
from hoso.reference.calendar import working_clock
from hoso.reference.models import OfficeHours
from hoso.reports.models import OutboxMessage, SubmitterNotice
from hoso.testing.envelopes import envelope
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.clocks import DUE_DATE, RECEIPT_NOTICE, SUPPLEMENT_REQUEST, clocks_for
from tests.intake.conftest import UNIT_CODE, UNIT_TAX, pki, signers, trusted, unit  # noqa: F401 — fixtures
from tests.workflow.conftest import make_officer

pytestmark = pytest.mark.django_db
JAN_5_2016 = datetime(2016, 1, 5, 2, tzinfo=UTC)  # Tuesday 09:00 in Hanoi


def hanoi(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def kinds(clocks) -> dict[str, datetime]:
    return {c.kind: c.due_at for c in clocks}


def test_the_clocks_of_a_2025_online_dossier(reference_data):
    clocks = clocks_for(
        office_id="00105", channel="electronic", received_at=hanoi(2025, 7, 8, 9), due_date=date(2025, 7, 15)
    )
    assert kinds(clocks) == {
        RECEIPT_NOTICE: hanoi(2025, 7, 8, 11),  # 2 hours (Decree 164/2025)
        SUPPLEMENT_REQUEST: hanoi(2025, 7, 9, 9),  # 8 working hours of 08–12, 13–17 (Decree 45/2020)
        DUE_DATE: hanoi(2025, 7, 15, 17),  # the close of the due date
    }
    receipt = next(c for c in clocks if c.kind == RECEIPT_NOTICE)
    assert "164/2025" in receipt.legal_basis_vi and receipt.label


def test_a_dossier_is_clocked_by_the_policy_of_its_reception(reference_data):
    before = clocks_for(
        office_id="00105", channel="electronic", received_at=JAN_5_2016, due_date=date(2016, 1, 12)
    )
    assert set(kinds(before)) == {DUE_DATE}  # 2016: neither limit existed
    in_2021 = clocks_for(
        office_id="00105", channel="electronic", received_at=hanoi(2021, 3, 5, 16), due_date=date(2021, 3, 12)
    )
    assert kinds(in_2021)[SUPPLEMENT_REQUEST] == hanoi(2021, 3, 8, 16)  # Friday 16:00 → Monday 16:00
    assert RECEIPT_NOTICE not in kinds(in_2021)  # the 2-hour e-mail is Decree 164/2025's
    paper = clocks_for(
        office_id="00105", channel="paper", received_at=hanoi(2025, 7, 8, 9), due_date=date(2025, 7, 15)
    )
    assert SUPPLEMENT_REQUEST not in kinds(paper)  # examined at the desk, in the submitter's presence


def test_tet_stops_the_working_hour_clock(reference_data):
    clocks = clocks_for(
        office_id="00105", channel="electronic", received_at=hanoi(2026, 2, 13, 16), due_date=date(2026, 3, 2)
    )
    assert kinds(clocks)[SUPPLEMENT_REQUEST] == hanoi(2026, 2, 23, 16)  # Tết 16–20/02/2026 does not count


def test_office_hours_are_data_and_dated(reference_data):
    assert working_clock().hours_on(date(2025, 7, 8)).periods == ((time(8), time(12)), (time(13), time(17)))
    OfficeHours.objects.create(
        valid_from=date(2025, 7, 1),
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13, 30),
        afternoon_end=time(17),
    )
    clocks = clocks_for(
        office_id="00105", channel="electronic", received_at=hanoi(2025, 7, 8, 9), due_date=date(2025, 7, 15)
    )
    # 09:00–11:30 (2.5 h), 13:30–17:00 (3.5 h), next day 07:30–09:30 (2 h)
    assert kinds(clocks)[SUPPLEMENT_REQUEST] == hanoi(2025, 7, 9, 9, 30)
    older = clocks_for(
        office_id="00105", channel="electronic", received_at=hanoi(2021, 3, 5, 16), due_date=date(2021, 3, 12)
    )
    assert kinds(older)[SUPPLEMENT_REQUEST] == hanoi(2021, 3, 8, 16)  # earlier days keep their hours


def test_impossible_office_hours_are_refused_with_a_message(reference_data):
    hours = OfficeHours(valid_from=date(2025, 7, 1), morning_start=time(12), morning_end=time(8))
    with pytest.raises(Exception) as caught:
        hours.full_clean()
    assert "buổi" in str(caught.value)


#: An office's own policy (the machinery any office may use): the clocks of today for Cầu Giấy (00105)
#: from the opening of electronic filing — so that a signed dossier of the test PKI (valid in 2016) runs
#: them. Stored and activated like any policy version.
LOCAL_POLICY = """
[policy]
id = "cau-giay-clocks"
version = 1
precedence = 300
title_vi = "Thời hạn xử lý hồ sơ trực tuyến của BHXH quận Cầu Giấy"
title_en = "Cau Giay's online-dossier time limits"
legal_basis_vi = "Quyết định của BHXH quận Cầu Giấy (ví dụ kiểm thử)"
legal_basis_en = "Cau Giay decision (test example)"
offices = ["00105"]

[[rules]]
id = "paper-accepted-here"
effect = "accept"
channels = ["paper"]
message_vi = "Hồ sơ giấy được tiếp nhận."
message_en = "Paper accepted."

[[parameters]]
name = "supplement_request_working_hours"
value = 8
valid_from = 2015-10-01

[[parameters]]
name = "receipt_notice_minutes"
value = 120
valid_from = 2015-10-01
"""


@pytest.fixture
def online(unit, signers, monkeypatch):  # noqa: F811 — the imported fixtures
    store_policy(LOCAL_POLICY)
    raw = envelope(unit_code=UNIT_CODE, tax_code=UNIT_TAX, signer=signers["unit-valid"])
    reception = receive(raw, ivan_code="00030", received_at=JAN_5_2016)
    assert reception.outcome == "accepted", reception.submission.reasons
    officer = make_officer("t.truong.caugiay", "office_head", "00105")

    def at(moment: datetime) -> Client:
        """The head's client at ``moment``, freshly logged in (hours pass between the pages: the idle
        sign-out would otherwise answer)."""
        monkeypatch.setattr(timezone, "now", lambda: moment)
        head = Client()
        head.force_login(officer)
        return head

    return reception.submission.dossier, at


def _rows(page: str) -> str:
    assert 'id="breaches"' in page, page[:3000]
    return page.split('id="breaches"', 1)[1].split("</table>", 1)[0]


def test_an_online_dossier_unexamined_after_eight_working_hours_is_listed(online):
    dossier, at = online
    response = at(hanoi(2016, 1, 6, 8, 59)).get("/vi-pham-thoi-han/")
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = response.content.decode()
    assert dossier.number not in _rows(page) and "Không có thời hạn nào bị vi phạm." in page
    page = at(hanoi(2016, 1, 6, 10)).get("/vi-pham-thoi-han/").content.decode()
    rows = _rows(page)
    assert dossier.number in rows and "Xem xét hoặc yêu cầu bổ sung hồ sơ trực tuyến" in rows
    assert "06/01/2016 09:00" in rows and "Chưa thực hiện" in rows and "1 giờ 00 phút" in rows


def test_an_examination_after_the_limit_stays_listed_with_its_time(online, officers):
    dossier, at = online
    department = make_officer("t.thu.caugiay", "department_officer", "00105", "thu")
    at(hanoi(2016, 1, 6, 14))  # the officer takes it the next afternoon: 4 working hours late
    actions.take(dossier, actor_for(department))
    response = at(hanoi(2016, 1, 7, 9)).get("/vi-pham-thoi-han/")
    assert response.status_code == 200, response
    rows = _rows(response.content.decode())
    assert "06/01/2016 14:00" in rows and "4 giờ 00 phút" in rows and "Chưa thực hiện" not in rows


def test_a_receipt_e_mail_that_left_late_and_a_dossier_past_its_due_date(online):
    dossier, at = online
    sent = hanoi(2016, 1, 5, 11, 30)  # 30 minutes after its 2 hours
    message = OutboxMessage.objects.create(
        recipient="ketoan@hoabinh.example", sender="hoso@bhxh.example", subject="Giấy tiếp nhận", body="…",
        created_at=JAN_5_2016, next_attempt_at=JAN_5_2016, status=OutboxMessage.Status.SENT, sent_at=sent,
    )  # fmt: skip
    SubmitterNotice.objects.create(
        dossier=dossier, event_sequence=dossier.events.order_by("sequence").first().sequence, office_id="00105",
        kind=SubmitterNotice.Kind.RECEIPT, means=SubmitterNotice.Means.EMAIL, recipient=message.recipient,
        text="…", created_at=JAN_5_2016, message=message, next_attempt_at=JAN_5_2016,
    )  # fmt: skip
    page = at(hanoi(2016, 1, 13, 9)).get("/vi-pham-thoi-han/").content.decode()
    rows = _rows(page)
    assert "Gửi giấy tiếp nhận qua thư điện tử" in rows and "05/01/2016 11:30" in rows and "30 phút" in rows
    assert "Trả kết quả đúng hẹn" in rows and "12/01/2016 17:00" in rows  # due 12/01, still open
    assert 'id="breach-counts"' in page


def test_only_the_office_head_reads_the_page(online, officers):
    _, at = online
    at(hanoi(2016, 1, 6, 10))
    desk = Client()
    desk.force_login(officers["desk"])
    assert desk.get("/vi-pham-thoi-han/").status_code == 403
