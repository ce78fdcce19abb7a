"""Portal tests reuse the workflow's fixtures (offices' officers, a received under-6 list) and give the
Sóc Sơn office an agency identifier code and procedure 602 its national code (test values)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.intake.conftest import pki, signers, trusted, unit  # noqa: F401 — fixtures
from tests.portal.portal_server import LocalPortal
from tests.workflow.conftest import fast_passwords, officers, receive_children, under6  # noqa: F401

AGENCY = "000.00.10.H26"  # a code of the QCVN 102 shape, for tests
MATTHC = "1.000001"


@pytest.fixture(autouse=True)
def _fresh_layouts():
    from hoso.reference.national import forget_layouts

    forget_layouts()
    yield
    forget_layouts()


@pytest.fixture
def portal(settings):
    """A local portal over HTTP, and the gateway's settings pointing at it."""
    with LocalPortal() as server:
        settings.HOSO_PORTAL_URL = server.url
        settings.HOSO_PORTAL_LOGIN_URL = server.login_url
        settings.HOSO_PORTAL_USERNAME = server.username
        settings.HOSO_PORTAL_PASSWORD = server.password
        settings.HOSO_PORTAL_TIMEOUT = 5
        yield server


@pytest.fixture
def started(portal, national, demo_data, trusted, officers):  # noqa: F811 — the imported fixtures
    """The sync switched on (its cursor at the chain's head) before the tests' dossiers."""
    from hoso.portal import sync

    sync.run()
    return portal


@pytest.fixture
def national(reference_data):
    """The default layout (the migration's, from 2018) from 2015 on, as the tests' dossiers are of 2016;
    Sóc Sơn's agency code and 602's MaTTHC."""
    from hoso.reference.models import NationalCodeLayout, Office, Procedure

    NationalCodeLayout.objects.get_or_create(
        valid_from=date(2015, 1, 1), defaults={"template": "{agency}-{yy}{mm}{dd}-{seq:4}"}
    )
    Office.objects.filter(code="00110").update(agency_code=AGENCY)
    Procedure.objects.filter(code="602").update(national_code=MATTHC)
    from hoso.reference.catalogue import forget_procedures

    forget_procedures()


_count = iter(range(1, 10_000))


def receive(officer, received_at=None):
    """A new under-6 list (another child each time, so never a repeat) received at ``officer``'s desk."""
    n = next(_count)
    child = ("Nguyễn Văn Bé", f"{n % 28 + 1:02d}/{n // 28 % 12 + 1:02d}/2015", "1")
    kwargs = {"received_at": received_at} if received_at is not None else {}
    return receive_children(officer, children=[child], **kwargs)
