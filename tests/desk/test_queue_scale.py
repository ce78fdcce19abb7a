"""Queue paging stays fast with many dossiers: keyset paging over (due date, id) and grouped counts on
indexed columns. N is 20,000 by default; HOSO_TEST_QUEUE_N=1000000 measures a million (see the desk guide)."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from hoso.reference.models import Procedure
from hoso.workflow.models import Channel, Dossier
from hoso.workflow.states import Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
N = int(os.environ.get("HOSO_TEST_QUEUE_N", "20000"))
BUDGET_SECONDS = float(os.environ.get("HOSO_TEST_QUEUE_BUDGET", "1.0"))


def _fill(n: int) -> None:
    procedures = list(Procedure.objects.filter(code__in=["600", "602"]))
    offices = ["00110", "00101", "00105", "00120"]
    states = [Status.RECEIVED, Status.IN_PROCESS, Status.RESULT_READY, Status.HANDED_OVER, Status.HANDED_OVER]
    channels = [Channel.ELECTRONIC, Channel.ELECTRONIC, Channel.BARCODE, Channel.PAPER]
    start = datetime(2016, 1, 4, 2, tzinfo=UTC)
    batch = []
    for i in range(n):
        procedure = procedures[(i // 16) % 2]  # independent of the office, channel and state
        received = start + timedelta(minutes=i)
        batch.append(
            Dossier(
                number=f"{i + 1:07d}/2016/{offices[i % 4]}",
                office_id=offices[i % 4],
                year=2016,
                sequence=i + 1,
                channel=channels[(i // 4) % 4],
                procedure=procedure,
                department_id=procedure.department_id,
                received_at=received,
                due_date=date(2016, 1, 11) + timedelta(days=(i * 7) % 900),
                status=states[(i // 32) % 5],
                status_changed_at=received,
            )
        )
        if len(batch) == 20000:
            Dossier.objects.bulk_create(batch)
            batch = []
    Dossier.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh planner statistics, as autovacuum / a nightly job keeps them
        cursor.execute("ANALYZE workflow_dossier" if connection.vendor == "postgresql" else "ANALYZE")


def test_queue_pages_stay_fast(client, officers, capsys):
    t0 = time.perf_counter()
    _fill(N)
    filled = time.perf_counter() - t0
    client.force_login(officers["head"])  # Sóc Sơn: a quarter of the dossiers
    timings = {}

    def timed(label: str, url: str, **headers) -> str:
        client.get(url, headers=headers)  # warm the statement cache; the second run is measured
        t = time.perf_counter()
        response = client.get(url, headers=headers)
        timings[label] = time.perf_counter() - t
        assert response.status_code == 200
        return response.content.decode()

    page = timed("first page", "/ho-so/")
    from hoso.desk.queues import COUNT_CAP

    per_state = [Dossier.objects.filter(office_id="00110", status=v).count() for v in Status.values]
    shown = sum(min(n, COUNT_CAP) for n in per_state)
    plus = "+" if max(per_state) > COUNT_CAP else ""
    assert f"Tổng số: <strong>{shown}{plus}</strong>" in page
    timed("filtered (state, procedure, channel)", "/ho-so/?status=received&procedure=602&channel=electronic")
    timed("late ones", "/ho-so/?due=late")
    timed("a unit with no dossier", "/ho-so/?unit=ZZ9999Z&status=open")
    last = (
        Dossier.objects.filter(office_id="00110")
        .order_by("-due_date", "-pk")
        .values_list("due_date", "pk")[60]
    )
    from hoso.desk.queues import _cursor

    timed("deep page (near the end)", f"/ho-so/?after={_cursor(*last)}")
    timed("htmx partial", "/ho-so/?status=in_process", **{"HX-Request": "true"})
    client.force_login(officers["sothe"])  # the card department's default view of its open dossiers
    timed("department officer's default view", "/ho-so/")
    with capsys.disabled():
        print(f"\nqueue with {N} dossiers (filled in {filled:.1f} s):")
        for label, seconds in timings.items():
            print(f"  {label}: {seconds * 1000:.0f} ms")
    assert max(timings.values()) < BUDGET_SECONDS, timings
