"""The load generator's own HTTP client (hoso.testing.loadtest.request): what it reads from an answer, and
that an answer cut short is an error, never a shorter body taken for the whole (the crash tests count on
it)."""

from __future__ import annotations

import http.client
import socket
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.testing.loadtest import HOST, parse_response, request


def _answer(status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode("latin-1") + body


@given(st.binary(max_size=4096))
def test_a_body_with_its_length_is_read_whole(body):
    raw = _answer("201 Created", [("Content-Length", str(len(body))), ("X-Submission-Id", "abc")], body)
    assert parse_response(raw) == (201, {"Content-Length": str(len(body)), "X-Submission-Id": "abc"}, body)


@given(st.lists(st.binary(min_size=1, max_size=300), max_size=8))
def test_a_chunked_body_is_put_back_together(parts):
    chunked = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in parts) + b"0\r\n\r\n"
    raw = _answer("200 OK", [("Transfer-Encoding", "chunked")], chunked)
    assert parse_response(raw)[2] == b"".join(parts)


@given(st.binary(min_size=1, max_size=2048), st.data())
def test_an_answer_cut_short_is_an_error(body, data):
    raw = _answer("201 Created", [("Content-Length", str(len(body)))], body)
    cut = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    with pytest.raises(http.client.HTTPException):
        parse_response(raw[:cut])


@pytest.mark.parametrize(
    "raw",
    [b"SSH-2.0-OpenSSH\r\n\r\n", b"HTTP/1.1 2xx Odd\r\n\r\n", b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n"],
)
def test_what_is_not_an_http_answer_is_an_error(raw):
    with pytest.raises(http.client.HTTPException):
        parse_response(raw)


def test_a_bad_length_is_an_error_not_a_crash_of_the_client_thread():
    with pytest.raises(http.client.HTTPException):
        parse_response(_answer("200 OK", [("Content-Length", "twelve")], b"x"))


def test_the_request_sent_on_the_wire():
    """Method, path, key, media type and length, and the connection closed after the answer."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(1)
        listener.settimeout(10)  # a client that never connects fails the test instead of hanging it
        received = []

        def serve():
            conn, _ = listener.accept()
            conn.settimeout(10)
            with conn:
                data = b""
                while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < 5:
                    data += conn.recv(4096)
                received.append(data)
                conn.sendall(_answer("422 Unprocessable Entity", [("Content-Length", "2")], b"no"))

        thread = threading.Thread(target=serve)
        thread.start()
        answer = request(listener.getsockname()[1], "POST", "/api/v1/dossiers", key="k1", body=b"<a/>x")
        thread.join()
    assert answer == (422, {"Content-Length": "2"}, b"no")
    head, _, body = received[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /api/v1/dossiers HTTP/1.1" and body == b"<a/>x"
    assert {"Authorization: Bearer k1", "Content-Type: application/xml", "Content-Length: 5"} <= set(lines)
    assert "Connection: close" in lines


def test_after_a_reset_only_a_complete_answer_of_declared_length_counts():
    whole = _answer("201 Created", [("Content-Length", "3")], b"abc")
    assert parse_response(whole, closed_cleanly=False) == (201, {"Content-Length": "3"}, b"abc")
    with pytest.raises(http.client.HTTPException):
        parse_response(whole[:-1], closed_cleanly=False)
    with pytest.raises(http.client.HTTPException):  # no length: the reset may have cut it
        parse_response(_answer("200 OK", [], b"abc"), closed_cleanly=False)
    assert parse_response(_answer("200 OK", [], b"abc")) == (200, {}, b"abc")  # ended by a clean close
