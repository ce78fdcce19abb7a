"""Log lines with time, level, logger and request id; the request id answered in X-Request-ID (issue 18)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.conf import settings

from hoso.logs import JsonFormatter, RequestIdFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def test_a_request_gets_an_id_or_keeps_the_proxys(client):
    fresh = client.get("/dang-nhap/", HTTP_HOST="127.0.0.1")
    assert re.fullmatch(r"[0-9a-f]{16}", fresh["X-Request-ID"])
    kept = client.get("/dang-nhap/", HTTP_HOST="127.0.0.1", HTTP_X_REQUEST_ID="nginx-7f3a9c")
    assert kept["X-Request-ID"] == "nginx-7f3a9c"
    hostile = client.get("/dang-nhap/", HTTP_HOST="127.0.0.1", HTTP_X_REQUEST_ID="a\r\nSet-Cookie: x=1")
    assert re.fullmatch(r"[0-9a-f]{16}", hostile["X-Request-ID"])


def _line(formatter: logging.Formatter, request_id: str | None) -> str:
    record = logging.LogRecord(
        "hoso.intake", logging.WARNING, __file__, 1, "Hồ sơ %s bị từ chối", ("00001",), None
    )
    if request_id is None:
        RequestIdFilter().filter(record)
        return formatter.format(record)
    seen = {}

    def view(request):
        RequestIdFilter().filter(record)
        seen["line"] = formatter.format(record)
        from django.http import HttpResponse

        return HttpResponse()

    from django.test import RequestFactory

    RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=request_id))
    return seen["line"]


def test_text_lines_carry_time_level_logger_and_request():
    text = settings.LOGGING["formatters"]["text"]
    formatter = logging.Formatter(text["format"], text["datefmt"])
    line = _line(formatter, "abc123")
    assert re.match(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} WARNING hoso.intake \[abc123\] Hồ sơ 00001 bị từ chối$",
        line,
    )
    assert "[-]" in _line(formatter, None)  # outside a request


def test_json_lines_for_a_log_collector():
    entry = json.loads(_line(JsonFormatter(), "abc123"))
    assert (
        entry["level"] == "WARNING" and entry["request_id"] == "abc123" and entry["logger"] == "hoso.intake"
    )
    assert entry["message"] == "Hồ sơ 00001 bị từ chối" and entry["time"].endswith("+00:00")
