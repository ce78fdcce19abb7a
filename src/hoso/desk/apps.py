from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "hoso.desk"
    verbose_name = _("One-stop desk")

    def ready(self) -> None:
        # local: AppConfig.ready(): the app registry is ready only now
        from hoso.desk import signins

        signins.connect()
