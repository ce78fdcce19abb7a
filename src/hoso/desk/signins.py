"""Log-ins in the server's log: every failed attempt (the name typed, where from) and every success, so
that IT sees a password being guessed (issue 18, item 6). The password is never logged."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from hoso.client_address import client_address

log = logging.getLogger("hoso.auth")


def _where(request) -> str:
    return client_address(request) if request is not None else "-"


def _failed(sender, credentials, request=None, **kwargs) -> None:
    name = str(credentials.get("username", ""))[:150]
    log.warning("log-in failed for %r from %s", name, _where(request))


def _succeeded(sender, request, user, **kwargs) -> None:
    log.info("log-in of %r from %s", user.get_username(), _where(request))


def _left(sender, request, user, **kwargs) -> None:
    if user is not None:
        log.info("log-out of %r from %s", user.get_username(), _where(request))


def connect() -> None:
    user_login_failed.connect(_failed, dispatch_uid="hoso.desk.signins.failed")
    user_logged_in.connect(_succeeded, dispatch_uid="hoso.desk.signins.succeeded")
    user_logged_out.connect(_left, dispatch_uid="hoso.desk.signins.left")
