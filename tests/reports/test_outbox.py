"""Notices through an outbox (issue 18, item 5): the page and `hoso report notify` record the notice and
queue its e-mail; the job worker's `hoso:outbox` sends it to a real SMTP server (aiosmtpd on a loopback
port, Django's SMTP backend), retries with back-off while the server is down, gives up a refused address
after MAX_ATTEMPTS, and two senders at once deliver each message once. The page shows all of it."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone, translation

from hoso.cli import main
from hoso.intake.blobstore import blob_store
from hoso.jobs.registry import JOBS
from hoso.jobs.tasks import send_outbox
from hoso.reports.models import Notice, OutboxMessage
from hoso.reports.notices import notify_units_on_barcodes, subject
from hoso.reports.outbox import MAX_ATTEMPTS, backoff, explain, send_due

from .conftest import make_submission, make_unit
from .smtp_server import SmtpServer, free_port

AT = datetime(2016, 1, 15, 2, tzinfo=UTC)
DMY_HM = re.compile(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a loopback port; the server on it is started by the test."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()


def _on_barcodes(**extra):
    unit = make_unit(**extra)
    make_submission(unit, at=datetime(2016, 1, 6, 3, tzinfo=UTC), outcome="refused")
    return unit


def _pdf_text(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return " ".join(page.get_textpage().get_text_range() for page in document).replace("\r\n", " ")


def _login(client, username="truong", role="office_head", office="00105"):
    from django.contrib.auth.models import Group

    from hoso.reference.models import Officer

    user = get_user_model().objects.create_user(username)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Officer.objects.create(user=user, office_id=office)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_a_notice_waits_while_the_mail_server_is_down_then_is_delivered_once(
    demo_data, isolated_gateway, smtp, client
):
    unit = _on_barcodes(name="Công ty TNHH Thương mại Đồng Xuân")
    _login(client)
    response = client.post(
        "/reports/chuyen-doi/thong-bao/", {"office": "00105", "until": "2016-01-14", "days": "30"}
    )
    assert response.status_code == 302  # no mail server, and no 500: the request never talks to SMTP
    (message,) = OutboxMessage.objects.all()
    assert (message.status, message.attempts, message.last_attempt_at) == ("queued", 0, None)
    assert {n.method for n in Notice.objects.filter(unit=unit)} == {"email", "letter"}

    # The job worker's run finds the mail server down: the message stays, with the error and a back-off.
    before = timezone.now()
    result = send_outbox()
    message.refresh_from_db()
    assert "mail server unreachable" in result
    assert (message.status, message.attempts, message.error_kind) == ("queued", 1, "connection")
    assert "ConnectionRefusedError" in message.last_error and message.sent_at is None
    assert timedelta(minutes=1) <= message.next_attempt_at - before <= timedelta(minutes=1, seconds=30)
    page = client.get("/reports/thong-bao/?office=00105")
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        f"Chưa gửi được 1 thư điện tử: không kết nối được máy chủ thư (127.0.0.1:{smtp.port}); lần thử gần nhất "
        f"lúc {timezone.localtime(message.last_attempt_at):%d/%m/%Y %H:%M}." in text
    )
    assert "Thư được giữ lại và sẽ tự động gửi khi máy chủ thư hoạt động trở lại" in text
    assert "Chưa gửi được: không kết nối được máy chủ thư" in text  # the message's row
    assert "ConnectionRefusedError" in text  # and the error itself, for IT

    # The server starts. Before its back-off has run out the message is not tried again; then it goes once.
    smtp.start()
    assert send_due().sent == 0 and smtp.received == []
    assert send_due(now=message.next_attempt_at).sent == 1
    assert send_outbox() == "sent 0, to retry 0, given up 0"
    assert send_due(now=timezone.now() + timedelta(hours=3)).sent == 0
    (got,) = smtp.received
    assert got.rcpt_tos == [unit.email] and got.mail_from == "hoso@bhxhhanoi.invalid"
    email = got.message
    # (Django folds an encoded subject right after "Subject:"; unfolding leaves the fold's space.)
    assert (
        email["Subject"].strip()
        == subject()
        == ("Thông báo chuyển sang giao dịch hồ sơ điện tử BHXH (Công văn 2671/BHXH-CNTT)")
    )
    assert email["From"].addresses[0].display_name == "BHXH Hà Nội"
    body = email.get_body(("plain",)).get_content()
    assert "Kính gửi: Công ty TNHH Thương mại Đồng Xuân" in body
    assert "bộ phận “một cửa” của BHXH Thành phố" in body and "(mẫu 04/ĐK-IVAN)" in body
    (letter,) = list(email.iter_attachments())
    assert letter.get_filename() == f"thong-bao-{unit.code}.pdf"
    assert letter.get_content() == blob_store().get(message.notice.document_sha256)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert "ConnectionRefusedError" in message.last_error  # the earlier failure stays on record

    page = client.get("/reports/thong-bao/?office=00105").content.decode()
    assert "Chưa gửi được" not in page and "Mọi thư điện tử đã được gửi." in page
    assert f"Đã gửi</span> {timezone.localtime(message.sent_at):%d/%m/%Y %H:%M}" in page


@pytest.mark.django_db
def test_back_off_doubles_up_to_an_hour_and_a_server_down_never_loses_a_message(
    demo_data, isolated_gateway, smtp
):
    assert [backoff(n).total_seconds() / 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    _on_barcodes()
    notify_units_on_barcodes(office="00105", until=date(2016, 1, 14), methods=["email"], at=AT)
    (message,) = OutboxMessage.objects.all()
    at, waits = timezone.now(), []
    for _ in range(MAX_ATTEMPTS + 2):
        assert send_due(now=at).retrying == 1
        message.refresh_from_db()
        waits.append((message.next_attempt_at - at).total_seconds() / 60)
        assert send_due(now=message.next_attempt_at - timedelta(seconds=1)).retrying == 0, "not before"
        at = message.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert (message.status, message.attempts) == ("queued", MAX_ATTEMPTS + 2)
    # The same back-off when the server answers but refuses, and after MAX_ATTEMPTS it gives up.
    smtp.start()
    OutboxMessage.objects.update(recipient="tu-choi@test.invalid", attempts=0, next_attempt_at=at)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run = send_due(now=at)
        message.refresh_from_db()
        assert message.attempts == attempt and message.error_kind == "refused"
        assert (run.failed, message.status) == ((1, "failed") if attempt == MAX_ATTEMPTS else (0, "queued"))
        at = message.next_attempt_at
    assert "550 5.1.1" in message.last_error and smtp.received == []
    with translation.override("vi"):
        assert explain(message) == (
            f"Không gửi được sau {MAX_ATTEMPTS} lần thử: máy chủ thư từ chối nhận thư (địa chỉ người nhận hoặc "
            "người gửi)"
        )
    assert send_due(now=at + timedelta(days=1)).failed == 0  # given up: never tried again by itself


@pytest.mark.django_db
def test_the_page_shows_a_given_up_message_sends_it_again_and_offers_each_letter(
    demo_data, isolated_gateway, smtp, client
):
    refused = _on_barcodes(email="tu-choi@test.invalid")
    _login(client)
    notify_units_on_barcodes(office="00105", until=date(2016, 1, 14), methods=["email"], at=AT)
    page = client.get("/reports/thong-bao/").content.decode()
    assert "bộ chạy công việc chưa từng chạy" in page  # queued, and no worker has ever beaten
    smtp.start()
    message = OutboxMessage.objects.get()
    at = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        send_due(now=at)
        message.refresh_from_db()
        at = message.next_attempt_at
    assert message.status == "failed"
    page = client.get("/reports/thong-bao/").content.decode()
    assert f"Không gửi được sau {MAX_ATTEMPTS} lần thử: máy chủ thư từ chối nhận thư" in page
    assert "Recipient address rejected" in page and "Gửi lại các thư không gửi được" in page
    assert DMY_HM.search(page) and not re.search(r"\d{4}-\d{2}-\d{2}", page.split("<main>")[1])
    # An e-mail given up does not count as a recent notice: the unit is notified again (within 30 days).
    again = notify_units_on_barcodes(office="00105", until=date(2016, 1, 14), at=AT + timedelta(days=1))
    assert again.notified == [refused.code] and again.emails == 1
    # IT mends the cause (here: the server accepts the address now) and queues it again from the page.
    smtp.recorder.refuse = ""
    response = client.post("/reports/thong-bao/gui-lai/", {"office": "00105"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 0)
    assert send_due().sent == 2 and [r.rcpt_tos for r in smtp.received] == [[refused.email]] * 2

    # Each notice's letter: the one kept (its bytes from the evidence store) ...
    letter = Notice.objects.get(unit=refused, method="letter")
    response = client.get(f"/reports/thong-bao/{letter.pk}/thu.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == blob_store().get(letter.document_sha256)
    # ... or, for a notice by e-mail alone, printed again from what the notice recorded (and said so).
    email_only = message.notice
    assert (email_only.method, email_only.document_sha256) == ("email", "")
    response = client.get(f"/reports/thong-bao/{email_only.pk}/thu.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "ban-in-lai" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert f"Kính gửi: {refused.name}" in text and "(1 lần bị từ chối tiếp nhận)" in text
    assert f"Hà Nội, ngày {AT:%d} tháng {AT:%m} năm {AT:%Y}" in text  # the notice's day, not today's
    assert "Bản in lại ngày" in text  # said at its foot
    page = client.get("/reports/thong-bao/").content.decode()
    assert f'href="/reports/thong-bao/{email_only.pk}/thu.pdf"' in page
    assert f'href="/reports/thong-bao/{letter.pk}/thu.pdf"' in page
    # Another office's head sees neither.
    client.logout()
    _login(client, "truong2", "office_head", "00110")
    assert client.get(f"/reports/thong-bao/{letter.pk}/thu.pdf").status_code == 404
    assert client.get("/reports/thong-bao/?office=00105").status_code == 403
    assert refused.email not in client.get("/reports/thong-bao/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_deliver_each_message_once(demo_data, isolated_gateway, smtp):
    """Two job workers (two servers) run the outbox at the same moment: every message reaches the SMTP
    server exactly once. PostgreSQL: the claims skip each other's locked rows; SQLite: they queue."""
    units = [_on_barcodes(email=f"don-vi-{n}@test.invalid") for n in range(30)]
    assert (
        notify_units_on_barcodes(office="00105", until=date(2016, 1, 14), methods=["email"], at=AT).emails
        == 30
    )
    smtp.recorder.delay = 0.02  # a server that takes its time, so that the senders overlap
    smtp.start()
    barrier, results, errors = threading.Barrier(2), [], []

    def sender():
        try:
            barrier.wait()
            results.append(send_due(batch=4))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    delivered = sorted(address for got in smtp.received for address in got.rcpt_tos)
    assert delivered == sorted(unit.email for unit in units), "each message delivered exactly once"
    assert sum(run.sent for run in results) == 30
    assert OutboxMessage.objects.filter(status="sent", attempts=1).count() == 30
    if connection.vendor == "postgresql":
        assert all(run.sent for run in results), [str(run) for run in results]  # both took a share


@pytest.mark.django_db
def test_the_outbox_is_a_periodic_job_and_the_command_lists_it(demo_data, isolated_gateway, smtp, capsys):
    (job,) = [job for job in JOBS if job.name == "hoso:outbox"]
    assert (job.func, job.minutes) == ("hoso.jobs.tasks.send_outbox", 1)
    _on_barcodes()
    assert main(["report", "notify", "--office", "00105", "--until", "2016-01-14", "--method", "email"]) == 0
    assert "e-mails queued: 1" in capsys.readouterr().out
    assert main(["jobs", "--run", "hoso:outbox"]) == 0
    assert "mail server unreachable" in capsys.readouterr().out
    assert main(["report", "outbox"]) == 0
    out = capsys.readouterr().out
    assert "Đang chờ gửi / waiting: 1" in out and "Chưa gửi được: không kết nối được máy chủ thư" in out
