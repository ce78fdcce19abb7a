"""Accounts tests reuse the workflow's officers (two offices, every role) with fast password hashing."""

from __future__ import annotations

import pytest

from tests.workflow.conftest import fast_passwords, officers  # noqa: F401 — fixtures

PASSWORD = "hoso-demo-2015"


@pytest.fixture
def two_factor(settings):
    """The production default: required for IT and everyone who uses the admin."""
    settings.HOSO_TWO_FACTOR = "staff"
    return settings


def log_in(client, user, password=PASSWORD, address="198.51.100.7"):
    """The desk's log-in page, as a browser posts it (a request for django-axes to count)."""
    return client.post("/dang-nhap/", {"username": user.username, "password": password}, REMOTE_ADDR=address)


def code_for(device, steps_ahead: int = 0) -> str:
    """The code the officer's app shows now (or ``steps_ahead`` periods of 30 s later: the gateway takes
    the next period's code too, and a code used once is not taken again)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step):06d}"
