"""Contract testing: schemathesis drives a live `hoso serve` from the committed OpenAPI file (bounded
examples, fixed seed), with data the document calls valid and data it calls invalid. No answer is a
server error; every answer — status code, content type and body — is one the document declares; every
request the document calls invalid is refused (4xx) and every request it calls valid is accepted
(tests/api/schemathesis.toml says why 422 counts as accepted for the XML operations). The answers the
HTTP server gives by itself, before Django (414, 431, …), are declared and have the error shape too."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hoso.testing.loadtest import Server, make_envelopes, prepare, request

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"
CONFIG = Path(__file__).with_name("schemathesis.toml")
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
    )
)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A gateway of its own under `hoso serve` (not throttled: the contract, not the rate limit, is what
    is tested; 429 is declared and tested in test_auth.py)."""
    site = prepare(
        tmp_path_factory.mktemp("contract"),
        database_url=os.environ.get("DATABASE_URL"),
        extra_env={"HOSO_API_RATE_BACKEND": "off"},
    )
    try:
        with Server(site, workers=2) as server:
            yield site, server
    finally:
        site.close()


def test_the_live_api_keeps_the_committed_contract(live, tmp_path):
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    if st is None:
        pytest.skip("schemathesis is not installed (make test installs the dev extra)")
    site, server = live
    # A real dossier, so that the operations on one are tested on it too (half of their examples).
    status, headers, _ = request(
        server.port, "POST", "/api/v1/dossiers", key=site.key, body=make_envelopes(site, 1)[0]
    )
    assert status == 201, headers
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        CONFIG.read_text(encoding="utf-8")
        + f'\n[dictionaries.submissions]\nvalues = ["{headers["X-Submission-Id"]}"]\n\n'
        '[parameters]\n"path.submission_id" = { dictionary = "submissions", probability = 0.5 }\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [st, "--config-file", str(config), "run", str(COMMITTED), "--url", f"http://127.0.0.1:{server.port}",
         "-H", f"Authorization: Bearer {site.key}", "--checks", CHECKS, "--mode", "all",
         "--max-examples", "25", "--seed", "2671", "--generation-deterministic", "--request-timeout", "30"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout.split("SUMMARY")[-1]


def _raw(port: int, head: bytes) -> tuple[int, str, dict]:
    """Send bytes as they are (some are not HTTP a client library would write); (status, type, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head_part, _, body = answer.partition(b"\r\n\r\n")
    lines = head_part.decode("latin-1").split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if fields.get("transfer-encoding") == "chunked":
        size, _, rest = body.partition(b"\r\n")
        body = rest[: int(size, 16)]
    return int(lines[0].split()[1]), fields.get("content-type", ""), json.loads(body)


def test_what_the_http_server_refuses_is_declared_and_has_the_error_shape(live):
    """gunicorn answers some requests before Django sees them (hoso.serving) and Django some before the
    API does (a Host it does not serve): every operation declares those statuses, and the body is the
    API's error shape with its code."""
    site, server = live
    auth = f"Authorization: Bearer {site.key}\r\n"
    ping = "GET /api/v1/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    cases = {
        "long request line": (414, "HTTP_URI_TOO_LONG",
                              f"GET /api/v1/dossiers?number={'1' * 5000} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}"),
        "long header": (431, "HTTP_HEADERS_TOO_LARGE", f"{ping}{auth}X-Note: {'a' * 9000}\r\n"),
        "too many headers": (431, "HTTP_HEADERS_TOO_LARGE",
                             ping + auth + "".join(f"X-N{i}: 1\r\n" for i in range(120))),
        "not a request line": (400, "HTTP_BAD_REQUEST", "NOT HTTP AT ALL\r\n"),
        "an expectation": (417, "HTTP_EXPECTATION_FAILED", f"{ping}{auth}Expect: 200-ok\r\n"),
        "a transfer coding": (501, "HTTP_TRANSFER_CODING",
                              "POST /api/v1/dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              f"{auth}Content-Type: application/xml\r\nTransfer-Encoding: br\r\n"),
        "a host not served": (400, "API_HOST_NOT_ALLOWED",
                              f"GET /api/v1/ping HTTP/1.1\r\nHost: hoso.example\r\n{auth}"),
    }  # fmt: skip
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for label, (expected, code, head) in cases.items():
        status, media, body = _raw(server.port, (head + "Connection: close\r\n\r\n").encode("latin-1"))
        assert (status, body["code"]) == (expected, code), label
        assert media.startswith("application/json") and body["message"] and body["message_en"], label
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                declared = operation["responses"].get(str(expected), {})
                schema = declared.get("content", {}).get("application/json", {}).get("schema", {})
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (label, method, path)
