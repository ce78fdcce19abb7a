"""Issue 23, item 2: Mẫu 04 — a dossier that will be late gets a drafted apology with a proposed new
appointment; the office head approves it with the date and the reason; the due date moves and the
audit chain records both. Then the same in Chromium."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from hoso.errors import CodedError
from hoso.reference.calendar import working_calendar
from hoso.workflow.apologies import approve, draft_apologies
from hoso.workflow.audit import verify_chain
from hoso.workflow.models import Apology, DossierEvent

pytestmark = pytest.mark.django_db
BEFORE = datetime(2016, 1, 14, 2, tzinfo=UTC)  # Thursday 14/01/2016 09:00 in Hanoi
DUE_SOON = datetime(2016, 1, 18, 2, tzinfo=UTC)  # Monday 18/01/2016 09:00: one working day left


@pytest.fixture
def now(monkeypatch):
    def at(moment: datetime) -> datetime:
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return at


def test_a_draft_is_made_once_when_a_dossier_will_be_late(under6, now):
    assert under6.due_date == date(2016, 1, 19)
    now(BEFORE)
    assert draft_apologies("00110", date(2016, 1, 14)) == 0
    now(DUE_SOON)
    assert draft_apologies("00110", date(2016, 1, 18)) == 1
    assert draft_apologies("00110", date(2016, 1, 18)) == 0  # once per due date
    draft = Apology.objects.get()
    expected = working_calendar().add_working_days(date(2016, 1, 19), under6.procedure.time_limit_days)
    assert (draft.status, draft.old_due_date, draft.proposed_due_date) == (
        "draft",
        date(2016, 1, 19),
        expected,
    )


def test_approval_moves_the_due_date_with_its_reason_in_the_audit_chain(under6, officers, now):
    now(DUE_SOON)
    draft_apologies("00110", date(2016, 1, 18))
    draft = Apology.objects.get()
    approved = approve(
        draft, new_due_date=date(2016, 1, 26), reason="Chờ xác minh hộ khẩu", user=officers["head"],
        actor_label="Trưởng BHXH huyện Sóc Sơn",
    )  # fmt: skip
    under6.refresh_from_db()
    assert under6.due_date == date(2016, 1, 26) and approved.status == "approved"
    event = DossierEvent.objects.filter(dossier=under6, kind="note").latest("sequence")
    assert event.data == {
        "apology": draft.pk, "old_due_date": "2016-01-19", "due_date": "2016-01-26", "reason": "Chờ xác minh hộ khẩu",
    }  # fmt: skip
    assert "Mẫu 04" in event.note and verify_chain()[1] is None
    assert draft_apologies("00110", date(2016, 1, 18)) == 0  # the new due date is not at risk yet


@pytest.mark.parametrize(
    ("new_date", "reason", "code"),
    [
        (date(2016, 1, 26), "  ", "WORKFLOW_APOLOGY_REASON_MISSING"),
        (date(2016, 1, 19), "Chờ xác minh", "WORKFLOW_APOLOGY_DATE_NOT_LATER"),
        (date(2016, 1, 23), "Chờ xác minh", "WORKFLOW_APOLOGY_DATE_NOT_WORKING_DAY"),  # a Saturday
    ],
)
def test_a_bad_approval_is_refused_with_a_code(under6, officers, now, new_date, reason, code):
    now(DUE_SOON)
    draft_apologies("00110", date(2016, 1, 18))
    with pytest.raises(CodedError) as caught:
        approve(
            Apology.objects.get(),
            new_due_date=new_date,
            reason=reason,
            user=officers["head"],
            actor_label="x",
        )
    assert caught.value.code == code
    under6.refresh_from_db()
    assert under6.due_date == date(2016, 1, 19)


def test_the_heads_page_approves_and_prints_mau_04(under6, officers, now):
    now(DUE_SOON)
    head = Client()
    head.force_login(officers["head"])
    page = head.get("/xin-loi/").content.decode()
    assert under6.number in page.split('id="apology-drafts"')[1]
    draft = Apology.objects.get()
    refused = head.post(
        "/xin-loi/", {"apology": draft.pk, "new_due_date": "31/02/2016", "reason": "x"}, follow=True
    )
    assert "Ngày hẹn mới" in refused.content.decode()  # the date error, in Vietnamese
    response = head.post(
        "/xin-loi/", {"apology": draft.pk, "new_due_date": "26/01/2016", "reason": "Chờ xác minh"}
    )
    assert response.status_code == 302 and response["Location"] == f"/xin-loi/{draft.pk}/"
    printed = head.get(response["Location"]).content.decode()
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in printed and "26/01/2016" in printed
    assert "Chờ xác minh" in printed and under6.number in printed and "Mẫu số 04" in printed
    desk = Client()
    desk.force_login(officers["desk"])
    assert desk.get("/xin-loi/").status_code == 403


def _late_children_list(officer, received_at: datetime):
    """An under-6 list of a Sóc Sơn commune received at ``received_at`` (a month ago: it is late)."""
    from hoso.barcode import make_chunks
    from hoso.dossier import EnvelopeFile
    from hoso.intake.desk import receive_scanner_text
    from hoso.testing.envelopes import children_list, envelope

    born = f"12/03/{received_at.year - 2}"
    d03 = children_list("00379", [("Nguyễn Văn Bé", born, "1")])
    raw = envelope(
        unit_code="00379", tax_code="", kind="2", procedure="602", period=f"{received_at:%m/%Y}",
        forms=[EnvelopeFile(name="D03-TS.xml", content=d03, form_code="D03-TS", description="Danh sách trẻ em")],
    )  # fmt: skip
    desk = receive_scanner_text("\n".join(make_chunks(raw)), officer=officer, received_at=received_at)
    (reception,) = desk.receptions
    assert reception.outcome == "accepted", reception.submission.reasons
    return reception.submission.dossier
