"""The load generator's open loop (bench/intake.py --paced): jobs leave no earlier than they are due,
and a job that waited for a free sender counts that wait in its latency (no coordinated omission)."""

from __future__ import annotations

import threading
import time

import pytest

from hoso.testing.loadtest import ARRIVALS, due_times, run_sessions


@pytest.mark.parametrize("arrivals", ARRIVALS)
def test_paced_jobs_leave_no_earlier_than_due(arrivals):
    sent: dict[int, float] = {}

    def send(_session, job):
        sent[job] = time.perf_counter()
        return 200, {}, b""

    begin = time.perf_counter()
    results = run_sessions(range(8), list(range(40)), send=send, rate=400, arrivals=arrivals)
    assert sorted(r.index for r in results) == list(range(40))
    for index, due in enumerate(due_times(40, 400, arrivals)):
        assert sent[index] >= begin + due - 0.001


def test_a_job_that_waited_for_a_sender_counts_the_wait():
    """One sender, each answer taking 20 ms, jobs due every millisecond: the fifth waited for the four
    before it, and its latency says so; a closed loop would report 20 ms for every one."""

    def send(_session, _job):
        time.sleep(0.02)
        return 200, {}, b""

    paced = {r.index: r.seconds for r in run_sessions([0], list(range(5)), send=send, rate=1000)}
    assert paced[4] >= 5 * 0.02 - 4 / 1000 - 0.001
    closed = run_sessions([0], list(range(5)), send=send)
    assert all(r.seconds < paced[4] for r in closed)


def test_a_stop_ends_sessions_waiting_for_their_jobs_and_a_rate_must_be_positive():
    stop = threading.Event()
    sent = []
    timer = threading.Timer(0.05, stop.set)
    timer.start()
    results = run_sessions(
        range(2), list(range(100)), send=lambda _s, j: sent.append(j) or (200, {}, b""), stop=stop, rate=2
    )
    timer.join()
    assert len(results) == len(sent) <= 2  # the jobs due within 50 ms; nobody waits out the rest
    for rate in (0, -1):
        with pytest.raises(ValueError):
            run_sessions([0], [1], send=lambda _s, _j: (200, {}, b""), rate=rate)


def test_random_arrivals_keep_the_rate_on_average_and_come_in_bursts():
    even = due_times(5, 10)
    assert even == [0.0, 0.1, 0.2, 0.3, 0.4]
    dues = due_times(20_000, 200, "poisson")
    assert dues == due_times(20_000, 200, "poisson")  # the same draw every run, so runs compare
    assert dues[0] == 0 and all(b >= a for a, b in zip(dues, dues[1:], strict=False))
    assert 0.97 < len(dues) / dues[-1] / 200 < 1.03  # the offered rate holds on average
    gaps = sorted(b - a for a, b in zip(dues, dues[1:], strict=False))
    # exponential gaps: about 63 % shorter than the mean (1/200 s), some over 4 times the mean
    assert 0.60 < sum(g < 1 / 200 for g in gaps) / len(gaps) < 0.66
    assert gaps[-1] > 4 / 200
    with pytest.raises(ValueError):
        due_times(3, 10, "bursty")
    with pytest.raises(ValueError):
        due_times(3, 0, "poisson")
