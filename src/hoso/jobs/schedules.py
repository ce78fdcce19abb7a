"""The schedules of the periodic jobs, created or brought up to date by `hoso init` (under its lock, so
that several servers initialising at once make each schedule once)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hoso.jobs.registry import JOBS

PREFIX = "hoso:"


def ensure() -> list[str]:
    """Every job of the registry has one schedule with its function and period; schedules of jobs no
    longer in the registry are removed. Returns the names created."""
    from django_q.models import Schedule

    created = []
    with transaction.atomic():
        wanted = {job.name: job for job in JOBS}
        for schedule in Schedule.objects.filter(name__startswith=PREFIX).order_by("pk"):
            job = wanted.pop(schedule.name, None)
            if job is None:  # a job no longer in the registry, or a second schedule of one
                schedule.delete()
                continue
            if (schedule.func, schedule.schedule_type, schedule.minutes) != (
                job.func,
                Schedule.MINUTES,
                job.minutes,
            ):
                schedule.func, schedule.schedule_type, schedule.minutes = (
                    job.func,
                    Schedule.MINUTES,
                    job.minutes,
                )
                schedule.save()
        for job in wanted.values():
            Schedule.objects.create(
                name=job.name,
                func=job.func,
                schedule_type=Schedule.MINUTES,
                minutes=job.minutes,
                repeats=-1,
                next_run=timezone.now() + timedelta(seconds=5),
            )
            created.append(job.name)
    return created
