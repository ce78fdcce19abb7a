from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hoso.accounts"
    verbose_name = _("Officers' accounts")

    def ready(self) -> None:
        from hoso.accounts import lockout

        lockout.connect()
