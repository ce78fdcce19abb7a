"""What IT sees of the periodic jobs: each job's period, last run and outcome, and the worker's pulse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from hoso.jobs.models import Heartbeat
from hoso.jobs.registry import JOBS

HEARTBEAT_STALE = timedelta(minutes=3)  # the heartbeat job runs every minute


@dataclass(frozen=True)
class JobStatus:
    name: str
    label_vi: str
    label_en: str
    minutes: int
    next_run: datetime | None
    last_run: datetime | None
    last_success: bool | None
    failures_24h: int


def job_status() -> list[JobStatus]:
    from django_q.models import Schedule, Task

    schedules = {s.name: s for s in Schedule.objects.filter(name__in=[job.name for job in JOBS])}
    since = timezone.now() - timedelta(hours=24)
    rows = []
    for job in JOBS:
        schedule = schedules.get(job.name)
        last = Task.objects.filter(group=job.name).order_by("-stopped").first()
        failures = Task.objects.filter(group=job.name, success=False, stopped__gte=since).count()
        rows.append(
            JobStatus(
                job.name,
                job.label_vi,
                job.label_en,
                job.minutes,
                schedule.next_run if schedule else None,
                last.stopped if last else None,
                last.success if last else None,
                failures,
            )  # fmt: skip
        )
    return rows


def worker_alive(now: datetime | None = None) -> tuple[bool, datetime | None]:
    """Whether a job worker ran the heartbeat job recently, and when it last did."""
    beat = Heartbeat.objects.filter(name="worker").first()
    if beat is None:
        return False, None
    return (now or timezone.now()) - beat.beat_at <= HEARTBEAT_STALE, beat.beat_at
