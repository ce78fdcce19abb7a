from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "hoso.portal"
    label = "portal"
    verbose_name = "Cổng dịch vụ công quốc gia"
