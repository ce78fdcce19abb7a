from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "hoso.policies"
    label = "policies"
    verbose_name = _("Channel policies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # local: AppConfig.ready(): the app registry is ready only now
        from hoso.policies import signals  # noqa: F401 — connects the cache-clearing receivers
