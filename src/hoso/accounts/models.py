"""What the accounts app keeps besides django-axes' and django-otp's tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TemporaryPassword(models.Model):
    """A password someone else (IT) set for the officer, not yet changed by them
    (:mod:`hoso.accounts.temporary`): when, by whom and where — never the password."""

    class Where(models.TextChoices):
        PASSWORD_PAGE = "password_page", _("the admin's password page of the account")
        NEW_ACCOUNT = "new_account", _("a new account made in the admin")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="temporary_password",
        verbose_name=_("officer"),
    )
    set_at = models.DateTimeField(_("set at"), default=timezone.now)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    where = models.CharField(_("where"), max_length=20, choices=Where.choices)

    class Meta:
        verbose_name = _("temporary password")
        verbose_name_plural = _("temporary passwords not yet changed")

    def __str__(self) -> str:
        return self.user.get_username()
