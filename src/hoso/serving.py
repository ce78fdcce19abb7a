"""The answers gunicorn gives by itself — to a request it cannot read, before any of Django runs — in the
gateway's one error shape (``{"code", "message", "message_en"}``, JSON) instead of gunicorn's HTML page,
so that the statuses the OpenAPI document declares for every operation (400, 414, 417, 431, 501, 500)
have the body it declares.

gunicorn writes those answers with ``gunicorn.util.write_error``, from ``Worker.handle_error`` (which
also logs them and writes the access-log line). :func:`install` replaces that function in a gunicorn
process that serves the gateway; ``hoso.api``'s app config calls it when Django starts in a process where
gunicorn is loaded (every worker of `hoso serve`, or of ``gunicorn hoso.wsgi:application`` run by hand).
The request line may not even have been read, so the answer is the same whatever the path.

This module is also gunicorn's configuration under `hoso serve` (``--config python:hoso.serving``, given
through ``GUNICORN_CMD_ARGS`` by :func:`use_hooks`): its hooks :func:`on_starting` and :func:`child_exit`
keep the workers' metrics (``hoso.operations.metrics``) in one directory, ``DATA_DIR/run/metrics``.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from gunicorn.config import LimitRequestFields, LimitRequestFieldSize, LimitRequestLine

from hoso.config import read

#: gunicorn's limits of a request (its defaults, which `hoso serve` keeps): a longer request line is
#: answered 414, more or longer header fields 431.
LIMIT_REQUEST_LINE = LimitRequestLine.default
LIMIT_REQUEST_FIELDS = LimitRequestFields.default
LIMIT_REQUEST_FIELD_SIZE = LimitRequestFieldSize.default

#: gunicorn's refusals: status → (code, Vietnamese, English).
REFUSALS = {
    400: (
        "HTTP_BAD_REQUEST",
        "Yêu cầu HTTP không đúng cú pháp.",
        "The HTTP request is malformed.",
    ),
    403: ("HTTP_FORBIDDEN", "Yêu cầu bị từ chối.", "The request is forbidden."),
    414: (
        "HTTP_URI_TOO_LONG",
        f"Dòng yêu cầu (phương thức, đường dẫn và tham số) quá dài: tối đa {LIMIT_REQUEST_LINE} byte.",
        f"The request line (method, path and query) is too long: at most {LIMIT_REQUEST_LINE} bytes.",
    ),
    417: (
        "HTTP_EXPECTATION_FAILED",
        "Tiêu đề Expect chỉ nhận giá trị 100-continue.",
        "The Expect header may only be 100-continue.",
    ),
    431: (
        "HTTP_HEADERS_TOO_LARGE",
        f"Phần tiêu đề của yêu cầu quá lớn: tối đa {LIMIT_REQUEST_FIELDS} tiêu đề, mỗi tiêu đề tối đa "
        f"{LIMIT_REQUEST_FIELD_SIZE} byte.",
        f"The request's header fields are too large: at most {LIMIT_REQUEST_FIELDS} fields of at most "
        f"{LIMIT_REQUEST_FIELD_SIZE} bytes each.",
    ),
    501: (
        "HTTP_TRANSFER_CODING",
        "Kiểu truyền (Transfer-Encoding) này không được hỗ trợ.",
        "This Transfer-Encoding is not supported.",
    ),
}
INTERNAL = (
    "API_INTERNAL_ERROR",
    "Lỗi hệ thống của cổng tiếp nhận; yêu cầu chưa được xử lý. Vui lòng gửi lại sau.",
    "An internal error of the gateway; the request was not processed. Send it again later.",
)


def error_body(status: int, detail: str = "") -> bytes:
    """The JSON body of gunicorn's answer ``status`` (``detail``: gunicorn's description, kept short)."""
    code, message_vi, message_en = REFUSALS.get(status, INTERNAL)
    body: dict = {"code": code, "message": message_vi, "message_en": message_en}
    if detail and status in REFUSALS:
        body["details"] = {"reason": detail[:200]}
    return json.dumps(body, ensure_ascii=False).encode()


def write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """``gunicorn.util.write_error`` in the gateway's error shape (same arguments, same framing)."""
    from gunicorn import util

    body = error_body(status_int, mesg)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install() -> bool:
    """In a gunicorn process, make gunicorn's own error answers JSON; whether it did (not in another
    process: nothing of gunicorn is loaded or changed there)."""
    if "gunicorn.workers.base" not in sys.modules:
        return False
    from gunicorn import util

    util.write_error = write_error
    return True


# --- gunicorn's hooks: the workers' metrics (prometheus_client's multiprocess mode) ---------------------

METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's variable, read when a worker imports it
CONFIG = "python:hoso.serving"


def use_hooks(environ=os.environ) -> None:
    """Have the gunicorn that `hoso serve` becomes read this module as its configuration (gunicorn takes
    options from ``GUNICORN_CMD_ARGS`` too); a configuration an administrator gives there is left alone
    (it then names these hooks itself: docs/operations.md, Metrics)."""
    given = environ.get("GUNICORN_CMD_ARGS", "")
    if any(word in ("-c", "--config") or word.startswith(("-c", "--config=")) for word in shlex.split(given)):
        return
    environ["GUNICORN_CMD_ARGS"] = f"{given} --config {CONFIG}".strip()


def metrics_dir(environ=os.environ) -> Path:
    """``DATA_DIR/run/metrics``: ``HOSO_DATA_DIR`` resolved as the settings resolve it."""
    return Path(read(environ)["HOSO_DATA_DIR"]).resolve() / "run" / "metrics"


def on_starting(server) -> None:
    """gunicorn's master, before it starts any worker: an empty metrics directory, named in the
    environment every worker inherits (a restart starts the per-server histograms from zero)."""
    directory = metrics_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[METRICS_ENV] = str(directory)


def child_exit(server, worker) -> None:
    """gunicorn's master, a worker gone: its live gauges are dropped (its counts stay, as they should)."""
    if os.environ.get(METRICS_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, os.environ[METRICS_ENV])
