"""In a browser (issue 21, item 2): IT sets a temporary password in the admin; the officer who logs in
with it is sent to the change page, which says why in Vietnamese, and cannot open the queue until they
have chosen their own."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

TEMPORARY, NEW = "Tạm-thời-CNTT-2026", "Sổ-thẻ-của-tôi-2026!"
NOTICE = "Mật khẩu tạm do CNTT đặt phải được đổi trước khi làm việc."


def test_it_sets_a_temporary_password_and_the_officer_changes_it_before_work(page_for, browser, site, shots):
    it = page_for("cntt")
    it.wait_for_url(lambda url: "/dang-nhap/" not in url)  # the log-in's answer may still be on its way
    it.goto(f"{site}/admin/auth/user/?q=sothe.socson")
    it.click("#result_list >> text=sothe.socson")
    it.click("text=Đặt lại mật khẩu")
    it.wait_for_load_state("networkidle")
    it.fill("#id_password1", TEMPORARY)
    it.fill("#id_password2", TEMPORARY)
    it.click("input[name=set-password]")
    it.wait_for_load_state("networkidle")
    assert "/password/" not in it.url  # saved: back on the account's page

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi")
    try:
        page = context.new_page()
        page.goto(f"{site}/dang-nhap/")
        page.fill("#id_username", "sothe.socson")
        page.fill("#id_password", TEMPORARY)
        page.click("main button.primary")
        page.wait_for_url("**/tai-khoan/mat-khau/**")
        assert page.locator("h1").inner_text() == "Đổi mật khẩu"
        assert page.locator("[role=alert]").inner_text() == NOTICE
        page.screenshot(path=str(shots / "password-temporary-vi.png"), full_page=True)
        page.goto(f"{site}/ho-so/")  # the queue does not open
        assert "/tai-khoan/mat-khau/" in page.url and page.locator("h1").inner_text() == "Đổi mật khẩu"

        page.fill("#id_old_password", TEMPORARY)
        page.fill("#id_new_password1", NEW)
        page.fill("#id_new_password2", NEW)
        page.click("button.primary")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/ho-so/")  # on to the page asked for
        assert "Mật khẩu đã được đổi" in page.locator(".messages").inner_text()
        assert page.locator("h1").inner_text() != "Đổi mật khẩu"
        page.screenshot(path=str(shots / "password-temporary-changed-vi.png"))
    finally:
        context.close()
