"""The cluster fixture (tests/cluster/harness.py): one cluster per test module, set up once, torn down
completely. PostgreSQL only: the cluster is the production topology, and the suite runs it in its
PostgreSQL pass (DATABASE_URL set, as `.ci/run` does); the cluster makes a PostgreSQL instance of its own.

A module may set ``CLUSTER_ENV`` (variables of hoso.env changed or added for its cluster).
"""

from __future__ import annotations

import os

import pytest

from tests.cluster.harness import Cluster, missing_tools


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/cluster/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def cluster(request):
    if not os.environ.get("DATABASE_URL"):
        pytest.skip(
            "the cluster test runs in the PostgreSQL pass of the suite (DATABASE_URL set): several servers "
            "over one PostgreSQL is not an SQLite set-up"
        )
    if missing := missing_tools():
        pytest.skip(f"missing for the cluster test: {', '.join(missing)} (make system-deps installs them)")
    running = Cluster(env=getattr(request.module, "CLUSTER_ENV", {}))
    try:
        running.start()
        yield running
    finally:
        running.stop()
        left = running.leftovers()
        if not left:
            running.remove()
    assert left == [], f"processes left after the cluster's tear-down: {left}"
