import axes.apps
import django_otp.plugins.otp_static.apps
import django_otp.plugins.otp_totp.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True  # the app's config; AxesConfig below is named in INSTALLED_APPS for django-axes
    name = "hoso.accounts"
    verbose_name = _("Officers' accounts")

    def ready(self) -> None:
        from hoso.accounts import lockout, temporary

        lockout.connect()
        temporary.connect()


class AxesConfig(axes.apps.AppConfig):
    """django-axes under a name officers read (the admin's section), instead of "Axes"."""

    default = False
    verbose_name = _("Log-in lock-outs")


class AuthenticatorAppsConfig(django_otp.plugins.otp_totp.apps.DefaultConfig):
    """django-otp's TOTP devices (hoso.accounts.twofactor) under a name IT reads in the admin."""

    default = False
    verbose_name = _("Two-step log-in: authenticator apps")


class RecoveryCodesConfig(django_otp.plugins.otp_static.apps.DefaultConfig):
    """django-otp's static devices: the officers' recovery codes."""

    default = False
    verbose_name = _("Two-step log-in: recovery codes")
