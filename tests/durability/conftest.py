"""Durability under SIGKILL for the desk and for supplements: a gateway of its own (`hoso init`, the
demo signing world, an I-VAN key) served by a real `hoso serve`, on SQLite, or on a fresh PostgreSQL
database when DATABASE_URL is set. Server-side steps run in the gateway's environment (steps.py)."""

from __future__ import annotations

import http.client
import json
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from hoso.testing.loadtest import HOST
from tests.api.conftest import live_site  # noqa: F401 — the fixture

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(live_site):  # noqa: F811 — a gateway of its own per test module (tests/api/conftest.py)
    return live_site


def step(site, name: str, arg: dict | None = None) -> dict:
    """Run a server-side step of steps.py in the gateway's environment; its JSON answer."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.durability.steps", name],
        input=json.dumps(arg or {}),
        env=site.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- an officer's browser -----------------------------------------------------------------------------


@dataclass
class DeskSession:
    """One logged-in officer's browser: its cookies (session, CSRF) and the forms it posts."""

    port: int
    username: str
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None, timeout: float = 60):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://{HOST}:{self.port}",
            }
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), data
        finally:
            conn.close()

    def login(self, password: str) -> DeskSession:
        status, _, _ = self.request("GET", "/dang-nhap/")
        assert status == 200 and "csrftoken" in self.cookies
        status, headers, body = self.request(
            "POST", "/dang-nhap/", {"username": self.username, "password": password, "next": ""}
        )
        assert status == 302 and "sessionid" in self.cookies, (status, body[:500])
        assert headers["Location"] == "/tiep-nhan/"
        return self

    def post_scanner(self, text: str, timeout: float = 60):
        """What the scanner typed, posted from the reception page: the redirect to the verdict. A
        submitter of another office is named first (the office guard): the officer confirms, as at a
        real desk, and is then sent to the verdict."""
        answer = self.request("POST", "/tiep-nhan/", {"mode": "scanner", "scanner": text}, timeout=timeout)
        status, headers, _ = answer
        if status != 302 or headers.get("Location") != "/tiep-nhan/":
            return answer
        status, _, page = self.request("GET", "/tiep-nhan/", timeout=timeout)
        asked = OTHER_OFFICE.search(page.decode()) if status == 200 else None
        if asked is None:
            return answer
        form = {"mode": "confirm_office", "office": asked.group(1)}
        return self.request("POST", "/tiep-nhan/", form, timeout=timeout)


OTHER_OFFICE = re.compile(
    r'name="mode" value="confirm_office"><input type="hidden" name="office" value="(\d+)"'
)


NUMBER = re.compile(r"\b\d{5}/\d{4}/\d{5}\b")
VERDICT = re.compile(r'class="card verdict (ok|refused)"')


def verdict(page: bytes) -> tuple[str, str]:
    """("accepted", number) or ("refused", "") as the verdict page shows it."""
    html = page.decode()
    found = VERDICT.search(html)
    assert found, html[:2000]
    if found.group(1) == "refused":
        return "refused", ""
    heading = html[found.end() :].split("</h1>", 1)[0]
    return "accepted", NUMBER.search(heading).group(0)


def kill_when(server, enough: threading.Event) -> tuple[threading.Event, threading.Event]:
    """SIGKILL the server (master and workers) a random moment up to 0.4 s after ``enough`` is set, so
    that the kill falls at a different point of the requests in flight each run. Returns ``stopping``
    (set at the kill: clients take no new job) and ``killed`` (set once the server is dead)."""
    stopping, killed = threading.Event(), threading.Event()

    def killer() -> None:
        enough.wait(timeout=300)
        time.sleep(random.uniform(0, 0.4))  # noqa: S311 — a moment, not a secret
        stopping.set()
        server.kill()
        killed.set()

    threading.Thread(target=killer, daemon=True).start()
    return stopping, killed
