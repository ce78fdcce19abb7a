"""Notices to units still on barcodes: e-mail (Django mail) and printed letter, recorded, never twice within
the configured interval."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from hoso.cli import main
from hoso.intake.blobstore import blob_store
from hoso.reports.models import Notice, OutboxMessage
from hoso.reports.notices import notify_units_on_barcodes
from hoso.reports.outbox import send_due

from .conftest import make_submission, make_unit

pytestmark = pytest.mark.django_db
AT = datetime(2016, 1, 15, 2, tzinfo=UTC)


@pytest.fixture
def on_barcodes(demo_data, isolated_gateway):
    with_mail, without_mail, switched = make_unit(), make_unit(email=""), make_unit()
    for unit in (with_mail, without_mail, switched):
        make_submission(unit, at=datetime(2016, 1, 6, 3, tzinfo=UTC), outcome="refused")
    make_submission(switched, channel="electronic", at=datetime(2016, 1, 8, 3, tzinfo=UTC), ivan="00030")
    return with_mail, without_mail, switched


def test_units_on_barcodes_get_an_email_and_a_letter_once(on_barcodes, tmp_path, settings):
    with_mail, without_mail, _ = on_barcodes
    run = notify_units_on_barcodes(office="00105", until=date(2016, 1, 14), letters_dir=tmp_path, at=AT,
                                   actor_label="truong.caugiay")  # fmt: skip
    assert sorted(run.notified) == sorted([with_mail.code, without_mail.code])
    assert mail.outbox == []  # queued, not sent: the job worker sends (test_outbox.py with a real server)
    (queued,) = OutboxMessage.objects.all()
    assert (queued.status, queued.recipient, queued.notice.method) == ("queued", with_mail.email, "email")
    assert str(send_due()) == "sent 1, to retry 0, given up 0"
    (message,) = mail.outbox
    assert message.to == [with_mail.email] and "2671" in message.subject
    assert "01/01/2016" in message.body and "04/ĐK-IVAN" in message.body
    (name, pdf, kind) = message.attachments[0]
    assert kind == "application/pdf" and pdf.startswith(b"%PDF")
    assert run.no_email == [without_mail.code] and len(run.letters) == 2
    notices = Notice.objects.filter(unit=with_mail)
    assert {n.method for n in notices} == {"email", "letter"}
    assert all(n.sent_at == AT and n.sent_by_label == "truong.caugiay" for n in notices)
    assert blob_store().get(notices[0].document_sha256) == pdf
    # Within the interval nobody is notified again; after it, they are.
    again = notify_units_on_barcodes(office="00105", until=date(2016, 1, 14), at=AT + timedelta(days=10))
    assert again.notified == [] and len(again.skipped_recent) == 2 and len(mail.outbox) == 1
    settings.HOSO_NOTICE_INTERVAL_DAYS = 5
    later = notify_units_on_barcodes(office="00105", until=date(2016, 1, 14), methods=["email"],
                                     at=AT + timedelta(days=10))  # fmt: skip
    assert later.notified == [with_mail.code] and send_due().sent == 1 and len(mail.outbox) == 2
    assert mail.outbox[1].attachments == []  # e-mail alone: no letter built, but its facts recorded
    email_only = Notice.objects.get(unit=with_mail, sent_at=AT + timedelta(days=10))
    assert (email_only.document_sha256, email_only.refused) == ("", 1)


def test_the_command_writes_to_an_outbox_folder(on_barcodes, tmp_path, capsys):
    assert main(["report", "notify", "--office", "00105", "--until", "2016-01-14", "--dry-run"]) == 0
    assert "sẽ thông báo: 2;" in capsys.readouterr().out
    assert not Notice.objects.exists()
    outbox = tmp_path / "outbox"
    assert main(["report", "notify", "--office", "00105", "--until", "2016-01-14", "--method", "email",
                 "--outbox", str(outbox)]) == 0  # fmt: skip
    (sent,) = list(outbox.iterdir())
    assert "Subject:" in sent.read_text()
    (written,) = OutboxMessage.objects.all()  # written to the folder at once: recorded as sent
    assert written.status == "sent" and written.attempts == 1 and written.sent_at is not None
