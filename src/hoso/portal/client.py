"""The portal's HTTP interface as public one-stop software calls it (DOMAIN.md §9): a log-in that answers
a session, then each service posted as JSON with that session; ``error_code == 0`` is success.

No official specification was found: the envelope below (``session``, ``madonvi``, ``service``,
``isUpdating``, ``data``) is an assumption kept in this one module, documented in docs/operations.md.
Standard library only (urllib): one request at a time, a time-out per request."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

MAX_ANSWER_BYTES = 1_000_000


class PortalError(Exception):
    """A call that did not succeed; ``kind`` is one of the ledger's error kinds; the message is what IT
    reads under the row's state on the ledger page (Vietnamese)."""

    kind = "answer"

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class Unreachable(PortalError):
    kind = "connection"


class TimedOut(PortalError):
    kind = "timeout"


class LoginRefused(PortalError):
    kind = "auth"


class BadAnswer(PortalError):
    kind = "answer"


class Refused(PortalError):
    """The portal answered with an error code: the record (not the connection) was refused."""

    kind = "refused"


@dataclass(frozen=True)
class PortalSettings:
    url: str
    login_url: str
    username: str
    password: str
    timeout: float


class PortalClient:
    def __init__(self, settings: PortalSettings) -> None:
        self.settings = settings
        self.session = ""

    def login(self) -> str:
        answer = self._post(
            self.settings.login_url or self.settings.url,
            {"username": self.settings.username, "password": self.settings.password},
        )
        code = _error_code(answer)
        if code != "0" or not answer.get("session"):
            raise LoginRefused(_message(answer) or "Cổng không trả về phiên làm việc", code)
        self.session = str(answer["session"])
        return self.session

    def send(self, service: str, agency: str, record: dict, *, updating: bool | None = None) -> dict:
        """Post one record to ``service``; the answer when its ``error_code`` is 0, :class:`Refused`
        otherwise. Logs in first when no session is held."""
        if not self.session:
            self.login()
        body = {"session": self.session, "madonvi": agency, "service": service, "data": [record]}
        if updating is not None:
            body["isUpdating"] = updating
        answer = self._post(self.settings.url, body)
        code = _error_code(answer)
        if code != "0":
            raise Refused(_message(answer) or "Cổng từ chối mà không nói lý do", code)
        return answer

    def _post(self, url: str, body: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310 - the address is the operator's setting
            url,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # noqa: S310
                raw = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise BadAnswer(f"Cổng trả lời lỗi HTTP {exc.code} ({exc.reason})") from exc
        except TimeoutError as exc:
            raise TimedOut(f"Cổng không trả lời trong {self.settings.timeout:g} giây") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise TimedOut(f"Cổng không trả lời trong {self.settings.timeout:g} giây") from exc
            raise Unreachable(f"Không kết nối được tới Cổng (chi tiết: {exc.reason})") from exc
        except OSError as exc:  # reset, broken pipe
            raise Unreachable(f"Kết nối tới Cổng bị ngắt (chi tiết: {type(exc).__name__}: {exc})") from exc
        if len(raw) > MAX_ANSWER_BYTES:
            raise BadAnswer("Câu trả lời của Cổng lớn hơn 1 MB")
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise BadAnswer(f"Câu trả lời của Cổng không phải JSON: {raw[:200]!r}") from exc
        if not isinstance(answer, dict):
            raise BadAnswer(f"Câu trả lời của Cổng không phải một đối tượng JSON: {raw[:200]!r}")
        return answer


def _error_code(answer: dict) -> str:
    value = answer.get("error_code")
    return "" if value is None else str(value).strip()


def _message(answer: dict) -> str:
    for key in ("message", "error_message", "msg"):
        if answer.get(key):
            return str(answer[key])[:1000]
    return ""
