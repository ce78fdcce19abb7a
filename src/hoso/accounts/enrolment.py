"""The two-step log-in page of an officer (issue 21, item 3): turn it on with an authenticator app (a
QR code to scan, or the key to type), see the recovery codes once, make new ones, move to another phone,
or turn it off where it is not required (:func:`hoso.accounts.twofactor.required`)."""

from __future__ import annotations

import io
import logging
import re
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoso.accounts import twofactor
from hoso.accounts.verification import next_url, wait_message
from hoso.client_address import client_address

log = logging.getLogger("hoso.auth")


@login_required
def two_factor(request):
    user = request.user
    device = twofactor.authenticator(user)
    if device is not None and not user.is_verified():
        return redirect(twofactor.VERIFY)  # the code first (the middleware says so too)
    action = request.POST.get("action") if request.method == "POST" else None
    if device is None:
        return _enrol(request, confirm=action == "confirm")
    if action == "recovery":
        return _show_codes(request, twofactor.new_recovery_codes(user), _("New recovery codes"))
    if action == "replace":
        TOTPDevice.objects.filter(user=user).delete()
        log.info("two-step log-in moved to another app by %r", user.get_username())
        return redirect(twofactor.ENROL)
    if action == "remove" and not twofactor.required(user):
        twofactor.remove(user)
        log.info("two-step log-in turned off by %r", user.get_username())
        messages.success(request, _("Two-step log-in is off."))
        return redirect(twofactor.ENROL)
    recovery = twofactor.recovery_device(user)
    context = {
        "device": device,
        "required": twofactor.required(user),
        "codes_left": recovery.token_set.count() if recovery else 0,
    }
    return render(request, "accounts/two_factor.html", context)


def _enrol(request, *, confirm: bool):
    user = request.user
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    if confirm:
        code = re.sub(r"\s", "", request.POST.get("code", ""))
        if not pending.verify_is_allowed()[0]:  # django-otp's back-off after a wrong code
            return _enrol_page(request, pending, wait_message())
        if re.fullmatch(r"[0-9]{6}", code) and pending.verify_token(code):
            with transaction.atomic():
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
                codes = twofactor.new_recovery_codes(user)
            otp_login(request, pending)
            request.session.cycle_key()
            log.info("two-step log-in turned on by %r from %s", user.get_username(), client_address(request))
            return _show_codes(request, codes, _("Two-step log-in is on"))
        return _enrol_page(
            request,
            pending,
            _(
                "The code is not right. Type the six digits the app shows now (a new code comes every 30 seconds)."
            ),
        )
    return _enrol_page(request, pending, "")


def _enrol_page(request, pending: TOTPDevice, error: str):
    secret = b32encode(pending.bin_key).decode().rstrip("=")
    context = {
        "required": twofactor.required(request.user),
        "owes_code": not request.user.is_verified() and twofactor.required(request.user),
        "qr": _qr_svg(pending.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "error": error,
        "next": next_url(request),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


def _show_codes(request, codes: list[str], title: str):
    return render(
        request, "accounts/two_factor_codes.html", {"codes": codes, "title": title, "next": next_url(request)}
    )


def _qr_svg(data: str) -> str:
    """The otpauth:// address as an inline SVG QR code (segno; no image request, no script)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, light="#fff")
    return mark_safe(out.getvalue().decode())  # noqa: S308 - segno's own markup, no text of anyone's
