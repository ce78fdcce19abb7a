"""The job worker's sign of life: readiness (/readyz) and the IT page read it."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """The last run of the ``heartbeat`` job: written by whichever worker took it, once a minute."""

    name = models.CharField(max_length=40, primary_key=True)
    beat_at = models.DateTimeField()
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()

    class Meta:
        verbose_name = "nhịp hoạt động của bộ chạy công việc"
        verbose_name_plural = "nhịp hoạt động của bộ chạy công việc"

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%d/%m/%Y %H:%M:%S} ({self.host}, {self.pid})"
