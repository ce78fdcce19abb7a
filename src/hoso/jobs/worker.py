"""Running the job worker: alone (`hoso worker`) or beside the web workers (`hoso serve`)."""

from __future__ import annotations

import ctypes
import importlib
import logging
import signal
import sys

from hoso import django_setup
from hoso.jobs.registry import JOBS

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def run() -> int:
    """Run a django-q2 cluster (scheduler, one worker process, monitor) until SIGTERM or SIGINT."""
    from django_q.cluster import Cluster

    cluster = Cluster()
    cluster.start()
    print("Bộ chạy công việc định kỳ đã khởi động. / The job worker has started.", flush=True)
    while cluster.sentinel is not None and cluster.sentinel.is_alive():
        cluster.sentinel.join(1)
    return 0


def die_with_parent() -> None:
    """Linux: this process gets SIGTERM when the process that started it dies (even by SIGKILL), so the
    job worker `hoso serve` starts never outlives the server it belongs to."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the worker is stopped with the server's group instead
        log.debug("prctl(PR_SET_PDEATHSIG) unavailable")


def run_now(name: str) -> str:
    """Run one job of the registry in this process (IT's "run now"); raises KeyError for an unknown name."""
    job = {job.name: job for job in JOBS}[name]
    module, _, function = job.func.rpartition(".")
    return str(getattr(importlib.import_module(module), function)())


def main() -> int:  # `python -m hoso.jobs.worker --with-parent`: the worker `hoso serve` starts
    if "--with-parent" in sys.argv:
        die_with_parent()
    django_setup()
    return run()


if __name__ == "__main__":
    sys.exit(main())
