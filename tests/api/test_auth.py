"""API keys (`hoso ivan add|revoke|list`), authentication errors and the per-I-VAN rate limit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from hoso.api import ratelimit
from hoso.api.models import IvanKey, hash_key
from hoso.cli import main
from hoso.reference.models import IvanProvider

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def _code(response) -> str:
    body = response.json()
    assert set(body) >= {"code", "message", "message_en"}
    return body["code"]


def test_ivan_add_prints_the_key_once_and_stores_only_its_hash(
    capsys, reference_data, client, rate_limit_off
):
    assert main(["ivan", "add", "00030", "--label", "EFY production"]) == 0
    out = capsys.readouterr().out
    key = next(line.strip() for line in out.splitlines() if line.strip().startswith("hoso_00030_"))
    assert "chỉ hiển thị một lần" in out
    row = IvanKey.objects.get(ivan_id="00030")
    assert row.key_hash == hash_key(key) and key not in (row.prefix, row.label, row.key_hash)
    assert ApiClient(client, key).get("/api/v1/feed").status_code == 200
    assert main(["ivan", "list"]) == 0
    listing = capsys.readouterr().out
    assert row.prefix in listing and key not in listing and "EFY production" in listing


def test_ivan_revoke_ends_access(capsys, reference_data, client, rate_limit_off):
    main(["ivan", "add", "00030", "--quiet"])
    key = capsys.readouterr().out.strip()
    assert main(["ivan", "revoke", "00030"]) == 0
    response = ApiClient(client, key).get("/api/v1/feed")
    assert response.status_code == 401 and _code(response) == "API_AUTH_REVOKED"
    assert main(["ivan", "revoke", "00030"]) == 1  # nothing left to revoke
    assert main(["ivan", "add", "99999"]) == 2  # unknown provider
    assert "99999" in capsys.readouterr().err


def test_revoke_one_key_by_prefix(capsys, reference_data):
    first, _ = IvanKey.issue(IvanProvider.objects.get(code="00030"))
    second, _ = IvanKey.issue(IvanProvider.objects.get(code="00030"))
    assert main(["ivan", "revoke", "00030", "--prefix", first.prefix]) == 0
    first.refresh_from_db(), second.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None


def test_missing_malformed_and_unknown_keys_are_401(client, reference_data):
    response = client.get("/api/v1/feed")
    assert response.status_code == 401 and _code(response) == "API_AUTH_MISSING"
    assert response["WWW-Authenticate"] == "Bearer"
    assert "khoá API" in response.json()["message"]
    response = client.get("/api/v1/feed", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401 and _code(response) == "API_AUTH_SCHEME"
    response = client.get("/api/v1/feed", headers={"Authorization": "Bearer hoso_00030_guess"})
    assert response.status_code == 401 and _code(response) == "API_AUTH_INVALID"


def test_an_inactive_ivan_is_403(client, ivan_key):
    IvanProvider.objects.filter(code="00030").update(active=False)
    response = ApiClient(client, ivan_key).get("/api/v1/feed")
    assert response.status_code == 403 and _code(response) == "API_IVAN_INACTIVE"


@pytest.mark.parametrize("backend", ["file", "database"])
def test_over_the_rate_limit_is_429_with_retry_after(client, ivan_key, settings, backend, tmp_path):
    settings.HOSO_API_RATE_BACKEND = backend
    settings.HOSO_API_RATE = 0.5
    settings.HOSO_API_BURST = 3
    settings.DATA_DIR = tmp_path
    api = ApiClient(client, ivan_key)
    statuses = [api.get("/api/v1/feed").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/feed")
    assert _code(response) == "API_RATE_LIMITED" and int(response["Retry-After"]) >= 1


def test_the_file_bucket_is_shared_by_processes(tmp_path):
    """Four processes take from one bucket of 100 at the same time: exactly 100 are allowed."""
    script = textwrap.dedent(
        """
        import sys
        from hoso.api import ratelimit
        print(sum(ratelimit._file_take("00030", 1000.0).allowed for _ in range(60)))
        """
    )
    env = os.environ | {
        "HOSO_DATA_DIR": str(tmp_path),
        "HOSO_API_RATE": "0",
        "HOSO_API_BURST": "100",
        "HOSO_SECRET_KEY": "test",  # four processes must not race to create the data directory's secret key
        "DJANGO_SETTINGS_MODULE": "hoso.settings",
    }
    env.pop("DATABASE_URL", None)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err for _out, err in outputs]
    allowed = sum(int(out) for out, _err in outputs)
    assert allowed == 100


def test_the_bucket_refills_at_the_configured_rate(settings, tmp_path):
    settings.DATA_DIR, settings.HOSO_API_RATE, settings.HOSO_API_BURST = tmp_path, 10, 2
    takes = [ratelimit._file_take("00030", t).allowed for t in (0.0, 0.0, 0.0, 0.1, 0.1)]
    assert takes == [True, True, False, True, False]


def test_keys_are_revoked_in_the_admin(admin_client, reference_data):
    row, key = IvanKey.issue(IvanProvider.objects.get(code="00030"), label="EFY")
    listing = admin_client.get("/admin/api/ivankey/")
    assert listing.status_code == 200 and row.prefix in listing.content.decode()
    assert key not in listing.content.decode()
    assert admin_client.get("/admin/api/ivankey/add/").status_code == 403
    admin_client.post("/admin/api/ivankey/", {"action": "revoke", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.revoked_at is not None


def test_an_officers_log_in_opens_no_api(client, reference_data):
    """Officers work in the desk pages; their session is no credential for the I-VAN API, so no API
    reads or changes any office's dossiers for them (issue 7 item 11, the API side)."""
    from django.contrib.auth import get_user_model

    from hoso.reference.models import Officer

    officer = get_user_model().objects.create_user("motcua.khac", is_staff=True, is_superuser=True)
    Officer.objects.create(user=officer, office_id="00101", department_id="mot_cua")
    client.force_login(officer)
    for path in ("/api/v1/dossiers", "/api/v1/feed", "/api/v1/dossiers/00000000-0000-0000-0000-000000000000"):
        response = client.get(path)
        assert response.status_code == 401 and _code(response) == "API_AUTH_MISSING", path
    response = client.post(
        "/api/v1/dossiers/00000000-0000-0000-0000-000000000000/supplements",
        data=b"<x/>",
        content_type="application/xml",
    )
    assert response.status_code in (401, 403)
