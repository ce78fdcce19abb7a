"""The job worker (issue 18, item 5): schedules made once by `hoso init`, each periodic job queued once per
period however many schedulers run, a real `hoso worker` running them, and what IT sees of each job."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from hoso.jobs.registry import JOBS
from hoso.jobs.schedules import ensure
from hoso.jobs.status import job_status, worker_alive

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_job_has_one_schedule_and_ensure_is_idempotent():
    from django_q.models import Schedule

    ensure()  # post_migrate made them already in the test database
    assert ensure() == []
    Schedule.objects.create(name=JOBS[0].name, func=JOBS[0].func, schedule_type=Schedule.MINUTES, minutes=1)
    Schedule.objects.create(
        name="hoso:gone", func="hoso.jobs.tasks.heartbeat", schedule_type=Schedule.MINUTES
    )
    Schedule.objects.filter(name=JOBS[1].name).update(minutes=999)
    ensure()
    found = {(s.name, s.func, s.minutes) for s in Schedule.objects.filter(name__startswith="hoso:")}
    assert found == {(job.name, job.func, job.minutes) for job in JOBS}
    assert Schedule.objects.filter(name__startswith="hoso:").count() == len(JOBS)


@pytest.mark.django_db(transaction=True)
def test_a_due_job_is_queued_once_however_many_schedulers_run_at_once():
    """Four schedulers (as four servers' workers) look for due schedules at the same moment: each due job
    becomes one task, and its next run moves one period on."""
    from django_q.brokers import get_broker
    from django_q.models import OrmQ, Schedule
    from django_q.scheduler import scheduler

    ensure()
    past = timezone.now() - timedelta(seconds=5)
    Schedule.objects.filter(name__startswith="hoso:").update(next_run=past)
    OrmQ.objects.all().delete()
    barrier, errors = threading.Barrier(4), []

    def run():
        try:
            barrier.wait()
            scheduler(broker=get_broker())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert OrmQ.objects.count() == len(JOBS), "each due job queued exactly once"
    for schedule in Schedule.objects.filter(name__startswith="hoso:"):
        assert schedule.next_run > timezone.now()


@pytest.mark.django_db
def test_it_sees_each_jobs_last_run_and_failures():
    from django_q.models import Task

    ensure()
    now = timezone.now()
    for minutes_ago, success in ((10, True), (5, False)):
        Task.objects.create(
            id=f"t{minutes_ago}", name=f"t{minutes_ago}", func="hoso.jobs.tasks.refresh_reports",
            group="hoso:report-rollups", started=now - timedelta(minutes=minutes_ago),
            stopped=now - timedelta(minutes=minutes_ago), success=success, result="Traceback…",
        )  # fmt: skip
    rows = {row.name: row for row in job_status()}
    assert rows["hoso:report-rollups"].last_success is False and rows["hoso:report-rollups"].failures_24h == 1
    assert rows["hoso:heartbeat"].last_run is None and rows["hoso:heartbeat"].next_run is not None
    assert worker_alive() == (False, None)


def test_a_real_worker_runs_the_due_jobs(tmp_path):
    """`hoso worker` as IT starts it, on a data directory of its own (SQLite) or a database of its own
    (PostgreSQL): the due jobs run, the heartbeat is written, `hoso jobs` shows them done."""
    from hoso.testing.loadtest import prepare

    site = prepare(tmp_path / "site", database_url=os.environ.get("DATABASE_URL"))
    try:
        env = site.env
        due = (
            "from hoso import django_setup; django_setup()\n"
            "from django.utils import timezone; from django_q.models import Schedule\n"
            "Schedule.objects.filter(name__startswith='hoso:').update(next_run=timezone.now())\n"
        )
        subprocess.run([sys.executable, "-c", due], env=env, check=True, timeout=60, cwd=ROOT)
        worker = subprocess.Popen(
            [sys.executable, "-m", "hoso", "worker"], env=env, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            deadline, listing = time.monotonic() + 90, ""
            while time.monotonic() < deadline:  # the scheduler looks every 30 s
                time.sleep(3)
                listing = subprocess.run(
                    [sys.executable, "-m", "hoso", "jobs"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                ).stdout
                if listing.count("thành công") == len(JOBS):
                    break
            assert listing.count("thành công") == len(JOBS), listing
        finally:
            worker.terminate()
            output = worker.communicate(timeout=60)[0].decode()
        assert worker.returncode == 0, output[-2000:]
        assert "Bộ chạy công việc định kỳ đã khởi động" in output and "Traceback" not in output
        alive = (
            "from hoso import django_setup; django_setup()\n"
            "from hoso.jobs.status import worker_alive; print(worker_alive()[0])\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", alive], env=env, capture_output=True, text=True, timeout=60
        )
        assert result.stdout.strip() == "True", result.stderr[-1000:]
    finally:
        site.close()


def test_the_job_worker_of_hoso_serve_dies_with_the_server(tmp_path):
    """`hoso serve` runs the job worker beside gunicorn; killing the server (SIGKILL, as the OOM killer
    or an administrator would) takes the job worker with it: no orphan keeps running jobs."""
    import signal

    from hoso.testing.loadtest import Server, prepare

    site = prepare(tmp_path / "site", database_url=os.environ.get("DATABASE_URL"))
    try:
        server = Server(site, workers=1, job_worker=True).start()
        try:
            deadline, job_workers = time.monotonic() + 30, []
            while time.monotonic() < deadline and not job_workers:
                time.sleep(0.5)
                job_workers = _processes("hoso.jobs.worker", site.env["HOSO_DATA_DIR"])
            assert job_workers, (site.data_dir / "server.log").read_text()[-2000:]
            os.kill(server.process.pid, signal.SIGKILL)  # the master alone: its children must follow
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _processes("hoso.jobs.worker", site.env["HOSO_DATA_DIR"]):
                time.sleep(0.5)
            assert not _processes("hoso.jobs.worker", site.env["HOSO_DATA_DIR"]), (
                "the job worker outlived the server"
            )
        finally:
            try:
                os.killpg(server.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            server.process.wait(30)
    finally:
        site.close()


def _processes(marker: str, data_dir: str) -> list[int]:
    """Live processes whose command line has ``marker`` and whose environment has this data directory."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in command and f"HOSO_DATA_DIR={data_dir}".encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.django_db
def test_readiness_warns_when_no_job_worker_beats():
    from hoso.jobs.models import Heartbeat
    from hoso.operations.health import OK, WARN, job_worker

    never = job_worker()
    assert never.status == WARN and "hoso worker" in never.detail and never.fields["last_beat"] is None
    now = timezone.now()
    Heartbeat.objects.create(name="worker", beat_at=now - timedelta(seconds=50), host="app-1", pid=42)
    assert job_worker(now).status == OK
    stale = job_worker(now + timedelta(minutes=10))
    assert stale.status == WARN and "quá 3 phút" in stale.detail and stale.fields["last_beat"]


@pytest.mark.django_db
def test_check_names_what_would_diverge_across_servers(settings, monkeypatch):
    from hoso.intake import cluster
    from hoso.operations.checks import cluster_findings

    cluster.join(register=True)  # as `hoso init` leaves the database: this server is the cluster's
    settings.SESSION_COOKIE_SECURE = True
    settings.HOSO_TRUSTED_PROXIES = []
    settings.HOSO_API_RATE_BACKEND = "file"
    monkeypatch.delenv("HOSO_SECRET_KEY", raising=False)
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    codes = {f.code for f in cluster_findings()}
    assert codes == {"CHECK_HTTPS_NO_TRUSTED_PROXY", "CHECK_SECRET_PER_SERVER", "CHECK_RATE_LIMIT_PER_SERVER"}
    settings.HOSO_TRUSTED_PROXIES = ["10.0.0.5/32"]
    settings.HOSO_API_RATE_BACKEND = "database"
    monkeypatch.setenv("HOSO_SECRET_KEY", "x" * 50)
    assert cluster_findings() == []
