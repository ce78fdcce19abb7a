"""The log-in defence (issue 21, item 1), on django-axes.

- After ``HOSO_LOGIN_FAILURES`` wrong passwords for one account, or ``HOSO_LOGIN_ADDRESS_FAILURES`` from
  one client address (whatever the names: an office's officers often share one address), further
  log-ins of that account, or from that address, are refused for ``HOSO_LOGIN_LOCKOUT_MINUTES``; the
  right password is refused too while locked.
- A successful log-in clears only the failures of that account from that address. Axes' own reset
  clears every failure of the address, so a colleague behind the same address guessing a password could
  start its count again by logging in to their own account between guesses (tests/desk/test_lockout.py).
- The counts live in the database (axes' ``AccessAttempt``), so every app server of a cluster sees them.
- The address is :func:`hoso.client_address.client_address`, as for every other limit and log.
- IT unlocks earlier in the admin ("Access attempts": deleting the row unlocks; the admin's history keeps
  who did it). Every lock-out is logged on ``hoso.auth`` and every failure stays in axes'
  ``AccessFailureLog`` table (besides the line :mod:`hoso.desk.signins` logs).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from hoso.client_address import client_address

log = logging.getLogger("hoso.auth")


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before the password backends. Authentication without a request (a shell, the test
    client's ``login``) has no address to count and no one typing: it is left to the other backends."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler (AXES_HANDLER) with a limit of its own for an address, and a reset on
    success that clears only what the one who succeeded typed wrong."""

    def get_failures(self, request, credentials=None) -> int:
        # Axes locks when this reaches AXES_FAILURE_LIMIT (the account's limit): the address's count is
        # said as that limit once it reaches its own.
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _failures(recent.filter(username=username)) if username else 0
        if (
            _failures(recent.filter(ip_address=request.axes_ip_address))
            >= settings.HOSO_LOGIN_ADDRESS_FAILURES
        ):
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def _failures(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def address(request) -> str:
    """Axes' client address: the one of hoso (AXES_CLIENT_IP_CALLABLE)."""
    return client_address(request)


def locked_out_page(request, original_response=None, credentials=None):
    """The page a locked-out log-in gets (AXES_LOCKOUT_CALLABLE): HTTP 429, in the officer's language,
    saying for how long, no internal code."""
    minutes = settings.HOSO_LOGIN_LOCKOUT_MINUTES
    return render(request, "desk/locked_out.html", {"minutes": minutes}, status=429)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    log.warning(
        "log-in locked out for %r from %s (%s failures for the account or %s from the address; for %s minutes)",
        str(username or "")[:150],
        ip_address or "-",
        settings.AXES_FAILURE_LIMIT,
        settings.HOSO_LOGIN_ADDRESS_FAILURES,
        settings.HOSO_LOGIN_LOCKOUT_MINUTES,
    )


def connect() -> None:
    user_locked_out.connect(_locked_out, dispatch_uid="hoso.accounts.lockout.locked_out")


FAILURE_LOG_KEEP = timedelta(days=365)  # failed log-ins kept a year for IT's investigations, then pruned


def prune_failure_log(now: datetime | None = None) -> int:
    """Delete the failed log-ins recorded longer ago than :data:`FAILURE_LOG_KEEP` (the daily retention
    job): each name an attacker invents gets rows of its own, so the table would otherwise only grow.
    How many were deleted."""
    cutoff = (now or timezone.now()) - FAILURE_LOG_KEEP
    return AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
