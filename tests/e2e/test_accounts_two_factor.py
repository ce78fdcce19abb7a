"""In a browser (issue 21, item 3): IT must set up the two-step log-in before any page — a QR code and the
key to type, on a Vietnamese page —; the next log-ins ask for the app's code (computed here from the key
the page showed, as the phone would) or take a recovery code once."""

from __future__ import annotations

from base64 import b32decode

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _code(secret: str, steps_ahead: int = 0) -> str:
    """What the authenticator app shows for the key (the next 30-second period's code with steps_ahead=1:
    the gateway takes it too, and never a code already used)."""
    from django_otp.oath import totp

    return f"{totp(b32decode(secret), t0=-30 * steps_ahead):06d}"


def _log_out(page):
    page.click("header >> text=Đăng xuất")
    page.wait_for_load_state("networkidle")


def _log_in_with_code(page_for, code_of, shots=None):
    page = page_for("cntt")
    page.wait_for_url("**/tai-khoan/ma-xac-thuc/**")  # the log-in's answer may still be on its way
    assert page.locator("h1").inner_text() == "Mã từ ứng dụng"
    assert page.locator("header >> text=Đổi mật khẩu").count() == 0  # nothing opens before the code
    if shots is not None:
        page.screenshot(path=str(shots / "two-factor-code-vi.png"))
    page.fill("#id_code", code_of)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    return page


def test_it_sets_up_the_app_then_logs_in_with_its_code_or_a_recovery_code(page_for, site, settings, shots):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.HOSO_TWO_FACTOR = "staff"
    page = page_for("cntt")
    page.wait_for_url("**/tai-khoan/xac-thuc-hai-buoc/**")  # before any page
    page.goto(f"{site}/admin/")
    assert "/tai-khoan/xac-thuc-hai-buoc/" in page.url
    assert page.locator("h1").inner_text() == "Bật xác thực hai bước"
    assert page.locator(".qr svg").is_visible()
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.screenshot(path=str(shots / "two-factor-enrol-vi.png"), full_page=True)
    page.fill("#id_code", "000000" if _code(secret) != "000000" else "111111")
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "Mã không đúng" in page.locator("[role=alert]").inner_text()
    # django-otp makes the next try wait a second after a wrong code (tests/accounts shows it); a person
    # takes longer to type, the test clears the wait instead of sleeping.
    TOTPDevice.objects.filter(user__username="cntt").update(throttling_failure_count=0)
    page.fill("#id_code", _code(secret))
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Đã bật xác thực hai bước"
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=str(shots / "two-factor-recovery-codes-vi.png"), full_page=True)
    page.click("text=Tiếp tục")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/").endswith("/admin")  # where IT was going
    _log_out(page)

    page = _log_in_with_code(page_for, _code(secret, steps_ahead=1), shots)
    assert "/tai-khoan/" not in page.url and "/dang-nhap/" not in page.url
    page.goto(f"{site}/admin/")
    assert page.url.rstrip("/").endswith("/admin")
    _log_out(page)

    page = _log_in_with_code(page_for, codes[0])
    assert "/tai-khoan/" not in page.url
    assert "còn lại 9 mã" in page.locator(".messages").inner_text()
    page.screenshot(path=str(shots / "two-factor-recovery-used-vi.png"))
    page.click("header >> text=Xác thực hai bước")
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "Còn 9 mã dự phòng" in text and "không thể tắt" in text
    page.screenshot(path=str(shots / "two-factor-settings-vi.png"))
    _log_out(page)

    page = page_for("cntt")
    page.wait_for_url("**/tai-khoan/ma-xac-thuc/**")
    page.fill("#id_code", codes[0])  # used already
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
    assert "Mã không đúng" in page.locator("[role=alert]").inner_text()
    assert "/tai-khoan/ma-xac-thuc/" in page.url
