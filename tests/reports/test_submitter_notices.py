"""Notices to submitters (issue 23, item 5): the receipt, a supplement request and the result ready are
read from the audit chain by the job `hoso:submitter-notices`, queued as e-mails in the outbox (delivered
by the job worker's `hoso:outbox` to a real SMTP server, aiosmtpd on a loopback port) and as texts
delivered by the file sender, each in the ledger; nothing for a change rolled back; off by default."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime

import pytest
from django.db import transaction

from hoso import config
from hoso.jobs.registry import JOBS
from hoso.jobs.tasks import send_outbox
from hoso.reference.models import Commune
from hoso.reports.models import OutboxMessage, SubmitterNotice
from hoso.reports.senders import SendResult
from hoso.reports.submitter_notices import MAX_ATTEMPTS, phone_of, requeue_failed_texts, run
from hoso.workflow import actions
from hoso.workflow.access import actor_for
from hoso.workflow.results import Document
from tests.intake.conftest import pki, signers, trusted, unit  # noqa: F401 — fixtures
from tests.workflow.conftest import fast_passwords, officers, receive_children  # noqa: F401 — fixtures

from .test_outbox import smtp  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db
RECEIVED_AT = datetime(2016, 1, 5, 2, tzinfo=UTC)  # Tuesday 05/01/2016, 09:00 in Hanoi
NOW = datetime(2016, 1, 5, 3, tzinfo=UTC)
NUMBERS = {0: "0115000001", 1: "0114000002"}


class RefusingSender:
    """A provider's adaptor that refuses every message (an unknown number), or fails for a while."""

    name = "kiem-thu"
    permanent = True

    def send(self, recipient: str, text: str) -> SendResult:
        return SendResult(ok=False, error="số điện thoại không tồn tại", permanent=self.permanent)


class FailingSender(RefusingSender):
    permanent = False


@pytest.fixture
def world(demo_data, trusted, officers, settings, monkeypatch):  # noqa: F811 — fixtures
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    settings.HOSO_SUBMITTER_NOTICES = ["email", "text"]
    settings.HOSO_PUBLIC_URL = "https://hoso.bhxh-hanoi.example"
    shutil.rmtree(settings.DATA_DIR / "texts", ignore_errors=True)  # the file sender's folder
    Commune.objects.filter(gso_code="00379").update(email="ubnd.bacson@test.invalid", phone="0243 888 1234")
    assert run().startswith("events 0")  # the first run starts the cursor at the chain's head
    return officers


def _walk(cast):
    """A dossier received at the Sóc Sơn desk, taken, asked for a supplement, supplemented, decided."""
    dossier = receive_children(cast["desk"], received_at=RECEIVED_AT)
    sothe = actor_for(cast["sothe"])
    actions.take(dossier, sothe)
    actions.request_supplement(dossier, sothe, "Bản sao giấy khai sinh của cháu Trần Thị Na")
    actions.receive_supplement(dossier, actor_for(cast["desk"]), raw=b"%PDF-1.4\n% giay khai sinh\n")
    actions.resume(dossier, sothe)
    actions.record(dossier, sothe, documents=[Document("kq.pdf", b"%PDF-1.4\n% kq\n")], card_numbers=NUMBERS)
    return dossier


def test_the_submitter_is_told_by_email_and_text_of_receipt_supplement_and_result(world, smtp, settings):  # noqa: F811
    dossier = _walk(world)
    first_due = datetime.fromisoformat(dossier.events.order_by("sequence").first().data["due_date"])
    summary = run()
    assert "e-mails queued 3, texts queued 3" in summary and "texts sent 3" in summary
    notices = list(SubmitterNotice.objects.order_by("event_sequence", "means"))
    assert [(n.kind, n.means) for n in notices] == [
        ("receipt", "email"), ("receipt", "text"), ("supplement", "email"), ("supplement", "text"),
        ("result", "email"), ("result", "text"),
    ]  # fmt: skip
    # The e-mail of the reference data; the phone typed on the dossier itself before the reference data's.
    assert {n.recipient for n in notices} == {"ubnd.bacson@test.invalid", "0240000000"}

    # The texts: written by the file sender under the data directory, and sent in the ledger.
    lines = [
        json.loads(line) for f in sorted((settings.DATA_DIR / "texts").glob("*.jsonl")) for line in f.open()
    ]
    assert [line["to"] for line in lines] == ["0240000000"] * 3
    assert f"đã tiếp nhận hồ sơ số {dossier.number} ngày 05/01/2016" in lines[0]["text"]
    assert f"hẹn trả kết quả ngày {first_due:%d/%m/%Y}." in lines[0]["text"]
    assert "Bản sao giấy khai sinh" in lines[1]["text"] and "đã có kết quả" in lines[2]["text"]
    texts = SubmitterNotice.objects.filter(means="text")
    assert all((n.status, n.attempts, n.sender_name) == ("sent", 1, "file") for n in texts)
    assert {n.reference for n in texts} == {line["reference"] for line in lines}

    # The e-mails: in the outbox, delivered by the job worker to the real SMTP server.
    smtp.start()
    assert "sent 3" in send_outbox()
    received = [r.message for r in smtp.received]
    assert [m["To"] for m in received] == ["ubnd.bacson@test.invalid"] * 3
    assert [str(m["Subject"]).strip() for m in received] == [
        f"Đã tiếp nhận hồ sơ số {dossier.number}",
        f"Yêu cầu bổ sung hồ sơ số {dossier.number}",
        f"Hồ sơ số {dossier.number} đã có kết quả",
    ]
    receipt, supplement, result = (m.get_content() for m in received)
    assert "Kính gửi UBND Bắc Sơn," in receipt
    assert "lúc 09:00 ngày 05/01/2016" in receipt
    assert f"Ngày hẹn trả kết quả: {first_due:%d/%m/%Y}." in receipt
    link = f"https://hoso.bhxh-hanoi.example/tra-cuu/?so={dossier.number}&ma=00379"
    assert all(link in body for body in (receipt, supplement, result))
    assert "Giấy tờ cần bổ sung: Bản sao giấy khai sinh của cháu Trần Thị Na" in supplement
    assert "bộ phận một cửa" in supplement and "Thời hạn giải quyết tạm dừng" in supplement
    assert "Xin mang giấy tiếp nhận hồ sơ và hẹn trả kết quả" in result
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", receipt + supplement + result)  # no ISO date shown
    assert OutboxMessage.objects.filter(status="sent").count() == 3

    assert run().startswith("events 0"), "each event is told once"


def test_nothing_is_sent_for_a_change_rolled_back(world):
    dossier = receive_children(world["desk"], received_at=RECEIVED_AT)
    sothe = actor_for(world["sothe"])
    actions.take(dossier, sothe)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.request_supplement(dossier, sothe, "Tờ khai thiếu chữ ký")
        raise RuntimeError("the request fails after the event was written")
    run()
    assert set(SubmitterNotice.objects.values_list("kind", flat=True)) == {"receipt"}


def test_off_by_default_and_switched_on_it_starts_at_the_head(world, settings):
    assert config.read({})["HOSO_SUBMITTER_NOTICES"] == []
    settings.HOSO_SUBMITTER_NOTICES = []
    receive_children(world["desk"], received_at=RECEIVED_AT)
    assert run().startswith("off")
    assert not SubmitterNotice.objects.exists() and not OutboxMessage.objects.exists()
    (job,) = [job for job in JOBS if job.name == "hoso:submitter-notices"]
    assert (job.func, job.minutes) == ("hoso.reports.submitter_notices.run", 1)


def test_an_event_read_days_late_is_passed_over(world, monkeypatch):
    from django.utils import timezone

    receive_children(world["desk"], received_at=RECEIVED_AT)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2016, 1, 12, 2, tzinfo=UTC))
    assert "too old 1" in run()
    assert not SubmitterNotice.objects.exists()


def test_a_submitter_without_an_address_gets_no_notice_of_that_means(world):
    Commune.objects.filter(gso_code="00379").update(email="")
    dossier = receive_children(world["desk"], received_at=RECEIVED_AT)
    assert "no address 1" in run()
    assert list(SubmitterNotice.objects.values_list("means", flat=True)) == ["text"]
    # Without a phone on the dossier (its evidence unreadable here), the reference data's phone.
    from hoso.intake.models import Submission

    Submission.objects.filter(dossier=dossier).update(sha256="0" * 64)
    assert phone_of(dossier) == "02438881234"
    Commune.objects.filter(gso_code="00379").update(phone="12")
    dossier.refresh_from_db()
    assert phone_of(dossier) == ""  # no number a provider could reach


def test_a_text_the_provider_refuses_is_given_up_and_one_failing_is_retried(world, settings):
    settings.HOSO_SUBMITTER_NOTICES = ["text"]
    settings.HOSO_TEXT_SENDER = f"{__name__}:RefusingSender"
    receive_children(world["desk"], received_at=RECEIVED_AT)
    assert "given up 1" in run()
    notice = SubmitterNotice.objects.get()
    assert (notice.status, notice.attempts, notice.sender_name) == ("failed", 1, "kiem-thu")
    assert notice.last_error == "số điện thoại không tồn tại"

    settings.HOSO_TEXT_SENDER = f"{__name__}:FailingSender"
    assert requeue_failed_texts(SubmitterNotice.objects.all()) == 1
    assert "to retry 1" in run()
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("queued", 1)
    assert notice.next_attempt_at > NOW  # backed off: not due again in this run
    SubmitterNotice.objects.update(attempts=MAX_ATTEMPTS - 1, next_attempt_at=NOW)
    assert "given up 1" in run()

    settings.HOSO_TEXT_SENDER = "file"
    requeue_failed_texts(SubmitterNotice.objects.all())
    assert "texts sent 1" in run()


def test_the_settings_are_checked():
    assert config.read({"HOSO_SUBMITTER_NOTICES": "email, text"})["HOSO_SUBMITTER_NOTICES"] == [
        "email",
        "text",
    ]
    assert config.read({"HOSO_TEXT_SENDER": "vendor.sms:Sender"})["HOSO_TEXT_SENDER"] == "vendor.sms:Sender"
    for name, value in (
        ("HOSO_SUBMITTER_NOTICES", "sms"),
        ("HOSO_TEXT_SENDER", "vendor"),
        ("HOSO_PUBLIC_URL", "hoso"),
    ):
        with pytest.raises(config.ConfigError) as caught:
            config.read({name: value})
        assert name in caught.value.message_vi and "không hợp lệ" in caught.value.message_vi


def test_it_reads_the_ledger_beside_the_outbox_and_sends_texts_again(world, settings, client):
    settings.HOSO_TEXT_SENDER = f"{__name__}:RefusingSender"
    dossier = receive_children(world["desk"], received_at=RECEIVED_AT)
    run()
    client.force_login(world["city"])
    page = client.get("/reports/thong-bao/").content.decode()
    ledger = page[page.index('id="submitter-notices"') :]
    assert "Thông báo cho người nộp hồ sơ" in page
    assert dossier.number in ledger and "ubnd.bacson@test.invalid" in ledger and "0240000000" in ledger
    assert (
        "số điện thoại không tồn tại" in ledger and "Đang chờ gửi" in ledger
    )  # the e-mail waits in the outbox
    assert "05/01/2016 10:00" in ledger  # dd/mm/yyyy, Hanoi time
    one_office = client.get("/reports/thong-bao/", {"office": "00110"}).content.decode()
    outbox = one_office[one_office.index('id="outbox"') : one_office.index('id="notices"')]
    assert "ubnd.bacson@test.invalid" in outbox  # the office's outbox holds its submitters' e-mails too
    assert (
        "ubnd.bacson@test.invalid"
        not in client.get("/reports/thong-bao/", {"office": "00101"}).content.decode()
    )
    settings.HOSO_TEXT_SENDER = "file"
    response = client.post("/reports/thong-bao/gui-lai/", {"office": ""})
    assert response.status_code == 302
    assert SubmitterNotice.objects.get(means="text").status == "queued"
