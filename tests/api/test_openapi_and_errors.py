"""The served OpenAPI document equals the committed docs/openapi.json; the docs page works offline;
every error that is not a receipt has the one JSON shape."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_openapi_file_is_the_served_one(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert json.loads(COMMITTED.read_text(encoding="utf-8")) == served.json(), (
        "docs/openapi.json is stale: run `hoso openapi -o docs/openapi.json`"
    )


def test_the_openapi_document_describes_every_endpoint(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert set(doc["paths"]) == {
        "/api/v1/dossiers",
        "/api/v1/dossiers/{submission_id}",
        "/api/v1/dossiers/{submission_id}/receipt",
        "/api/v1/dossiers/{submission_id}/supplements",
        "/api/v1/dossiers/{submission_id}/supplements/{supplement_id}/receipt",
        "/api/v1/dossiers/{submission_id}/result",
        "/api/v1/feed",
        "/api/v1/registrations",
        "/api/v1/ping",
        "/api/v1/codes",  # the code catalogue (hoso.api.codes), public
        "/api/v1/problems",  # hoso.reports' router, mounted on the I-VAN API
        "/api/v1/problems/{problem_id}",
    }
    post = doc["paths"]["/api/v1/dossiers"]["post"]
    assert {"200", "201", "401", "413", "415", "422", "429"} <= set(post["responses"])
    assert "application/xml" in post["requestBody"]["content"]
    assert doc["components"]["securitySchemes"]["IvanAuth"]["scheme"] == "bearer"


def test_every_operation_declares_what_any_request_may_be_answered(client):
    """The HTTP server's refusals (400, 414, 417, 431, 501), the key's (401, 403), the rate limit (429)
    and a fault (500): declared for every operation, in the error shape; those of a body for the
    operations that read one."""
    from hoso.api.schemas import ANY_REQUEST

    doc = client.get("/api/v1/openapi.json").json()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    xml_bodies = {("post", "/api/v1/dossiers"), ("post", "/api/v1/registrations"),
                  ("post", "/api/v1/dossiers/{submission_id}/supplements")}  # fmt: skip
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"]
            wanted = {*ANY_REQUEST, *((411, 413, 415, 503) if (method, path) in xml_bodies else ())}
            for status in wanted:
                assert declared[str(status)]["content"] == error, (method, path, status)
                assert declared[str(status)]["description"], (method, path, status)
            if "{" in path:
                assert declared["404"]["content"] == error, (method, path)
    assert "411" not in doc["paths"]["/api/v1/ping"]["get"]["responses"]  # nothing it cannot answer


def test_the_xml_bodies_and_the_parameters_say_what_is_accepted(client):
    doc = client.get("/api/v1/openapi.json").json()
    dossiers = doc["paths"]["/api/v1/dossiers"]["post"]
    assert set(dossiers["requestBody"]["content"]) == {"application/xml", "text/xml"}
    assert dossiers["requestBody"]["content"]["application/xml"]["schema"]["xml"] == {"name": "Hoso"}
    registrations = doc["paths"]["/api/v1/registrations"]["post"]["requestBody"]["content"]
    assert registrations["text/xml"]["schema"]["xml"] == {"name": "DangKyGiaoDichDienTu"}
    (key,) = dossiers["parameters"]
    assert key["name"] == "Idempotency-Key" and key["schema"]["pattern"] == r"^[\x21-\x7e]{1,200}$"
    after = next(p for p in doc["paths"]["/api/v1/feed"]["get"]["parameters"] if p["name"] == "after")
    assert after["schema"]["pattern"] == r"^[0-9]{1,18}(\.[0-9]{1,18})?$"  # a sequence, or <sequence>.<n>
    problem = doc["components"]["schemas"]["ProblemIn"]["properties"]
    assert "other" in problem["category"]["enum"] and problem["title"]["maxLength"] == 200
    assert problem["submission_id"]["anyOf"][0]["format"] == "uuid"


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"category": "nothing"}, "API_INVALID_REQUEST"),
        ({"title": " \t "}, "API_INVALID_REQUEST"),  # no character that is not white space
        ({"title": "x" * 201}, "API_INVALID_REQUEST"),
        ({"dossier_number": "1/2026/00105"}, "API_INVALID_REQUEST"),
        ({"submission_id": "not-an-id"}, "API_INVALID_REQUEST"),
    ],
)
def test_a_problem_report_the_document_calls_invalid_is_400(api, unit, changes, code):
    payload = {"category": "other", "title": "Hỏi", "description": "Hỏi về hồ sơ.", **changes}
    answer = api.client.post("/api/v1/problems", payload, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {api.key}")  # fmt: skip
    assert (answer.status_code, answer.json()["code"]) == (400, code)


@pytest.mark.parametrize(
    "link, code",
    [
        ({"dossier_number": "99999/2099/00105"}, "PROBLEM_DOSSIER_UNKNOWN"),
        ({"submission_id": "00000000-0000-4000-8000-000000000000"}, "PROBLEM_SUBMISSION_UNKNOWN"),
    ],
)
def test_a_problem_report_naming_a_dossier_not_ones_own_is_404(api, unit, link, code):
    payload = {"category": "other", "title": "Hỏi", "description": "Hỏi về hồ sơ.", **link}
    answer = api.client.post("/api/v1/problems", payload, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {api.key}")  # fmt: skip
    assert (answer.status_code, answer.json()["code"]) == (404, code)


def test_a_json_body_over_the_limit_is_413_not_a_fault(api, unit, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = {"category": "other", "title": "Hỏi", "description": "x" * 2000}
    answer = api.client.post("/api/v1/problems", payload, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {api.key}")  # fmt: skip
    assert (answer.status_code, answer.json()["code"]) == (413, "API_BODY_TOO_LARGE")


def test_a_host_not_served_is_a_json_400_under_the_api_and_djangos_page_elsewhere(client, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    api = client.get("/api/v1/ping", HTTP_HOST="hoso.example")
    assert api.status_code == 400 and api.json()["code"] == "API_HOST_NOT_ALLOWED"
    page = client.get("/dang-nhap/", HTTP_HOST="hoso.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_the_docs_page_is_served_from_local_files(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.content and b"cdn" not in page.content
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "init.js"):
        assert client.get(f"/api/v1/docs/{asset}").status_code == 200
    assert client.get("/api/v1/docs/../../settings.py").status_code == 404


def test_unknown_paths_have_the_error_shape(client, reference_data):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json()["code"] == "API_NOT_FOUND" and "nothing/here" in response.json()["message"]


def test_a_wrong_method_has_the_error_shape(api, unit, outside_client):
    response = outside_client.delete("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {api.key}")
    assert response.status_code == 405
    assert response.json()["code"] == "API_METHOD_NOT_ALLOWED"


@pytest.fixture
def outside_client():
    """A client as an integrator's is: no cookies, and Django's CSRF check not switched off (the test
    client switches it off by default)."""
    from django.test import Client

    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/docs/nothing.js", "/api/v1/docs/swagger-ui.css.map", "/api/v1/nothing"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_api_root_and_unknown_docs_files_are_a_json_404(outside_client, path, method):
    response = getattr(outside_client, method)(path)
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "API_NOT_FOUND" and path in body["message"] and path in body["message_en"]


def test_the_api_root_still_anchors_the_openapi_paths(client):
    """django-ninja reverses its root to prefix the operations' paths: replacing its view keeps that."""
    from django.urls import reverse

    assert reverse("api_v1:api-root") == "/api/v1/"
    assert "/api/v1/ping" in client.get("/api/v1/openapi.json").json()["paths"]


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/docs/init.js", "/api/v1/openapi.json"])
def test_the_docs_and_the_openapi_document_are_read_only(outside_client, path):
    for method in ("get", "head"):
        assert getattr(outside_client, method)(path).status_code == 200, (method, path)
    for method in ("post", "put", "patch", "delete", "options"):
        response = getattr(outside_client, method)(path)
        assert response.status_code == 405, (method, path)
        assert response["Allow"] == "GET, HEAD"
        body = response.json()
        assert body["code"] == "API_METHOD_NOT_ALLOWED"
        assert method.upper() in body["message"] and "GET, HEAD" in body["message_en"]


def test_ping_tells_whose_key_it_is(api, unit):
    body = api.get("/api/v1/ping").json()
    assert body["ivan"] == "00030" and body["name"] and "+07:00" in body["time"]


def test_an_internal_fault_has_the_error_shape_too(api, unit, make_envelope, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("hoso.intake.pipeline.receive", broken)
    response = api.submit(make_envelope())
    assert response.status_code == 500
    assert response.json()["code"] == "API_INTERNAL_ERROR" and "gửi lại" in response.json()["message"]
    assert "disk on fire" in caplog.text


def test_problem_reports_share_the_key_and_the_error_shape(api, client, unit):
    assert (
        client.post("/api/v1/problems", {}, content_type="application/json").json()["code"]
        == "API_AUTH_MISSING"
    )
    missing = api.get("/api/v1/problems/999999")
    assert (
        missing.status_code == 404
        and missing.json()["code"] == "API_NOT_FOUND"
        and missing.json()["message_en"]
    )
    bad = api.client.post(
        "/api/v1/problems",
        {"title": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.key}",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "API_INVALID_REQUEST"


def test_an_ivan_reports_a_problem_and_reads_it_back(api, client, other_key, unit):
    from .conftest import ApiClient

    # The problem router answers Status(code, body): django-ninja 1.7 deprecates (code, body) tuples.
    warnings.filterwarnings("error", message=".*Use Status", category=DeprecationWarning)

    created = api.client.post(
        "/api/v1/problems",
        {
            "category": "signature",
            "title": "Chữ ký bị từ chối",
            "description": "Hồ sơ của HB00001 bị từ chối.",
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.key}",
    )
    assert created.status_code == 201, created.content
    problem = created.json()
    assert api.get(f"/api/v1/problems/{problem['id']}").json()["title"] == "Chữ ký bị từ chối"
    assert ApiClient(client, other_key).get(f"/api/v1/problems/{problem['id']}").status_code == 404
