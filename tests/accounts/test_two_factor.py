"""The two-step log-in (issue 21, item 3): required for IT and everyone who uses the admin (or every
officer, by setting), optional for others; after the password only the code page opens; the code comes
from an authenticator app (TOTP) or a recovery code (each once); wrong codes count towards django-axes'
lock-out like wrong passwords."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoso.accounts import twofactor
from tests.accounts.conftest import code_for, log_in

pytestmark = pytest.mark.django_db

VERIFY, ENROL = "/tai-khoan/ma-xac-thuc/", "/tai-khoan/xac-thuc-hai-buoc/"


def _enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    twofactor.new_recovery_codes(user)
    return device


def test_who_must(two_factor, officers, settings):
    must = {name for name, user in officers.items() if twofactor.required(user)}
    assert must == {"city", "director"}  # IT administrators and the director (a staff role)
    officers["head"].is_staff = True
    assert twofactor.required(officers["head"])  # anyone who uses the admin
    settings.HOSO_TWO_FACTOR = "all"
    assert all(twofactor.required(user) for user in officers.values())
    settings.HOSO_TWO_FACTOR = "optional"
    assert not any(twofactor.required(user) for user in officers.values())


def test_it_without_an_app_is_sent_to_set_one_up_before_any_page(client, two_factor, officers):
    answer = log_in(client, officers["city"])
    for path in (answer["Location"], "/admin/", "/ho-so/", "/cntt/tin-cay/"):
        page = client.get(path)
        assert page.status_code == 302 and page["Location"].startswith(ENROL + "?next="), path
    enrol = client.get(ENROL).content.decode()
    assert "Bật xác thực hai bước" in enrol and "<svg" in enrol
    secret = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', enrol)[1].replace(" ", "")
    device = TOTPDevice.objects.get(user=officers["city"], confirmed=False)
    assert secret == __import__("base64").b32encode(device.bin_key).decode().rstrip("=")
    wrong = client.post(ENROL, {"action": "confirm", "code": "000000"})
    assert "Mã không đúng" in wrong.content.decode()
    assert (
        "chờ vài giây" in client.post(ENROL, {"action": "confirm", "code": code_for(device)}).content.decode()
    )
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # the back-off is over
    done = client.post(ENROL, {"action": "confirm", "code": code_for(device), "next": "/cntt/tin-cay/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and 'href="/cntt/tin-cay/"' in done.content.decode()
    assert client.get("/cntt/tin-cay/").status_code == 200  # this session gave its code
    assert TOTPDevice.objects.get(user=officers["city"]).confirmed


def test_a_desk_officer_may_go_without_and_may_turn_it_on_and_off(client, two_factor, officers):
    log_in(client, officers["desk"])
    assert client.get("/tiep-nhan/").status_code == 200
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officers["desk"])
    client.post(ENROL, {"action": "confirm", "code": code_for(device)})
    page = client.get(ENROL).content.decode()
    assert "Còn 10 mã dự phòng" in page and "Tắt xác thực hai bước" in page
    client.post(ENROL, {"action": "remove"})
    assert not TOTPDevice.objects.filter(user=officers["desk"]).exists()
    it = Client()
    log_in(it, officers["city"])
    _enrolled(officers["city"])
    assert it.post(ENROL, {"action": "remove"}).status_code == 302  # to the code: not off for IT
    assert TOTPDevice.objects.filter(user=officers["city"]).exists()


def test_the_log_in_asks_for_the_code_after_the_password(client, two_factor, officers):
    device = _enrolled(officers["sothe"])  # enrolled by choice: asked for too
    answer = log_in(client, officers["sothe"])
    assert client.get(answer["Location"])["Location"] == f"{VERIFY}?next=%2Fho-so%2F"
    assert client.get("/ho-so/").status_code == 302
    page = client.get(VERIFY).content.decode()
    assert "Mã từ ứng dụng" in page
    done = client.post(VERIFY, {"code": code_for(device), "next": "/ho-so/"})
    assert done.status_code == 302 and done["Location"] == "/ho-so/"
    assert client.get("/ho-so/").status_code == 200
    replay = Client()
    log_in(replay, officers["sothe"])
    again = replay.post(VERIFY, {"code": code_for(device)})  # the same code a second time
    assert "Mã không đúng" in again.content.decode()


def test_a_recovery_code_works_once(two_factor, officers):
    _enrolled(officers["city"])
    codes = list(StaticToken.objects.filter(device__user=officers["city"]).values_list("token", flat=True))
    first = Client()
    log_in(first, officers["city"])
    answer = first.post(VERIFY, {"code": codes[0].upper(), "next": "/cntt/tin-cay/"}, follow=True)
    assert answer.redirect_chain[-1][0] == "/cntt/tin-cay/"
    assert "còn lại 9 mã" in answer.content.decode()
    second = Client()
    log_in(second, officers["city"])
    assert "Mã không đúng" in second.post(VERIFY, {"code": codes[0]}).content.decode()


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, two_factor, officers, settings, caplog):
    _enrolled(officers["city"])
    log_in(client, officers["city"], address="198.51.100.9")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        TOTPDevice.objects.filter(user=officers["city"]).update(throttling_failure_count=0)  # no back-off
        page = client.post(VERIFY, {"code": "123456"}, REMOTE_ADDR="198.51.100.9")
        assert page.status_code == 200 and "Mã không đúng" in page.content.decode()
    TOTPDevice.objects.filter(user=officers["city"]).update(throttling_failure_count=0)
    locked = client.post(VERIFY, {"code": "123456"}, REMOTE_ADDR="198.51.100.9")
    assert locked.status_code == 429
    assert "Nhập sai mã quá nhiều lần" in locked.content.decode() and "15 phút" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # the half-logged-in session is over
    attempt = AccessAttempt.objects.get(username=officers["city"].username)
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT
    assert "123456" not in attempt.post_data  # masked like a password
    assert log_in(Client(), officers["city"], address="203.0.113.50").status_code == 429  # the password too
    assert any("two-step code wrong" in r.getMessage() for r in caplog.records)


def test_consecutive_wrong_codes_make_the_app_wait(client, two_factor, officers):
    device = _enrolled(officers["city"])
    log_in(client, officers["city"])
    client.post(VERIFY, {"code": "123456"})
    page = client.post(VERIFY, {"code": code_for(device)})  # right, but within the back-off
    assert "chờ vài giây" in page.content.decode()
    assert AccessAttempt.objects.get().failures_since_start == 1  # the wait is not one more failure


def test_a_right_code_clears_the_wrong_ones(client, two_factor, officers):
    device = _enrolled(officers["city"])
    log_in(client, officers["city"])
    client.post(VERIFY, {"code": "123456"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    client.post(VERIFY, {"code": code_for(device)})
    assert not AccessAttempt.objects.exists()


def test_the_app_moves_to_another_phone(client, two_factor, officers):
    device = _enrolled(officers["city"])
    log_in(client, officers["city"])
    client.post(VERIFY, {"code": code_for(device)})
    assert client.post(ENROL, {"action": "replace"})["Location"] == ENROL
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get("/cntt/tin-cay/")["Location"].startswith(ENROL)  # set up again before anything
    fresh = TOTPDevice.objects.create(user=officers["city"], confirmed=False)
    client.post(ENROL, {"action": "confirm", "code": code_for(fresh)})
    assert client.get("/cntt/tin-cay/").status_code == 200


def test_it_removes_a_lost_app_in_the_admin_without_seeing_its_key(settings, officers):
    from hoso.reference.roles import ensure_roles

    ensure_roles()
    settings.HOSO_TWO_FACTOR = "optional"  # IT's own log-in is not what this test is about
    it = officers["city"]
    it.is_staff = True
    it.save()
    device = _enrolled(officers["desk"])
    admin = Client()
    log_in(admin, it)
    listing = admin.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and officers["desk"].username in listing.content.decode()
    page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in page  # OTP_ADMIN_HIDE_SENSITIVE_DATA
    admin.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_hoso_check_says_when_two_step_log_in_is_required_of_nobody(settings):
    from hoso.operations.checks import production_findings

    settings.HOSO_TWO_FACTOR = "optional"
    assert "CHECK_TWO_FACTOR_OPTIONAL" in {f.code for f in production_findings()}
    settings.HOSO_TWO_FACTOR = "staff"
    assert "CHECK_TWO_FACTOR_OPTIONAL" not in {f.code for f in production_findings()}
