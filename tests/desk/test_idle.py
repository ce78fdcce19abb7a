"""The idle timeout and log-out everywhere on a password change (issue 21, item 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoso.accounts.idle import REFRESH_SECONDS, SEEN

pytestmark = pytest.mark.django_db

PAGE = "/ho-so/"


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _session_writes(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_the_default_is_thirty_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_a_request_extends_the_session_at_most_once_a_minute(officers):
    client = _logged_in(officers["head"])
    assert _session_writes(client) == 1  # the first request records when it was seen
    assert _session_writes(client) == 0  # within the minute: no write
    session = client.session
    session[SEEN] = session[SEEN] - REFRESH_SECONDS
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=2)
    )
    assert _session_writes(client) == 1
    left = _row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)
    response = client.get(PAGE)
    assert response.status_code == 200


def test_the_cookie_lives_as_long_as_the_idle_time(client, officers):
    officer = officers["desk"]
    officer.set_password("đúng-mật-khẩu-1")
    officer.save()
    answer = client.post("/dang-nhap/", {"username": officer.username, "password": "đúng-mật-khẩu-1"})
    assert answer.status_code == 302
    assert answer.cookies["sessionid"]["max-age"] == 30 * 60


def test_an_idle_session_is_over(officers):
    client = _logged_in(officers["head"])
    assert client.get(PAGE).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    answer = client.get(PAGE)
    assert answer.status_code == 302 and "/dang-nhap/" in answer["Location"]


def test_a_password_change_ends_the_other_sessions_not_this_one(officers):
    officer = officers["city"]
    officer.is_staff = True
    officer.set_password("mật-khẩu-cũ-2026")
    officer.save()
    here, there = _logged_in(officer), _logged_in(officer)
    assert there.get(PAGE).status_code == 200
    answer = here.post(
        "/admin/password_change/",
        {
            "old_password": "mật-khẩu-cũ-2026",
            "new_password1": "Mật-khẩu-mới-2026!",
            "new_password2": "Mật-khẩu-mới-2026!",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert here.get(PAGE).status_code == 200  # update_session_auth_hash: this session goes on
    gone = there.get(PAGE)
    assert gone.status_code == 302 and "/dang-nhap/" in gone["Location"]


def test_a_password_set_by_it_ends_every_session_of_the_account(officers):
    officer = officers["desk"]
    first, second = _logged_in(officer), _logged_in(officer)
    assert first.get("/tiep-nhan/").status_code == 200
    officer.set_password("Mật-khẩu-IT-đặt-2026")
    officer.save()
    for client in (first, second):
        answer = client.get("/tiep-nhan/")
        assert answer.status_code == 302 and "/dang-nhap/" in answer["Location"]
