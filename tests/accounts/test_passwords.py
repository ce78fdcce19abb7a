"""Passwords (issue 21, items 2 and 4): an officer changes their own under Django's validators, which
ends their other sessions; a forgotten one is reset through an e-mailed link queued in the outbox — the
page never tells whether an account has the address — or, without e-mail, by IT."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hoso.reports.models import OutboxMessage
from tests.accounts.conftest import PASSWORD, log_in

pytestmark = pytest.mark.django_db

NEW = "Mật-khẩu-mới-2026!"


def _change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_the_header_leads_to_the_change_and_the_log_in_page_to_a_forgotten_password(client, officers):
    assert 'href="/tai-khoan/quen-mat-khau/"' in client.get("/dang-nhap/").content.decode()
    log_in(client, officers["desk"])
    page = client.get("/tiep-nhan/").content.decode()
    assert 'href="/tai-khoan/mat-khau/"' in page and "Đổi mật khẩu" in page


def test_a_password_the_validators_refuse_is_said_in_vietnamese(client, officers):
    log_in(client, officers["desk"])
    for new, words in [("12345678", "hoàn toàn là số"), ("abc", "quá ngắn"), ("password", "quá phổ biến")]:
        answer = _change(client, new=new)
        assert answer.status_code == 200 and words in answer.content.decode(), new
    wrong = _change(client, old="đoán-sai")
    assert wrong.status_code == 200 and "không chính xác" in wrong.content.decode()
    officers["desk"].refresh_from_db()
    assert officers["desk"].check_password(PASSWORD)


def test_a_change_keeps_this_session_and_ends_the_others(client, officers):
    officer = officers["sothe"]
    other = Client()
    log_in(client, officer)
    log_in(other, officer, address="203.0.113.4")
    assert other.get("/ho-so/").status_code == 200
    answer = _change(client)
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "Mật khẩu đã được đổi" in page
    assert client.get("/ho-so/").status_code == 200
    gone = other.get("/ho-so/")
    assert gone.status_code == 302 and gone["Location"].startswith("/dang-nhap/")
    assert log_in(Client(), officer, NEW).status_code == 302


def test_without_e_mail_the_page_sends_the_officer_to_it(client, settings, officers):
    settings.HOSO_PASSWORD_RESET_EMAIL = False
    officers["desk"].email = "motcua@bhxh.example"
    officers["desk"].save()
    for answer in (
        client.get("/tai-khoan/quen-mat-khau/"),
        client.post("/tai-khoan/quen-mat-khau/", {"email": "motcua@bhxh.example"}),
    ):
        page = answer.content.decode()
        assert answer.status_code == 200 and "bộ phận công nghệ thông tin" in page.lower()
    assert not OutboxMessage.objects.exists()


@pytest.fixture
def by_email(settings, officers):
    settings.HOSO_PASSWORD_RESET_EMAIL = True
    officer = officers["thu"]
    officer.email = "thu.socson@bhxh.example"
    officer.save()
    return officer


def _ask(address: str):
    return Client().post("/tai-khoan/quen-mat-khau/", {"email": address})


def test_a_reset_link_is_queued_in_the_outbox_and_the_page_tells_nothing_of_who_has_an_account(by_email):
    known, unknown = _ask("THU.socson@bhxh.example"), _ask("nobody@bhxh.example")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    (message,) = OutboxMessage.objects.all()
    assert message.notice is None and message.recipient == "thu.socson@bhxh.example"
    assert message.status == OutboxMessage.Status.QUEUED  # the job worker sends it
    assert "đặt lại mật khẩu" in message.body and by_email.username in message.body
    assert re.search(r"http://testserver/tai-khoan/dat-lai/[^/]+/[^/]+/", message.body)
    _ask("thu.socson@bhxh.example")  # again at once: not queued twice (no flooding a mailbox)
    assert OutboxMessage.objects.count() == 1


def test_an_officer_imported_without_a_password_sets_the_first_one_through_the_link(by_email):
    by_email.set_unusable_password()  # as `hoso import officers` creates them
    by_email.save()
    _ask(by_email.email)
    link = re.search(r"http://testserver(/tai-khoan/dat-lai/\S+)", OutboxMessage.objects.get().body)[1]
    browser = Client()
    form = browser.get(link, follow=True)
    done = browser.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Đã đặt mật khẩu mới" in done.content.decode()
    assert log_in(Client(), by_email, NEW).status_code == 302
    assert "Liên kết này không còn dùng được" in Client().get(link, follow=True).content.decode()


def test_the_link_sets_a_new_password_once_and_ends_every_session(by_email):
    session = Client()
    log_in(session, by_email)
    _ask(by_email.email)
    link = re.search(r"http://testserver(/tai-khoan/dat-lai/\S+)", OutboxMessage.objects.get().body)[1]
    browser = Client()
    form = browser.get(link, follow=True)
    assert "Chọn mật khẩu mới" in form.content.decode()
    weak = browser.post(form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert "quá ngắn" in weak.content.decode()
    done = browser.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Đã đặt mật khẩu mới" in done.content.decode()
    assert session.get("/ho-so/").status_code == 302  # logged out
    assert log_in(Client(), by_email, NEW).status_code == 302
    again = Client().get(link, follow=True)
    assert "Liên kết này không còn dùng được" in again.content.decode()


def test_it_sets_a_temporary_password_in_the_admin_which_ends_the_officer_s_sessions(officers):
    """Without e-mail, IT (the it_admin role, no superuser) sets a password from the user's admin page."""
    from hoso.reference.roles import ensure_roles

    ensure_roles()  # the permissions hoso init gives the roles
    it, officer = officers["city"], officers["desk"]
    it.is_staff = True
    it.save()
    admin, session = Client(), Client()
    log_in(admin, it)
    log_in(session, officer)
    form = admin.get(f"/admin/auth/user/{officer.pk}/password/")
    assert form.status_code == 200 and "Mật khẩu" in form.content.decode()
    temporary = "Tạm-thời-0512!"
    done = admin.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {"password1": temporary, "password2": temporary, "usable_password": "true"},
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert session.get("/tiep-nhan/").status_code == 302  # the officer's session is over
    assert log_in(Client(), officer, temporary).status_code == 302
