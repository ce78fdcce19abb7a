"""Temporary passwords (issue 21, item 2): a password IT set for an officer must be changed at the
officer's next log-in, before any work.

- **Set by IT**: the admin's password page of an account (Django's ``AdminPasswordChangeForm``), and a new
  account made in the admin with a password (the user page, the one-step officer page of
  :mod:`hoso.reference.admin`) record a :class:`~hoso.accounts.models.TemporaryPassword` — when, by whom,
  where; never the password. A password an officer sets for their own account there is their own.
- **Cleared** when the officer sets their own: the change page (:class:`hoso.accounts.passwords.PasswordChange`)
  or the reset link (a password chosen through the e-mailed link is the officer's own). Both events are
  logged on ``hoso.auth``.
- **Enforced** by :class:`TemporaryPasswordMiddleware`: every page but the change page, the log-outs and
  the language switch sends the session to the change page, which says why. It comes after
  :class:`hoso.accounts.twofactor.TwoFactorMiddleware`: a session that owes its code gives it first, then
  changes the password. Static files (whitenoise, before the sessions) and the I-VAN API (keys, no
  session) never reach it.
- **Cheap**: a password set by IT ends every session of the account at its next request (Django keeps a
  hash of the password in each session), so a session can only come to owe a change at a log-in. The
  log-in notes it in the session; only such a session pays a query per request (the database stays the
  truth: a row IT deletes in the admin, waiving the change, frees the session at its next page).
- Not recorded: ``hoso manage changepassword`` — Django's command, which hoso's app order does not let an
  app of hoso's replace.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django.urls import reverse

from hoso.accounts import twofactor
from hoso.accounts.models import TemporaryPassword
from hoso.client_address import client_address

log = logging.getLogger("hoso.auth")

CHANGE = "accounts:password_change"
OWED = "hoso_temporary_password"  # the session key: this session logged in with a temporary password
OPEN = frozenset({CHANGE, *twofactor.ALWAYS_OPEN})  # the change page, the log-outs, the language switch

Where = TemporaryPassword.Where


def set_by_it(user, request, where: Where) -> None:
    """Record that ``request.user`` set ``user``'s password (nothing when it is their own account, or
    when no password was set: an account without one logs in through the reset link)."""
    if user.pk == request.user.pk:
        cleared(user, request, "set in the admin by the officer")
        return
    if not user.has_usable_password():
        cleared(user, request, "password log-in turned off in the admin")
        return
    TemporaryPassword.objects.update_or_create(user=user, defaults={"set_by": request.user, "where": where})
    log.info(
        "temporary password set for %r by %r (%s) from %s",
        user.get_username(),
        request.user.get_username(),
        where.value,
        client_address(request),
    )


def cleared(user, request, how: str) -> None:
    """The officer's password is no longer one IT set (``how``: what happened, for the log)."""
    deleted, _ = TemporaryPassword.objects.filter(user=user).delete()
    if getattr(request, "user", None) is not None and request.user.pk == user.pk:
        request.session.pop(OWED, None)
    if deleted:
        log.info(
            "temporary password of %r cleared: %s, from %s", user.get_username(), how, client_address(request)
        )


def owed(user) -> bool:
    """Whether the officer still has a password IT set."""
    return TemporaryPassword.objects.filter(user=user).exists()


def _note_at_log_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session") and owed(user):
        request.session[OWED] = True
        log.info("%r logged in with a temporary password: sent to change it", user.get_username())


def connect() -> None:
    user_logged_in.connect(_note_at_log_in, dispatch_uid="hoso.accounts.temporary.note_at_log_in")


class TemporaryPasswordMiddleware:
    """No page but the change page for a session that logged in with a temporary password (after
    ``TwoFactorMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get(OWED)
            and not getattr(request, "owes_code", False)  # the code first (TwoFactorMiddleware)
        ):
            if not owed(request.user):
                del request.session[OWED]  # cleared elsewhere (IT deleted the row in the admin)
            elif twofactor.view_name(request) not in OPEN:
                return redirect(f"{reverse(CHANGE)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
