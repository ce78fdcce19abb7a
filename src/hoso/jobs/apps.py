from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JobsConfig(AppConfig):
    name = "hoso.jobs"
    label = "jobs"
    verbose_name = "Công việc định kỳ"

    def ready(self) -> None:
        # `hoso init` migrates under its lock: the schedules are brought up to date there, once.
        post_migrate.connect(_ensure_schedules, sender=self)


def _ensure_schedules(sender, using="default", **kwargs) -> None:
    # local: the schedules' models, after the migration that made them
    from hoso.jobs.schedules import ensure

    ensure()
