"""Suite-wide fixtures: the reference data loaded once per database (the data directory: ../conftest.py)."""

from __future__ import annotations

import pytest
from hypothesis import settings

# A shared 2-core machine makes wall-clock deadlines flaky; bounds on work are asserted where they matter.
settings.register_profile("hoso", deadline=None)
settings.load_profile("hoso")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the shipped reference data, as `hoso init` leaves it."""
    with django_db_blocker.unblock():
        _load()


def _load():
    from hoso.policies.services import sync_builtin_policies
    from hoso.reference.loaders import load_reference_data

    load_reference_data()
    sync_builtin_policies(only_missing=True)


@pytest.fixture(scope="session", autouse=True)
def gateway_identity():
    """The receipt-signing key and certificate, as `hoso init` creates them in the data directory."""
    from hoso.intake.gateway import ensure_gateway_identity

    ensure_gateway_identity()


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts with no per-process cache (policy set, catalogue, calendar) and no counts of the
    public lookup's rate limit: a value cached by an earlier test whose transaction was rolled back must
    not leak into this one."""
    from hoso.desk.throttle import forget as forget_rate_counts
    from hoso.policies.services import forget_compiled_policies
    from hoso.reference.calendar import forget_working_calendar
    from hoso.reference.catalogue import forget_procedures

    for forget in (forget_compiled_policies, forget_procedures, forget_working_calendar, forget_rate_counts):
        forget()
    yield


@pytest.fixture
def reference_data(db):
    """Reference data, reloaded when a transactional test flushed it."""
    from hoso.reference.models import Office

    if not Office.objects.exists():
        _load()


@pytest.fixture
def demo_data(reference_data):
    from hoso.reference.demo import load_demo_data

    return load_demo_data()
