"""The code asked after the password (issue 21, item 3; :mod:`hoso.accounts.twofactor` says who).

A six-digit code is checked against the officer's authenticator app, anything else against their
recovery codes (each good once). A wrong code is a failed log-in for django-axes: it counts towards the
account's and the address's lock-out; once locked, the session is ended and the lock-out page answers
(HTTP 429). A right code clears what this account typed wrong from this address, as a right password
does (:class:`hoso.accounts.lockout.LockoutHandler`).
"""

from __future__ import annotations

import logging
import re

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice

from hoso.accounts import twofactor
from hoso.accounts.lockout import LockoutHandler
from hoso.client_address import client_address

log = logging.getLogger("hoso.auth")


def wait_message() -> str:
    return _("Too many wrong codes in a row: wait a few seconds, then type the new code.")


def next_url(request) -> str:
    """Where to go once done: the page asked for (this site only), else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    device = twofactor.authenticator(user)
    if device is None:
        return redirect(twofactor.ENROL)
    error = ""
    if request.method == "POST":
        credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return _locked(request)
        code = re.sub(r"[\s-]", "", request.POST.get("code", "")).lower()
        if re.fullmatch(r"[0-9]{6}", code) is None:
            device = twofactor.recovery_device(user)
        allowed, why = device.verify_is_allowed() if device is not None else (True, None)
        if not allowed and why and why.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
            error = wait_message()
        elif device is not None and code and (good := verify_token(user, device.persistent_id, code)):
            return _verified(request, good, credentials)
        else:
            log.warning("two-step code wrong for %r from %s", user.get_username(), client_address(request))
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return _locked(request)
            error = _(
                "The code is not right. Type the code the app shows now, or one of your recovery codes."
            )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"error": error, "next": next_url(request), "owes_code": True},
    )


def _verified(request, device, credentials):
    otp_login(request, device)
    request.session.cycle_key()  # a new session key for the fully logged-in session
    LockoutHandler().reset_user_attempts(request, credentials)
    log.info("two-step code given by %r from %s", request.user.get_username(), client_address(request))
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        messages.warning(
            request,
            ngettext(
                "You logged in with a recovery code: %(left)d is left. Make new ones on the two-step log-in page.",
                "You logged in with a recovery code: %(left)d are left. Make new ones on the two-step log-in page.",
                left,
            )
            % {"left": left},
        )
    return redirect(next_url(request))


def _locked(request):
    """Too many wrong codes (or passwords): the session ends and the lock-out page answers."""
    log.warning("two-step log-in locked for %r from %s", request.user.get_username(), client_address(request))
    logout(request)
    request.axes_locked_out = False  # this page says it, not axes' (which speaks of passwords)
    return render(
        request,
        "accounts/two_factor_locked.html",
        {"minutes": settings.HOSO_LOGIN_LOCKOUT_MINUTES},
        status=429,
    )
