"""In a browser (issue 21, items 2 and 4): an officer changes their password from the page header —
Django's validators answer in Vietnamese — and their other browser is logged out; a forgotten password is
reset through a link that the job worker's outbox e-mails through a real SMTP server."""

from __future__ import annotations

import re

import pytest

from tests.reports.smtp_server import SmtpServer

pytestmark = pytest.mark.django_db(transaction=True)

OLD, NEW = "hoso-demo-2015", "Sổ-thẻ-Sóc-Sơn-2026!"


def _log_in(page, site, username, password):
    page.goto(f"{site}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button.primary")  # a click waits for the navigation it starts
    page.wait_for_load_state("networkidle")


def _new_context(browser):
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi")


def test_an_officer_changes_the_password_from_the_header_and_the_other_browser_is_logged_out(
    page_for, site, shots
):
    here, there = page_for("sothe.socson"), page_for("sothe.socson")
    for page in (here, there):
        page.wait_for_url(lambda url: "/dang-nhap/" not in url)  # the log-in's answer may still be on its way
    here.click("header >> text=Đổi mật khẩu")
    here.wait_for_load_state("networkidle")
    assert here.locator("h1").inner_text() == "Đổi mật khẩu"
    here.fill("#id_old_password", OLD)
    here.fill("#id_new_password1", "12345678")
    here.fill("#id_new_password2", "12345678")
    here.click("button.primary")
    here.wait_for_load_state("networkidle")
    errors = here.locator("[role=alert]").all_inner_texts()
    assert "Mật khẩu này hoàn toàn là số." in errors and "Mật khẩu này quá phổ biến." in errors
    here.screenshot(path=str(shots / "password-change-refused-vi.png"), full_page=True)
    here.fill("#id_old_password", OLD)
    here.fill("#id_new_password1", NEW)
    here.fill("#id_new_password2", NEW)
    here.click("button.primary")
    here.wait_for_load_state("networkidle")
    assert "Mật khẩu đã được đổi" in here.locator(".messages").inner_text()
    here.screenshot(path=str(shots / "password-changed-vi.png"))
    here.goto(f"{site}/ho-so/")
    assert "/dang-nhap/" not in here.url  # this browser goes on
    there.goto(f"{site}/ho-so/")
    assert "/dang-nhap/" in there.url  # the other one is logged out
    _log_in(there, site, "sothe.socson", OLD)
    assert there.locator("[role=alert]").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    _log_in(there, site, "sothe.socson", NEW)
    assert "/dang-nhap/" not in there.url


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.HOSO_PASSWORD_RESET_EMAIL = True
    yield server
    server.stop()


def _ask_for_a_link(page, site, address):
    page.goto(f"{site}/dang-nhap/")
    page.click("text=Quên mật khẩu?")
    page.wait_for_load_state("networkidle")
    page.fill("#id_email", address)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    return page.locator("main").inner_text()


def test_a_forgotten_password_is_reset_through_a_link_the_outbox_e_mails(browser, site, smtp, shots):
    from django.contrib.auth import get_user_model

    from hoso.jobs.tasks import send_outbox

    get_user_model().objects.filter(username="motcua.socson").update(email="motcua.socson@bhxh.example")
    context = _new_context(browser)
    try:
        page = context.new_page()
        page.goto(f"{site}/tai-khoan/quen-mat-khau/")
        page.screenshot(path=str(shots / "password-reset-ask-vi.png"))
        known = _ask_for_a_link(page, site, "motcua.socson@bhxh.example")
        page.screenshot(path=str(shots / "password-reset-sent-vi.png"))
        unknown = _ask_for_a_link(page, site, "ai-do@bhxh.example")
        assert known == unknown and "Kiểm tra hộp thư của bạn" in known  # nothing tells who has an account
        assert smtp.received == []  # queued, not sent during the request

        send_outbox()  # the job worker's run of hoso:outbox

        (mail,) = smtp.received
        assert mail.rcpt_tos == ["motcua.socson@bhxh.example"]
        assert mail.message["Subject"] == "hoso: chọn mật khẩu mới"
        body = mail.message.get_content()
        assert "motcua.socson" in body and "60 phút" in body
        link = re.search(r"http://\S+/tai-khoan/dat-lai/\S+/", body)[0]
        page.goto(link)
        assert page.locator("h1").inner_text() == "Chọn mật khẩu mới"
        page.fill("#id_new_password1", "motcua")
        page.fill("#id_new_password2", "motcua")
        page.click("button.primary")
        page.wait_for_load_state("networkidle")
        assert any("quá ngắn" in e for e in page.locator("[role=alert]").all_inner_texts())
        page.fill("#id_new_password1", NEW)
        page.fill("#id_new_password2", NEW)
        page.click("button.primary")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == "Đã đặt mật khẩu mới"
        page.screenshot(path=str(shots / "password-reset-done-vi.png"))
        _log_in(page, site, "motcua.socson", NEW)
        assert "/dang-nhap/" not in page.url
        page.goto(link)  # the link worked once
        assert "không còn dùng được" in page.locator("main").inner_text()
    finally:
        context.close()


def test_without_e_mail_the_page_sends_the_officer_to_it(browser, site, settings, shots):
    settings.HOSO_PASSWORD_RESET_EMAIL = False
    context = _new_context(browser)
    try:
        page = context.new_page()
        page.goto(f"{site}/dang-nhap/")
        page.click("text=Quên mật khẩu?")
        page.wait_for_load_state("networkidle")
        text = page.locator("main").inner_text()
        assert "bộ phận công nghệ thông tin" in text and "mật khẩu tạm thời" in text
        assert page.locator("input[type=email]").count() == 0
        page.screenshot(path=str(shots / "password-reset-by-it-vi.png"))
    finally:
        context.close()
