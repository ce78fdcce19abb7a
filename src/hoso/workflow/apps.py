from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "hoso.workflow"
    verbose_name = _("Dossier workflow")
