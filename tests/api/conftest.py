"""I-VAN API fixtures. The reception fixtures of tests/intake (trust store, registered unit) are reused;
only the PKI differs: the API receives at the real "now", so its certificates are made valid today."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from hoso.signature.pki import make_demo_pki
from tests.intake.conftest import UNIT_CODE, UNIT_TAX, register_certificate, signers, trusted, unit  # noqa: F401

NOW = datetime.now(UTC)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """Overrides tests/intake's PKI of 2015: certificates valid around today."""
    return make_demo_pki(tmp_path_factory.mktemp("api-pki"))


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """A gateway of its own for real-server tests (`hoso init`, demo signing world, an I-VAN key), on
    SQLite, or on a fresh PostgreSQL database when DATABASE_URL is set."""
    from hoso.testing.loadtest import prepare

    prepared = prepare(
        tmp_path_factory.mktemp("live"),
        database_url=os.environ.get("DATABASE_URL"),
        extra_env={"HOSO_API_RATE": "100000", "HOSO_API_BURST": "100000"},  # load tests are not throttled
    )
    yield prepared
    prepared.close()


@pytest.fixture
def rate_limit_off(settings):
    settings.HOSO_API_RATE_BACKEND = "off"


@pytest.fixture
def ivan_key(db, rate_limit_off):
    from hoso.api.models import IvanKey
    from hoso.reference.models import IvanProvider

    return IvanKey.issue(IvanProvider.objects.get(code="00030"))[1]


@pytest.fixture
def other_key(db, rate_limit_off):
    """The key of another I-VAN, which must see nothing of 00030's dossiers."""
    from hoso.api.models import IvanKey
    from hoso.reference.models import IvanProvider

    return IvanKey.issue(IvanProvider.objects.get(code="00040"))[1]


@pytest.fixture
def api(client, ivan_key):
    return ApiClient(client, ivan_key)


@pytest.fixture
def make_envelope(signers):  # noqa: F811 — the fixture imported above
    from hoso.testing.envelopes import envelope

    def make(*, signer="unit-valid", employees=3, **kwargs):
        today = datetime.now(UTC).astimezone()
        kwargs.setdefault("period", today.strftime("%m/%Y"))
        kwargs.setdefault("created", today.date())
        kwargs.setdefault("unit_code", UNIT_CODE)
        kwargs.setdefault("tax_code", UNIT_TAX)
        return envelope(signer=signers[signer] if signer else None, employees=employees, **kwargs)

    return make


class ApiClient:
    """The Django test client with an I-VAN's key."""

    def __init__(self, client, key: str) -> None:
        self.client, self.key = client, key

    def _headers(self, headers: dict | None) -> dict:
        return {"HTTP_HOST": "127.0.0.1", "HTTP_AUTHORIZATION": f"Bearer {self.key}", **(headers or {})}

    def get(self, path: str, **headers):
        return self.client.get(path, **self._headers(headers))

    def post_xml(self, path: str, body: bytes, content_type: str = "application/xml", **headers):
        return self.client.generic("POST", path, body, content_type=content_type, **self._headers(headers))

    def submit(self, body: bytes, **headers):
        return self.post_xml("/api/v1/dossiers", body, **headers)
