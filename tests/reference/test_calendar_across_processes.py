"""A holiday an administrator adds in one worker process reaches the due dates another worker computes,
within the cache's expiry (HOSO_CACHE_SECONDS): the calendar is cached per process, not forever."""

from __future__ import annotations

import multiprocessing
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connections

from hoso.reference.models import CalendarEntry
from hoso.workflow.numbering import due_date

RECEIVED = datetime(2025, 11, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday, no holiday that week
WORKING_DAYS = 5
NEW_HOLIDAY = date(2025, 11, 5)  # the Wednesday


def _worker(pipe) -> None:
    """Another worker process: answers with the due date of RECEIVED each time it is asked."""
    connections.close_all()  # its own connection, not the parent's
    try:
        while pipe.recv() == "due":
            pipe.send(due_date(RECEIVED, WORKING_DAYS))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_holiday_added_in_one_process_reaches_the_other_within_the_expiry(settings, reference_data):
    settings.HOSO_CACHE_SECONDS = 1.0
    before, after = date(2025, 11, 10), date(2025, 11, 11)
    assert not CalendarEntry.objects.filter(day__range=(date(2025, 11, 3), date(2025, 11, 12))).exists()
    assert due_date(RECEIVED, WORKING_DAYS) == before
    connections.close_all()  # the child must not share the parent's database connection
    ours, theirs = multiprocessing.get_context("fork").Pipe()
    worker = multiprocessing.get_context("fork").Process(target=_worker, args=(theirs,))
    worker.start()
    try:
        ours.send("due")
        assert ours.recv() == before  # the other process has read (and cached) the calendar
        CalendarEntry.objects.create(day=NEW_HOLIDAY, kind=CalendarEntry.Kind.HOLIDAY, name_vi="Nghỉ thử")
        edited = time.monotonic()
        assert due_date(RECEIVED, WORKING_DAYS) == after  # this process: at once (the model's signal)
        # The other process: once its entry, read before the edit, has expired.
        time.sleep(max(0.0, edited + settings.HOSO_CACHE_SECONDS + 0.2 - time.monotonic()))
        ours.send("due")
        assert ours.recv() == after
    finally:
        ours.send("stop")
        worker.join(30)
    assert worker.exitcode == 0
