"""In a browser (issue 21, item 1): an officer typing wrong passwords is locked out at the fifth, on a
Vietnamese page without internal codes; the right password is then refused too, until IT unlocks it in
the admin."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _type(page, site, username, password):
    page.goto(f"{site}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_wrong_passwords_lock_the_account_until_it_unlocks(browser, site, shots):
    from axes.models import AccessAttempt

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi")
    page = context.new_page()
    try:
        for attempt in range(1, 5):
            _type(page, site, "motcua.socson", f"sai-{attempt}")
            assert page.locator("[role=alert]").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
        _type(page, site, "motcua.socson", "sai-5")
        heading = page.locator("h1").inner_text()
        assert heading == "Đăng nhập tạm bị khoá"
        text = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
        assert "15 phút" in text and "AXES" not in text and "429" not in text
        page.screenshot(path=str(shots / "lockout-vi.png"))
        _type(page, site, "motcua.socson", "hoso-demo-2015")  # the right password: still locked
        assert page.locator("h1").inner_text() == "Đăng nhập tạm bị khoá"
        assert AccessAttempt.objects.filter(username="motcua.socson").exists()

        # IT (the it_admin role, no superuser) unlocks in the admin, from another address's browser.
        it = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi")
        try:
            admin = it.new_page()
            _type(admin, site, "cntt", "hoso-demo-2015")
            admin.goto(f"{site}/admin/axes/accessattempt/")
            assert "Lần đăng nhập sai" in admin.inner_text("body")
            assert "Khoá đăng nhập" in admin.content() and ">Axes<" not in admin.content()
            admin.check("#action-toggle")
            admin.select_option("select[name=action]", "delete_selected")
            admin.click("button[name=index]")
            admin.wait_for_load_state("networkidle")
            admin.click("input[type=submit]")  # "Có, tôi chắc chắn"
            admin.wait_for_load_state("networkidle")
            admin.screenshot(path=str(shots / "lockout-unlocked-by-it.png"))
        finally:
            it.close()
        assert not AccessAttempt.objects.filter(username="motcua.socson").exists()
        _type(page, site, "motcua.socson", "hoso-demo-2015")
        assert "/dang-nhap/" not in page.url
    finally:
        context.close()
