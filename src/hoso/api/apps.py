from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "hoso.api"
    label = "api"
    verbose_name = _("I-VAN API")

    def ready(self):
        # local: AppConfig.ready(): the app registry is ready only now
        from hoso import serving
        from hoso.api import codes  # noqa: F401 — mounts GET /api/v1/codes on the API

        serving.install()  # under gunicorn: its own refusals (414, 431, …) in the API's error shape
