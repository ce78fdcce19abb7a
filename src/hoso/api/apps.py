from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "hoso.api"
    label = "api"
    verbose_name = _("I-VAN API")
