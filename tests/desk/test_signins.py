"""Log-ins in the server's log (issue 18, item 6): a failed attempt says the name typed and where from,
never the password; a success and a log-out are logged too."""

from __future__ import annotations

import logging

import pytest

pytestmark = pytest.mark.django_db


def test_a_failed_log_in_is_logged_with_the_name_and_address_not_the_password(client, officers, caplog):
    with caplog.at_level(logging.INFO, logger="hoso.auth"):
        answer = client.post(
            "/dang-nhap/",
            {"username": "t.motcua.socson", "password": "đoán-sai-123"},
            REMOTE_ADDR="198.51.100.23",
        )
    assert answer.status_code == 200  # the form again, with its error
    failed = [r for r in caplog.records if r.name == "hoso.auth" and r.levelno == logging.WARNING]
    assert len(failed) == 1
    line = failed[0].getMessage()
    assert "t.motcua.socson" in line and "198.51.100.23" in line and "đoán-sai-123" not in line


def test_a_log_in_and_a_log_out_are_logged(client, officers, caplog):
    officer = officers["desk"]
    officer.set_password("đúng-mật-khẩu-1")
    officer.save()
    with caplog.at_level(logging.INFO, logger="hoso.auth"):
        client.post("/dang-nhap/", {"username": officer.username, "password": "đúng-mật-khẩu-1"})
        client.post("/dang-xuat/")
    lines = [r.getMessage() for r in caplog.records if r.name == "hoso.auth"]
    assert any(line.startswith("log-in of 't.motcua.socson'") for line in lines), lines
    assert any(line.startswith("log-out of 't.motcua.socson'") for line in lines), lines
