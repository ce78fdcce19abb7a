from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "hoso.reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        # local: AppConfig.ready(): the app registry is ready only now
        from hoso.reference import signals  # noqa: F401
