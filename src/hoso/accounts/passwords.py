"""Passwords of officers (issue 21, items 2 and 4): each changes their own from the page header, under
Django's validators (``AUTH_PASSWORD_VALIDATORS``); a forgotten one is reset through a link e-mailed by
the job worker's outbox (:mod:`hoso.reports.outbox`: sent, retried, visible to IT) when
``HOSO_PASSWORD_RESET_EMAIL`` is on, and by IT otherwise (the admin's user page sets a temporary
password, which the officer must change at the next log-in: :mod:`hoso.accounts.temporary`).

A changed or reset password ends every other session of the account at its next request, on every
server: Django keeps in each session a hash of the password it logged in with and refuses the session
when it no longer matches; the session that changed it is kept (``update_session_auth_hash``).

The reset page answers the same whether or not an account has the address typed (Django's form): it
never tells who has an account. The link (Django's token: it dies with the password it was made for, at a
log-in, or after ``PASSWORD_RESET_TIMEOUT``) is queued at most once every :data:`RESEND_AFTER` for one
address, so the page cannot be used to flood an officer's mailbox.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from hoso.accounts import temporary
from hoso.accounts.verification import next_url
from hoso.client_address import client_address
from hoso.reports import outbox
from hoso.reports.models import OutboxMessage

log = logging.getLogger("hoso.auth")

RESEND_AFTER = timedelta(minutes=5)

# Django 5.2's words that Django's own Vietnamese catalogue lacks, marked here so that hoso's catalogue
# carries them: a short password (MinimumLengthValidator), …
SHORT_PASSWORD = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
# The admin's button on a user's page by which IT sets a temporary password (Django's words, likewise).
IT_SETS_PASSWORD = (gettext_lazy("Reset password"), gettext_lazy("Set password"))


class PasswordChange(auth_views.PasswordChangeView):
    """The officer's own change; also the page a temporary password set by IT sends them to
    (:mod:`hoso.accounts.temporary`), which says why and, once changed, goes on to the page asked for."""

    template_name = "accounts/password_change.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "temporary": temporary.owed(self.request.user)}

    def get_success_url(self) -> str:
        return next_url(self.request)  # the page asked for (this site only), else the home page

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, and keeps this session (update_session_auth_hash)
        temporary.cleared(form.user, self.request, "changed by the officer")
        log.info(
            "password changed by %r from %s", self.request.user.get_username(), client_address(self.request)
        )
        messages.success(
            self.request,
            _("Your password is changed. Every other session of your account has been logged out."),
        )
        return response


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, its e-mail queued in the outbox instead of sent during the request."""

    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)

    def get_users(self, email):
        """Django's, but officers who have no password yet count too: those imported in bulk
        (`hoso import officers`) set their first password through this link (operations.md, Go-live
        data). The link still works once only: its token is bound to the (unusable) password it replaces."""
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.casefold() == email.casefold())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        recent = OutboxMessage.objects.filter(
            notice=None, recipient=to_email, created_at__gte=timezone.now() - RESEND_AFTER
        )
        if recent.exists():
            log.info(
                "password-reset link for %r not queued again within %s",
                context["user"].get_username(),
                RESEND_AFTER,
            )
            return
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        outbox.enqueue(
            None,
            recipient=to_email,
            sender=from_email or settings.DEFAULT_FROM_EMAIL,
            subject=subject,
            body=body,
        )
        log.info("password-reset link queued for %r", context["user"].get_username())


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = OutboxPasswordResetForm
    subject_template_name = "accounts/password_reset_subject.txt"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")

    def dispatch(self, request, *args, **kwargs):
        if not settings.HOSO_PASSWORD_RESET_EMAIL:
            return render(request, "accounts/password_reset_by_it.html")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": _link_minutes()}

    def form_valid(self, form):
        self.extra_email_context = {"minutes": _link_minutes()}
        return super().form_valid(form)


def _link_minutes() -> int:
    return settings.PASSWORD_RESET_TIMEOUT // 60


class PasswordResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        temporary.cleared(form.user, self.request, "the officer chose a new one through the reset link")
        log.info(
            "password reset by e-mail for %r from %s", form.user.get_username(), client_address(self.request)
        )
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
