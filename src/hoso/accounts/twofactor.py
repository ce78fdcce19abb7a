"""The two-step log-in (issue 21, item 3): after the password, a code of an authenticator app (TOTP,
django-otp), or one of the officer's recovery codes.

- Who must: ``HOSO_TWO_FACTOR`` — ``staff`` (default): IT administrators and everyone who uses the
  admin (staff, superusers, the roles made staff: :data:`hoso.reference.roles.STAFF_ROLES`), other officers
  may turn it on themselves; ``all``: every officer; ``optional``: nobody must (a laptop demo, the test
  suite).
- :class:`TwoFactorMiddleware` lets a session that logged in with the password but has not given its code
  reach only the code page (or, for an officer who must and has no authenticator yet, the enrolment page),
  the log-out and the language switch: every other request, the admin's included, is sent there. Whatever
  log-in page took the password (the desk's, the admin's), the code is asked after it.
- Wrong codes are failed log-ins for django-axes (:mod:`hoso.accounts.lockout`): they count towards the
  account's and the address's lock-out, in the database every server shares. django-otp's own back-off
  per device (1, 2, 4 … seconds after consecutive wrong codes) comes on top.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoso.reference.roles import STAFF_ROLES

VERIFY = "accounts:two_factor_verify"
ENROL = "accounts:two_factor"
RECOVERY_CODES = 10
# Pages a session may reach before its code: the log-outs and the language switch.
ALWAYS_OPEN = frozenset({"desk:logout", "admin:logout", "set_language"})


def required(user) -> bool:
    """Whether the officer must log in with a code (``HOSO_TWO_FACTOR``)."""
    mode = settings.HOSO_TWO_FACTOR
    if mode == "optional":
        return False
    if mode == "all" or user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name__in=STAFF_ROLES).exists()


def authenticator(user) -> TOTPDevice | None:
    """The officer's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """New recovery codes (each good for one log-in), replacing any earlier ones; shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove(user) -> None:
    """Turn the two-step log-in off for the officer (their authenticator and recovery codes)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


class TwoFactorMiddleware:
    """No page for a session that owes its code (after ``django_otp.middleware.OTPMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            target = _owed(user)
            if target is not None:
                request.owes_code = True  # later middleware (hoso.accounts.temporary) leaves it to this one
                if view_name(request) not in {target, *ALWAYS_OPEN}:
                    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _owed(user) -> str | None:
    """The page a session that has not given its code must go to first, or None when it owes none."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if required(user) else None


def view_name(request) -> str | None:
    """The name of the view the request is for (None for an address no view serves)."""
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
