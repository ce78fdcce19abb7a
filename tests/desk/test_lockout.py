"""The log-in defence (issue 21, item 1): HOSO_LOGIN_FAILURES wrong passwords lock an account (and
HOSO_LOGIN_ADDRESS_FAILURES an address) for HOSO_LOGIN_LOCKOUT_MINUTES — the right password too —, on a
page in the officer's language without internal codes; the counts are rows of the database (every app
server sees them); time or IT unlocks; every lock-out is logged."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

RIGHT = "đúng-mật-khẩu-1"


@pytest.fixture
def desk(officers):
    officer = officers["desk"]
    officer.set_password(RIGHT)
    officer.save()
    return officer


def _log_in(client, username, password, address="198.51.100.23", language="vi"):
    return client.post(
        "/dang-nhap/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _fail(client, username, times, address="198.51.100.23"):
    for _ in range(times):
        _log_in(client, username, "đoán-sai", address)


def test_defaults_are_five_failures_an_account_twenty_an_address_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.HOSO_LOGIN_ADDRESS_FAILURES == 20
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_the_account_is_locked_after_the_limit_from_any_address_even_with_the_right_password(
    client, desk, caplog
):
    _fail(client, desk.username, 4, address="198.51.100.1")
    with caplog.at_level(logging.INFO, logger="hoso.auth"):
        fifth = _log_in(client, desk.username, "đoán-sai", "198.51.100.2")
        answer = _log_in(client, desk.username, RIGHT, address="203.0.113.9")  # another address
    assert fifth.status_code == 429 and answer.status_code == 429
    page = answer.content.decode()
    assert "Đăng nhập tạm bị khoá" in page and "15 phút" in page
    assert "AXES" not in page and "axes" not in page.lower().replace("axes.", "")
    assert "_auth_user_id" not in client.session
    lines = [r.getMessage() for r in caplog.records if r.name == "hoso.auth"]
    assert any(line.startswith(f"log-in locked out for {desk.username!r}") for line in lines), lines
    # The state is in the database (shared by every app server), every failure kept.
    assert AccessFailureLog.objects.filter(username=desk.username).count() >= 5


def test_the_lock_out_page_in_english(client, desk):
    _fail(client, desk.username, 5)
    page = _log_in(client, desk.username, RIGHT, language="en").content.decode()
    assert "Log-in locked" in page and "15 minutes" in page


def test_an_address_is_locked_after_its_limit_across_accounts(client, officers, desk):
    for n in range(20):  # twenty wrong passwords, each for another name, from one address
        _log_in(client, f"khong-co-{n}", "đoán-sai", address="192.0.2.50")
    assert _log_in(client, desk.username, RIGHT, address="192.0.2.50").status_code == 429
    # The account itself is not locked: from another address it logs in.
    answer = _log_in(client, desk.username, RIGHT, address="192.0.2.51")
    assert answer.status_code == 302 and client.session.get("_auth_user_id") == str(desk.pk)


def test_the_address_is_hosos_client_address(client, desk, settings):
    settings.HOSO_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/dang-nhap/",
            {"username": desk.username, "password": "đoán-sai"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.77",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.77"}


def test_fewer_failures_then_the_right_password_log_in_and_clear_the_count(client, desk):
    _fail(client, desk.username, 4)
    assert _log_in(client, desk.username, RIGHT).status_code == 302
    client.post("/dang-xuat/")
    _fail(client, desk.username, 4)
    assert _log_in(client, desk.username, RIGHT).status_code == 302  # the count began again


def test_time_unlocks(client, desk):
    _fail(client, desk.username, 5)
    assert _log_in(client, desk.username, RIGHT).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _log_in(client, desk.username, RIGHT).status_code == 302


def test_it_unlocks_in_the_admin(client, desk, officers):
    _fail(client, desk.username, 5)
    assert _log_in(client, desk.username, RIGHT).status_code == 429
    it = officers["city"]
    it.is_staff = it.is_superuser = True
    it.save()
    admin = type(client)()
    admin.force_login(it)
    listing = admin.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="vi")
    assert listing.status_code == 200 and desk.username in listing.content.decode()
    assert "Lần đăng nhập sai" in listing.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    answer = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert answer.status_code == 302 and not AccessAttempt.objects.exists()
    assert _log_in(client, desk.username, RIGHT).status_code == 302


def test_a_colleague_logging_in_from_the_same_address_does_not_clear_an_accounts_failures(
    client, officers, desk
):
    """Behind one office address, guessing a colleague's password four times, then logging in to one's
    own account, must not start the colleague's count again (axes' own reset clears the whole address)."""
    own = officers["thu"]
    own.set_password(RIGHT)
    own.save()
    for _ in range(2):
        _fail(client, desk.username, 2, address="192.0.2.60")
        assert _log_in(client, own.username, RIGHT, address="192.0.2.60").status_code == 302
        client.post("/dang-xuat/")
    _fail(client, desk.username, 1, address="192.0.2.60")
    assert _log_in(client, desk.username, RIGHT, address="192.0.2.61").status_code == 429


def test_an_address_has_its_own_larger_limit(client, officers, desk, settings):
    settings.HOSO_LOGIN_ADDRESS_FAILURES = 8
    for n in range(7):  # seven wrong passwords, each for another name, from one office address
        _log_in(client, f"khong-co-{n}", "đoán-sai", address="192.0.2.70")
    assert _log_in(client, desk.username, RIGHT, address="192.0.2.70").status_code == 302
    client.post("/dang-xuat/")
    _log_in(client, "khong-co-7", "đoán-sai", address="192.0.2.70")
    assert _log_in(client, desk.username, RIGHT, address="192.0.2.70").status_code == 429


def test_the_retention_job_prunes_failed_log_ins_older_than_a_year():
    from hoso.accounts.lockout import FAILURE_LOG_KEEP
    from hoso.jobs.tasks import retention

    def failure(name: str, age: timedelta) -> None:
        row = AccessFailureLog.objects.create(
            username=name, ip_address="198.51.100.9", user_agent="", http_accept="", path_info="/dang-nhap/"
        )
        AccessFailureLog.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - age)

    failure("old-guess", FAILURE_LOG_KEEP + timedelta(days=1))
    failure("recent-guess", timedelta(days=3))
    said = retention()
    assert "1 year-old failed log-ins pruned" in said
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["recent-guess"]
