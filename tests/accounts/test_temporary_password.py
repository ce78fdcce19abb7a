"""A temporary password set by IT (issue 21, item 2) must be changed at the officer's next log-in: IT's
admin pages record it (when, by whom — never the password), every page but the change page, the log-outs
and the language switch sends the officer there until they set their own (on that page or through the
reset link); the two-step code comes first; every event is on ``hoso.auth``."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from hoso.accounts.models import TemporaryPassword
from hoso.reference.roles import ensure_roles
from tests.accounts.conftest import code_for, log_in

pytestmark = pytest.mark.django_db

TEMPORARY, OWN = "Tạm-thời-CNTT-2026", "Của-riêng-tôi-2026!"
CHANGE = "/tai-khoan/mat-khau/"
NOTICE = "Mật khẩu tạm do CNTT đặt phải được đổi trước khi làm việc."


@pytest.fixture
def it(officers, settings):
    """IT with the it_admin role's permissions, logged in to the admin (its own two-step log-in is not
    what these tests are about)."""
    settings.HOSO_TWO_FACTOR = "optional"
    ensure_roles()
    user = officers["city"]
    user.is_staff = True
    user.save()
    client = Client()
    log_in(client, user, address="192.0.2.10")
    return client


def _set_in_admin(it, officer, password=TEMPORARY):
    return it.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {"password1": password, "password2": password, "set_usable_password": "true"},
    )


def _change(client, old=TEMPORARY, new=OWN, next_page=""):
    query = f"?next={next_page}" if next_page else ""
    return client.post(f"{CHANGE}{query}", {"old_password": old, "new_password1": new, "new_password2": new})


def test_the_admin_password_page_records_who_set_it_and_the_log_says_so(it, officers, caplog):
    officer = officers["desk"]
    with caplog.at_level(logging.INFO, logger="hoso.auth"):
        answer = _set_in_admin(it, officer)
    assert answer.status_code == 302
    row = TemporaryPassword.objects.get(user=officer)
    assert row.set_by == officers["city"] and row.where == TemporaryPassword.Where.PASSWORD_PAGE
    assert TEMPORARY not in str(vars(row)) and TEMPORARY not in caplog.text
    (line,) = [r.getMessage() for r in caplog.records if "temporary password set" in r.getMessage()]
    assert repr(officer.username) in line and repr(officers["city"].username) in line


def test_the_officer_is_sent_to_the_change_page_until_they_change_it(it, officers, caplog):
    officer = officers["desk"]
    _set_in_admin(it, officer)
    client = Client()
    landing = log_in(client, officer, TEMPORARY)["Location"]
    sent = client.get(landing)
    assert sent.status_code == 302 and sent["Location"].startswith(f"{CHANGE}?next=")
    for page in ("/tiep-nhan/", "/ho-so/", "/", "/admin/", "/reports/", "/tai-khoan/xac-thuc-hai-buoc/"):
        answer = client.get(page)
        assert answer.status_code == 302 and answer["Location"].startswith(CHANGE), page
    page = client.get(sent["Location"])
    assert page.status_code == 200 and NOTICE in page.content.decode()
    assert client.post("/i18n/setlang/", {"language": "en", "next": CHANGE}).status_code == 302
    assert (
        "A temporary password set by IT must be changed before work." in client.get(CHANGE).content.decode()
    )
    client.post("/i18n/setlang/", {"language": "vi", "next": CHANGE})

    with caplog.at_level(logging.INFO, logger="hoso.auth"):
        done = _change(client, next_page="/ho-so/")
    assert done.status_code == 302 and done["Location"] == "/ho-so/"
    assert not TemporaryPassword.objects.filter(user=officer).exists()
    assert "temporary password of 't.motcua.socson' cleared: changed by the officer" in caplog.text
    assert client.get("/ho-so/").status_code == 200
    assert NOTICE not in client.get(CHANGE).content.decode()


def test_log_out_stays_open(it, officers):
    _set_in_admin(it, officers["desk"])
    client = Client()
    log_in(client, officers["desk"], TEMPORARY)
    out = client.post("/dang-xuat/")
    assert out.status_code == 302 and out["Location"].startswith("/dang-nhap/")
    assert client.get("/ho-so/")["Location"].startswith("/dang-nhap/")


def test_a_refused_new_password_keeps_the_officer_on_the_change_page(it, officers):
    _set_in_admin(it, officers["desk"])
    client = Client()
    log_in(client, officers["desk"], TEMPORARY)
    refused = _change(client, new="12345678")
    assert refused.status_code == 200 and "hoàn toàn là số" in refused.content.decode()
    assert TemporaryPassword.objects.filter(user=officers["desk"]).exists()
    assert client.get("/ho-so/")["Location"].startswith(CHANGE)


def test_new_accounts_made_in_the_admin_have_a_temporary_password(it, officers):
    officer_page = it.post(
        "/admin/reference/officer/add/",
        {
            "username": "moi.socson",
            "last_name": "Nguyễn Thị",
            "first_name": "Mới",
            "email": "",
            "password1": TEMPORARY,
            "password2": TEMPORARY,
            "role": "desk_officer",
            "office": "00110",
            "department": "mot_cua",
        },
    )
    assert officer_page.status_code == 302, officer_page.content.decode()[:2000]
    user_page = it.post(
        "/admin/auth/user/add/",
        {
            "username": "moi2.socson",
            "password1": TEMPORARY,
            "password2": TEMPORARY,
            "usable_password": "true",
        },
    )
    assert user_page.status_code == 302
    rows = TemporaryPassword.objects.filter(set_by=officers["city"], where="new_account")
    assert sorted(rows.values_list("user__username", flat=True)) == ["moi.socson", "moi2.socson"]
    client = Client()
    log_in(client, rows[0].user, TEMPORARY)
    assert client.get("/ho-so/")["Location"].startswith(CHANGE)


def test_ones_own_password_or_none_is_not_temporary(it, officers):
    city = officers["city"]
    _set_in_admin(it, city, OWN)  # IT's own account: their own password
    assert not TemporaryPassword.objects.exists()
    _set_in_admin(it, officers["desk"])
    it.post(
        f"/admin/auth/user/{officers['desk'].pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    officers["desk"].refresh_from_db()
    assert not officers["desk"].has_usable_password()
    assert not TemporaryPassword.objects.exists()  # no password: the officer sets one by the reset link


def test_a_password_chosen_through_the_reset_link_is_the_officers_own(it, officers, caplog):
    officer = officers["desk"]
    _set_in_admin(it, officer)
    officer.refresh_from_db()
    link = f"/tai-khoan/dat-lai/{urlsafe_base64_encode(force_bytes(officer.pk))}/"
    client = Client()
    form = client.get(f"{link}{default_token_generator.make_token(officer)}/")
    with caplog.at_level(logging.INFO, logger="hoso.auth"):
        done = client.post(form["Location"], {"new_password1": OWN, "new_password2": OWN})
    assert done.status_code == 302
    assert not TemporaryPassword.objects.filter(user=officer).exists()
    assert "cleared: the officer chose a new one through the reset link" in caplog.text
    fresh = Client()
    log_in(fresh, officer, OWN)
    assert fresh.get("/ho-so/").status_code == 200


def test_the_two_step_code_comes_first_then_the_change(it, officers, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = officers["sothe"]
    device = TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True)
    _set_in_admin(it, officer)
    client = Client()
    log_in(client, officer, TEMPORARY)
    first = client.get("/ho-so/")
    assert first["Location"].startswith("/tai-khoan/ma-xac-thuc/")
    assert client.get(first["Location"]).status_code == 200  # the code page opens, not the change page
    assert client.get(CHANGE)["Location"].startswith("/tai-khoan/ma-xac-thuc/")  # nor the change before it
    client.post("/tai-khoan/ma-xac-thuc/", {"code": code_for(device), "next": "/ho-so/"})
    then = client.get("/ho-so/")
    assert then.status_code == 302 and then["Location"].startswith(CHANGE)
    _change(client)
    assert client.get("/ho-so/").status_code == 200


def test_it_waives_the_change_in_the_admin_and_the_session_is_freed(it, officers, caplog):
    officer = officers["desk"]
    _set_in_admin(it, officer)
    client = Client()
    log_in(client, officer, TEMPORARY)
    assert client.get("/ho-so/").status_code == 302
    admin = Client()
    superuser = type(officer).objects.create_superuser("quantri", password="hoso-demo-2015")
    log_in(admin, superuser, address="192.0.2.11")
    assert officer.username in admin.get("/admin/accounts/temporarypassword/").content.decode()
    with caplog.at_level(logging.INFO, logger="hoso.auth"):
        admin.post(f"/admin/accounts/temporarypassword/{officer.pk}/delete/", {"post": "yes"})
    assert not TemporaryPassword.objects.exists()
    assert "waived in the admin by 'quantri'" in caplog.text
    assert client.get("/ho-so/").status_code == 200


def test_a_session_without_a_temporary_password_does_not_look_for_one(client, officers):
    log_in(client, officers["desk"])
    client.get("/ho-so/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ho-so/").status_code == 200
    assert not [q for q in queries.captured_queries if "temporarypassword" in q["sql"]]
